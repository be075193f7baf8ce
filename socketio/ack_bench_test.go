package socketio

import (
	"context"
	"testing"
	"time"
)

// BenchmarkEchoAck is the load benchmark's echo (bench/siopeer): an event
// with the load generator's payload, acknowledged with its argument, from
// the Engine.IO message to the ACK handed to the connection (a fake whose
// Send only counts). "forward" acknowledges with the *Args (as siopeer
// does: no encoding, no check), "raw-message" with the json.RawMessage of
// the argument (checked again, as a json.RawMessage the application may
// have built). "forward-observed" is "forward" with an Observer whose
// hooks do nothing: the cost of the hooks themselves (socketio/metrics and
// socketio/tracing add theirs). No figure is asserted.
func BenchmarkEchoAck(b *testing.B) {
	echo := []byte(`21["echo",{"text":"hello, world","n":42}]`)
	noop := &Observer{
		EventReceived: func(*Socket, string, int) {},
		EventStart:    func(ctx context.Context, _ *Socket, _ string, _ *Args) context.Context { return ctx },
		EventDone:     func(context.Context, *Socket, string, time.Duration, error) {},
		AckSent:       func(context.Context, *Socket, string) {},
	}
	for _, h := range []struct {
		name string
		obs  *Observer
		ack  func(args *Args, ack AckFunc) error
	}{
		{"forward", nil, func(args *Args, ack AckFunc) error { return ack(args) }},
		{"forward-observed", noop, func(args *Args, ack AckFunc) error { return ack(args) }},
		{"raw-message", nil, func(args *Args, ack AckFunc) error { return ack(args.Raw(0)) }},
	} {
		b.Run(h.name, func(b *testing.B) {
			s := newTestServer(b, &Options{Logger: quietLog, Observer: h.obs})
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
