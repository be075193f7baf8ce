package main

import (
	"context"
	"encoding/json"
	"time"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio"
)

// newSocketIOFixture returns the Socket.IO server the Socket.IO protocol's
// test suite (https://github.com/socketio/socket.io-protocol, "Test suite")
// expects at /socket.io/ (with suiteHeartbeat: pingInterval 300 ms,
// pingTimeout 200 ms), connectTimeout 1 s, CORS for every origin. On connection to "/" and
// "/custom" each socket gets an "auth" event carrying its CONNECT payload
// (or {}); "message" is echoed as "message-back", and "message-with-ack" is
// acknowledged with its own arguments, binary attachments included.
func newSocketIOFixture(hb heartbeat) *socketio.Server {
	io := socketio.NewServer(&socketio.Options{
		ConnectTimeout: time.Second,
		Engine: &engineio.Options{
			PingInterval: hb.interval,
			PingTimeout:  hb.timeout,
			MaxPayload:   1_000_000,
			CORS:         &engineio.CORSOptions{Origins: []string{"*"}},
		},
	})
	onConnection := func(_ context.Context, s *socketio.Socket, auth []byte) error {
		if auth == nil {
			auth = []byte("{}")
		}
		return s.Emit("auth", json.RawMessage(auth))
	}
	io.OnConnection(onConnection)
	io.On("message", func(_ context.Context, s *socketio.Socket, args *socketio.Args, _ socketio.AckFunc) error {
		return s.Emit("message-back", args)
	})
	io.On("message-with-ack", func(_ context.Context, _ *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		if ack == nil {
			return nil
		}
		return ack(args)
	})
	io.Of("/custom").OnConnection(onConnection)
	return io
}
