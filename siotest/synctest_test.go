package siotest_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/siotest"
	"github.com/siogo/sio/socketio"
)

// transports are the ways a kit's client connects: each behaviour is
// tested over each.
var transports = []struct {
	name string
	list []string
}{
	{"polling", []string{client.Polling}},
	{"websocket", []string{client.WebSocket}},
	{"upgrade", []string{client.Polling, client.WebSocket}},
}

// serverSockets returns a server whose connected sockets are sent on the
// returned channel, with their disconnect reasons on the other one.
func serverSockets(opts *socketio.Options) (*socketio.Server, <-chan *socketio.Socket, <-chan socketio.DisconnectReason) {
	srv := socketio.NewServer(opts)
	socks := make(chan *socketio.Socket, 16)
	reasons := make(chan socketio.DisconnectReason, 16)
	srv.OnConnection(func(ctx context.Context, s *socketio.Socket, auth []byte) error {
		s.OnDisconnect(func(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {
			reasons <- reason
		})
		socks <- s
		return nil
	})
	return srv, socks, reasons
}

// TestAckTimeout: the server's EmitWithAck ends with its ctx, after exactly
// its timeout of fake time, when the client does not acknowledge; and
// returns the client's reply when it does.
func TestAckTimeout(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv, socks, _ := serverSockets(nil)
				kit := siotest.New(t, srv, &siotest.Options{Client: &client.Options{Transports: tr.list}})
				c := kit.Connect(t, "/", nil)
				s := <-socks

				const timeout = 5 * time.Second
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				defer cancel()
				start := time.Now()
				_, err := s.EmitWithAck(ctx, "question", 1)
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("EmitWithAck without an answer: %v, want %v", err, context.DeadlineExceeded)
				}
				if got := time.Since(start); got != timeout {
					t.Errorf("EmitWithAck gave up after %v, want %v", got, timeout)
				}
				ev := c.Expect(t, "question")
				if !ev.WantsAck() {
					t.Errorf("the client's event does not want an acknowledgement")
				}

				// Answered, the same call returns the client's reply.
				c.On("question", func(e *client.Event) { _ = e.Ack(siotest.Arg[int](t, e.Args, 0) + 1) })
				ctx2, cancel2 := context.WithTimeout(context.Background(), timeout)
				defer cancel2()
				reply, err := s.EmitWithAck(ctx2, "question", 41)
				if err != nil {
					t.Fatalf("EmitWithAck answered: %v", err)
				}
				if got := siotest.Arg[int](t, reply, 0); got != 42 {
					t.Errorf("reply %d, want 42", got)
				}
			})
		})
	}
}

// TestPingTimeout: a client that stops answering (Suspend) is closed by
// the server with "ping timeout" after pingInterval + pingTimeout of fake
// time, and the client closes with the same reason at the same time.
func TestPingTimeout(t *testing.T) {
	const interval, timeout = 25 * time.Second, 20 * time.Second
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv, _, reasons := serverSockets(&socketio.Options{
					Engine: &engineio.Options{PingInterval: interval, PingTimeout: timeout},
				})
				kit := siotest.New(t, srv, &siotest.Options{Client: &client.Options{
					Transports:          tr.list,
					DisableReconnection: true,
				}})
				start := time.Now() // the handshake: no fake time passes before the first ping
				c := kit.Connect(t, "/", nil)
				want := tr.list[len(tr.list)-1]
				for i := 0; i < 10 && c.Manager().Transport() != want; i++ {
					time.Sleep(100 * time.Millisecond) // the server checks an upgrade every 100 ms
				}
				if got := c.Manager().Transport(); got != want {
					t.Fatalf("transport %q, want %q", got, want)
				}
				c.Suspend()
				if r := <-reasons; r != socketio.DisconnectReason(engineio.ReasonPingTimeout) {
					t.Errorf("server: disconnect reason %q, want %q", r, engineio.ReasonPingTimeout)
				}
				if got := time.Since(start); got != interval+timeout {
					t.Errorf("server: closed after %v, want %v", got, interval+timeout)
				}
				if r := c.ExpectDisconnect(t); r != client.ReasonPingTimeout {
					t.Errorf("client: disconnect reason %q, want %q", r, client.ReasonPingTimeout)
				}
				if got := time.Since(start); got != interval+timeout {
					t.Errorf("client: closed after %v, want %v", got, interval+timeout)
				}
			})
		})
	}
}
