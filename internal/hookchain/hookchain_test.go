package hookchain

import (
	"slices"
	"testing"
)

// TestThen checks the order of the calls, and that a nil side gives the
// other function itself (no wrapper: merging observers costs nothing per
// call when only one sets a hook).
func TestThen(t *testing.T) {
	var calls []string
	rec := func(name string) func(int) { return func(a int) { calls = append(calls, name) } }
	tests := []struct {
		name string
		f, g func(int)
		want []string
	}{
		{"both", rec("f"), rec("g"), []string{"f", "g"}},
		{"f only", rec("f"), nil, []string{"f"}},
		{"g only", nil, rec("g"), []string{"g"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls = nil
			Then1(tt.f, tt.g)(1)
			if !slices.Equal(calls, tt.want) {
				t.Errorf("calls %v, want %v", calls, tt.want)
			}
		})
	}
	if Then0(nil, nil) != nil || Then1[int](nil, nil) != nil || Then2[int, int](nil, nil) != nil {
		t.Error("two nil hooks joined into a non-nil one")
	}
	n := 0
	Then0(func() { n++ }, func() { n += 10 })()
	Then2(func(a, b int) { n += a }, func(a, b int) { n += b })(100, 1000)
	Then3(func(a, b, c int) { n += c }, nil)(0, 0, 10000)
	Then5(nil, func(a, b, c, d, e int) { n += e })(0, 0, 0, 0, 100000)
	if n != 111111 {
		t.Errorf("n = %d, want 111111", n)
	}
}

// TestPipe: g gets the value f returned in place of the first argument.
func TestPipe(t *testing.T) {
	add := func(k int) func(a, b, c, d int) int { return func(a, b, c, d int) int { return a*10 + k } }
	if got := Pipe(add(1), add(2))(0, 0, 0, 0); got != 12 {
		t.Errorf("both: %d, want 12", got)
	}
	if got := Pipe(nil, add(2))(5, 0, 0, 0); got != 52 {
		t.Errorf("g only: %d, want 52", got)
	}
	if Pipe[int, int, int, int](nil, nil) != nil {
		t.Error("two nil hooks joined into a non-nil one")
	}
}

func TestNonNil(t *testing.T) {
	a, b := new(int), new(int)
	tests := []struct {
		name string
		in   []*int
		want []*int
	}{
		{"none", nil, nil},
		{"all nil", []*int{nil, nil}, nil},
		{"mixed", []*int{nil, a, nil, b}, []*int{a, b}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NonNil(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("NonNil = %v, want %v", got, tt.want)
			}
		})
	}
}
