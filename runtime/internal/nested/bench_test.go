package nested

import (
	"encoding/json"
	"testing"
)

// The benchmarks decode the same inputs with the generated decoders and
// with encoding/json, in the same run: go test -bench . -benchmem
// ./runtime/internal/nested. No figure is asserted.

var (
	benchItem  = []byte(`{"id":42,"name":"widget","price":9.5,"level":3,"ok":true,"tags":["a","b","c"],"where":{"x":1,"y":2,"label":"here"},"grid":[1,2],"attrs":{"color":"red","size":"L"},"at":{"x":3,"y":4},"path":[{"x":1,"y":1},{"x":2,"y":2}],"count":7}`)
	benchSlice = []byte(`[{"x":1,"y":2,"label":"a"},{"x":3,"y":4,"label":"b"},{"x":5,"y":6,"label":"c"},{"x":7,"y":8,"label":"d"}]`)
	benchMap   = []byte(`{"a":{"x":1,"y":2},"b":{"x":3,"y":4},"c":{"x":5,"y":6},"d":{"x":7,"y":8}}`)
)

func benchDecode[T any](b *testing.B, in []byte, decode func([]byte, *T) error) {
	b.ReportAllocs()
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		var v T
		if err := decode(in, &v); err != nil {
			b.Fatal(err)
		}
	}
}

func jsonDecode[T any](in []byte, v *T) error { return json.Unmarshal(in, v) }

func BenchmarkDecodeNestedStruct(b *testing.B) {
	b.Run("generated", func(b *testing.B) { benchDecode(b, benchItem, _sio_decode_Item) })
	b.Run("encoding-json", func(b *testing.B) { benchDecode(b, benchItem, jsonDecode[Item]) })
}

func BenchmarkDecodeSlice(b *testing.B) {
	b.Run("generated", func(b *testing.B) { benchDecode(b, benchSlice, _sio_decode_slice_Point) })
	b.Run("encoding-json", func(b *testing.B) { benchDecode(b, benchSlice, jsonDecode[[]Point]) })
}

func BenchmarkDecodeMap(b *testing.B) {
	b.Run("generated", func(b *testing.B) { benchDecode(b, benchMap, _sio_decode_map_Point) })
	b.Run("encoding-json", func(b *testing.B) { benchDecode(b, benchMap, jsonDecode[map[string]Point]) })
}
