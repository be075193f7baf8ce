package jsontext

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

var validInputs = []string{
	``, ` `, `null`, ` null `, `nul`, `nullx`, `true`, `false`, `tru`, `falsey`,
	`0`, `-0`, `01`, `-`, `1.`, `1.5`, `.5`, `1e5`, `1E+5`, `1e-5`, `1e`, `1e+`, `-1.5e-07`, `1x`, `1 2`,
	`""`, `"a"`, `"\"\\\/\b\f\n\r\t"`, `"\u00e9\uD83D\uDE00"`, `"\u00g0"`, `"\u12"`, `"\x"`, `"a`, `"\`, "\"\x01\"", "\"\x7f\"",
	"\"é\"", "\"\xff\"", "\"\xed\xa0\x80\"", "\"\xe2\x82\"", "\xff", "\"\u2028\"",
	`[]`, `[ ]`, `[1,2]`, `[1,]`, `[,1]`, `[1 2]`, `[`, `]`, `[[[]]]`, `[[]`, `[]]`, `[}`,
	`{}`, `{ }`, `{"a":1}`, `{"a":1,}`, `{"a"}`, `{"a":}`, `{a:1}`, `{"a":1 "b":2}`, `{"a":[{"b":null}]}`, `{"a":1}}`, `{]`, `{"a":1]`,
	` [ { "a" : [ 1 , "x" , { } ] } ] `, "\t\r\n[\n]\n", `[1]x`, `{} {}`,
}

// TestValid compares Valid with json.Valid (and utf8.Valid) on inputs at
// the edges of the grammar and of the nesting limit.
func TestValid(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	deepObj := func(n int) string { return strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n) }
	inputs := append([]string{}, validInputs...)
	inputs = append(inputs, deep(64), deep(65), deep(MaxDepth), deep(MaxDepth+1), deepObj(MaxDepth), deepObj(MaxDepth+1),
		deep(MaxDepth)[:MaxDepth+5])
	for _, in := range inputs {
		t.Run("", func(t *testing.T) {
			if got, want := Valid([]byte(in), false), json.Valid([]byte(in)); got != want {
				t.Errorf("Valid(%.40q, false) = %t, json.Valid %t", in, got, want)
			}
			if got, want := Valid([]byte(in), true), json.Valid([]byte(in)) && utf8.Valid([]byte(in)); got != want {
				t.Errorf("Valid(%.40q, true) = %t, json.Valid && utf8.Valid %t", in, got, want)
			}
		})
	}
}

func TestValidDoesNotAllocate(t *testing.T) {
	in := []byte(`{"a":[1,"x",{"b":null,"c":[true,false,-1.5e3]}],"é":"\u00e9"}`)
	if n := testing.AllocsPerRun(100, func() { Valid(in, true) }); n != 0 {
		t.Errorf("Valid allocates %v times", n)
	}
}

func FuzzValid(f *testing.F) {
	for _, in := range validInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if got, want := Valid(in, false), json.Valid(in); got != want {
			t.Errorf("Valid(%q, false) = %t, json.Valid %t", in, got, want)
		}
		if got, want := Valid(in, true), json.Valid(in) && utf8.Valid(in); got != want {
			t.Errorf("Valid(%q, true) = %t, json.Valid && utf8.Valid %t", in, got, want)
		}
	})
}

// BenchmarkValid compares Valid with encoding/json's json.Valid and
// utf8.Valid, as the packet encoder checked a json.RawMessage before, in
// the same run. No figure is asserted.
func BenchmarkValid(b *testing.B) {
	for _, in := range []struct{ name, text string }{
		{"loadtest-payload", `{"text":"hello, world","n":42}`},
		{"object-1KB", `{"id":42,"name":"widget","tags":["a","b","c"],"where":{"x":1,"y":2,"label":"here"},"attrs":{"color":"red","size":"L"},"path":[` + strings.Repeat(`{"x":1.5,"y":-2e3,"label":"é"},`, 28) + `null]}`},
	} {
		raw := []byte(in.text)
		b.Run(in.name+"/jsontext", func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if !Valid(raw, true) {
					b.Fatal("invalid")
				}
			}
		})
		b.Run(in.name+"/encoding-json", func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				if !json.Valid(raw) || !utf8.Valid(raw) {
					b.Fatal("invalid")
				}
			}
		})
	}
}
