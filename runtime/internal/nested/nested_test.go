package nested

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/siogo/sio/runtime"
	"github.com/siogo/sio/socketio"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// sameAsJSON decodes in with the generated decoder and with encoding/json
// into zero values of T and reports how they differ: the errors must be
// deeply equal (type, text, offset, struct, field), and so must the values
// when both succeed (nil and empty slices and maps told apart).
func sameAsJSON[T any](in []byte, decode func([]byte, *T) error) string {
	var got, want T
	gotErr := decode(in, &got)
	wantErr := json.Unmarshal(in, &want)
	if !reflect.DeepEqual(gotErr, wantErr) {
		return "error " + errString(gotErr) + ", encoding/json: " + errString(wantErr)
	}
	if gotErr == nil && !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		return "value " + string(g) + ", encoding/json: " + string(w)
	}
	return ""
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

var itemInputs = []string{
	`{}`, `null`, ` { } `, `[]`, `"x"`, `1`, ``, `{`, `{"id":1}x`,
	`{"id":1,"name":"n","price":1.5,"level":-3,"ok":true}`,
	`{"ID":7,"NAME":"upper","Price":2,"LeVeL":1,"ok":false}`,
	`{"id":-1}`, `{"id":4294967296}`, `{"level":128}`, `{"price":"1"}`, `{"ok":1}`,
	`{"tags":["a","b"]}`, `{"tags":[]}`, `{"tags":null}`, `{"tags":[null,"x"]}`, `{"tags":["a",1]}`, `{"tags":{}}`, `{"tags":"a"}`,
	`{"where":{"x":1,"y":2,"label":"p"}}`, `{"where":null}`, `{"where":{}}`, `{"where":[]}`, `{"where":{"x":"1"}}`,
	`{"where":{"x":1},"where":{"y":2}}`, `{"where":{"x":1},"where":null,"where":{"y":2}}`,
	`{"grid":[1,2]}`, `{"grid":[1]}`, `{"grid":[1,2,3]}`, `{"grid":[1,2,[3,{"a":4}]]}`, `{"grid":null}`, `{"grid":[1,2],"grid":[3]}`, `{"grid":[300]}`,
	`{"attrs":{"a":"b","c":"d"}}`, `{"attrs":{}}`, `{"attrs":null}`, `{"attrs":{"a":null}}`, `{"attrs":{"a":1}}`, `{"attrs":{"a":"1","a":"2"}}`,
	`{"attrs":{"a":"1"},"attrs":{"b":"2"}}`, `{"attrs":{"\u0061\n":"esc","é":"u"}}`, `{"attrs":{"a\ud800":"lone"}}`,
	`{"at":{"x":1},"at":{"y":2}}`, `{"at":null}`, `{"at":{"X":1,"x":2}}`, `{"at":{"x":1,"unknown":[1,{"a":null}],"y":2}}`,
	`{"path":[{"x":1},{"y":2}],"path":[{"label":"l"}]}`, `{"path":[{"x":1},{"y":2},{"x":3}],"path":[{"label":"l"}],"path":[{},{},{}]}`,
	`{"path":[]}`, `{"path":[null]}`, `{"path":[{"x":1},]}`, `{"path":[{"x":1} {"x":2}]}`,
	`{"marks":[{"x":1},null,{}]}`, `{"marks":[{"x":1}],"marks":[{"y":2}]}`, `{"marks":[[]]}`,
	`{"byName":{"a":{"x":1},"b":null}}`, `{"byName":{"a":{"x":1}},"byName":{"a":{"y":2}}}`, `{"byName":{"a":[]}}`,
	`{"byTag":{"t":{"x":1},"u":null}}`, `{"byTag":{"t":{"x":1}},"byTag":{"t":{"y":2}}}`,
	`{"matrix":[[1,2.5],[],null,[1e38]]}`, `{"matrix":[[1e39]]}`, `{"matrix":[[1],[2]],"matrix":[[3,4,5]]}`,
	`{"count":3}`, `{"count":null}`, `{"count":1.5}`, `{"count":3,"count":4}`,
	`{"extra":{"a":[1,"b",null,true]}}`, `{"extra":1e400}`, `{"data":"aGVsbG8="}`, `{"data":"!"}`, `{"data":null}`,
	`{"raw":{"any":[1]}}`, `{"raw":null}`, `{"addr":"127.0.0.1"}`, `{"addr":"x"}`, `{"addr":null}`,
	`{"byIndex":{"1":"a","-2":"b"}}`, `{"byIndex":{"x":"a"}}`, `{"quoted":{"n":"12"}}`, `{"quoted":{"n":12}}`,
	`{"Skipped":"x","-":"y","hidden":1}`, `{"sets":{"a":{},"b":{"c":1}}}`,
	`{"name":"\ud83d\ude00 \u00e9 \n"}`, `{"name":"bad \xff utf8"}`, `{"n\u0061me":"escaped key"}`, `{"ſ":1}`, `{"K":1}`,
	`{"name":"x",}`, `{"name" "x"}`, `{"name":"x"`, `{"name":tru}`, `{"name":01}`, `{"id":1,"id":2}`,
	`{"id":"bad","name":"still decoded","tags":[1]}`, `{"tags":[1],"name":"x",}`,
}

