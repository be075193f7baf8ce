package streams_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/internal/tcpswitch"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/emitter"
)

// newProxy starts a tcpswitch forwarding to target, closed when the test
// ends: a client that reconnects after a cut reaches another server at the
// same URL.
func newProxy(t *testing.T, target string) *tcpswitch.Switch {
	t.Helper()
	p, err := tcpswitch.Listen(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func hostOf(n *node) string { return strings.TrimPrefix(n.hs.URL, "http://") }

// recoveryNode starts a node with connection state recovery and a short
// heartbeat (so that a cut polling session ends soon), and reports the
// disconnections of its sockets.
func recoveryNode(t *testing.T, name string, rc *redis.Client, disconnected chan<- string) *node {
	t.Helper()
	rec := &socketio.RecoveryOptions{MaxDisconnectionDuration: time.Minute}
	n := startNode(t, name, rc, nil, &socketio.Options{
		ConnectionStateRecovery: rec,
		Engine:                  &engineio.Options{PingInterval: 300 * time.Millisecond, PingTimeout: 2 * time.Second},
	})
	n.srv.Of("/").OnConnection(func(_ context.Context, s *socketio.Socket, auth []byte) error {
		var a struct{ Tag, Room string }
		_ = json.Unmarshal(auth, &a)
		if !s.Recovered() {
			s.SetData(map[string]string{"tag": a.Tag})
			s.Join(a.Tag, a.Room)
		}
		s.OnDisconnect(func(_ context.Context, s *socketio.Socket, _ socketio.DisconnectReason) {
			disconnected <- s.ID()
		})
		return nil
	})
	return n
}

// TestRecoveryAcrossNodes connects a client to node A, cuts its transport,
// broadcasts from both nodes and an emitter while it is away and lets it reconnect to
// node B: it gets back its id, rooms and data, and exactly the events sent
// to its rooms meanwhile, in order, over each transport.
func TestRecoveryAcrossNodes(t *testing.T) {
	for _, tr := range [][]string{{"polling"}, {"websocket"}, {"polling", "websocket"}} {
		t.Run(strings.Join(tr, "+"), func(t *testing.T) {
			_, rc := newRedis(t)
			gone := make(chan string, 4)
			a := recoveryNode(t, "A", rc, gone)
			b := recoveryNode(t, "B", rc, gone)
			px := newProxy(t, hostOf(a))
			p := dialPeerURL(t, "http://"+px.Addr(), "c", "red", tr, &client.Options{ReconnectionDelay: 20 * time.Millisecond, ReconnectionDelayMax: 100 * time.Millisecond})
			id := p.s.ID()
			reconnected := make(chan bool, 1)
			p.s.OnConnect(func() { reconnected <- p.s.Recovered() })

			// Two events before the cut: the client's offset is the last.
			if err := b.srv.To("red").Emit("before", "1"); err != nil {
				t.Fatal(err)
			}
			check(t, "before the cut", p.waitFor(t, "before:1"), []string{})
			if err := a.srv.Emit("before", "2"); err != nil {
				t.Fatal(err)
			}
			check(t, "before the cut", p.waitFor(t, "before:2"), []string{})

			px.To("")
			px.Cut()
			select {
			case got := <-gone:
				if got != id {
					t.Fatalf("%s disconnected, want %s", got, id)
				}
			case <-time.After(wait):
				t.Fatal("node A did not see the cut")
			}
			// Meanwhile: two events for the session, one that is not.
			if err := a.srv.To("red").Emit("missed", "m1"); err != nil {
				t.Fatal(err)
			}
			if err := b.srv.To("blue").Emit("missed", "nope"); err != nil {
				t.Fatal(err)
			}
			if err := emitter.NewStreams(rc, nil).To("red").Emit(t.Context(), "missed", "m3"); err != nil {
				t.Fatal(err)
			}
			if err := b.srv.Except("blue").Emit("missed", "m2"); err != nil {
				t.Fatal(err)
			}
			px.To(hostOf(b))
			select {
			case rec := <-reconnected:
				if !rec {
					t.Fatal("reconnected to B without recovering")
				}
			case <-time.After(wait):
				t.Fatal("no reconnection")
			}
			if p.s.ID() != id {
				t.Errorf("id %s after recovery, want %s", p.s.ID(), id)
			}
			check(t, "missed events", p.waitFor(t, "missed:m2"), []string{"missed:m1", "missed:m3"})
			s, ok := b.srv.Of("/").Socket(id)
			if !ok {
				t.Fatal("socket not on B")
			}
			rooms := b.srv.Of("/").Adapter().SocketRooms(id)
			want := []string{"c", id, "red"}
			slices.Sort(rooms)
			slices.Sort(want)
			check(t, "rooms on B", rooms, want)
			if d, _ := s.Data().(json.RawMessage); string(d) != `{"tag":"c"}` {
				t.Errorf("data on B: %v, want {\"tag\":\"c\"}", s.Data())
			}
			// The rooms work cluster wide.
			if err := a.srv.To("red").Emit("after", "3"); err != nil {
				t.Fatal(err)
			}
			check(t, "after", p.waitFor(t, "after:3"), []string{})
		})
	}
}

// TestRecoveryRefused: a session is restored once only, and not with an
// offset the stream no longer has, a malformed one, or without recovery.
func TestRecoveryRefused(t *testing.T) {
	_, rc := newRedis(t)
	gone := make(chan string, 4)
	a := recoveryNode(t, "A", rc, gone)
	ad := a.srv.Of("/").Adapter()
	ctx := t.Context()
	ad.PersistSession(&socketio.SessionState{SID: "sid1", PID: "pid1", Rooms: []string{"sid1", "r"}})
	if err := a.srv.Emit("e", 1); err != nil {
		t.Fatal(err)
	}
	entries, err := rc.XRange(ctx, "socket.io", "-", "+").Result()
	if err != nil || len(entries) != 1 {
		t.Fatalf("stream: %v, %v", entries, err)
	}
	off := entries[0].ID
	tests := []struct {
		name, pid, offset string
		want              bool
	}{
		{"malformed offset", "pid1", "x-1", false},
		{"unknown offset", "pid1", "1-0", false},
		{"unknown pid", "pid2", off, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Node deletes the session whatever the offset: store it again.
			ad.PersistSession(&socketio.SessionState{SID: "sid1", PID: "pid1", Rooms: []string{"sid1", "r"}})
			st, err := ad.RestoreSession(ctx, tc.pid, tc.offset)
			if (st != nil) != tc.want || err != nil {
				t.Errorf("RestoreSession = %v, %v", st, err)
			}
		})
	}
	ad.PersistSession(&socketio.SessionState{SID: "sid1", PID: "pid1", Rooms: []string{"sid1", "r"}})
	st, err := ad.RestoreSession(ctx, "pid1", off)
	if err != nil || st == nil || st.SID != "sid1" || len(st.MissedPackets) != 0 || string(st.Data.(json.RawMessage)) != "{}" {
		t.Fatalf("RestoreSession = %+v, %v", st, err)
	}
	if st, err := ad.RestoreSession(ctx, "pid1", off); st != nil || err != nil {
		t.Errorf("second RestoreSession = %v, %v; want nil", st, err)
	}
	pttl, err := rc.PTTL(ctx, "sio:session:pid1").Result()
	if err != nil || pttl != -2*time.Nanosecond {
		t.Errorf("session key after restore: PTTL %v, %v; want gone", pttl, err)
	}
	ad.PersistSession(&socketio.SessionState{SID: "sid1", PID: "pid1"})
	pttl, err = rc.PTTL(ctx, "sio:session:pid1").Result()
	if err != nil || pttl <= 50*time.Second || pttl > time.Minute {
		t.Errorf("session key: PTTL %v, %v; want about MaxDisconnectionDuration", pttl, err)
	}
}
