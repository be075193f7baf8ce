package nested

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/siogo/sio/runtime"
	"github.com/siogo/sio/socketio"
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

var benchShape = Shape{
	Name:    "triangle",
	Origin:  Point{X: 1, Y: 2},
	Corners: []Point{{X: 0, Y: 0}, {X: 4, Y: 0}, {X: 0, Y: 3, Label: "c"}},
	Box:     [2]float32{4, 3},
	Labels:  map[string]string{"color": "red", "fill": "none"},
	Grid:    [][]int{{1, 2}, {3}},
}

// benchEncode measures encoding v into a fresh Encoder (not recycled, as
// only sending recycles one: both sides pay for it, 2 allocations).
func benchEncode[T any](b *testing.B, v *T, encode func(*runtime.Encoder, *T)) {
	b.ReportAllocs()
	for b.Loop() {
		e := runtime.NewEncoder()
		e.Next()
		encode(e, v)
		if e.Err() != nil {
			b.Fatal(e.Err())
		}
	}
}

// untyped writes v as socketio's encoder does (the untyped Emit's way).
func untyped[T any](e *runtime.Encoder, v *T) { e.JSON(*v) }

func BenchmarkEncodeNestedStruct(b *testing.B) {
	b.Run("generated", func(b *testing.B) { benchEncode(b, &benchShape, _sio_encode_Shape) })
	b.Run("encoding-json", func(b *testing.B) { benchEncode(b, &benchShape, untyped[Shape]) })
}

func BenchmarkEncodeSlice(b *testing.B) {
	b.Run("generated", func(b *testing.B) { benchEncode(b, &benchShape.Corners, _sio_encode_slice_Point) })
	b.Run("encoding-json", func(b *testing.B) { benchEncode(b, &benchShape.Corners, untyped[[]Point]) })
}

func BenchmarkEncodeMap(b *testing.B) {
	m := map[string]Shape{"a": {Name: "a"}, "b": {Name: "b"}, "c": {Name: "c"}}
	b.Run("generated", func(b *testing.B) { benchEncode(b, &m, _sio_encode_map_Shape) })
	b.Run("encoding-json", func(b *testing.B) { benchEncode(b, &m, untyped[map[string]Shape]) })
}

// benchAck dispatches event, whose handler acknowledges st.Reply (or its
// corners), with an AckFunc that encodes its arguments as socketio's own
// does (socketio.MarshalAck): the typed acknowledgement's generated
// encoders, or the untyped AckFunc's []any and encoding/json.
func benchAck(b *testing.B, event string) {
	st := &Store{Reply: benchShape}
	d := Dispatcher(st)
	ctx := context.Background()
	var sent int
	ack := func(args ...any) error {
		data, _, err := socketio.MarshalAck(args...)
		sent += len(data)
		return err
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Dispatch(ctx, nil, event, nil, ack); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAckNestedStruct(b *testing.B) {
	b.Run("generated", func(b *testing.B) { benchAck(b, StoreAckShapeEvent) })
	b.Run("encoding-json", func(b *testing.B) { benchAck(b, StoreAckShapeJSONEvent) })
}

func BenchmarkAckSlice(b *testing.B) {
	b.Run("generated", func(b *testing.B) { benchAck(b, StoreAckCornersEvent) })
	b.Run("encoding-json", func(b *testing.B) { benchAck(b, StoreAckCornersJSONEvent) })
}
