package nested

import "testing"

// The fuzz targets compare the generated decoders with encoding/json on
// arbitrary input: the same error, or the same value. Their seeds are the
// table tests' inputs and testdata/fuzz.

func FuzzDecodeItem(f *testing.F) {
	for _, in := range itemInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if diff := sameAsJSON(in, _sio_decode_Item); diff != "" {
			t.Errorf("%q: %s", in, diff)
		}
	})
}

func FuzzDecodeTree(f *testing.F) {
	for _, in := range treeInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if diff := sameAsJSON(in, _sio_decode_Tree); diff != "" {
			t.Errorf("%q: %s", in, diff)
		}
	})
}

func FuzzDecodeCollections(f *testing.F) {
	for _, in := range []string{`{"a":{"x":1},"b":null}`, `[{"x":1},null,{"y":2}]`, `[{"name":"a","tags":["t"]},{}]`} {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if diff := sameAsJSON(in, _sio_decode_map_Point); diff != "" {
			t.Errorf("map[string]Point %q: %s", in, diff)
		}
		if diff := sameAsJSON(in, _sio_decode_array4_Point); diff != "" {
			t.Errorf("[4]Point %q: %s", in, diff)
		}
		if diff := sameAsJSON(in, _sio_decode_slice_Item); diff != "" {
			t.Errorf("[]Item %q: %s", in, diff)
		}
	})
}

func FuzzDecodeNest(f *testing.F) {
	for _, in := range []string{`[[],[[]],null]`, `[[[]],[]]`} {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if diff := sameAsJSON(in, _sio_decode_Nest); diff != "" {
			t.Errorf("%q: %s", in, diff)
		}
	})
}
