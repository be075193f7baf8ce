package siotest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/siotest"
	"github.com/siogo/sio/socketio"
)

// echoServer answers "echo" with its arguments, joins "room" on "join",
// greets each connection with its auth payload, and refuses the token
// "bad".
func echoServer() *socketio.Server {
	srv := socketio.NewServer(nil)
	srv.Use(func(ctx context.Context, s *socketio.Socket) error {
		var a struct{ Token string }
		_ = json.Unmarshal(s.Handshake().Auth, &a)
		if a.Token == "bad" {
			return &socketio.ConnectError{Message: "unauthorized", Data: map[string]string{"why": "bad token"}}
		}
		return nil
	})
	srv.OnConnection(func(ctx context.Context, s *socketio.Socket, auth []byte) error {
		s.On("echo", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			return ack(args)
		})
		s.On("join", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			var room string
			if err := args.Decode(0, &room); err != nil {
				return err
			}
			s.Join(room)
			return ack(true)
		})
		return s.Emit("hello", json.RawMessage(auth))
	})
	return srv
}

func kitFor(t *testing.T, srv *socketio.Server, transports []string) *siotest.Kit {
	return siotest.New(t, srv, &siotest.Options{Client: &client.Options{Transports: transports}})
}

func TestConnectEmitAck(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			kit := kitFor(t, echoServer(), tr.list)
			c := kit.Connect(t, "/", map[string]string{"token": "t1"})
			if got := siotest.Arg[map[string]string](t, c.Expect(t, "hello").Args, 0); got["token"] != "t1" {
				t.Errorf("hello %v, want the auth payload", got)
			}
			reply := c.Call(t, "echo", "text", 2, []byte{1, 2, 3})
			if got := siotest.Arg[string](t, reply, 0); got != "text" {
				t.Errorf("reply[0] %q", got)
			}
			if got := siotest.Arg[int](t, reply, 1); got != 2 {
				t.Errorf("reply[1] %d", got)
			}
			if got, err := reply.Binary(2); err != nil || string(got) != "\x01\x02\x03" {
				t.Errorf("reply[2] %q, %v", got, err)
			}
		})
	}
}

func TestRefused(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			kit := kitFor(t, echoServer(), tr.list)
			_, err := kit.Dial(t.Context(), "/", map[string]string{"token": "bad"}, nil)
			var ce *client.ConnectError
			if !errors.As(err, &ce) {
				t.Fatalf("Dial: %v, want a *client.ConnectError", err)
			}
			if ce.Message != "unauthorized" || string(ce.Data) != `{"why":"bad token"}` {
				t.Errorf("refusal %q %s", ce.Message, ce.Data)
			}
			// The kit still connects others.
			kit.Connect(t, "/", nil).Expect(t, "hello")
		})
	}
}

// TestRooms: a broadcast to a room reaches its members and no one else,
// with several clients at once.
func TestRooms(t *testing.T) {
	for _, tr := range transports {
		t.Run(tr.name, func(t *testing.T) {
			srv := echoServer()
			kit := kitFor(t, srv, tr.list)
			members := []*siotest.Client{kit.Connect(t, "/", nil), kit.Connect(t, "/", nil)}
			other := kit.Connect(t, "/", nil)
			for _, m := range members {
				m.Call(t, "join", "room")
			}
			if err := srv.To("room").Emit("news", "for the room"); err != nil {
				t.Fatal(err)
			}
			if err := srv.Emit("news", "for all"); err != nil {
				t.Fatal(err)
			}
			for i, m := range members {
				for _, want := range []string{"for the room", "for all"} {
					if got := siotest.Arg[string](t, m.Expect(t, "news").Args, 0); got != want {
						t.Errorf("member %d got %q, want %q", i, got, want)
					}
				}
			}
			// Packets to one socket arrive in order: had the room's news
			// reached other, it would come first.
			if got := siotest.Arg[string](t, other.Expect(t, "news").Args, 0); got != "for all" {
				t.Errorf("non-member got %q first, want %q", got, "for all")
			}
		})
	}
}

// TestDisconnectReasons: a disconnection from either side is seen on both,
// each with its reason.
func TestDisconnectReasons(t *testing.T) {
	tests := []struct {
		name             string
		disconnect       func(c *siotest.Client, s *socketio.Socket)
		server, clientRs string
	}{
		{"client", func(c *siotest.Client, _ *socketio.Socket) { c.Disconnect() }, "client namespace disconnect", client.ReasonClientDisconnect},
		{"server", func(_ *siotest.Client, s *socketio.Socket) { s.Disconnect(false) }, "server namespace disconnect", client.ReasonServerDisconnect},
		{"server closes", func(_ *siotest.Client, s *socketio.Socket) { s.Disconnect(true) }, "server namespace disconnect", client.ReasonServerDisconnect},
		{"client closes", func(c *siotest.Client, _ *socketio.Socket) { c.Close() }, "client namespace disconnect", client.ReasonClientDisconnect},
	}
	for _, tr := range transports {
		for _, tt := range tests {
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				srv, socks, reasons := serverSockets(nil)
				kit := kitFor(t, srv, tr.list)
				c := kit.Connect(t, "/", nil)
				tt.disconnect(c, <-socks)
				if got := string(<-reasons); got != tt.server {
					t.Errorf("server: %q, want %q", got, tt.server)
				}
				if got := c.ExpectDisconnect(t); got != tt.clientRs {
					t.Errorf("client: %q, want %q", got, tt.clientRs)
				}
			})
		}
	}
}

