package socketio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogo/sio/engineio"
)

func TestDynamicNamespaces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		parent := s.OfFunc(func(name string, auth []byte) bool {
			return strings.HasPrefix(name, "/team-") && string(auth) != `{"deny":true}`
		})
		var connected []string
		parent.Use(func(_ context.Context, so *Socket) error {
			if so.Namespace().Name() == "/team-banned" {
				return errors.New("banned")
			}
			return nil
		})
		parent.OnConnection(func(_ context.Context, so *Socket, _ []byte) error {
			connected = append(connected, so.Namespace().Name())
			return nil
		})
		parent.On("who", func(_ context.Context, so *Socket, _ *Args, ack AckFunc) error {
			return ack(so.Namespace().Name())
		})

		a, b := dial(t, s), dial(t, s)
		sa := a.connect("/team-a")
		b.connect("/team-b")
		if sa.Namespace().Parent() != parent || s.Of("/team-a") != sa.Namespace() {
			t.Fatal("child namespace not registered under its parent")
		}
		a.send(`2/team-a,1["who"]`)
		if got := a.settle(); !slices.Equal(got, []string{`3/team-a,1["/team-a"]`}) {
			t.Fatalf("shared handler: %q", got)
		}
		if !slices.Equal(connected, []string{"/team-a", "/team-b"}) {
			t.Fatalf("connection handler ran for %q", connected)
		}

		// A broadcast on the parent reaches every child.
		if err := parent.Emit("all"); err != nil {
			t.Fatal(err)
		}
		if got, want := a.settle(), []string{`2/team-a,["all"]`}; !slices.Equal(got, want) {
			t.Fatalf("a got %q, want %q", got, want)
		}
		if got, want := b.settle(), []string{`2/team-b,["all"]`}; !slices.Equal(got, want) {
			t.Fatalf("b got %q, want %q", got, want)
		}
		if _, err := parent.EmitWithAck(context.Background(), "x"); !errors.Is(err, ErrParentNamespace) {
			t.Fatalf("parent EmitWithAck: %v", err)
		}
		fetched, err := parent.FetchSockets(context.Background())
		if err != nil || len(fetched) != 2 {
			t.Fatalf("FetchSockets: %d, %v", len(fetched), err)
		}

		c := dial(t, s)
		c.send(`0/team-c,{"deny":true}`)
		if got := c.settle(); !slices.Equal(got, []string{`4/team-c,{"message":"Invalid namespace"}`}) {
			t.Fatalf("denied by the match function: %q", got)
		}
		c.send(`0/team-banned,`)
		if got := c.settle(); !slices.Equal(got, []string{`4/team-banned,{"message":"banned"}`}) {
			t.Fatalf("shared middleware: %q", got)
		}

		// A child is forgotten once its last socket left.
		a.send("1/team-a,")
		synctest.Wait()
		s.mu.RLock()
		_, kept := s.nsps["/team-a"]
		_, other := s.nsps["/team-b"]
		s.mu.RUnlock()
		if kept || !other {
			t.Fatalf("after cleanup: /team-a kept=%v, /team-b kept=%v", kept, other)
		}
		// and creates it again on demand.
		a.connect("/team-a")
	})
}

func TestOfRegexp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		s.OfRegexp(regexp.MustCompile(`^/r\d$`))
		s.Of("/r1").On("static", func(context.Context, *Socket, *Args, AckFunc) error { return nil })
		tc := dial(t, s)
		so := tc.connect("/r1")
		if so.Namespace().Parent() != nil {
			t.Fatal("a static namespace takes precedence over a dynamic one")
		}
		if n := tc.connect("/r2").Namespace(); n.Parent() == nil || n.Name() != "/r2" {
			t.Fatalf("child %q", n.Name())
		}
		if got := s.Of("chat").Name(); got != "/chat" {
			t.Fatalf("Of without slash: %q", got)
		}
	})
}

// childCount returns the server's live dynamic children, and checks the
// server's count of them.
func childCount(t *testing.T, s *Server) int {
	t.Helper()
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := 0
	for _, ns := range s.nsps {
		if ns.parent != nil {
			n++
		}
	}
	if n != s.children {
		t.Fatalf("%d children, the server counts %d", n, s.children)
	}
	return n
}

