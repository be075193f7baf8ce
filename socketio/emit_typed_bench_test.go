package socketio_test

import (
	"fmt"
	"testing"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/internal/emitbench"
)

// BenchmarkTypedEmit compares, in one run, an event sent through a siogen
// emitter (typed: generated encoder, no []any boxing of the values) with the
// same event sent through Emit(event, args ...any) (untyped: socketio's
// encoder, encoding/json for the struct), to one socket and to a room of
// 1,000 sockets, over in-memory Engine.IO sessions that discard what they
// are sent: what is measured is the server's encoding and queueing.
func BenchmarkTypedEmit(b *testing.B) {
	var emit emitbench.EventsEmitter
	msg := emitbench.Message{Text: "hello, world", Room: "lobby", Sent: 1_700_000_000}
	for _, n := range []int{1, 1_000} {
		srv := socketio.NewTestServer(b, nil)
		var first *socketio.Socket
		for range n {
			so := socketio.ConnectFake(b, srv)
			so.Join("lobby")
			if first == nil {
				first = so
			}
		}
		target := "socket"
		var to interface {
			Emit(string, ...any) error
			EmitArgs(string, *socketio.Args) error
		} = first
		if n > 1 {
			target = fmt.Sprintf("room=%d", n)
			to = srv.To("lobby")
		}
		b.Run(target+"/struct/typed", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := emit.ChatMessage(to, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(target+"/struct/untyped", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := to.Emit(emitbench.EventsChatMessageEvent, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(target+"/scalars/typed", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := emit.UserJoined(to, "ann", 42); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(target+"/scalars/untyped", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := to.Emit(emitbench.EventsUserJoinedEvent, "ann", 42); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
