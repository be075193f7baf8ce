package runtime

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// pair is a struct decoded the way siogen's generated decoders do.
type pair struct {
	Text string `json:"text"`
	N    int32  `json:"n"`
}

var pairFields = [...]string{"text", "n"}

func decodePair(raw []byte, v *pair) error {
	var o Object
	if !o.Start(raw) {
		return Unmarshal(raw, v)
	}
	for o.Next() {
		var err error
		switch FieldIndex(o.Key(), pairFields[:]) {
		case 0:
			err = DecodeString(o.Value(), &v.Text)
		case 1:
			err = DecodeInt(o.Value(), &v.N)
		}
		if err != nil {
			return err
		}
	}
	return o.Err()
}

var objectInputs = []string{
	`{"text":"a","n":1}`, `{}`, ` {} `, `{ "text" : "a" , "n" : 2 }`, `{"TEXT":"a"}`, `{"Text":"x","text":"y"}`,
	`{"text":"y","Text":"x"}`, `{"te\u0078t":"esc"}`, `{"ſ":1}`, `{"n":null}`, `{"n":"1"}`, `{"n":1.0}`,
	`{"x":{"deep":[1,2,{"a":null}]},"text":"after"}`, `{"x":[1,2,}`, `{"text":"a",}`, `{"text":"a"`, `{"text"}`,
	`{"text":"a"}}`, `{"text":"a"} x`, `{text:"a"}`, `{"x":tru}`, `{"x":-}`, `{"x":01}`, `{"x":"\q"}`, `null`, `[]`, `"s"`,
	`{"x":[` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `]}`,
}

func TestObjectMatchesEncodingJSON(t *testing.T) {
	for _, in := range objectInputs {
		t.Run(in, func(t *testing.T) {
			sameAsJSON(t, in, decodePair)
		})
	}
}

func TestObjectDepth(t *testing.T) {
	deep := `{"x":` + strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1) + `}`
	var o Object
	if !o.Start([]byte(deep)) {
		t.Fatal("Start refused an object")
	}
	for o.Next() {
	}
	if o.Err() == nil {
		t.Error("nesting beyond MaxDepth accepted")
	}
}

func TestFieldIndex(t *testing.T) {
	names := []string{"text", "Text2", "ñame"}
	for _, tt := range []struct {
		key  string
		want int
	}{
		{"text", 0}, {"TEXT", 0}, {"text2", 1}, {"TEXT2", 1}, {"Ñame", 2}, {"nope", -1}, {"", -1},
	} {
		if got := FieldIndex([]byte(tt.key), names); got != tt.want {
			t.Errorf("FieldIndex(%q) = %d, want %d", tt.key, got, tt.want)
		}
	}
}

func FuzzObject(f *testing.F) {
	for _, in := range objectInputs {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sameAsJSON(t, in, decodePair)
		// Round trip: what decodes re-encodes and decodes to the same value.
		var p pair
		if decodePair([]byte(in), &p) == nil {
			b, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			var q pair
			if err := decodePair(b, &q); err != nil || q != p {
				t.Fatalf("round trip of %s: %+v, %v", b, q, err)
			}
		}
	})
}

// ExampleObject decodes a struct field by field, as siogen's generated
// decoders do.
func ExampleObject() {
	var v pair
	err := decodePair([]byte(`{"text":"hi","n":3,"ignored":[1,2]}`), &v)
	fmt.Println(v.Text, v.N, err)
	// Output: hi 3 <nil>
}
