package main

import "testing"

func TestCPUCount(t *testing.T) {
	tests := []struct {
		list string
		want int
	}{
		{"1", 1},
		{"0,2-3", 3},
		{"0-7", 8},
		{"3-1", 0},
		{"a", 0},
		{"", 0},
	}
	for _, tt := range tests {
		t.Run(tt.list, func(t *testing.T) {
			if got := cpuCount(tt.list); got != tt.want {
				t.Errorf("cpuCount(%q) = %d, want %d", tt.list, got, tt.want)
			}
		})
	}
}
