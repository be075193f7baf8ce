package socketio_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/siotest"
	"github.com/siogo/sio/socketio"
)

// limitTransports are the ways a client connects in the limit tests.
var limitTransports = []struct {
	name string
	list []string
}{
	{"polling", []string{client.Polling}},
	{"websocket", []string{client.WebSocket}},
	{"upgrade", []string{client.Polling, client.WebSocket}},
}

// TestEventRateLimit: a connection may send EventBurst events at once and
// EventsPerSecond on average, counted over all its namespaces; beyond, the
// server disconnects each of its sockets with ReasonEventRateLimit, and
// the client sees a server disconnect ("io server disconnect"). Another
// connection is unaffected.
func TestEventRateLimit(t *testing.T) {
	for _, tr := range limitTransports {
		t.Run(tr.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var handled atomic.Int64
				var mu sync.Mutex
				reasons := map[string][]socketio.DisconnectReason{} // by socket id
				onConn := func(ctx context.Context, s *socketio.Socket, _ []byte) error {
					s.On("e", func(context.Context, *socketio.Socket, *socketio.Args, socketio.AckFunc) error {
						handled.Add(1)
						return nil
					})
					s.On("ping", func(_ context.Context, _ *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
						return ack("pong")
					})
					s.OnDisconnect(func(_ context.Context, s *socketio.Socket, r socketio.DisconnectReason) {
						mu.Lock()
						reasons[s.ID()] = append(reasons[s.ID()], r)
						mu.Unlock()
					})
					return nil
				}
				// One token a second: what the clients do takes no fake time.
				srv := socketio.NewServer(&socketio.Options{EventsPerSecond: 1, EventBurst: 5})
				srv.OnConnection(onConn)
				srv.Of("/chat").OnConnection(onConn)
				t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
				kit := siotest.New(t, srv, &siotest.Options{Client: &client.Options{Transports: tr.list, DisableReconnection: true}})

				flooder := kit.Connect(t, "/", nil)
				chat := flooder.Manager().Socket("/chat", nil)
				if err := chat.Connect(t.Context()); err != nil {
					t.Fatal(err)
				}
				chatReason := make(chan string, 1)
				chat.OnDisconnect(func(r string) { chatReason <- r })
				other := kit.Connect(t, "/", nil)
				want := tr.list[len(tr.list)-1]
				for i := 0; i < 10 && (flooder.Manager().Transport() != want || other.Manager().Transport() != want); i++ {
					time.Sleep(100 * time.Millisecond) // the server checks an upgrade every 100 ms
				}
				if got := flooder.Manager().Transport(); got != want {
					t.Fatalf("transport %q, want %q", got, want)
				}
				time.Sleep(10 * time.Second) // a full bucket

				// The burst, then one more after a second.
				for range 4 {
					_ = flooder.Emit("e")
				}
				flooder.Call(t, "ping")
				time.Sleep(time.Second)
				flooder.Call(t, "ping")
				if n := handled.Load(); n != 4 {
					t.Fatalf("%d events handled, want 4", n)
				}

				// Three tokens, and four events over two namespaces: the
				// bucket is the connection's, not a namespace socket's.
				time.Sleep(3 * time.Second)
				for range 2 {
					_ = flooder.Emit("e")
					_ = chat.Emit("e")
				}
				for range 50 { // still writing: dropped unread
					_ = flooder.Emit("e")
				}
				if r := flooder.ExpectDisconnect(t); r != client.ReasonServerDisconnect {
					t.Errorf("client: disconnect reason %q, want %q", r, client.ReasonServerDisconnect)
				}
				select {
				case r := <-chatReason:
					if r != client.ReasonServerDisconnect {
						t.Errorf("client /chat: disconnect reason %q, want %q", r, client.ReasonServerDisconnect)
					}
				case <-time.After(10 * time.Second):
					t.Error("client /chat: not disconnected")
				}

				// The other client goes on.
				if got := siotest.Arg[string](t, other.Call(t, "ping"), 0); got != "pong" {
					t.Errorf("other client: %q", got)
				}
				synctest.Wait()
				mu.Lock()
				defer mu.Unlock()
				if len(reasons) != 2 {
					t.Fatalf("disconnected sockets: %v, want the flooder's two", reasons)
				}
				for id, rs := range reasons {
					if len(rs) != 1 || rs[0] != socketio.ReasonEventRateLimit {
						t.Errorf("socket %s: reasons %q, want %q", id, rs, socketio.ReasonEventRateLimit)
					}
				}
				if n := handled.Load(); n > 4+3 {
					t.Errorf("%d events handled: more than the tokens", n)
				}
				// The flooder's connection does not linger: the client
				// closes it, or the server a second later.
				time.Sleep(2 * time.Second)
				synctest.Wait()
				if n := srv.Engine().Count(); n != 1 {
					t.Errorf("%d connections open, want the other client's", n)
				}
			})
		})
	}
}

// TestEventRateLimitOff: without EventsPerSecond, a burst of events is
// taken whatever its size.
func TestEventRateLimitOff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var handled atomic.Int64
		srv := socketio.NewServer(nil)
		srv.OnConnection(func(ctx context.Context, s *socketio.Socket, _ []byte) error {
			s.On("e", func(context.Context, *socketio.Socket, *socketio.Args, socketio.AckFunc) error {
				handled.Add(1)
				return nil
			})
			return nil
		})
		t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
		kit := siotest.New(t, srv, nil)
		c := kit.Connect(t, "/", nil)
		for range 1000 {
			_ = c.Emit("e")
		}
		for handled.Load() < 1000 {
			time.Sleep(time.Millisecond)
		}
		if !c.Connected() {
			t.Error("disconnected without a limit")
		}
	})
}

// A connection sending events faster than EventsPerSecond (beyond
// EventBurst) has its sockets disconnected with ReasonEventRateLimit; the
// client sees a server disconnect and does not reconnect by itself.
func ExampleOptions_eventsPerSecond() {
	io := socketio.NewServer(&socketio.Options{
		EventsPerSecond: 0.001, // one event every 1000 s on average...
		EventBurst:      2,     // ...and two at once
	})
	gone := make(chan socketio.DisconnectReason, 1)
	io.OnConnection(func(ctx context.Context, s *socketio.Socket, _ []byte) error {
		s.On("move", func(context.Context, *socketio.Socket, *socketio.Args, socketio.AckFunc) error { return nil })
		s.OnDisconnect(func(_ context.Context, _ *socketio.Socket, r socketio.DisconnectReason) { gone <- r })
		return nil
	})
	ts := httptest.NewServer(io)
	defer ts.Close()
	defer io.Shutdown(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	mgr, err := client.Dial(ctx, ts.URL, &client.Options{Transports: []string{client.WebSocket}})
	if err != nil {
		panic(err)
	}
	defer mgr.Close()
	s := mgr.Socket("/", nil)
	reason := make(chan string, 1)
	s.OnDisconnect(func(r string) { reason <- r })
	if err := s.Connect(ctx); err != nil {
		panic(err)
	}
	for range 3 {
		_ = s.Emit("move")
	}
	fmt.Println("server:", <-gone)
	fmt.Println("client:", <-reason)
	// Output:
	// server: event rate limit exceeded
	// client: io server disconnect
}
