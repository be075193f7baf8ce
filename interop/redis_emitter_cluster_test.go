package interop

import (
	"context"
	"encoding/hex"
	"encoding/json"
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
)

// startEmitterGoNode serves a sio node with adapter that behaves as
// js/redis-emitter-server.mjs: sockets join the rooms their auth lists, and
// a server-side "ping" goes to the node's own sockets as "sse".
func startEmitterGoNode(t *testing.T, adapter func(*socketio.Namespace) socketio.Adapter) string {
	t.Helper()
	srv := socketio.NewServer(&socketio.Options{Adapter: adapter})
	for _, name := range []string{"/", "/chat"} {
		nsp := srv.Of(name)
		nsp.OnConnection(func(_ context.Context, s *socketio.Socket, auth []byte) error {
			var a struct{ Rooms []string }
			if len(auth) > 0 {
				if err := json.Unmarshal(auth, &a); err != nil {
					return err
				}
			}
			s.Join(a.Rooms...)
			return nil
		})
		nsp.OnServerSideEmit("ping", func(_ context.Context, args *socketio.Args, _ socketio.AckFunc) {
			var vals []any
			for i := range args.Len() {
				vals = append(vals, args.Raw(i))
			}
			_ = nsp.Local().Emit("sse", vals...)
		})
		if err := nsp.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.Close()
	})
	return hs.URL
}

// emitterRecorder collects "name event args" lines (binary in hex) from the
// test's sockets.
type emitterRecorder struct {
	mu     sync.Mutex // guards got
	got    []string
	notify chan struct{}
}

func (r *emitterRecorder) add(line string) {
	r.mu.Lock()
	r.got = append(r.got, line)
	r.mu.Unlock()
	select {
	case r.notify <- struct{}{}:
	default:
	}
}

// takeWhen waits until every one of want was received, then returns all
// lines received and starts afresh.
func (r *emitterRecorder) takeWhen(t *testing.T, want []string) []string {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		r.mu.Lock()
		got := slices.Clone(r.got)
		done := true
		for _, w := range want {
			if !slices.Contains(got, w) {
				done = false
			}
		}
		if done {
			r.got = nil
		}
		r.mu.Unlock()
		if done {
			return got
		}
		select {
		case <-r.notify:
		case <-deadline:
			t.Fatalf("waiting for %q; received %q", want, got)
		}
	}
}

// TestRedisEmitterMixedCluster publishes with the Go emitter to a cluster
// of a sio node and a Node.js socket.io server with
// @socket.io/redis-adapter 8.3.0, with Go clients on both.
func TestRedisEmitterMixedCluster(t *testing.T) {
	requireNode(t)
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	node := startNodeServer(t, "redis-emitter-server.mjs", "redis://"+rs.Addr)
	testEmitterMixed(t, startEmitterGoNode(t, redisadapter.New(rc, nil)), node, emitter.New(rc, nil))
}

