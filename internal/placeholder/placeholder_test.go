package placeholder

import (
	"encoding/json"
	"testing"
)

func TestAppend(t *testing.T) {
	for _, n := range []int{0, 7, 1000} {
		got := Append([]byte("["), n)
		var p struct {
			Placeholder bool `json:"_placeholder"`
			Num         int  `json:"num"`
		}
		if err := json.Unmarshal(got[1:], &p); err != nil || !p.Placeholder || p.Num != n {
			t.Errorf("Append(%d) = %s (%v)", n, got, err)
		}
		if i, ok := Index(got[len(`[{"_placeholder":true,"num":`):len(got)-1], n+1); !ok || i != n {
			t.Errorf("Index of Append(%d) = %d, %v", n, i, ok)
		}
	}
	if got := string(Append(nil, 3)); got != `{"_placeholder":true,"num":3}` {
		t.Errorf("Append(3) = %s", got)
	}
}

func TestIndex(t *testing.T) {
	tests := []struct {
		num  string
		n    int
		want int
		ok   bool
	}{
		{"0", 1, 0, true},
		{"2", 3, 2, true},
		{"3", 3, 3, false},
		{"-0", 1, 0, true},
		{"-1", 5, 0, false},
		{"1.0", 5, 0, false},
		{"1e0", 5, 0, false},
		{`"1"`, 5, 0, false},
		{"", 5, 0, false},
		{"12345678901", 5, 0, false},
		{"true", 5, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.num, func(t *testing.T) {
			got, ok := Index([]byte(tt.num), tt.n)
			if ok != tt.ok || (ok && got != tt.want) {
				t.Errorf("Index(%q, %d) = %d, %v; want %d, %v", tt.num, tt.n, got, ok, tt.want, tt.ok)
			}
		})
	}
}
