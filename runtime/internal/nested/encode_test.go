package nested

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"testing"

	"github.com/siogo/sio/runtime"
)

// jsonText is what encoding/json writes for v as socketio's encoder does:
// without HTML escaping.
func jsonText(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// sameEncoding encodes v with the generated encoder, with encoding/json and
// with socketio's encoder (the untyped Emit's) and reports how they differ.
func sameEncoding[T any](v *T, encode func(*runtime.Encoder, *T)) string {
	e := runtime.NewEncoder()
	e.Next()
	encode(e, v)
	got, gotErr := e.Encoded(), e.Err()
	want, wantErr := jsonText(*v)
	// The errors' texts and types: a *json.UnsupportedValueError holds a
	// reflect.Value, whose flags say where encoding/json found the float.
	if errString(gotErr) != errString(wantErr) || reflect.TypeOf(gotErr) != reflect.TypeOf(wantErr) {
		return "error " + errString(gotErr) + ", encoding/json: " + errString(wantErr)
	}
	if gotErr != nil {
		return ""
	}
	if want = append(append([]byte("["), want...), ']'); !bytes.Equal(got, want) {
		return "wrote " + string(got) + ", encoding/json: " + string(want)
	}
	u := runtime.NewEncoder()
	u.Next()
	u.JSON(*v)
	if untyped := u.Encoded(); !bytes.Equal(got, untyped) {
		return "wrote " + string(got) + ", socketio's encoder: " + string(untyped)
	}
	return ""
}

var shapeInputs = []string{
	`{}`,
	`{"name":"<a & b>","origin":{"x":1,"y":-2,"label":"\u2028"},"corners":[],"holes":[null,{"x":1}],"center":{"x":3},"scale":1e-7,"box":[1.5,3e20],"labels":{"b":"2","a":"1","é":"3","":"e"},"byTag":{"z":{},"y":{"label":"l"}},"levels":{"x":[],"y":null,"z":[1,-2]},"grid":[[1],[],null],"flag":true,"counted":0}`,
	`{"corners":null,"holes":[],"labels":{},"levels":{},"byTag":{},"grid":[]}`,
	`{"scale":-0,"box":[-0,1e21],"counted":18446744073709551615}`,
	`{"name":"\ud83d\ude00 \u0000 \"q\" \\ \n\t\u007f"}`,
}

func TestEncodeShapeMatchesEncodingJSON(t *testing.T) {
	for _, in := range shapeInputs {
		t.Run(in, func(t *testing.T) {
			var v Shape
			if err := json.Unmarshal([]byte(in), &v); err != nil {
				t.Fatal(err)
			}
			if diff := sameEncoding(&v, _sio_encode_Shape); diff != "" {
				t.Error(diff)
			}
			all := []Shape{v, {}, v}
			if diff := sameEncoding(&all, _sio_encode_slice_Shape); diff != "" {
				t.Errorf("[]Shape: %s", diff)
			}
			m := map[string]Shape{"b": v, "a": {}}
			if diff := sameEncoding(&m, _sio_encode_map_Shape); diff != "" {
				t.Errorf("map[string]Shape: %s", diff)
			}
		})
	}
}

func TestEncodeUnsupportedFloat(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		v := Shape{Scale: &f}
		if diff := sameEncoding(&v, _sio_encode_Shape); diff != "" {
			t.Errorf("%v: %s", f, diff)
		}
		w := Shape{Box: [2]float32{1, float32(f)}}
		if diff := sameEncoding(&w, _sio_encode_Shape); diff != "" {
			t.Errorf("float32 %v: %s", f, diff)
		}
	}
}

// FuzzEncodeShape decodes the input into a Shape (when it decodes) and
// compares what the generated encoder writes for it with encoding/json and
// socketio's encoder.
func FuzzEncodeShape(f *testing.F) {
	for _, in := range shapeInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var v Shape
		if json.Unmarshal(in, &v) != nil {
			return
		}
		if diff := sameEncoding(&v, _sio_encode_Shape); diff != "" {
			t.Errorf("%q: %s", in, diff)
		}
	})
}

// emitTree writes t as the generated emitter's Tree method writes its first
// argument: the generated encoder, then encoding/json again when it went too
// deep.
func emitTree(e *runtime.Encoder, t *Tree) {
	m := e.Mark()
	_sio_encode_Tree(e, t)
	e.Recheck(m, *t)
}

// TestEncodeRecursive encodes trees below, at and past the depth where the
// generated encoder hands the argument to encoding/json, and cyclic ones,
// which encoding/json reports.
func TestEncodeRecursive(t *testing.T) {
	chain := func(n int) *Tree {
		root := &Tree{Name: "0"}
		p := root
		for i := 1; i < n; i++ {
			p.Next = &Tree{Name: "n"}
			p = p.Next
		}
		return root
	}
	kids := func(n int) *Tree {
		root := &Tree{}
		p := root
		for i := 1; i < n; i++ {
			p.Kids = []Tree{{Name: "k"}, {}}
			p = &p.Kids[0]
		}
		return root
	}
	cycle := &Tree{Name: "loop"}
	cycle.Next = &Tree{Name: "back", Next: cycle}
	mapCycle := &Tree{Name: "m"}
	mapCycle.ByName = map[string]*Tree{"self": mapCycle}
	for _, tc := range []struct {
		name    string
		tree    *Tree
		wantErr bool
	}{
		{"chain of 10", chain(10), false},
		{"chain of 999", chain(999), false},
		{"chain of 1001", chain(1001), false},
		{"chain of 5000", chain(5000), false},
		{"kids 3000 deep", kids(3000), false},
		{"cycle through pointers", cycle, true},
		{"cycle through a map", mapCycle, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := runtime.NewEncoder()
			e.Next()
			e.Int(1) // an argument before: Recheck keeps it
			e.Next()
			emitTree(e, tc.tree)
			if (e.Err() != nil) != tc.wantErr {
				t.Fatalf("err = %v, want an error: %t", e.Err(), tc.wantErr)
			}
			want, wantErr := jsonText(*tc.tree)
			if errString(e.Err()) != errString(wantErr) {
				t.Fatalf("err = %v, encoding/json: %v", e.Err(), wantErr)
			}
			if wantErr == nil {
				if got, want := e.Encoded(), append(append([]byte("[1,"), want...), ']'); !bytes.Equal(got, want) {
					t.Fatalf("wrote %.200s…, encoding/json: %.200s…", got, want)
				}
			}
		})
	}
}

// FuzzEncodeTree decodes the input into a Tree (when it decodes) and
// compares what the generated encoder writes for it with encoding/json.
func FuzzEncodeTree(f *testing.F) {
	for _, in := range treeInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var v Tree
		if json.Unmarshal(in, &v) != nil {
			return
		}
		if diff := sameEncoding(&v, emitTree); diff != "" {
			t.Errorf("%q: %s", in, diff)
		}
	})
}

// TestEncodeNest encodes a slice of itself, shallow and past the depth
// where encoding/json takes over.
func TestEncodeNest(t *testing.T) {
	deep := Nest{}
	for range 3000 {
		deep = Nest{deep, nil}
	}
	for name, n := range map[string]Nest{"nil": nil, "empty": {}, "some": {{}, nil, {{}}}, "deep": deep} {
		t.Run(name, func(t *testing.T) {
			if diff := sameEncoding(&n, func(e *runtime.Encoder, v *Nest) {
				m := e.Mark()
				_sio_encode_Nest(e, v)
				e.Recheck(m, *v)
			}); diff != "" {
				t.Errorf("%.300s", diff)
			}
		})
	}
}
