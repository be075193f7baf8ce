package emitter_test

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
	"github.com/siogo/sio/socketio/redisadapter/emitter"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
	"github.com/siogo/sio/socketio/redisadapter/streams"
)

// waitTimeout bounds every wait for a delivery; it is far above what a
// delivery takes, so a slow machine does not fail the tests.
const waitTimeout = 10 * time.Second

// node is a sio server with the Redis adapter on 127.0.0.1:0.
type node struct {
	srv *socketio.Server
	hs  *httptest.Server
}

// variant is one kind of cluster: the servers' adapter and the emitter
// that matches it.
type variant struct {
	name    string
	adapter func(rc redis.UniversalClient) func(*socketio.Namespace) socketio.Adapter
	emitter func(rc redis.UniversalClient) *emitter.Emitter
	sharded bool
}

func shardedVariant(mode sharded.SubscriptionMode) variant {
	return variant{
		name: "sharded-" + string(mode),
		adapter: func(rc redis.UniversalClient) func(*socketio.Namespace) socketio.Adapter {
			return sharded.New(rc, &sharded.Options{SubscriptionMode: mode})
		},
		emitter: func(rc redis.UniversalClient) *emitter.Emitter {
			return emitter.NewSharded(rc, &emitter.ShardedOptions{SubscriptionMode: mode})
		},
		sharded: true,
	}
}

// variants are the classic adapter with New's emitter, the sharded
// adapter, in each subscription mode, with NewSharded's, and the Redis
// Streams adapter, on one stream and on several, with NewStreams'.
var variants = []variant{
	{
		name: "classic",
		adapter: func(rc redis.UniversalClient) func(*socketio.Namespace) socketio.Adapter {
			return redisadapter.New(rc, nil)
		},
		emitter: func(rc redis.UniversalClient) *emitter.Emitter { return emitter.New(rc, nil) },
	},
	shardedVariant(sharded.Static),
	shardedVariant(sharded.Dynamic),
	shardedVariant(sharded.DynamicPrivate),
	streamsVariant(0),
	streamsVariant(3),
}

// streamsVariant is the Redis Streams adapter with count streams (the
// default, one, when zero) and NewStreams' emitter.
func streamsVariant(count int) variant {
	return variant{
		name: fmt.Sprint("streams-", count),
		adapter: func(rc redis.UniversalClient) func(*socketio.Namespace) socketio.Adapter {
			return streams.New(rc, &streams.Options{StreamName: "st", StreamCount: count})
		},
		emitter: func(rc redis.UniversalClient) *emitter.Emitter {
			return emitter.NewStreams(rc, &emitter.StreamsOptions{StreamName: "st", StreamCount: count})
		},
	}
}

// forEachVariant runs test once per variant, in a subtest.
func forEachVariant(t *testing.T, test func(t *testing.T, v variant)) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) { test(t, v) })
	}
}

// startNode starts a server whose sockets join the rooms their auth
// payload lists ({"rooms":[...]}), on "/" and "/chat".
func startNode(t *testing.T, rc redis.UniversalClient, v variant) *node {
	t.Helper()
	srv := socketio.NewServer(&socketio.Options{Adapter: v.adapter(rc)})
	join := func(_ context.Context, s *socketio.Socket, auth []byte) error {
		var a struct{ Rooms []string }
		if len(auth) > 0 {
			if err := json.Unmarshal(auth, &a); err != nil {
				return err
			}
		}
		s.Join(a.Rooms...)
		return nil
	}
	for _, nsp := range []string{"/", "/chat"} {
		srv.Of(nsp).OnConnection(join)
		if err := srv.Of(nsp).Start(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	n := &node{srv: srv, hs: httptest.NewServer(srv)}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		n.hs.Close()
	})
	return n
}

// recorder collects what the test's client sockets receive, as
// "name event args" lines (binary arguments in hex).
type recorder struct {
	mu     sync.Mutex // guards got
	got    []string
	notify chan struct{} // a line was added
}

