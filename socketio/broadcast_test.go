package socketio

import (
	"context"
	"errors"
	"slices"
	"sort"
	"testing"
	"testing/synctest"
	"time"
)

// room fixture: sockets a (rooms r1), b (r1, r2), c (r2), d (none).
func roomFixture(t *testing.T, s *Server) (map[string]*testClient, map[string]*Socket) {
	t.Helper()
	clients := map[string]*testClient{}
	sockets := map[string]*Socket{}
	rooms := map[string][]string{"a": {"r1"}, "b": {"r1", "r2"}, "c": {"r2"}, "d": nil}
	for _, name := range []string{"a", "b", "c", "d"} {
		tc := dial(t, s)
		so := tc.connect("/")
		so.Join(rooms[name]...)
		clients[name], sockets[name] = tc, so
	}
	return clients, sockets
}

func receivers(clients map[string]*testClient, want string) []string {
	synctest.Wait()
	var got []string
	for name, tc := range clients {
		for _, m := range tc.conn.take() {
			if m == want {
				got = append(got, name)
			}
		}
	}
	sort.Strings(got)
	return got
}

func TestBroadcastSelection(t *testing.T) {
	tests := []struct {
		name string
		emit func(s *Server, so map[string]*Socket) error
		want []string
	}{
		{"everyone", func(s *Server, _ map[string]*Socket) error { return s.Emit("m") }, []string{"a", "b", "c", "d"}},
		{"one room", func(s *Server, _ map[string]*Socket) error { return s.To("r1").Emit("m") }, []string{"a", "b"}},
		{"two rooms, each once", func(s *Server, _ map[string]*Socket) error { return s.To("r1", "r2").Emit("m") }, []string{"a", "b", "c"}},
		{"chained To", func(s *Server, _ map[string]*Socket) error { return s.To("r1").In("r2").Emit("m") }, []string{"a", "b", "c"}},
		{"except", func(s *Server, _ map[string]*Socket) error { return s.Except("r2").Emit("m") }, []string{"a", "d"}},
		{"room except room", func(s *Server, _ map[string]*Socket) error { return s.To("r1").Except("r2").Emit("m") }, []string{"a"}},
		{"socket id as room", func(s *Server, so map[string]*Socket) error { return s.To(so["d"].ID()).Emit("m") }, []string{"d"}},
		{"socket broadcast", func(_ *Server, so map[string]*Socket) error { return so["a"].Broadcast().Emit("m") }, []string{"b", "c", "d"}},
		{"socket to room excludes itself", func(_ *Server, so map[string]*Socket) error { return so["a"].To("r1").Emit("m") }, []string{"b"}},
		{"socket except", func(_ *Server, so map[string]*Socket) error { return so["d"].Except("r1").Emit("m") }, []string{"c"}},
		{"unknown room", func(s *Server, _ map[string]*Socket) error { return s.To("nope").Emit("m") }, nil},
		{"local", func(s *Server, _ map[string]*Socket) error { return s.Local().To("r2").Emit("m") }, []string{"b", "c"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, nil)
				clients, sockets := roomFixture(t, s)
				if err := tt.emit(s, sockets); err != nil {
					t.Fatal(err)
				}
				if got := receivers(clients, `2["m"]`); !slices.Equal(got, tt.want) {
					t.Fatalf("received by %q, want %q", got, tt.want)
				}
			})
		})
	}
}

func TestBroadcastEncodedOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		var conns []*fakeConn
		for range 3 {
			tc := dial(t, s)
			tc.connect("/")
			conns = append(conns, tc.conn)
		}
		if err := s.Emit("m", []byte("bin")); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		first := conns[0].sent
		for _, c := range conns {
			if len(c.sent) != 2 || &c.sent[0].Data[0] != &first[0].Data[0] || &c.sent[1].Data[0] != &first[1].Data[0] {
				t.Fatal("receivers got different encodings of one broadcast")
			}
		}
	})
}

func TestRooms(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		so := dial(t, s).connect("/")
		so.Join("a", "b", "c")
		so.Leave("b")
		so.LeaveAll("c", "zzz")
		want := []string{"a", so.ID()}
		sort.Strings(want)
		if got := so.Rooms(); !slices.Equal(got, want) {
			t.Fatalf("rooms %q, want %q", got, want)
		}
		if got := s.main().adapter.Sockets([]string{"a"}); !slices.Equal(got, []string{so.ID()}) {
			t.Fatalf("sockets in a: %q", got)
		}
	})
}

func TestVolatile(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		free, busy := dial(t, s), dial(t, s)
		free.connect("/")
		so := busy.connect("/")
		busy.conn.busy = true
		if err := s.Volatile().Emit("v"); err != nil {
			t.Fatal(err)
		}
		if err := so.Volatile().Emit("mine"); err != nil {
			t.Fatal(err)
		}
		if got := free.settle(); !slices.Equal(got, []string{`2["v"]`}) {
			t.Fatalf("free transport got %q", got)
		}
		if got := busy.settle(); len(got) != 0 {
			t.Fatalf("busy transport got %q", got)
		}
	})
}

