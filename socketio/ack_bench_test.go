package socketio

import (
	"context"
	"testing"
)

// BenchmarkEchoAck is the load benchmark's echo (bench/siopeer): an event
// with the load generator's payload, acknowledged with its argument, from
// the Engine.IO message to the ACK handed to the connection (a fake whose
// Send only counts). "forward" acknowledges with the *Args (as siopeer
// does: no encoding, no check), "raw-message" with the json.RawMessage of
// the argument (checked again, as a json.RawMessage the application may
// have built). No figure is asserted.
func BenchmarkEchoAck(b *testing.B) {
	echo := []byte(`21["echo",{"text":"hello, world","n":42}]`)
	for _, h := range []struct {
		name string
		ack  func(args *Args, ack AckFunc) error
	}{
		{"forward", func(args *Args, ack AckFunc) error { return ack(args) }},
		{"raw-message", func(args *Args, ack AckFunc) error { return ack(args.Raw(0)) }},
	} {
		b.Run(h.name, func(b *testing.B) {
			s := newTestServer(b, &Options{Logger: quietLog})
			s.On("echo", func(_ context.Context, _ *Socket, args *Args, ack AckFunc) error {
				if err := h.ack(args, ack); err != nil {
					b.Error(err)
				}
				return nil
			})
			_, so := benchConnect(b, s)
			c := new(decoding)
			msg := make([]byte, len(echo))
			b.ReportAllocs()
			for b.Loop() {
				copy(msg, echo)
				done, err := c.dec.AddTo(&c.pkt, msg, false)
				if err != nil || !done {
					b.Fatal(err)
				}
				name, rest, err := c.pkt.EventName()
				if err != nil {
					b.Fatal(err)
				}
				so.runEvent(&item{kind: itemEvent, name: name, body: rest, att: c.pkt.Attachments, id: c.pkt.ID})
			}
		})
	}
}
