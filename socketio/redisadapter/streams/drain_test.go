package streams_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/internal/balancer"
	"github.com/siogo/sio/socketio"
)

// TestDrainRecoversOnOtherNode drains node A behind a balancer, over each
// transport: its clients reconnect to node B, which shares A's Redis, and
// get their sessions back (same id, rooms) there: the drain closes
// their sockets with the recoverable "server shutting down" after which A
// persisted them; an event to their room then reaches them from either
// node.
func TestDrainRecoversOnOtherNode(t *testing.T) {
	const n = 4
	for _, tr := range [][]string{{"polling"}, {"websocket"}, {"polling", "websocket"}} {
		t.Run(strings.Join(tr, "+"), func(t *testing.T) {
			_, rc := newRedis(t)
			gone := make(chan string, n)
			a := recoveryNode(t, "A", rc, gone)
			b := recoveryNode(t, "B", rc, make(chan string, n))
			lb := balancer.New(a.srv, b.srv)
			hs := httptest.NewServer(lb)
			t.Cleanup(hs.Close)

			peers := make([]*peer, n)
			ids := make([]string, n)
			recovered := make(chan bool, n)
			for i := range peers {
				p := dialPeerURL(t, hs.URL, fmt.Sprint("c", i), "red", tr, &client.Options{ReconnectionDelay: 20 * time.Millisecond, ReconnectionDelayMax: 100 * time.Millisecond})
				p.s.OnConnect(func() { recovered <- p.s.Recovered() })
				peers[i], ids[i] = p, p.s.ID()
			}
			// An event gives each client an offset to recover from (a
			// client that received none sends no offset, as in Node).
			if err := b.srv.To("red").Emit("before", "0"); err != nil {
				t.Fatal(err)
			}
			for _, p := range peers {
				check(t, p.tag+" before the drain", p.waitFor(t, "before:0"), []string{})
			}
			if len(tr) == 2 {
				// The clients upgrade before the drain.
				deadline := time.Now().Add(wait)
				for _, id := range ids {
					for {
						if s, ok := a.srv.Of("/").Socket(id); ok && s.Transport() == "websocket" {
							break
						}
						if time.Now().After(deadline) {
							t.Fatal("a client did not upgrade")
						}
						time.Sleep(5 * time.Millisecond)
					}
				}
			}

			lb.TakeFirstOut()
			ctx, cancel := context.WithTimeout(t.Context(), wait)
			defer cancel()
			if err := a.srv.Drain(ctx, &socketio.DrainOptions{Period: 400 * time.Millisecond}); err != nil {
				t.Fatalf("Drain: %v", err)
			}
			for range n {
				select {
				case <-gone:
				case <-time.After(wait):
					t.Fatal("node A did not disconnect every socket")
				}
			}
			for range n {
				select {
				case rec := <-recovered:
					if !rec {
						t.Error("a client reconnected to B without recovering its session")
					}
				case <-time.After(wait):
					t.Fatal("not every client reconnected")
				}
			}
			for i, p := range peers {
				if p.s.ID() != ids[i] {
					t.Errorf("%s: id %s after the drain, want %s", p.tag, p.s.ID(), ids[i])
				}
				if _, ok := b.srv.Of("/").Socket(ids[i]); !ok {
					t.Errorf("%s: not on node B", p.tag)
				}
			}
			if err := b.srv.To("red").Emit("after", "1"); err != nil {
				t.Fatal(err)
			}
			for _, p := range peers {
				check(t, p.tag+" after the drain", p.waitFor(t, "after:1"), []string{})
			}
		})
	}
}