// testEmitterMixed publishes with e to a sio node and a Node.js node, with
// Go clients on both, and checks what each client receives.
func testEmitterMixed(t *testing.T, goURL, nodeURL string, e *emitter.Emitter) {
	urls := map[string]string{"go": goURL, "node": nodeURL}
	rec := &emitterRecorder{notify: make(chan struct{}, 1)}
	type sockSpec struct {
		name, server, nsp string
		rooms             []string
	}
	specs := []sockSpec{
		{"g1", "go", "/", []string{"r1"}},
		{"g2", "go", "/", []string{"r2"}},
		{"n1", "node", "/", []string{"r1"}},
		{"n2", "node", "/", []string{"r2"}},
		{"gc", "go", "/chat", []string{"r1"}},
		{"nc", "node", "/chat", []string{"r1"}},
	}
	socks := map[string]*client.Socket{}
	for _, sp := range specs {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		m, err := client.Dial(ctx, urls[sp.server], &client.Options{Transports: []string{"websocket"}, DisableReconnection: true})
		if err != nil {
			cancel()
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = m.Close(); <-m.Done() })
		s := m.Socket(sp.nsp, &client.SocketOptions{Auth: map[string]any{"rooms": sp.rooms}})
		s.OnAny(func(e *client.Event) {
			var args []string
			for i := range e.Args.Len() {
				if b, err := e.Args.Binary(i); err == nil {
					args = append(args, "0x"+hex.EncodeToString(b))
				} else {
					args = append(args, string(e.Args.Raw(i)))
				}
			}
			rec.add(sp.name + " " + e.Name + " " + strings.Join(args, ","))
		})
		s.OnDisconnect(func(reason string) { rec.add(sp.name + " disconnect " + reason) })
		err = s.Connect(ctx)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		socks[sp.name] = s
	}
	ctx := context.Background()
	// Each step ends with a marker to every socket still connected, so what
	// arrived is complete when the markers are in.
	connected := []string{"g1", "g2", "n1", "n2", "gc", "nc"}
	tests := []struct {
		name string
		do   func() error
		want []string
		gone []string // sockets disconnected by the step
		// volatile: a server may drop the step's packet for a socket
		// whose transport is still busy (with the last marker), so the
		// step is repeated until every socket in want had it.
		volatile bool
	}{
		{"all", func() error { return e.Emit(ctx, "ev", "x", map[string]any{"a": 1}) },
			[]string{`g1 ev "x",{"a":1}`, `g2 ev "x",{"a":1}`, `n1 ev "x",{"a":1}`, `n2 ev "x",{"a":1}`}, nil, false},
		{"room", func() error { return e.To("r1").Emit(ctx, "ev") }, []string{"g1 ev ", "n1 ev "}, nil, false},
		{"except", func() error { return e.Except("r1").Volatile().Emit(ctx, "ev") }, []string{"g2 ev ", "n2 ev "}, nil, true},
		{"binary", func() error { return e.In("r2").Emit(ctx, "bin", []byte{0, 255}, "s") },
			[]string{`g2 bin 0x00ff,"s"`, `n2 bin 0x00ff,"s"`}, nil, false},
		{"other namespace", func() error { return e.Of("chat").To("r1").Compress(true).Emit(ctx, "ev") },
			[]string{"gc ev ", "nc ev "}, nil, false},
		{"serverSideEmit", func() error { return e.ServerSideEmit(ctx, "ping", "p", 2) },
			[]string{`g1 sse "p",2`, `g2 sse "p",2`, `n1 sse "p",2`, `n2 sse "p",2`}, nil, false},
		{"socketsJoin then room", func() error {
			if err := e.In("r2").SocketsJoin(ctx, "r3"); err != nil {
				return err
			}
			// Requests and broadcasts reach a server in the order published.
			return e.To("r3").Emit(ctx, "ev")
		}, []string{"g2 ev ", "n2 ev "}, nil, false},
		{"socketsLeave then room", func() error {
			if err := e.Except("r1").SocketsLeave(ctx, "r3"); err != nil {
				return err
			}
			return e.To("r1", "r3").Emit(ctx, "ev")
		}, []string{"g1 ev ", "n1 ev "}, nil, false},
		{"disconnectSockets", func() error { return e.In("r2").DisconnectSockets(ctx, false) },
			[]string{"g2 disconnect io server disconnect", "n2 disconnect io server disconnect"}, []string{"g2", "n2"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			connected = slices.DeleteFunc(connected, func(n string) bool { return slices.Contains(tc.gone, n) })
			var markers []string
			for _, n := range connected {
				markers = append(markers, n+" marker ")
			}
			step := func() []string {
				if err := tc.do(); err != nil {
					t.Fatal(err)
				}
				if err := e.Emit(ctx, "marker"); err != nil {
					t.Fatal(err)
				}
				if err := e.Of("/chat").Emit(ctx, "marker"); err != nil {
					t.Fatal(err)
				}
				if tc.volatile {
					return rec.takeWhen(t, markers)
				}
				return rec.takeWhen(t, append(slices.Clone(tc.want), markers...))
			}
			got := step()
			if tc.volatile {
				seen := map[string]bool{}
				for try := 0; ; try++ {
					for _, l := range got {
						if !strings.HasSuffix(l, " marker ") {
							seen[l] = true
						}
					}
					if len(seen) >= len(tc.want) || try == 50 {
						break
					}
					got = step()
				}
				got = append(slices.Collect(maps.Keys(seen)), markers...)
			}
			want := append(slices.Clone(tc.want), markers...)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("received\n %q\nwant\n %q", got, want)
			}
		})
	}
	for _, n := range []string{"g2", "n2"} {
		if socks[n].Connected() {
			t.Errorf("%s still connected", n)
		}
	}
}
