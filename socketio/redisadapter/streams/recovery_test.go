package streams_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/emitter"
)

// proxy forwards TCP connections to a target it can switch, and cuts them
// on demand: a client that reconnects after a cut reaches another server
// at the same URL.
type proxy struct {
	ln net.Listener
	wg sync.WaitGroup // the accept loop and the copies

	mu     sync.Mutex // guards target and conns
	target string     // "" refuses connections
	conns  map[net.Conn]struct{}
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: make(map[net.Conn]struct{})}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(func() {
		_ = ln.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) url() string { return "http://" + p.ln.Addr().String() }

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		target := p.target
		p.mu.Unlock()
		if target == "" {
			_ = c.Close()
			continue
		}
		u, err := net.Dial("tcp", target)
		if err != nil {
			_ = c.Close()
			continue
		}
		p.mu.Lock()
		p.conns[c], p.conns[u] = struct{}{}, struct{}{}
		p.mu.Unlock()
		p.wg.Add(2)
		pipe := func(dst, src net.Conn) {
			defer p.wg.Done()
			_, _ = io.Copy(dst, src)
			_ = dst.Close()
			_ = src.Close()
		}
		go pipe(u, c)
		go pipe(c, u)
	}
}

// switchTo sends the next connections to target ("" refuses them).
func (p *proxy) switchTo(target string) {
	p.mu.Lock()
	p.target = target
	p.mu.Unlock()
}

// cut closes every connection made so far.
func (p *proxy) cut() {
	p.mu.Lock()
	conns := p.conns
	p.conns = make(map[net.Conn]struct{})
	p.mu.Unlock()
	for c := range conns {
		_ = c.Close()
	}
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
			p := dialPeerURL(t, px.url(), "c", "red", tr, &client.Options{ReconnectionDelay: 20 * time.Millisecond, ReconnectionDelayMax: 100 * time.Millisecond})
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

			px.switchTo("")
			px.cut()
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
			px.switchTo(hostOf(b))
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
