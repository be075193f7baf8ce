package socketio_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/siotest"
	"github.com/siogo/sio/socketio"
)

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
					kit := siotest.New(t, io, &siotest.Options{Client: &client.Options{Transports: m.transports, DisableReconnection: true}})
					ctx := context.Background()
					clients := make([]*siotest.Client, n)
					for i := range clients {
						clients[i] = kit.Connect(t, "/", nil)
						if m.upgrade {
							for clients[i].Manager().Transport() != client.WebSocket {
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
					}
					for i, c := range clients {
						if r := c.ExpectDisconnect(t); r != client.ReasonTransportClose {
							t.Errorf("client %d saw %q, want %q", i, r, client.ReasonTransportClose)
						}
					}
				})
			})
		}
	}
}