func TestDecodeItemMatchesEncodingJSON(t *testing.T) {
	for _, in := range itemInputs {
		t.Run(in, func(t *testing.T) {
			if diff := sameAsJSON([]byte(in), _sio_decode_Item); diff != "" {
				t.Error(diff)
			}
			// The same inputs as elements of a []Item and values of a
			// map[string]Point (where they make sense as one).
			if diff := sameAsJSON([]byte("["+in+","+in+"]"), _sio_decode_slice_Item); diff != "" {
				t.Errorf("[]Item: %s", diff)
			}
		})
	}
}

var treeInputs = []string{
	`{"name":"root","kids":[{"name":"a","kids":[]},{"name":"b","next":{"name":"c"}}]}`,
	`{"byName":{"x":{"name":"x","byName":{"y":null}}}}`,
	`{"kids":[{"kids":[{"kids":[{"name":"deep"}]}]}],"kids":[{"name":"again"}]}`,
	`{"next":{"next":{"next":null}}}`, `{"next":[]}`, `{"kids":[[]]}`,
}

func TestDecodeTreeMatchesEncodingJSON(t *testing.T) {
	for _, in := range treeInputs {
		t.Run(in, func(t *testing.T) {
			if diff := sameAsJSON([]byte(in), _sio_decode_Tree); diff != "" {
				t.Error(diff)
			}
		})
	}
}

func TestDecodeCollectionsMatchEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`{"a":{"x":1},"b":{"y":2}}`, `{}`, `null`, `[]`, `{"a":null}`, `{"a":1}`, `{"a":{"x":1},"a":{"y":2}}`,
		`[{"x":1},{"x":2},{"x":3},{"x":4},{"x":5}]`, `[{"x":1}]`, `[null,{"x":2}]`, `[1]`,
	} {
		t.Run(in, func(t *testing.T) {
			if diff := sameAsJSON([]byte(in), _sio_decode_map_Point); diff != "" {
				t.Errorf("map[string]Point: %s", diff)
			}
			if diff := sameAsJSON([]byte(in), _sio_decode_array4_Point); diff != "" {
				t.Errorf("[4]Point: %s", diff)
			}
		})
	}
}

