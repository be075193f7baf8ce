package siotest_test

import (
	"context"
	"net"
	"net/http"
	"testing"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/siotest"
	"github.com/siogo/sio/socketio"
)

// BenchmarkEmitWithAck measures one emit and its acknowledgement, client to
// server and back, over WebSocket: through the kit's in-memory network,
// and through a loopback TCP connection (127.0.0.1:0) in the same run.
func BenchmarkEmitWithAck(b *testing.B) {
	newServer := func() *socketio.Server {
		srv := socketio.NewServer(nil)
		srv.On("echo", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			return ack(args)
		})
		return srv
	}
	ws := &client.Options{Transports: []string{client.WebSocket}}
	run := func(b *testing.B, s *client.Socket) {
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.EmitWithAck(ctx, "echo", "hello", 42); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("kit", func(b *testing.B) {
		kit := siotest.New(b, newServer(), &siotest.Options{Client: ws})
		run(b, kit.Connect(b, "/", nil).Socket)
	})
	b.Run("loopback", func(b *testing.B) {
		srv := newServer()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		hs := &http.Server{Handler: srv}
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = hs.Serve(ln)
		}()
		m, err := client.Dial(context.Background(), "http://"+ln.Addr().String(), ws)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			_ = m.Close()
			<-m.Done()
			_ = srv.Shutdown(context.Background())
			_ = hs.Close()
			<-done
		})
		s := m.Socket("/", nil)
		if err := s.Connect(context.Background()); err != nil {
			b.Fatal(err)
		}
		run(b, s)
	})
}
