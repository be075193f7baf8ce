package parser

import (
	"encoding/json"
	"testing"
)

var benchEvent = []byte(`2["chat_message",{"text":"hi","room":"lobby"}]`)

type benchMessage struct {
	Text string `json:"text"`
	Room string `json:"room"`
}

// BenchmarkDecodeEvent decodes a text event and splits off its name: the work
// done before a handler's typed decoder sees the arguments.
func BenchmarkDecodeEvent(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEvent)))
	var d Decoder
	for b.Loop() {
		p, err := d.Add(benchEvent, false)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := p.EventName(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeEventAddTo is BenchmarkDecodeEvent decoding into a reused
// Packet.
func BenchmarkDecodeEventAddTo(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEvent)))
	var d Decoder
	var p Packet
	for b.Loop() {
		if _, err := d.AddTo(&p, benchEvent, false); err != nil {
			b.Fatal(err)
		}
		if _, _, err := p.EventName(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeEventUnmarshalAny is the peer of BenchmarkDecodeEvent: the
// payload decoded into []any, as a decoder that materialises the arguments
// would.
func BenchmarkDecodeEventUnmarshalAny(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchEvent)))
	for b.Loop() {
		var v []any
		if err := json.Unmarshal(benchEvent[1:], &v); err != nil {
			b.Fatal(err)
		}
		if _, ok := v[0].(string); !ok {
			b.Fatal("no name")
		}
	}
}

// BenchmarkDecodeBinaryEvent decodes a BINARY_EVENT and its one attachment.
func BenchmarkDecodeBinaryEvent(b *testing.B) {
	b.ReportAllocs()
	text := []byte(`51-["upload",{"name":"a.png","data":{"_placeholder":true,"num":0}}]`)
	att := make([]byte, 1024)
	var d Decoder
	for b.Loop() {
		if _, err := d.Add(text, false); err != nil {
			b.Fatal(err)
		}
		p, err := d.Add(att, true)
		if err != nil || p == nil {
			b.Fatal(p, err)
		}
		if _, _, err := p.EventName(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeEvent encodes an event packet into a new slice.
func BenchmarkEncodeEvent(b *testing.B) {
	b.ReportAllocs()
	p := &Packet{Type: Event, Namespace: "/chat", ID: 12, Data: benchEvent[1:]}
	for b.Loop() {
		if len(p.Encode()) == 0 {
			b.Fatal("empty")
		}
	}
}

// BenchmarkAppendEncodeEvent encodes an event packet into a reused buffer.
func BenchmarkAppendEncodeEvent(b *testing.B) {
	b.ReportAllocs()
	p := &Packet{Type: Event, Namespace: "/chat", ID: 12, Data: benchEvent[1:]}
	var buf []byte
	for b.Loop() {
		buf = p.AppendEncode(buf[:0])
	}
}

// BenchmarkMarshalArgs encodes typical emit arguments: an event name and one
// struct.
func BenchmarkMarshalArgs(b *testing.B) {
	b.ReportAllocs()
	msg := benchMessage{Text: "hi", Room: "lobby"}
	for b.Loop() {
		if _, _, err := MarshalArgs("chat_message", msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshalArgsJSONMarshal is the peer of BenchmarkMarshalArgs:
// json.Marshal of the same values as a []any.
func BenchmarkMarshalArgsJSONMarshal(b *testing.B) {
	b.ReportAllocs()
	msg := benchMessage{Text: "hi", Room: "lobby"}
	for b.Loop() {
		if _, err := json.Marshal([]any{"chat_message", msg}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshalArgsScalars encodes arguments that take MarshalArgs's own
// fast paths only (strings, numbers, booleans).
func BenchmarkMarshalArgsScalars(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := MarshalArgs("move", 3, 4, true, "north"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarshalArgsBinary encodes an event with a []byte argument nested in
// a map.
func BenchmarkMarshalArgsBinary(b *testing.B) {
	b.ReportAllocs()
	blob := make([]byte, 1024)
	for b.Loop() {
		if _, _, err := MarshalArgs("upload", map[string]any{"name": "a.png", "data": blob}); err != nil {
			b.Fatal(err)
		}
	}
}
