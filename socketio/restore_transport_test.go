package socketio_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/socketio"
)

// gatedRestore is a MemoryAdapter whose RestoreSession waits for gate (or
// its ctx) before restoring, and tells entered when it starts waiting.
type gatedRestore struct {
	*socketio.MemoryAdapter
	gate    chan struct{}
	entered chan struct{}
}

func (a *gatedRestore) RestoreSession(ctx context.Context, pid, offset string) (*socketio.SessionState, error) {
	select {
	case a.entered <- struct{}{}:
	default:
	}
	select {
	case <-a.gate:
		return a.MemoryAdapter.RestoreSession(ctx, pid, offset)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TestBlockedRestoreOverTransports recovers a session over polling,
// WebSocket and the upgrade while the adapter's RestoreSession blocks:
// another client connects and gets answers meanwhile; once the restore
// ends the client has its id and the event it missed, or, when the restore
// outlives the connect timeout, gets "Connection timeout".
func TestBlockedRestoreOverTransports(t *testing.T) {
	const wait = 10 * time.Second
	modes := []struct {
		name       string
		transports []string
		upgrade    bool
	}{
		{"polling", []string{client.Polling}, false},
		{"websocket", []string{client.WebSocket}, false},
		{"upgrade", nil, true},
	}
	for _, m := range modes {
		for _, timeout := range []bool{false, true} {
			name := m.name + "/restored"
			if timeout {
				name = m.name + "/timed out"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				connectTimeout := wait
				if timeout {
					connectTimeout = 2 * time.Second
				}
				var (
					mu sync.Mutex
					ad *gatedRestore
				)
				io := socketio.NewServer(&socketio.Options{
					ConnectTimeout:          connectTimeout,
					ConnectionStateRecovery: &socketio.RecoveryOptions{},
					Adapter: func(n *socketio.Namespace) socketio.Adapter {
						a := &gatedRestore{MemoryAdapter: socketio.NewMemoryAdapter(n), gate: make(chan struct{}), entered: make(chan struct{}, 1)}
						mu.Lock()
						ad = a
						mu.Unlock()
						return a
					},
				})
				gone := make(chan struct{}, 4)
				io.OnConnection(func(ctx context.Context, s *socketio.Socket, _ []byte) error {
					if !s.Recovered() {
						s.Join("r")
					}
					s.On("drop", func(context.Context, *socketio.Socket, *socketio.Args, socketio.AckFunc) error {
						s.CloseConn()
						return nil
					})
					s.On("ping", func(_ context.Context, _ *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
						return ack("pong")
					})
					s.OnDisconnect(func(context.Context, *socketio.Socket, socketio.DisconnectReason) { gone <- struct{}{} })
					return nil
				})
				hs := httptest.NewServer(io)
				t.Cleanup(func() {
					hs.Close()
					ctx, cancel := context.WithTimeout(context.Background(), wait)
					defer cancel()
					if err := io.Shutdown(ctx); err != nil {
						t.Errorf("Shutdown: %v", err)
					}
				})
				mu.Lock()
				a := ad
				mu.Unlock()
				ctx, cancel := context.WithTimeout(context.Background(), wait)
				defer cancel()
				dial := func() *client.Manager {
					mgr, err := client.Dial(ctx, hs.URL, &client.Options{Transports: m.transports, ReconnectionDelay: 10 * time.Millisecond, RandomizationFactor: -1})
					if err != nil {
						t.Fatal(err)
					}
					t.Cleanup(func() { _ = mgr.Close(); <-mgr.Done() })
					return mgr
				}

				mgr := dial()
				s := mgr.Socket("/", nil)
				news := make(chan string, 4)
				s.On("news", func(e *client.Event) {
					var v string
					_ = e.Args.Decode(0, &v)
					news <- v
				})
				connectErrs := make(chan error, 4)
				s.OnConnectError(func(err error) { connectErrs <- err })
				if err := s.Connect(ctx); err != nil {
					t.Fatal(err)
				}
				if m.upgrade {
					for mgr.Transport() != client.WebSocket {
						select {
						case <-ctx.Done():
							t.Fatal("no upgrade")
						case <-time.After(10 * time.Millisecond):
						}
					}
				}
				if err := io.To("r").Emit("news", "first"); err != nil {
					t.Fatal(err)
				}
				recv(ctx, t, news, "first")
				id := s.ID()
				if err := s.Emit("drop"); err != nil {
					t.Fatal(err)
				}
				recv(ctx, t, gone, struct{}{})
				if err := io.To("r").Emit("news", "missed"); err != nil {
					t.Fatal(err)
				}
				// The client reconnects and asks for its session, whose
				// restore blocks.
				recv(ctx, t, a.entered, struct{}{})

				// Meanwhile another client connects and is answered.
				other := dial().Socket("/", nil)
				if err := other.Connect(ctx); err != nil {
					t.Fatal(err)
				}
				if res, err := other.EmitWithAck(ctx, "ping"); err != nil || string(res.Raw(0)) != `"pong"` {
					t.Fatalf("other client: %v, %v", res, err)
				}

				if timeout {
					var ce *client.ConnectError
					select {
					case err := <-connectErrs:
						if !errors.As(err, &ce) || ce.Message != "Connection timeout" {
							t.Fatalf("connect error %v, want Connection timeout", err)
						}
					case <-ctx.Done():
						t.Fatal("no connect error")
					}
					return
				}
				close(a.gate)
				recv(ctx, t, news, "missed")
				if !s.Recovered() || s.ID() != id {
					t.Errorf("recovered %v, id %s then %s", s.Recovered(), id, s.ID())
				}
			})
		}
	}
}

// recv waits for want on ch until ctx ends.
func recv[T comparable](ctx context.Context, t *testing.T, ch <-chan T, want T) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("got %v, want %v", got, want)
		}
	case <-ctx.Done():
		t.Fatalf("no %v", want)
	}
}