func TestBroadcastWithAck(t *testing.T) {
	tests := []struct {
		name     string
		answer   []bool // per receiver
		want     []string
		deadline bool
	}{
		{"all answer", []bool{true, true, true}, []string{`"a0"`, `"a1"`, `"a2"`}, false},
		{"one silent", []bool{true, false, true}, []string{`"a0"`, `"a2"`}, true},
		{"no receivers", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, nil)
				var tcs []*testClient
				for range tt.answer {
					tc := dial(t, s)
					tc.connect("/").Join("room")
					tcs = append(tcs, tc)
				}
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				type result struct {
					args []*Args
					err  error
				}
				resc := make(chan result, 1)
				go func() {
					a, err := s.To("room").EmitWithAck(ctx, "q", 1)
					resc <- result{a, err}
				}()
				synctest.Wait()
				for i, tc := range tcs {
					sent := tc.conn.take()
					if len(sent) != 1 {
						t.Fatalf("receiver %d got %q", i, sent)
					}
					id := sent[0][1 : len(sent[0])-len(`["q",1]`)]
					if tt.answer[i] {
						tc.send("3" + id + `["a` + string(rune('0'+i)) + `"]`)
						tc.send("3" + id + `["dup"]`) // ignored
					}
				}
				res := <-resc
				if got := tt.deadline; errors.Is(res.err, context.DeadlineExceeded) != got {
					t.Fatalf("err = %v", res.err)
				}
				var got []string
				for _, a := range res.args {
					got = append(got, string(a.Raw(0)))
				}
				sort.Strings(got)
				if !slices.Equal(got, tt.want) {
					t.Fatalf("acks %q, want %q", got, tt.want)
				}
				synctest.Wait()
				for _, so := range s.main().Sockets() {
					so.mu.Lock()
					n := len(so.acks)
					so.mu.Unlock()
					if n != 0 {
						t.Fatalf("socket keeps %d ack callbacks", n)
					}
				}
			})
		})
	}
}

func TestClusterOperations(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		clients, sockets := roomFixture(t, s)
		ctx := context.Background()
		sockets["a"].SetData("data-a")

		fetched, err := s.In("r1").FetchSockets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range fetched {
			ids = append(ids, r.ID)
			if r.ID == sockets["a"].ID() && (r.Data != "data-a" || !slices.Contains(r.Rooms, "r1") || r.Handshake == nil) {
				t.Fatalf("fetched %+v", r)
			}
		}
		sort.Strings(ids)
		want := []string{sockets["a"].ID(), sockets["b"].ID()}
		sort.Strings(want)
		if !slices.Equal(ids, want) {
			t.Fatalf("fetched %q, want %q", ids, want)
		}

		if err := s.In("r2").SocketsJoin(ctx, "x"); err != nil {
			t.Fatal(err)
		}
		if err := s.Emit("flush"); err != nil {
			t.Fatal(err)
		}
		receivers(clients, "")
		if err := s.To("x").Emit("m"); err != nil {
			t.Fatal(err)
		}
		if got := receivers(clients, `2["m"]`); !slices.Equal(got, []string{"b", "c"}) {
			t.Fatalf("x after SocketsJoin: %q", got)
		}
		if err := s.In("r1").SocketsLeave(ctx, "x"); err != nil {
			t.Fatal(err)
		}
		if err := s.To("x").Emit("m"); err != nil {
			t.Fatal(err)
		}
		if got := receivers(clients, `2["m"]`); !slices.Equal(got, []string{"c"}) {
			t.Fatalf("x after SocketsLeave: %q", got)
		}
		if err := fetched[0].Emit("direct"); err != nil {
			t.Fatal(err)
		}
		if got := receivers(clients, `2["direct"]`); len(got) != 1 {
			t.Fatalf("RemoteSocket.Emit reached %q", got)
		}

		if err := s.In("r2").DisconnectSockets(ctx, false); err != nil {
			t.Fatal(err)
		}
		if got := receivers(clients, "1"); !slices.Equal(got, []string{"b", "c"}) {
			t.Fatalf("DISCONNECT sent to %q", got)
		}
		if n := len(s.main().Sockets()); n != 2 {
			t.Fatalf("%d sockets left", n)
		}
		if err := s.DisconnectSockets(ctx, true); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		for _, name := range []string{"a", "d"} {
			if !clients[name].conn.isClosed() {
				t.Fatalf("%s: connection not closed", name)
			}
		}

		if err := s.ServerSideEmit(ctx, "hello", 1); err != nil {
			t.Fatal(err)
		}
		if res, err := s.main().ServerSideEmitWithAck(ctx, "hello"); err != nil || len(res) != 0 {
			t.Fatalf("ServerSideEmitWithAck = %v, %v", res, err)
		}
		if err := s.ServerSideEmit(ctx, "bin", []byte{1}); !errors.Is(err, ErrBinaryServerSide) {
			t.Fatalf("binary server-side emit: %v", err)
		}
		var got string
		s.main().OnServerSideEmit("hello", func(_ context.Context, args *Args, ack AckFunc) {
			got = string(args.Raw(0))
		})
		if err := s.main().HandleServerSideEmit(ctx, []byte(`["hello",42]`), nil); err != nil || got != "42" {
			t.Fatalf("HandleServerSideEmit: %v, %q", err, got)
		}
		if err := s.main().HandleServerSideEmit(ctx, []byte(`["nope"]`), nil); !errors.Is(err, ErrUnknownEvent) {
			t.Fatalf("unknown server-side event: %v", err)
		}
	})
}
