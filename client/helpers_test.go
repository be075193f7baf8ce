package client

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/siogo/sio/socketio"
)

// mode is a way of connecting, for tests that run over every transport.
type mode struct {
	name string
	opts Options
	// upgrade: wait for the upgrade to WebSocket after connecting.
	upgrade bool
}

var modes = []mode{
	{name: "polling", opts: Options{Transports: []string{Polling}}},
	{name: "websocket", opts: Options{Transports: []string{WebSocket}}},
	{name: "upgrade", upgrade: true},
}

// run runs f as a parallel subtest per mode.
func run(t *testing.T, f func(t *testing.T, m mode)) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			f(t, m)
		})
	}
}

const wait = 10 * time.Second

// testServer is a sio server for the client's tests. Namespace "/" refuses
// the auth token "bad", greets with "welcome" and the auth it got, and
// answers:
//   - "echo": acknowledges with its arguments;
//   - "ask": emits "question" with its first argument and an ack, then
//     acknowledges "ask" with the client's answer;
//   - "kick": disconnects the socket; "drop": closes its connection;
//   - "join": joins the room of its first argument;
//   - "room": emits to the room of its first argument the event of its
//     second argument with the third;
//   - "flaky": counts its receipts per key (its first argument) and,
//     from the n-th on (its second argument), acknowledges with the count;
//   - "ignored" has no handler, so it is never acknowledged.
//
// "/chat" acknowledges "echo" too. Every disconnect reason reaches reasons.
type testServer struct {
	url     string
	io      *socketio.Server
	reasons chan string
	events  chan string // "<namespace> <event>" of every event received

	mu     sync.Mutex // guards counts
	counts map[string]int
}

func newTestServer(t *testing.T, opts *socketio.Options) *testServer {
	t.Helper()
	ts := &testServer{io: socketio.NewServer(opts), reasons: make(chan string, 64), events: make(chan string, 256), counts: map[string]int{}}
	ts.io.Use(func(ctx context.Context, s *socketio.Socket) error {
		var auth struct {
			Token string `json:"token"`
		}
		_ = json.Unmarshal(s.Handshake().Auth, &auth)
		if auth.Token == "bad" {
			return &socketio.ConnectError{Message: "not authorized", Data: map[string]string{"hint": "use a good token"}}
		}
		return nil
	})
	echo := func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		if ack == nil {
			return nil
		}
		vals := make([]any, args.Len())
		for i := range vals {
			if b, err := args.Binary(i); err == nil {
				vals[i] = b
			} else {
				vals[i] = args.Raw(i)
			}
		}
		return ack(vals...)
	}
	ts.io.OnConnection(func(ctx context.Context, s *socketio.Socket, auth []byte) error {
		s.OnAny(func(ctx context.Context, s *socketio.Socket, event string, args *socketio.Args, ack socketio.AckFunc) {
			ts.events <- "/ " + event
		})
		s.On("echo", echo)
		s.On("ask", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			q := bytes.Clone(args.Raw(0))
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), wait)
				defer cancel()
				answer, err := s.EmitWithAck(ctx, "question", json.RawMessage(q))
				if err != nil {
					_ = ack("error: " + err.Error())
					return
				}
				_ = ack(answer.Raw(0))
			}()
			return nil
		})
		s.On("flaky", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			var key string
			var n int
			_ = args.Decode(0, &key)
			_ = args.Decode(1, &n)
			ts.mu.Lock()
			ts.counts[key]++
			c := ts.counts[key]
			ts.mu.Unlock()
			if c >= n && ack != nil {
				return ack(c)
			}
			return nil
		})
		s.On("kick", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			s.Disconnect(false)
			return nil
		})
		s.On("drop", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			s.CloseConn()
			return nil
		})
		s.On("join", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			var room string
			_ = args.Decode(0, &room)
			s.Join(room)
			if ack != nil {
				return ack()
			}
			return nil
		})
		s.On("room", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			var room, event string
			_ = args.Decode(0, &room)
			_ = args.Decode(1, &event)
			var arg any = args.Raw(2)
			if b, err := args.Binary(2); err == nil {
				arg = b
			}
			err := ts.io.To(room).Emit(event, arg)
			if ack != nil {
				return ack()
			}
			return err
		})
		s.OnDisconnect(func(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {
			ts.reasons <- string(reason)
		})
		if len(auth) == 0 {
			auth = []byte("null")
		}
		return s.Emit("welcome", json.RawMessage(auth), s.Recovered())
	})
	ts.io.Of("/chat").OnConnection(func(ctx context.Context, s *socketio.Socket, auth []byte) error {
		s.On("echo", echo)
		s.OnDisconnect(func(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {
			ts.reasons <- string(reason)
		})
		return nil
	})
	hs := httptest.NewServer(ts.io)
	ts.url = hs.URL
	t.Cleanup(func() {
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		_ = ts.io.Shutdown(ctx)
	})
	return ts
}

// dial opens a Manager to ts in mode m (with extra options from o) and
// closes it at cleanup, waiting for its handlers.
func dial(t *testing.T, ts *testServer, m mode, o *Options) *Manager {
	t.Helper()
	opts := m.opts
	if o != nil {
		opts = *o
		opts.Transports = m.opts.Transports
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	mgr, err := Dial(ctx, ts.url, &opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = mgr.Close()
		<-mgr.Done()
	})
	if m.upgrade {
		waitFor(t, "the upgrade", func() bool { return mgr.Transport() == WebSocket })
	}
	return mgr
}

// waitFor waits up to 10 s for cond.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// recv receives from ch within 10 s.
func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		t.Fatal("timed out")
	}
	var zero T
	return zero
}

// connect connects the socket of nsp with auth, with a "welcome" handler
// feeding the returned channel.
func connect(t *testing.T, mgr *Manager, nsp string, auth any) (*Socket, chan *Event) {
	t.Helper()
	s := mgr.Socket(nsp, &SocketOptions{Auth: auth})
	welcome := make(chan *Event, 8)
	s.On("welcome", func(e *Event) { welcome <- e })
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	return s, welcome
}