func newRecorder() *recorder { return &recorder{notify: make(chan struct{}, 1)} }

func (r *recorder) add(line string) {
	r.mu.Lock()
	r.got = append(r.got, line)
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

// take waits until cond holds on the lines received so far, then returns
// them and starts afresh.
func (r *recorder) take(t *testing.T, what string, cond func([]string) bool) []string {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		r.mu.Lock()
		if cond(r.got) {
			got := r.got
			r.got = nil
			r.mu.Unlock()
			return got
		}
		got := slices.Clone(r.got)
		r.mu.Unlock()
		select {
		case <-r.notify:
		case <-deadline:
			t.Fatalf("waiting for %s; received %q", what, got)
		}
	}
}

func formatEvent(name string, e *client.Event) string {
	var args []string
	for i := range e.Args.Len() {
		if b, err := e.Args.Binary(i); err == nil {
			args = append(args, "0x"+hex.EncodeToString(b))
		} else {
			args = append(args, string(e.Args.Raw(i)))
		}
	}
	return name + " " + e.Name + " " + strings.Join(args, ",")
}

// sock is one client socket of the test.
type sock struct {
	name string
	s    *client.Socket
	m    *client.Manager
}

// connect dials n and connects a socket to nsp with rooms, recording what
// it receives and its disconnection ("name disconnect reason").
func connect(t *testing.T, rec *recorder, n *node, name, nsp string, rooms ...string) *sock {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	m, err := client.Dial(ctx, n.hs.URL, &client.Options{Transports: []string{"websocket"}, DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(); <-m.Done() })
	return socketOn(t, rec, m, name, nsp, rooms...)
}

func socketOn(t *testing.T, rec *recorder, m *client.Manager, name, nsp string, rooms ...string) *sock {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	s := m.Socket(nsp, &client.SocketOptions{Auth: map[string]any{"rooms": rooms}})
	s.OnAny(func(e *client.Event) { rec.add(formatEvent(name, e)) })
	s.OnDisconnect(func(reason string) { rec.add(name + " disconnect " + reason) })
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	return &sock{name: name, s: s, m: m}
}

// hasAll reports whether lines hold every one of want.
func hasAll(want ...string) func([]string) bool {
	return func(lines []string) bool {
		for _, w := range want {
			if !slices.Contains(lines, w) {
				return false
			}
		}
		return true
	}
}

func TestEmitterCluster(t *testing.T) { forEachVariant(t, testEmitterCluster) }