// TestDecodeDepth feeds nesting up to and past encoding/json's limit
// (runtime.MaxDepth) to the recursive type's decoder: the generated code's
// recursion stops at the limit, and the result is encoding/json's, an
// error past it.
func TestDecodeDepth(t *testing.T) {
	nest := func(n int) string {
		return strings.Repeat(`{"next":`, n-1) + `{"name":"leaf"}` + strings.Repeat(`}`, n-1)
	}
	kids := func(n int) string {
		return strings.Repeat(`{"kids":[`, n/2) + strings.Repeat(`]}`, n/2)
	}
	for _, tc := range []struct {
		name    string
		in      string
		wantErr bool
	}{
		{"objects at the limit", nest(runtime.MaxDepth), false},
		{"objects past the limit", nest(runtime.MaxDepth + 1), true},
		{"arrays at the limit", kids(runtime.MaxDepth), false},
		{"arrays past the limit", kids(runtime.MaxDepth + 2), true},
		{"hostile", strings.Repeat(`{"kids":[`, 200000), true},
		{"hostile in a skipped field", `{"unknown":` + strings.Repeat(`[`, 200000) + `}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v Tree
			err := _sio_decode_Tree([]byte(tc.in), &v)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want an error: %t", err, tc.wantErr)
			}
			if diff := sameAsJSON([]byte(tc.in), _sio_decode_Tree); diff != "" {
				t.Error(diff)
			}
		})
	}
}

// TestDecoderStopsAtMaxDepth checks the generated recursion itself: the
// runtime.Decoder refuses to open a level past MaxDepth, so the recursion
// of the generated functions ends there whatever the input.
func TestDecoderStopsAtMaxDepth(t *testing.T) {
	in := []byte(strings.Repeat(`{"next":`, runtime.MaxDepth+5))
	var d runtime.Decoder
	d.Reset(in)
	var v Tree
	_sio_decode_Tree_value(&d, &v)
	if !d.Failed() {
		t.Fatal("the decoder did not fail")
	}
	depth := 0
	for p := &v; p.Next != nil; p = p.Next {
		depth++
	}
	if depth > runtime.MaxDepth {
		t.Fatalf("decoded %d levels, past MaxDepth", depth)
	}
}

// TestDispatch decodes through the generated dispatcher: what the handler
// receives, and encoding/json's error in the DecodeError.
func TestDispatch(t *testing.T) {
	st := &Store{}
	d := Dispatcher(st)
	ctx := context.Background()
	args := socketio.NewArgs([]byte(`[{"id":1,"path":[{"x":1}],"where":{"y":2}},[{"name":"b"}]]`), nil)
	if err := d.Dispatch(ctx, nil, StoreItemEvent, args, nil); err != nil {
		t.Fatal(err)
	}
	if err := d.Dispatch(ctx, nil, StoreOptionalEvent, socketio.NewArgs([]byte(`[null]`), nil), nil); err != nil {
		t.Fatal(err)
	}
	if err := d.Dispatch(ctx, nil, StoreItemsEvent, socketio.NewArgs([]byte(`[[{"name":"b"},{"tags":["t"]}]]`), nil), nil); err != nil {
		t.Fatal(err)
	}
	want := []Item{{ID: 1, Path: []Point{{X: 1}}, Where: &Point{Y: 2}}, {Name: "b"}, {Tags: []Tag{"t"}}}
	if !reflect.DeepEqual(st.Items, want) {
		t.Fatalf("items = %+v, want %+v", st.Items, want)
	}
	err := d.Dispatch(ctx, nil, StoreTreeEvent, socketio.NewArgs([]byte(`[{"kids":[{"name":1}]}]`), nil), nil)
	var want2 Tree
	wantErr := json.Unmarshal([]byte(`{"kids":[{"name":1}]}`), &want2)
	var de *runtime.DecodeError
	if !errors.As(err, &de) || !reflect.DeepEqual(errors.Unwrap(de), wantErr) {
		t.Fatalf("err = %#v, want a DecodeError of %v", err, wantErr)
	}
}

// TestDecodeNest decodes a slice of itself, at depths up to and past
// MaxDepth.
func TestDecodeNest(t *testing.T) {
	for _, in := range []string{
		`[]`, `null`, `[[],[[]],null]`, `[[[[]]]]`, `[1]`, `[[],]`, `{}`,
		strings.Repeat("[", runtime.MaxDepth) + strings.Repeat("]", runtime.MaxDepth),
		strings.Repeat("[", runtime.MaxDepth+1) + strings.Repeat("]", runtime.MaxDepth+1),
		strings.Repeat("[", 100000),
	} {
		name := in
		if len(name) > 20 {
			name = name[:20]
		}
		t.Run(name, func(t *testing.T) {
			if diff := sameAsJSON([]byte(in), _sio_decode_Nest); diff != "" {
				t.Error(diff)
			}
		})
	}
}
