package interop

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/siogo/sio/socketio"
)

// flowEvents is how many events js/flow.mjs buffers, bursts or misses:
// far beyond socketio.DefaultEventQueueSize and
// engineio.DefaultSendQueueSize.
const flowEvents = 5000

// flowCount counts one socket's "flood" events and checks their order.
type flowCount struct {
	mu      sync.Mutex
	handled int
	inOrder bool
}

// flowTally records, for each socket that handled "flood" events, how many
// and why it disconnected.
type flowTally struct {
	mu  sync.Mutex
	log []string
}

func (t *flowTally) add(handled int, reason socketio.DisconnectReason) {
	t.mu.Lock()
	t.log = append(t.log, fmt.Sprintf("%d handled, then %q", handled, reason))
	t.mu.Unlock()
}

// newFlowServer returns the server of js/flow.mjs: a slow "flood" handler,
// and connection state recovery.
func newFlowServer(tally *flowTally) *socketio.Server {
	io := socketio.NewServer(&socketio.Options{
		ConnectionStateRecovery: &socketio.RecoveryOptions{MaxDisconnectionDuration: 30 * time.Second},
	})
	io.OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
		if !s.Recovered() {
			s.SetData(&flowCount{inOrder: true})
		}
		s.OnDisconnect(func(_ context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {
			if c, ok := socketio.DataAs[*flowCount](s); ok && c.handled > 0 {
				tally.add(c.handled, reason)
			}
		})
		return nil
	})
	io.On("flood", func(_ context.Context, s *socketio.Socket, args *socketio.Args, _ socketio.AckFunc) error {
		c, _ := socketio.DataAs[*flowCount](s)
		i := decodeArg[int](args, 0)
		if i%50 == 0 {
			// Slower than the client: the queue fills up.
			time.Sleep(time.Millisecond)
		}
		c.mu.Lock()
		if i != c.handled {
			c.inOrder = false
		}
		c.handled++
		c.mu.Unlock()
		return nil
	})
	io.On("count", func(_ context.Context, s *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
		c, _ := socketio.DataAs[*flowCount](s)
		c.mu.Lock()
		defer c.mu.Unlock()
		return ack(map[string]any{"handled": c.handled, "inOrder": c.inOrder})
	})
	io.On("join", func(_ context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		s.Join(decodeArg[string](args, 0))
		// An event carries the offset the client recovers from.
		if err := s.Emit("joined"); err != nil {
			return err
		}
		return ack(true)
	})
	io.On("drop-and-miss", func(_ context.Context, s *socketio.Socket, args *socketio.Args, _ socketio.AckFunc) error {
		room, n := decodeArg[string](args, 0), decodeArg[int](args, 1)
		// The session is kept for recovery once the socket's close ran,
		// after this handler: then tell the client to come back.
		s.OnDisconnect(func(context.Context, *socketio.Socket, socketio.DisconnectReason) {
			_ = io.To("ctl-" + room).Emit("cut-done")
		})
		s.CloseConn()
		for i := range n {
			if err := io.To(room).Emit("m", i); err != nil {
				return err
			}
		}
		return nil
	})
	return io
}

// TestSocketIOFlowInterop runs js/flow.mjs: socket.io-client flushing
// flowEvents events buffered while offline, or emitting them in a burst,
// to a handler slower than the client must have every one handled, in
// order, without being disconnected (the server stops reading while the
// socket's queue is full); a client that missed flowEvents packets must
// recover all of them. Over polling, WebSocket and the upgrade.
func TestSocketIOFlowInterop(t *testing.T) {
	scenarios := []string{"offline-buffer", "burst", "recovery"}
	for _, mode := range []string{"polling", "websocket", "upgrade"} {
		t.Run(mode, func(t *testing.T) {
			var tally flowTally
			io := newFlowServer(&tally)
			hs := httptest.NewServer(io)
			defer func() {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				if err := io.Shutdown(ctx); err != nil {
					t.Errorf("Shutdown: %v", err)
				}
				hs.Close()
			}()
			lines, _ := runNodeFor(t, 3*nodeTimeout, "flow.mjs", hs.URL, mode, strconv.Itoa(flowEvents))
			tally.mu.Lock()
			t.Logf("server side: %q", tally.log)
			tally.mu.Unlock()
			checkScenarios(t, lines, scenarios)
		})
	}
}
