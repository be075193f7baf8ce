package interop

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio"
)

// newLimitsServer returns the server of js/limits.mjs: an event rate limit
// per connection, and handshake limits for connections that name a key in
// their "k" query parameter.
func newLimitsServer() *socketio.Server {
	io := socketio.NewServer(&socketio.Options{
		EventsPerSecond: 0.001, // a token every 1000 s...
		EventBurst:      10,    // ...after ten at once
		Engine: &engineio.Options{Limits: &engineio.LimitOptions{
			HandshakesPerSecond: 0.001,
			HandshakeBurst:      3,
			MaxConnections:      2,
			Key:                 func(r *http.Request) string { return r.URL.Query().Get("k") },
		}},
	})
	io.OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
		s.On("e", func(context.Context, *socketio.Socket, *socketio.Args, socketio.AckFunc) error { return nil })
		s.On("ping", func(_ context.Context, _ *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
			return ack("pong")
		})
		return nil
	})
	return io
}

// TestLimitsInterop runs js/limits.mjs: with socket.io-client 4.8, a
// connection flooding events is disconnected with "io server disconnect"
// and does not reconnect, while another connection goes on; a handshake
// beyond MaxConnections or the handshake rate of its key gets a
// connect_error (HTTP 403 over polling), and a closed connection gives its
// place back. Over polling, WebSocket and the upgrade.
func TestLimitsInterop(t *testing.T) {
	scenarios := []string{"flood", "too-many-connections", "rate-limited"}
	for _, mode := range []string{"polling", "websocket", "upgrade"} {
		t.Run(mode, func(t *testing.T) {
			io := newLimitsServer()
			hs := httptest.NewServer(io)
			defer func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				if err := io.Shutdown(ctx); err != nil {
					t.Errorf("Shutdown: %v", err)
				}
				hs.Close()
			}()
			checkScenarios(t, runNode(t, "limits.mjs", hs.URL, mode), scenarios)
		})
	}
}