func testEmitterCluster(t *testing.T, v variant) {
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	a, b := startNode(t, rc, v), startNode(t, rc, v)
	rec := newRecorder()
	socks := []*sock{
		connect(t, rec, a, "a1", "/", "r1"),
		connect(t, rec, a, "a2", "/", "r2"),
		connect(t, rec, b, "b1", "/", "r1", "r2"),
		connect(t, rec, b, "b2", "/"),
		connect(t, rec, b, "c1", "/chat", "r1"),
	}
	// The emitter's own client, as a separate process would have.
	ec := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = ec.Close() })
	e := v.emitter(ec)
	ctx := context.Background()

	// flush publishes a marker to every socket and returns what arrived
	// before it: messages from one publisher reach a server in order, and a
	// server sends to a client in order.
	flush := func(t *testing.T) []string {
		t.Helper()
		if err := e.Emit(ctx, "marker"); err != nil {
			t.Fatal(err)
		}
		if err := e.Of("chat").Emit(ctx, "marker"); err != nil {
			t.Fatal(err)
		}
		var markers []string
		for _, s := range socks {
			if s.s.Connected() {
				markers = append(markers, s.name+" marker ")
			}
		}
		lines := rec.take(t, "markers", hasAll(markers...))
		var out []string
		for _, l := range lines {
			if !strings.HasSuffix(l, " marker ") {
				out = append(out, l)
			}
		}
		slices.Sort(out)
		return out
	}
	flush(t)

	tests := []struct {
		name string
		emit func() error
		want []string
	}{
		{"all", func() error { return e.Emit(ctx, "ev", "x", 1) },
			[]string{`a1 ev "x",1`, `a2 ev "x",1`, `b1 ev "x",1`, `b2 ev "x",1`}},
		{"one room", func() error { return e.To("r1").Emit(ctx, "ev") },
			[]string{"a1 ev ", "b1 ev "}},
		{"two rooms", func() error { return e.In("r1").In("r2").Emit(ctx, "ev") },
			[]string{"a1 ev ", "a2 ev ", "b1 ev "}},
		{"except", func() error { return e.Except("r1").Emit(ctx, "ev") },
			[]string{"a2 ev ", "b2 ev "}},
		{"room except room", func() error { return e.To("r2").Except("r1").Emit(ctx, "ev") },
			[]string{"a2 ev "}},
		{"volatile", func() error { return e.Volatile().Emit(ctx, "ev") },
			[]string{"a1 ev ", "a2 ev ", "b1 ev ", "b2 ev "}},
		{"compress", func() error { return e.Compress(false).To("r2").Emit(ctx, "ev") },
			[]string{"a2 ev ", "b1 ev "}},
		{"binary", func() error { return e.To("r1").Emit(ctx, "bin", []byte{1, 2, 3}, "s", []byte{}) },
			[]string{`a1 bin 0x010203,"s",0x`, `b1 bin 0x010203,"s",0x`}},
		{"nested binary", func() error { return e.Except("r1").Emit(ctx, "bin", map[string]any{"k": []byte{9}}) },
			[]string{`a2 bin {"k":{"_placeholder":true,"num":0}}`, `b2 bin {"k":{"_placeholder":true,"num":0}}`}},
		{"other namespace", func() error { return e.Of("/chat").Emit(ctx, "ev", "c") },
			[]string{`c1 ev "c"`}},
		{"other namespace room", func() error { return e.Of("chat").To("r2").Emit(ctx, "ev") },
			nil},
		{"socket id as room", func() error { return e.To(socks[3].s.ID()).Emit(ctx, "ev") },
			[]string{"b2 ev "}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.emit(); err != nil {
				t.Fatal(err)
			}
			got := flush(t)
			if tc.name == "volatile" {
				// A server drops a volatile packet for a socket whose
				// transport is still busy (its writer may not have gone
				// idle since the last marker): emit again until every
				// socket had one; a socket that must not get it still
				// shows.
				seen := map[string]bool{}
				for try := 0; ; try++ {
					for _, l := range got {
						seen[l] = true
					}
					if len(seen) >= len(tc.want) || try == 50 {
						break
					}
					if err := tc.emit(); err != nil {
						t.Fatal(err)
					}
					got = flush(t)
				}
				got = slices.Sorted(maps.Keys(seen))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("received\n %q\nwant\n %q", got, tc.want)
			}
		})
	}

	// roomMembers polls until the cluster's view of room is want (socket
	// names), as a server answering FetchSockets sees it.
	ids := map[string]string{}
	for _, s := range socks {
		ids[s.s.ID()] = s.name
	}
	roomMembers := func(t *testing.T, nsp, room string, want ...string) {
		t.Helper()
		slices.Sort(want)
		deadline := time.Now().Add(waitTimeout)
		for {
			remote, err := a.srv.Of(nsp).In(room).FetchSockets(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range remote {
				got = append(got, ids[r.ID])
			}
			slices.Sort(got)
			if slices.Equal(got, want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("room %s of %s holds %q, want %q", room, nsp, got, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	joinLeave := []struct {
		name     string
		op       func() error
		room     string
		members  []string
		emitWant []string
	}{
		{"socketsJoin", func() error { return e.In("r1").SocketsJoin(ctx, "r3", "r4") }, "r3",
			[]string{"a1", "b1"}, []string{"a1 ev ", "b1 ev "}},
		{"socketsJoin except", func() error { return e.Except("r1").SocketsJoin(ctx, "r5") }, "r5",
			[]string{"a2", "b2"}, []string{"a2 ev ", "b2 ev "}},
		{"socketsLeave", func() error { return e.In("r2").SocketsLeave(ctx, "r3") }, "r3",
			[]string{"a1"}, []string{"a1 ev "}},
		{"socketsLeave all", func() error { return e.SocketsLeave(ctx, "r1") }, "r1",
			nil, nil},
	}
	for _, tc := range joinLeave {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.op(); err != nil {
				t.Fatal(err)
			}
			roomMembers(t, "/", tc.room, tc.members...)
			if err := e.To(tc.room).Emit(ctx, "ev"); err != nil {
				t.Fatal(err)
			}
			if got := flush(t); !slices.Equal(got, tc.emitWant) {
				t.Errorf("received %q, want %q", got, tc.emitWant)
			}
		})
	}
	// /chat was not touched by requests for "/".
	roomMembers(t, "/chat", "r1", "c1")
}

func TestEmitterDisconnectSockets(t *testing.T) { forEachVariant(t, testEmitterDisconnectSockets) }

func testEmitterDisconnectSockets(t *testing.T, v variant) {
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	nodes := []*node{startNode(t, rc, v), startNode(t, rc, v)}
	e := v.emitter(rc)
	ctx := context.Background()
	tests := []struct {
		name  string
		close bool
		// want: what each connection's two sockets see: with close the
		// server disconnects every socket of the connection, as Node's
		// Client._disconnect does, then closes it.
		want []string
	}{
		{"close false", false, []string{"main disconnect io server disconnect"}},
		{"close true", true, []string{"chat disconnect io server disconnect", "main disconnect io server disconnect"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var recs []*recorder
			var socks []*sock
			for i, n := range nodes {
				rec := newRecorder()
				s := connect(t, rec, n, "main", "/", fmt.Sprint("d", i))
				socketOn(t, rec, s.m, "chat", "/chat", "d0", "d1")
				recs = append(recs, rec)
				socks = append(socks, s)
			}
			// A bystander in another room stays connected.
			other := newRecorder()
			bystander := connect(t, other, nodes[1], "bystander", "/", "x")
			if err := e.In("d0", "d1").DisconnectSockets(ctx, tc.close); err != nil {
				t.Fatal(err)
			}
			for i, rec := range recs {
				got := rec.take(t, "disconnection", hasAll(tc.want...))
				slices.Sort(got)
				if !slices.Equal(got, tc.want) {
					t.Errorf("node %d: %q, want %q", i, got, tc.want)
				}
			}
			if err := e.To("x").Emit(ctx, "still"); err != nil {
				t.Fatal(err)
			}
			if got := other.take(t, "the bystander's event", hasAll("bystander still ")); len(got) != 1 {
				t.Errorf("bystander received %q", got)
			}
			if !bystander.s.Connected() {
				t.Error("bystander disconnected")
			}
			if tc.close {
				// The Engine.IO connection closes (the Manager has no
				// current connection, and does not reconnect).
				deadline := time.Now().Add(waitTimeout)
				for i, s := range socks {
					for s.m.ID() != "" {
						if time.Now().After(deadline) {
							t.Fatalf("node %d: the connection stayed open", i)
						}
						time.Sleep(10 * time.Millisecond)
					}
				}
				return
			}
			// The connection stays: /chat still receives.
			for i, s := range socks {
				if s.m.ID() == "" {
					t.Errorf("node %d: the connection closed", i)
				}
			}
			if err := e.Of("/chat").To("d0").Emit(ctx, "chat-still"); err != nil {
				t.Fatal(err)
			}
			if !tc.close {
				for i, rec := range recs {
					if got := rec.take(t, "/chat event", hasAll("chat chat-still ")); len(got) != 1 {
						t.Errorf("node %d: %q, want only the /chat event", i, got)
					}
				}
			}
		})
	}
}

func TestEmitterServerSideEmit(t *testing.T) { forEachVariant(t, testEmitterServerSideEmit) }

func testEmitterServerSideEmit(t *testing.T, v variant) {
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	nodes := []*node{startNode(t, rc, v), startNode(t, rc, v)}
	type call struct {
		server, nsp, args string
		ack               bool
	}
	got := make(chan call, 16)
	for i, n := range nodes {
		for _, nsp := range []string{"/", "/chat"} {
			n.srv.Of(nsp).OnServerSideEmit("ping", func(_ context.Context, args *socketio.Args, ack socketio.AckFunc) {
				var parts []string
				for j := range args.Len() {
					parts = append(parts, string(args.Raw(j)))
				}
				got <- call{fmt.Sprint(i), nsp, strings.Join(parts, ","), ack != nil}
			})
		}
	}
	e := v.emitter(rc)
	ctx := context.Background()
	tests := []struct {
		name string
		e    *emitter.Emitter
		args []any
		want string
	}{
		{"main namespace", e, []any{"hello", 1, map[string]int{"n": 2}}, `"hello",1,{"n":2}`},
		{"no args", e, nil, ""},
		{"other namespace", e.Of("chat"), []any{[]string{"a"}}, `["a"]`},
	}
	if v.sharded {
		// Binary travels as msgpack; sio hands it over as base64.
		tests = append(tests, struct {
			name string
			e    *emitter.Emitter
			args []any
			want string
		}{"binary", e, []any{[]byte{1, 2}, map[string]any{"b": []byte{3}}}, `"AQI=",{"b":"Aw=="}`})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.e.ServerSideEmit(ctx, "ping", tc.args...); err != nil {
				t.Fatal(err)
			}
			var calls []call
			for range nodes {
				select {
				case c := <-got:
					calls = append(calls, c)
				case <-time.After(waitTimeout):
					t.Fatalf("received %v, want one call per server", calls)
				}
			}
			slices.SortFunc(calls, func(a, b call) int { return strings.Compare(a.server, b.server) })
			for i, c := range calls {
				want := call{fmt.Sprint(i), tc.e.Namespace(), tc.want, false}
				if c != want {
					t.Errorf("call %+v, want %+v", c, want)
				}
			}
		})
	}
	// Nothing else was delivered (a duplicate would be here).
	select {
	case c := <-got:
		t.Errorf("extra call %+v", c)
	case <-time.After(200 * time.Millisecond):
	}
}

