package socketio

import (
	"context"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

// TestFloodClose: after the event rate limit, every socket of the
// connection gets a DISCONNECT, what the client sends next is dropped
// unread (even a malformed packet, or a CONNECT), and the connection
// closes floodGrace later; a connect step under way during the flood
// neither keeps the connection open nor outlives it.
func TestFloodClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, &Options{EventsPerSecond: 1, EventBurst: 2})
		release := make(chan struct{})
		s.Of("/slow").Use(func(ctx context.Context, _ *Socket) error {
			select {
			case <-release:
			case <-ctx.Done():
			}
			return nil
		})
		handled := 0
		s.OnConnection(func(_ context.Context, so *Socket, _ []byte) error {
			so.On("e", func(context.Context, *Socket, *Args, AckFunc) error {
				handled++
				return nil
			})
			return nil
		})
		tc := dial(t, s)
		root := tc.connect("/")
		tc.send("0/slow,") // its middleware waits
		synctest.Wait()
		start := time.Now()
		tc.send(`2["e"]`)
		tc.send(`2["e"]`)
		synctest.Wait()
		if handled != 2 {
			t.Fatalf("%d events of the burst handled, want 2", handled)
		}
		tc.send(`2["e"]`) // one too many
		if sent := tc.settle(); !slices.Contains(sent, "1") {
			t.Fatalf("sent %q, want a DISCONNECT for /", sent)
		}
		if root.Connected() || handled != 2 {
			t.Fatalf("connected %v, %d events handled; want disconnected after 2", root.Connected(), handled)
		}
		tc.send("garbage")
		tc.send("0/other,")
		close(release) // /slow connects now, and is disconnected at once
		synctest.Wait()
		if tc.conn.isClosed() {
			t.Fatal("closed before the grace")
		}
		time.Sleep(floodGrace)
		synctest.Wait()
		if !tc.conn.isClosed() || time.Since(start) != floodGrace {
			t.Fatalf("closed %v after %v, want closed after %v", tc.conn.isClosed(), time.Since(start), floodGrace)
		}
		tc.c.mu.Lock()
		n := len(tc.c.sockets)
		tc.c.mu.Unlock()
		if n != 0 {
			t.Errorf("%d sockets left", n)
		}
	})
}
