package jsontext

import (
	"math"
	"strings"
	"testing"
)

// The wanted spellings are what Node prints for String(n).
func TestAppendNumber(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{1, "1"},
		{-2.25, "-2.25"},
		{0.1, "0.1"},
		{1e21, "1e+21"},
		{-1e21, "-1e+21"},
		{999999999999999900000, "999999999999999900000"},
		{1.5e-7, "1.5e-7"},
		{1e-7, "1e-7"},
		{0.000001, "0.000001"},
		{1e300, "1e+300"},
		{5e-324, "5e-324"},
		{1 << 53, "9007199254740992"},
		{float64(1 << 63), "9223372036854776000"},
		{123456789012, "123456789012"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "Infinity"},
		{math.Inf(-1), "-Infinity"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := string(AppendNumber([]byte("x"), tt.in)); got != "x"+tt.want {
				t.Errorf("AppendNumber(%v) = %q, want %q", tt.in, got, "x"+tt.want)
			}
			want := tt.want
			if math.IsNaN(tt.in) || math.IsInf(tt.in, 0) {
				want = "null"
			}
			if got := string(AppendJSONNumber(nil, tt.in)); got != want {
				t.Errorf("AppendJSONNumber(%v) = %q, want %q", tt.in, got, want)
			}
		})
	}
}

func TestArrayIndex(t *testing.T) {
	tests := []struct {
		in   string
		want uint32
		ok   bool
	}{
		{"0", 0, true},
		{"10", 10, true},
		{"4294967294", 4294967294, true},
		{"4294967295", 0, false}, // 2³²−1 is not an index
		{"01", 0, false},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"", 0, false},
		{"12345678901", 0, false},
		{"a", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ArrayIndex(tt.in)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ArrayIndex(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// The wanted orders are what Node prints for
// Object.keys(JSON.parse('{...}')) with the keys in the given order.
func TestOrderKeys(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"zeta alpha 10 2", "2 10 zeta alpha"},
		{"b a", "b a"},
		{"4294967295 01 -1 3 1", "1 3 4294967295 01 -1"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			keys := strings.Fields(tt.in)
			OrderKeys(keys, func(k string) string { return k })
			if got := strings.Join(keys, " "); got != tt.want {
				t.Errorf("OrderKeys(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestAppendStringJS(t *testing.T) {
	tests := []struct {
		in, want, wantJS string
	}{
		{"a\u2028b\u2029", `"a\u2028b\u2029"`, "\"a\u2028b\u2029\""},
		{"q\"\\\n\x01<&>", `"q\"\\\n\u0001<&>"`, `"q\"\\\n\u0001<&>"`},
		{"bad\xff", `"bad\ufffd"`, `"bad\ufffd"`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := string(AppendString(nil, tt.in)); got != tt.want {
				t.Errorf("AppendString(%q) = %s, want %s", tt.in, got, tt.want)
			}
			if got := string(AppendStringJS(nil, tt.in)); got != tt.wantJS {
				t.Errorf("AppendStringJS(%q) = %s, want %s", tt.in, got, tt.wantJS)
			}
		})
	}
}
