package admin_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/siotest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/admin"
	"github.com/siogo/sio/socketio/redisadapter"
)

// TestCluster: with Options.Cluster, two nodes sharing a Redis adapter
// are one view for a UI connected to either: all_sockets has the other
// node's sockets, both nodes' server_stats come, the other node's
// sockets' events come, and a disconnect from the UI reaches the other
// node's socket. It runs on real time (a Redis process): the waits are
// bounded, none depends on speed.
func TestCluster(t *testing.T) {
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	node := func(id string) *siotest.Kit {
		a, err := admin.New(&admin.Options{NoAuth: true, Cluster: true, ServerID: id, Logger: quiet})
		if err != nil {
			t.Fatal(err)
		}
		srv := socketio.NewServer(a.Instrument(&socketio.Options{Adapter: redisadapter.New(rc, nil), Logger: quiet}))
		srv.OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
			s.Join("lobby")
			return nil
		})
		t.Cleanup(func() {
			_ = a.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
		})
		if err := a.Attach(srv); err != nil {
			t.Fatal(err)
		}
		// Wait for Redis to confirm the namespaces' subscriptions.
		for _, nsp := range []string{"/", "/admin"} {
			if err := srv.Of(nsp).Start(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		return siotest.New(t, srv, &siotest.Options{Client: &client.Options{Transports: []string{client.WebSocket}}})
	}
	nodeA, nodeB := node("node-a"), node("node-b")
	alice := nodeA.Connect(t, "/", nil)
	ui := nodeB.Connect(t, "/admin", nil)

	found := false
	for _, s := range decode[[]socketJSON](t, ui.Expect(t, "all_sockets"), 0) {
		if s.ID == alice.ID() {
			found = s.Nsp == "/" && s.Transport == "websocket" && len(s.Rooms) == 2
		}
	}
	if !found {
		t.Errorf("all_sockets on node B lacks alice of node A (or her details)")
	}

	// Node A counts the UIs every 2 s; its stats come within a few of
	// node B's.
	seen := map[string]bool{}
	for i := 0; !seen["node-a"] || !seen["node-b"]; i++ {
		if i == 10 {
			t.Fatalf("10 server_stats from %v, want both nodes", seen)
		}
		seen[decode[statsJSON](t, ui.Expect(t, "server_stats"), 0).ServerID] = true
	}

	// Node A has counted the UI (it sent its stats): its sockets' events
	// come.
	bob := nodeA.Connect(t, "/", nil)
	bobID := bob.ID()
	for decode[socketJSON](t, ui.Expect(t, "socket_connected"), 0).ID != bobID {
	}
	if err := ui.Emit("_disconnect", "/", false, bobID); err != nil {
		t.Fatal(err)
	}
	if r := bob.ExpectDisconnect(t); r != "io server disconnect" {
		t.Errorf("bob's disconnect reason %q", r)
	}
	for decode[string](t, ui.Expect(t, "socket_disconnected"), 1) != bobID {
	}
	if !alice.Connected() {
		t.Error("alice was disconnected too")
	}
}
