package siotest_test

import (
	"context"
	"testing"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/siotest"
	"github.com/siogo/sio/socketio"
)

func TestSmoke(t *testing.T) {
	for _, tr := range [][]string{{client.Polling}, {client.WebSocket}, nil} {
		srv := socketio.NewServer(nil)
		srv.OnConnection(func(ctx context.Context, s *socketio.Socket, auth []byte) error {
			s.On("echo", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
				return ack(args)
			})
			return s.Emit("hello", string(auth))
		})
		kit := siotest.New(t, srv, &siotest.Options{Client: &client.Options{Transports: tr}})
		c := kit.Connect(t, "/", map[string]string{"a": "b"})
		ev := c.Expect(t, "hello")
		t.Log(siotest.Arg[string](t, ev.Args, 0))
		r := c.Call(t, "echo", "x", 1)
		t.Log(siotest.Arg[string](t, r, 0), c.Manager().Transport())
	}
}