// TestDynamicNamespaceBounds checks the bounds on what one client makes a
// server hold with dynamic namespaces: namespaces per connection, live
// children per server, namespace name length, and empty children released.
func TestDynamicNamespaceBounds(t *testing.T) {
	long := "/dyn-" + strings.Repeat("1", DefaultMaxNamespaceLength)
	tests := []struct {
		name string
		opts *Options
		// steps: a client index and a packet; want the reply ("" for a
		// CONNECT reply, which is checked by prefix).
		steps []struct {
			client       int
			packet, want string
		}
		children int // live children at the end
	}{
		{
			name: "namespaces per connection",
			opts: &Options{MaxNamespacesPerConnection: 2},
			steps: []struct {
				client       int
				packet, want string
			}{
				{0, "0/dyn-1,", ""},
				{0, "0/dyn-2,", ""},
				{0, "0/dyn-3,", `4/dyn-3,{"message":"Too many namespaces"}`},
				{0, "0/static,", `4/static,{"message":"Too many namespaces"}`},
				{1, "0/dyn-3,", ""}, // another connection is not affected
				{0, "1/dyn-1,", "-"},
				{0, "0/dyn-4,", ""}, // room again after leaving one
			},
			children: 3, // dyn-1 was released

		},
		{
			name: "default namespaces per connection",
			steps: func() (out []struct {
				client       int
				packet, want string
			}) {
				for i := range DefaultMaxNamespacesPerConnection {
					out = append(out, struct {
						client       int
						packet, want string
					}{0, fmt.Sprintf("0/dyn-%d,", i), ""})
				}
				return append(out, struct {
					client       int
					packet, want string
				}{0, "0/dyn-x1,", `4/dyn-x1,{"message":"Too many namespaces"}`})
			}(),
			children: DefaultMaxNamespacesPerConnection,
		},
		{
			name: "live children per server",
			opts: &Options{MaxDynamicNamespaces: 2},
			steps: []struct {
				client       int
				packet, want string
			}{
				{0, "0/dyn-1,", ""},
				{1, "0/dyn-2,", ""},
				{2, "0/dyn-3,", `4/dyn-3,{"message":"Too many namespaces"}`},
				{2, "0/dyn-1,", ""}, // an existing child is no new one
				{2, "0/static,", ""},
				{1, "1/dyn-2,", "-"},
				{2, "0/dyn-3,", ""},
			},
			children: 2,
		},
		{
			name: "kept empty children count",
			opts: &Options{MaxDynamicNamespaces: 1, KeepEmptyChildNamespaces: true},
			steps: []struct {
				client       int
				packet, want string
			}{
				{0, "0/dyn-1,", ""},
				{0, "1/dyn-1,", "-"},
				{0, "0/dyn-2,", `4/dyn-2,{"message":"Too many namespaces"}`},
				{1, "0/dyn-1,", ""},
			},
			children: 1,
		},
		{
			name: "empty children released",
			steps: []struct {
				client       int
				packet, want string
			}{
				{0, "0/dyn-1,", ""},
				{1, "0/dyn-1,", ""},
				{0, "1/dyn-1,", "-"},
				{0, "0/dyn-2,", ""},
				{1, "1/dyn-1,", "-"},
				{0, "0/dyn-bad,", `4/dyn-bad,{"message":"bad"}`},
			},
			children: 1,
		},
		{
			name: "name length",
			steps: []struct {
				client       int
				packet, want string
			}{
				{0, "0" + long + ",", "4" + long + `,{"message":"Invalid namespace"}`},
				{0, "0" + long[:DefaultMaxNamespaceLength] + ",", ""},
			},
			children: 1,
		},
		{
			name: "configured name length",
			opts: &Options{MaxNamespaceLength: 6},
			steps: []struct {
				client       int
				packet, want string
			}{
				{0, "0/dyn-1,", ""},
				{0, "0/dyn-12,", `4/dyn-12,{"message":"Invalid namespace"}`},
			},
			children: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, tt.opts)
				s.Of("/static")
				dyn := s.OfRegexp(regexp.MustCompile(`^/dyn-`))
				dyn.Use(func(_ context.Context, so *Socket) error {
					if strings.HasSuffix(so.Namespace().Name(), "bad") {
						return errors.New("bad")
					}
					return nil
				})
				clients := []*testClient{dial(t, s), dial(t, s), dial(t, s)}
				for i, st := range tt.steps {
					tc := clients[st.client]
					tc.send(st.packet)
					got := tc.settle()
					switch st.want {
					case "-":
						if len(got) != 0 {
							t.Fatalf("step %d: %.80q: sent %.200q", i, st.packet, got)
						}
					case "":
						if len(got) != 1 || !strings.HasPrefix(got[0], "0") {
							t.Fatalf("step %d: %.80q: sent %.200q, want a CONNECT reply", i, st.packet, got)
						}
					default:
						if len(got) != 1 || got[0] != st.want {
							t.Fatalf("step %d: %.80q: sent %.200q, want %.200q", i, st.packet, got, st.want)
						}
					}
					if tc.conn.isClosed() {
						t.Fatalf("step %d: connection closed", i)
					}
				}
				if n := childCount(t, s); n != tt.children {
					t.Fatalf("%d live children, want %d", n, tt.children)
				}
				if n := len(dyn.childList()); n != tt.children {
					t.Fatalf("the parent lists %d children, want %d", n, tt.children)
				}
			})
		})
	}
}

