package socketio_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/internal/balancer"
	"github.com/siogo/sio/socketio"
)

// drainTransports are the client configurations of the drain tests.
var drainTransports = []struct {
	name       string
	transports []string
	upgrade    bool
}{
	{"polling", []string{client.Polling}, false},
	{"websocket", []string{client.WebSocket}, false},
	{"upgrade", nil, true},
}

// persistCounter is a MemoryAdapter counting the sessions persisted for
// recovery.
type persistCounter struct {
	*socketio.MemoryAdapter
	n *atomic.Int32
}

func (a *persistCounter) PersistSession(s *socketio.SessionState) {
	a.n.Add(1)
	a.MemoryAdapter.PersistSession(s)
}

// TestDrainReconnectsElsewhere drains a server behind a balancer over each
// transport: every client sees "transport close" and reconnects, to the
// other server; on the drained one every socket disconnects with "server
// shutting down", and its session is kept for recovery; a handshake sent
// to it during the drain gets 503.
func TestDrainReconnectsElsewhere(t *testing.T) {
	const n = 10
	for _, m := range drainTransports {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()

			var persisted atomic.Int32
			a := socketio.NewServer(&socketio.Options{
				ConnectionStateRecovery: &socketio.RecoveryOptions{},
				Adapter: func(nsp *socketio.Namespace) socketio.Adapter {
					return &persistCounter{MemoryAdapter: socketio.NewMemoryAdapter(nsp), n: &persisted}
				},
			})
			b := socketio.NewServer(nil)
			reasons := make(chan socketio.DisconnectReason, n)
			onA := make(chan struct{}, n)
			a.OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
				s.OnDisconnect(func(_ context.Context, _ *socketio.Socket, r socketio.DisconnectReason) { reasons <- r })
				onA <- struct{}{}
				return nil
			})
			onB := make(chan struct{}, n)
			b.OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
				s.On("where", func(_ context.Context, _ *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
					return ack("b")
				})
				onB <- struct{}{}
				return nil
			})
			lb := balancer.New(a, b)
			hs := httptest.NewServer(lb)
			t.Cleanup(func() {
				hs.Close()
				sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer scancel()
				if err := b.Shutdown(sctx); err != nil {
					t.Errorf("Shutdown: %v", err)
				}
			})

			var socks []*client.Socket
			closes := make(chan string, n)
			for range n {
				mgr, err := client.Dial(ctx, hs.URL, &client.Options{Transports: m.transports, ReconnectionDelay: 10 * time.Millisecond, ReconnectionDelayMax: 50 * time.Millisecond})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = mgr.Close(); <-mgr.Done() })
				s := mgr.Socket("/", nil)
				s.OnDisconnect(func(reason string) { closes <- reason })
				if err := s.Connect(ctx); err != nil {
					t.Fatal(err)
				}
				if m.upgrade {
					for mgr.Transport() != client.WebSocket {
						select {
						case <-ctx.Done():
							t.Fatal("no upgrade")
						case <-time.After(5 * time.Millisecond):
						}
					}
				}
				socks = append(socks, s)
			}
			for range n {
				recv(ctx, t, onA, struct{}{})
			}

			lb.TakeFirstOut() // the balancer's health check saw the drain
			drained := make(chan error, 1)
			go func() { drained <- a.Drain(ctx, &socketio.DrainOptions{Period: 300 * time.Millisecond}) }()

			// A handshake reaching the drained server is refused.
			for a.Engine().Count() == n {
				select {
				case <-ctx.Done():
					t.Fatal("the drain closed nothing")
				case <-time.After(time.Millisecond):
				}
			}
			for _, q := range []string{"EIO=4&transport=polling", "EIO=4&transport=websocket"} {
				req := httptest.NewRequest(http.MethodGet, "/socket.io/?"+q, nil)
				if q[len(q)-9:] == "websocket" {
					req.Header.Set("Connection", "Upgrade")
					req.Header.Set("Upgrade", "websocket")
					req.Header.Set("Sec-WebSocket-Version", "13")
					req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
				}
				rec := httptest.NewRecorder()
				a.ServeHTTP(rec, req)
				if rec.Code != http.StatusServiceUnavailable {
					t.Errorf("handshake %s during the drain: %d, want 503", q, rec.Code)
				}
			}

			if err := <-drained; err != nil {
				t.Fatalf("Drain: %v", err)
			}
			for range n {
				if r := <-reasons; r != socketio.ReasonServerShuttingDown {
					t.Errorf("server-side reason %q, want %q", r, socketio.ReasonServerShuttingDown)
				}
				recv(ctx, t, closes, client.ReasonTransportClose)
			}
			if p := persisted.Load(); p != n {
				t.Errorf("%d sessions persisted for recovery, want %d", p, n)
			}
			for range n {
				recv(ctx, t, onB, struct{}{})
			}
			for _, s := range socks {
				for !s.Connected() {
					select {
					case <-ctx.Done():
						t.Fatal("a client did not reconnect")
					case <-time.After(5 * time.Millisecond):
					}
				}
				res, err := s.EmitWithAck(ctx, "where")
				if err != nil || string(res.Raw(0)) != `"b"` {
					t.Errorf("after the drain: %v, %v; want the second server", res, err)
				}
			}
		})
	}
}