func TestEmitterErrors(t *testing.T) { forEachVariant(t, testEmitterErrors) }

func testEmitterErrors(t *testing.T, v variant) {
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	e := v.emitter(rc)
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"reserved connect", func() error { return e.Emit(ctx, "connect") }, emitter.ErrReservedEvent},
		{"reserved disconnecting", func() error { return e.To("r").Emit(ctx, "disconnecting") }, emitter.ErrReservedEvent},
		{"reserved newListener", func() error { return e.Emit(ctx, "newListener") }, emitter.ErrReservedEvent},
		{"binary server-side", func() error { return e.ServerSideEmit(ctx, "x", []byte{1}) }, emitter.ErrBinaryServerSideEmit},
		{"unencodable", func() error { return e.Emit(ctx, "x", make(chan int)) }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == emitter.ErrBinaryServerSideEmit && v.sharded {
				if err := tc.call(); err != nil {
					t.Errorf("sharded binary server-side emit: %v", err)
				}
				return
			}
			err := tc.call()
			if err == nil {
				t.Fatal("no error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
	// A closed client's error is returned.
	closed := redis.NewClient(&redis.Options{Addr: rs.Addr})
	_ = closed.Close()
	if err := v.emitter(closed).Emit(ctx, "x"); !errors.Is(err, redis.ErrClosed) {
		t.Errorf("Emit on a closed client: %v, want redis.ErrClosed", err)
	}
}
