package gen

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"slices"
	"strings"
	"testing"
)

// topKeys returns the keys of the JSON object encoding/json writes for v,
// in order.
func topKeys(t *testing.T, v any) []string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var keys []string
	depth := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return keys
		} else if err != nil {
			t.Fatal(err)
		}
		switch tok := tok.(type) {
		case json.Delim:
			if tok == '{' || tok == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			// At depth 1, a string read where a key is expected.
			if depth == 1 && dec.More() {
				keys = append(keys, tok)
				// Skip the value.
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// TestJSONFields compares jsonFields with encoding/json on the types of
// schema_types_test.go: the fields of a value with every field set are
// jsonFields's, in order, and the fields of the zero value include the
// required ones.
func TestJSONFields(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "schema_types_test.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	pkg, err := (&types.Config{Importer: importer.Default()}).Check("gen", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	one := 1
	inner := jfInner{X: "x", Y: "y", Z: "z"}
	other := jfOther{Y: "y", W: "w"}
	for _, tc := range []struct {
		name string
		full any // every field set
		zero any
		want string // jsonFields's names, space-separated ("*" marks required ones)
	}{
		{"jfPlain", jfPlain{"a", 1, true, &one, 1, "s", "d", "b", 2}, jfPlain{}, "A* b* c d -* Bad* Quoted*"},
		{"jfEmbed", jfEmbed{inner, other, "Z", &jfPtr{"q"}, &jfPtr{"q"}, other}, jfEmbed{}, "x* z* w* Z* P q tagged*"},
		{"jfShadow", jfShadow{jfDeep{inner}, "x", "y"}, jfShadow{}, "z* x* Y*"},
		{"jfTagWins", jfTagWins{jfTagA{"a"}, jfTagB{"b"}}, jfTagWins{}, "N*"},
		{"jfTwice", jfTwice{jfTwiceA{jfPtr{"a"}}, jfTwiceB{jfPtr{"b"}}}, jfTwice{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obj := pkg.Scope().Lookup(tc.name)
			if obj == nil {
				t.Fatalf("no type %s", tc.name)
			}
			fields := jsonFields(obj.Type())
			var got, names []string
			for _, f := range fields {
				names = append(names, f.name)
				s := f.name
				_, isPtr := types.Unalias(f.typ).(*types.Pointer)
				if !f.omit && !isPtr {
					s += "*"
				}
				got = append(got, s)
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("jsonFields: %q, want %q", strings.Join(got, " "), tc.want)
			}
			if keys := topKeys(t, tc.full); !slices.Equal(keys, names) {
				t.Errorf("encoding/json writes %q, jsonFields has %q", keys, names)
			}
			zero := topKeys(t, tc.zero)
			for _, g := range got {
				if name, required := strings.CutSuffix(g, "*"); required && !slices.Contains(zero, name) {
					t.Errorf("%s is required, but encoding/json leaves it out of the zero value %q", name, zero)
				}
			}
		})
	}
}

// TestArgNames checks the names made up for arguments.
func TestArgNames(t *testing.T) {
	answer := &definition{obj: types.NewTypeName(token.NoPos, nil, "Answer", nil)}
	url := &definition{obj: types.NewTypeName(token.NoPos, nil, "URLInfo", nil)}
	args := []*argument{
		{name: "", s: &schema{kind: schemaRef, def: answer}},
		{name: "_", s: &schema{kind: schemaString}},
		{name: "delete", s: &schema{kind: schemaBool}},
		{name: "", s: &schema{kind: schemaRef, def: answer}},
		{name: "", s: &schema{kind: schemaRef, def: url}},
		{name: "callback", s: &schema{kind: schemaBool}},
	}
	argNames(args)
	var got []string
	for _, a := range args {
		got = append(got, a.name)
	}
	if want := "answer arg2 delete_ answer2 urlInfo callback"; strings.Join(got, " ") != want {
		t.Errorf("names %q, want %q", strings.Join(got, " "), want)
	}
	m := &message{event: "e", ack: true, args: args, reply: nil}
	var b strings.Builder
	tsEvent(&b, m, true)
	if !strings.Contains(b.String(), "callback_: () => void") {
		t.Errorf("the callback takes an argument's name: %s", b.String())
	}
}