// TestRecorderBound: the recorder keeps the last MaxEvents events and
// counts the others as dropped.
func TestRecorderBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const max, sent = 3, 5
		srv, socks, _ := serverSockets(nil)
		kit := siotest.New(t, srv, &siotest.Options{MaxEvents: max})
		c := kit.Connect(t, "/", nil)
		s := <-socks
		for i := range sent {
			if err := s.Emit("n", i); err != nil {
				t.Fatal(err)
			}
		}
		synctest.Wait() // all delivered
		if got := c.Dropped(); got != sent-max {
			t.Errorf("Dropped %d, want %d", got, sent-max)
		}
		evs := c.Events()
		if len(evs) != max {
			t.Fatalf("%d events kept, want %d", len(evs), max)
		}
		for i, e := range evs {
			if got := siotest.Arg[int](t, e.Args, 0); got != sent-max+i {
				t.Errorf("event %d is n(%d), want n(%d)", i, got, sent-max+i)
			}
		}
		for i := sent - max; i < sent; i++ {
			if got := siotest.Arg[int](t, c.Expect(t, "n").Args, 0); got != i {
				t.Errorf("Next: n(%d), want n(%d)", got, i)
			}
		}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if e, err := c.Next(ctx, "n"); err == nil {
			t.Errorf("Next after the last event: %s", e.Name)
		}
	})
}

// TestConcurrentClients connects clients from several goroutines at once.
func TestConcurrentClients(t *testing.T) {
	const n = 8
	kit := kitFor(t, echoServer(), nil)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			c, err := kit.Dial(t.Context(), "/", map[string]int{"i": i}, nil)
			if err != nil {
				t.Error(err)
				return
			}
			reply, err := c.EmitWithAck(t.Context(), "echo", fmt.Sprint(i))
			if err != nil {
				t.Error(err)
				return
			}
			var got string
			if err := reply.Decode(0, &got); err != nil || got != fmt.Sprint(i) {
				t.Errorf("client %d: reply %q, %v", i, got, err)
			}
		})
	}
	wg.Wait()
}

// TestKitClose: closing the kit closes its clients, which leave as they
// would; then Dial fails.
func TestKitClose(t *testing.T) {
	srv, _, reasons := serverSockets(nil)
	kit := siotest.New(t, srv, nil)
	c := kit.Connect(t, "/", nil)
	kit.Close()
	if got := string(<-reasons); got != "client namespace disconnect" {
		t.Errorf("server: %q", got)
	}
	if got := c.ExpectDisconnect(t); got != client.ReasonClientDisconnect {
		t.Errorf("client: %q", got)
	}
	if _, err := kit.Dial(t.Context(), "/", nil, nil); !errors.Is(err, siotest.ErrClosed) {
		t.Errorf("Dial after Close: %v, want %v", err, siotest.ErrClosed)
	}
	kit.Close() // idempotent
}

// TestSuspendResume: while suspended, nothing reaches the client; once
// resumed, what was held arrives, in order.
func TestSuspendResume(t *testing.T) {
	for _, tr := range transports[:2] {
		t.Run(tr.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				srv, socks, _ := serverSockets(nil)
				kit := kitFor(t, srv, tr.list)
				c := kit.Connect(t, "/", nil)
				s := <-socks
				c.Suspend()
				for i := range 3 {
					if err := s.Emit("n", i); err != nil {
						t.Fatal(err)
					}
				}
				time.Sleep(time.Second) // well within the heartbeat
				if got := c.Events(); len(got) != 0 {
					t.Fatalf("received %d events while suspended", len(got))
				}
				c.Resume()
				for i := range 3 {
					if got := siotest.Arg[int](t, c.Expect(t, "n").Args, 0); got != i {
						t.Errorf("n(%d), want n(%d)", got, i)
					}
				}
			})
		})
	}
}

// TestRecorderBoundReasons: disconnect reasons are bounded by MaxEvents
// too, the oldest dropped.
func TestRecorderBoundReasons(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv, socks, _ := serverSockets(nil)
		kit := siotest.New(t, srv, &siotest.Options{MaxEvents: 1})
		c := kit.Connect(t, "/", nil)
		(<-socks).Disconnect(false) // "io server disconnect"
		synctest.Wait()
		if err := c.Connect(t.Context()); err != nil {
			t.Fatal(err)
		}
		c.Disconnect() // "io client disconnect"
		synctest.Wait()
		if got := c.Dropped(); got != 1 {
			t.Errorf("Dropped %d, want 1", got)
		}
		if got := c.ExpectDisconnect(t); got != client.ReasonClientDisconnect {
			t.Errorf("kept reason %q, want the last one, %q", got, client.ReasonClientDisconnect)
		}
	})
}
