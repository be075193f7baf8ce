package jsontext

import "testing"

func TestValueEnd(t *testing.T) {
	tests := []struct {
		in  string
		end int
		ok  bool
	}{
		{`"a"`, 3, true},
		{`"a\"b",1`, 6, true},
		{`"open`, 0, false},
		{`{"a":[1,{"b":"}"}]},2`, 19, true},
		{`[1,2`, 0, false},
		{`12.5e3]`, 6, true},
		{`true }`, 4, true},
		{`null`, 4, true},
		{`]`, 0, false},
		{`,`, 0, false},
		{``, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			end, ok := ValueEnd([]byte(tt.in), 0)
			if end != tt.end || ok != tt.ok {
				t.Errorf("ValueEnd(%q) = %d, %v; want %d, %v", tt.in, end, ok, tt.end, tt.ok)
			}
		})
	}
}

func TestSkipSpace(t *testing.T) {
	tests := []struct {
		in   string
		from int
		want int
	}{
		{" \t\r\nx", 0, 4},
		{"x", 0, 0},
		{"  ", 0, 2},
		{"a  b", 1, 3},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := SkipSpace([]byte(tt.in), tt.from); got != tt.want {
				t.Errorf("SkipSpace(%q, %d) = %d, want %d", tt.in, tt.from, got, tt.want)
			}
		})
	}
}

func FuzzValueEnd(f *testing.F) {
	for _, s := range []string{`"a"`, `{"a":[1]}`, `[1,"]"]`, `12`, `"\\"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		end, ok := ValueEnd(b, 0)
		if ok && (end <= 0 || end > len(b)) {
			t.Fatalf("ValueEnd(%q) = %d outside the input", b, end)
		}
	})
}

func TestAppendToArray(t *testing.T) {
	tests := []struct{ in, want string }{
		{`["e"]`, `["e","o"]`},
		{`["e",1,{"a":[2]}]`, `["e",1,{"a":[2]},"o"]`},
		{`[]`, `["o"]`},
		{`[ ]`, `[ "o"]`},
		{`["e"] `, `["e","o"]`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := string(AppendToArray([]byte(tt.in), "o")); got != tt.want {
				t.Errorf("AppendToArray(%s) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}
