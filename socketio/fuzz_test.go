package socketio

import (
	"bytes"
	"context"
	"testing"
	"testing/synctest"

	"github.com/siogo/sio/engineio"
)

// FuzzServerMessages feeds arbitrary Engine.IO messages into one client
// connection of a server with handlers: nothing panics, bad input closes
// only that connection, and the server still serves another client.
//
// The input is split at '\n'; a message starting with 'B' is binary (the
// rest is its data), any other is text.
func FuzzServerMessages(f *testing.F) {
	seeds := []string{
		"0\n2[\"echo\",1,\"a\"]",
		"0\n21[\"echo\",{\"x\":[1,2]}]\n1",
		"0/chat,\n2/chat,[\"echo\"]\n1/chat,",
		"0\n51-[\"echo\",{\"_placeholder\":true,\"num\":0}]\nBabc",
		"0\n3[1]\n61-5[{\"_placeholder\":true,\"num\":0}]\nBx",
		"0{\"pid\":\"p\",\"offset\":\"o\"}\n2[\"nope\"]",
		"2[\"e\"]",
		"0\n0",
		"9",
		"0\n2[\"echo\",\n2[\"echo\"]",
		"0/nope,\n0/dyn-1,\n2/dyn-1,[\"echo\",null]",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		synctest.Test(t, func(t *testing.T) {
			s := newTestServer(t, &Options{EventQueueSize: 4, ConnectionStateRecovery: &RecoveryOptions{}})
			echo := func(_ context.Context, so *Socket, args *Args, ack AckFunc) error {
				for i := range args.Len() {
					var v any
					_ = args.Decode(i, &v)
					_, _ = args.Binary(i)
				}
				if ack != nil {
					return ack(args)
				}
				return so.Emit("echo", args)
			}
			s.On("echo", echo)
			s.Of("/chat").On("echo", echo)
			s.OfFunc(func(name string, _ []byte) bool { return len(name) < 8 }).On("echo", echo)

			good := dial(t, s)
			goodSock := good.connect("/")
			bad := dial(t, s)
			for _, m := range bytes.Split(data, []byte("\n")) {
				if len(m) > 0 && m[0] == 'B' {
					bad.c.onMessage(engineio.Message{Data: m[1:], Binary: true})
				} else {
					bad.c.onMessage(engineio.Message{Data: m})
				}
			}
			synctest.Wait()
			if good.conn.isClosed() || !goodSock.Connected() {
				t.Fatal("another client was affected")
			}
			good.conn.take()
			good.send(`21["echo","ok"]`)
			if got := good.settle(); len(got) != 1 || got[0] != `31["ok"]` {
				t.Fatalf("other client got %q", got)
			}
		})
	})
}
