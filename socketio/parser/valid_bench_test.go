package parser

import (
	"encoding/json"
	"testing"
)

// BenchmarkEchoRawMessage is the parser's share of an echo whose handler
// acknowledges the json.RawMessage it received (the load benchmark's
// "echo", with its payload): the event decoded (its payload checked), the
// argument's JSON text sent back in an ACK (checked again as a
// json.RawMessage, which the application may have built or changed) and
// the ACK encoded. "jsontext" checks with jsontext.Valid, "encoding-json"
// as the parser did before, in the same run. No figure is asserted.
func BenchmarkEchoRawMessage(b *testing.B) {
	msg := []byte(`21["echo",{"text":"hello, world","n":42}]`)
	for _, v := range []struct {
		name  string
		valid func([]byte, bool) bool
	}{{"jsontext", validJSON}, {"encoding-json", encodingJSONValid}} {
		b.Run(v.name, func(b *testing.B) {
			defer func(old func([]byte, bool) bool) { validJSON = old }(validJSON)
			validJSON = v.valid
			var d Decoder
			var p Packet
			out := make([]byte, 0, 128)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := d.AddTo(&p, msg, false); err != nil {
					b.Fatal(err)
				}
				_, rest, err := p.EventName()
				if err != nil {
					b.Fatal(err)
				}
				raw := json.RawMessage(rest[:len(rest)-1]) // the one argument
				data, _, err := MarshalArgs(raw)
				if err != nil {
					b.Fatal(err)
				}
				ack := Packet{Type: Ack, Namespace: "/", ID: p.ID, Data: data}
				out = ack.AppendEncode(out[:0])
			}
		})
	}
}