// TestDynamicNamespacesBoundedGrowth has one client connect to and leave
// ever new child namespaces, round after round: the server holds no more
// children and no more heap after the fifth round than after the first.
func TestDynamicNamespacesBoundedGrowth(t *testing.T) {
	const rounds, perRound = 5, 2000
	tests := []struct {
		name  string
		leave func(tc *testClient, nsp string)
	}{
		{"client leaves", func(tc *testClient, nsp string) { tc.send("1" + nsp + ",") }},
		{"server disconnects", func(tc *testClient, nsp string) {
			tc.c.mu.Lock()
			so := tc.c.socketLocked(nsp)
			tc.c.mu.Unlock()
			so.Disconnect(false)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, nil)
				s.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`)).OnConnection(func(_ context.Context, so *Socket, _ []byte) error {
					so.Join("room")
					return nil
				})
				tc := dial(t, s)
				var heap []uint64
				for r := range rounds {
					for i := range perRound {
						nsp := fmt.Sprintf("/dyn-%d", r*perRound+i)
						tc.send("0" + nsp + ",")
						synctest.Wait()
						tt.leave(tc, nsp)
						synctest.Wait()
					}
					tc.conn.take()
					if n := childCount(t, s); n != 0 {
						t.Fatalf("round %d: %d children left", r, n)
					}
					heap = append(heap, heapInUse())
				}
				t.Logf("heap after each round of %d children: %v MB", perRound, mb(heap))
				if grown := int64(heap[rounds-1]) - int64(heap[0]); grown > 2<<20 {
					t.Fatalf("heap grew by %d bytes over %d rounds", grown, rounds-1)
				}
			})
		})
	}
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func mb(b []uint64) []string {
	out := make([]string, len(b))
	for i, v := range b {
		out[i] = fmt.Sprintf("%.1f", float64(v)/(1<<20))
	}
	return out
}

// TestDynamicChildKeptForRecovery checks that a child namespace whose last
// socket was cut stays while that socket may recover its session (kept in
// the child's adapter), and is released when the session expires; and that
// a connect step refused for its timeout releases its child.
func TestDynamicChildKeptForRecovery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, &Options{ConnectionStateRecovery: &RecoveryOptions{}, ConnectTimeout: time.Second})
		dyn := s.OfRegexp(regexp.MustCompile(`^/dyn-`))
		release := make(chan struct{})
		dyn.Use(func(_ context.Context, so *Socket) error {
			if so.Namespace().Name() == "/dyn-hung" {
				<-release
			}
			return nil
		})
		tc := dial(t, s)
		tc.send("0/dyn-1,")
		reply := tc.settle()
		var first struct{ SID, PID string }
		if len(reply) != 1 || json.Unmarshal([]byte(strings.TrimPrefix(reply[0], "0/dyn-1,")), &first) != nil || first.PID == "" {
			t.Fatalf("CONNECT reply %q", reply)
		}
		if err := s.Of("/dyn-1").Emit("a"); err != nil {
			t.Fatal(err)
		}
		got := tc.settle()
		m := regexp.MustCompile(`,"([^"]+)"\]$`).FindStringSubmatch(got[0])
		if m == nil {
			t.Fatalf("event %q without offset", got)
		}
		tc.conn.closeWith(engineio.ReasonTransportClose)
		synctest.Wait()
		time.Sleep(time.Minute)
		if n := childCount(t, s); n != 1 {
			t.Fatalf("%d children while the session is recoverable", n)
		}
		tc2 := dial(t, s)
		tc2.send(fmt.Sprintf(`0/dyn-1,{"pid":%q,"offset":%q}`, first.PID, m[1]))
		synctest.Wait()
		so := s.Of("/dyn-1").Sockets()
		if len(so) != 1 || !so[0].Recovered() || so[0].ID() != first.SID {
			t.Fatalf("not recovered: %v", so)
		}
		tc2.conn.take()
		tc2.send("1/dyn-1,")
		synctest.Wait()
		time.Sleep(time.Minute + time.Second)
		if n := childCount(t, s); n != 0 {
			t.Fatalf("%d children after the session expired", n)
		}

		// A connect step refused at ConnectTimeout releases its child, even
		// while its middleware still runs.
		tc2.send("0/dyn-hung,")
		time.Sleep(time.Second + time.Millisecond)
		if got := tc2.settle(); len(got) != 1 || got[0] != `4/dyn-hung,{"message":"Connection timeout"}` {
			t.Fatalf("sent %q", got)
		}
		if n := childCount(t, s); n != 0 {
			t.Fatalf("%d children after the connect timeout", n)
		}
		close(release)
		synctest.Wait()
		if n := childCount(t, s); n != 0 {
			t.Fatalf("%d children after the late result", n)
		}
	})
}
