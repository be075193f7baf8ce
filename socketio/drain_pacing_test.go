package socketio_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/socketio"
)

// pipeListener is a net.Listener of in-memory connections, so that a
// server and its clients run inside a synctest bubble.
type pipeListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newPipeListener() *pipeListener {
	return &pipeListener{conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *pipeListener) dial(context.Context, string, string) (net.Conn, error) {
	a, b := net.Pipe()
	select {
	case l.conns <- b:
		return a, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *pipeListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *pipeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)} }

// TestDrainPacingSocketIO drains Go clients in fake time over each
// transport: the sockets disconnect ("server shutting down") one every
// Period/n, or at Rate, the drain returns within the period, and a context
// ending early disconnects the rest at once.
func TestDrainPacingSocketIO(t *testing.T) {
	const n = 6
	tests := []struct {
		name    string
		opts    *socketio.DrainOptions
		timeout time.Duration
		want    []time.Duration // when each socket disconnects
		wantErr error
	}{
		{"period", &socketio.DrainOptions{Period: 6 * time.Second}, 0,
			[]time.Duration{0, 1e9, 2e9, 3e9, 4e9, 5e9}, nil},
		{"rate", &socketio.DrainOptions{Period: 6 * time.Second, Rate: 0.5}, 0,
			[]time.Duration{0, 2e9, 4e9, 6e9, 8e9, 10e9}, nil},
		{"context ends early", &socketio.DrainOptions{Period: 6 * time.Second}, 2500 * time.Millisecond,
			[]time.Duration{0, 1e9, 2e9, 25e8, 25e8, 25e8}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		for _, m := range drainTransports {
			t.Run(tt.name+"/"+m.name, func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					io := socketio.NewServer(nil)
					type gone struct {
						at     time.Duration
						reason socketio.DisconnectReason
					}
					var start time.Time
					var mu sync.Mutex // guards start
					disconnects := make(chan gone, n)
					io.OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
						s.OnDisconnect(func(_ context.Context, _ *socketio.Socket, r socketio.DisconnectReason) {
							mu.Lock()
							at := time.Since(start)
							mu.Unlock()
							disconnects <- gone{at, r}
						})
						return nil
					})
					l := newPipeListener()
					hs := &http.Server{Handler: io}
					go func() { _ = hs.Serve(l) }()
					tr := &http.Transport{DialContext: l.dial}
					defer func() {
						_ = hs.Close()
						tr.CloseIdleConnections()
					}()
					ctx := context.Background()
					reasons := make(chan string, n)
					for range n {
						mgr, err := client.Dial(ctx, "http://sio.test", &client.Options{
							Transports:          m.transports,
							HTTPClient:          &http.Client{Transport: tr},
							Dialer:              &websocket.Dialer{NetDialContext: l.dial},
							DisableReconnection: true,
						})
						if err != nil {
							t.Fatal(err)
						}
						defer func() { _ = mgr.Close(); <-mgr.Done() }()
						s := mgr.Socket("/", nil)
						s.OnDisconnect(func(r string) { reasons <- r })
						if err := s.Connect(ctx); err != nil {
							t.Fatal(err)
						}
						if m.upgrade {
							for mgr.Transport() != client.WebSocket {
								time.Sleep(time.Millisecond)
							}
						}
					}
					synctest.Wait()

					dctx := ctx
					if tt.timeout > 0 {
						var cancel context.CancelFunc
						dctx, cancel = context.WithTimeout(ctx, tt.timeout)
						defer cancel()
					}
					mu.Lock()
					start = time.Now()
					mu.Unlock()
					err := io.Drain(dctx, tt.opts)
					if !errors.Is(err, tt.wantErr) {
						t.Errorf("Drain: %v, want %v", err, tt.wantErr)
					}
					if took, want := time.Since(start), tt.want[n-1]; took != want {
						t.Errorf("Drain returned after %v, want %v", took, want)
					}
					synctest.Wait()
					for i, want := range tt.want {
						g := <-disconnects
						if g.at != want || g.reason != socketio.ReasonServerShuttingDown {
							t.Errorf("disconnect %d at %v (%q), want at %v (%q)", i, g.at, g.reason, want, socketio.ReasonServerShuttingDown)
						}
						if r := <-reasons; r != client.ReasonTransportClose {
							t.Errorf("client %d saw %q, want %q", i, r, client.ReasonTransportClose)
						}
					}
				})
			})
		}
	}
}
