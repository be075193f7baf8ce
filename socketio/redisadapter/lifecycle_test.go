package redisadapter_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
)

// node is a server with the Redis adapter, listening on 127.0.0.1:0.
type node struct {
	srv *socketio.Server
	hs  *httptest.Server
}

func startNode(t *testing.T, rc redis.UniversalClient, opts *socketio.Options) *node {
	t.Helper()
	if opts == nil {
		opts = &socketio.Options{}
	}
	opts.Adapter = redisadapter.New(rc, nil)
	srv := socketio.NewServer(opts)
	if err := srv.Of("/").Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return &node{srv: srv, hs: httptest.NewServer(srv)}
}

// stop shuts the node down.
func (n *node) stop(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := n.srv.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	n.hs.Close()
}

func dialNode(t *testing.T, n *node) *client.Manager {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := client.Dial(ctx, n.hs.URL, &client.Options{Transports: []string{"websocket"}, DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// redisClientList returns the connections CLIENT LIST shows.
func redisClientList(t *testing.T, rc redis.UniversalClient) int {
	t.Helper()
	list, err := rc.ClientList(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	return len(strings.Split(strings.TrimSpace(list), "\n"))
}

// TestDynamicNamespacesShareConnection connects clients to 1,000 children
// of a dynamic namespace: Redis sees no new connection (CLIENT LIST and
// INFO clients), every child subscribes its channels on the server's one
// subscriber, the placeholder parent subscribes nothing, and Shutdown
// leaves no goroutine.
func TestDynamicNamespacesShareConnection(t *testing.T) {
	const (
		namespaces = 1000
		perClient  = 50
	)
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	ctx := context.Background()
	// The Redis client's own pool, and what other tests left, are not
	// the server's.
	if err := rc.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	ignore := goleak.IgnoreCurrent()

	n := startNode(t, rc, &socketio.Options{KeepEmptyChildNamespaces: true})
	parent := n.srv.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`))
	patterns0, err := rc.PubSubNumPat(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	list0, info0 := redisClientList(t, rc), redisClients(t, rc)

	var managers []*client.Manager
	for i := 0; i < namespaces; i += perClient {
		m := dialNode(t, n)
		managers = append(managers, m)
		var wg sync.WaitGroup
		errs := make(chan error, perClient)
		for j := i; j < i+perClient; j++ {
			wg.Go(func() {
				cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
				defer cancel()
				if err := m.Socket(fmt.Sprintf("/dyn-%d", j), nil).Connect(cctx); err != nil {
					errs <- fmt.Errorf("/dyn-%d: %w", j, err)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	}
	if got := len(parent.Sockets()); got != 0 {
		t.Errorf("the parent has %d sockets", got)
	}
	eventually(t, "children subscribed", func() (bool, string) {
		p, err := rc.PubSubNumPat(ctx).Result()
		return err == nil && p == patterns0+namespaces, fmt.Sprintf("%d patterns, want %d (%v)", p, patterns0+namespaces, err)
	})
	list1, info1 := redisClientList(t, rc), redisClients(t, rc)
	t.Logf("%d dynamic namespaces: CLIENT LIST %d -> %d, connected_clients %d -> %d", namespaces, list0, list1, info0, info1)
	if list1 != list0 || info1 != info0 {
		t.Errorf("Redis connections %d/%d -> %d/%d with %d dynamic namespaces, want none more", list0, info0, list1, info1, namespaces)
	}

	for _, m := range managers {
		_ = m.Close()
		<-m.Done()
	}
	n.stop(t)
	// The server's subscriber is gone, and with it every subscription.
	eventually(t, "subscriptions dropped", func() (bool, string) {
		p, err := rc.PubSubNumPat(ctx).Result()
		return err == nil && p == 0, fmt.Sprintf("%d patterns (%v)", p, err)
	})
	goleak.VerifyNone(t, ignore)
}

// TestParentBroadcastAcrossNodes checks that a broadcast on a dynamic
// namespace reaches the sockets of its children on every node, through the
// children's Redis adapters.
func TestParentBroadcastAcrossNodes(t *testing.T) {
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	re := regexp.MustCompile(`^/dyn-\w+$`)
	a, b := startNode(t, rc, nil), startNode(t, rc, nil)
	t.Cleanup(func() { a.stop(t); b.stop(t) })
	parentA, parentB := a.srv.OfRegexp(re), b.srv.OfRegexp(re)
	for _, p := range []*socketio.Namespace{parentA, parentB} {
		if _, ok := p.Adapter().(*redisadapter.Adapter); ok {
			t.Fatal("a dynamic namespace got a Redis adapter of its own")
		}
	}
	type conn struct {
		node *node
		nsp  string
	}
	conns := []conn{{a, "/dyn-x"}, {b, "/dyn-x"}, {b, "/dyn-y"}}
	got := make(chan string, 16)
	for _, c := range conns {
		m := dialNode(t, c.node)
		t.Cleanup(func() { _ = m.Close(); <-m.Done() })
		s := m.Socket(c.nsp, nil)
		s.On("hi", func(e *client.Event) {
			var from string
			_ = e.Args.Decode(0, &from)
			got <- c.nsp + " " + from
		})
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := s.Connect(cctx)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		parent *socketio.Namespace
		want   []string
	}{
		// A node's parent reaches its own children, cluster wide: A has
		// /dyn-x only, so B's /dyn-y is not reached from A (as Node).
		{"from a", parentA, []string{"/dyn-x a", "/dyn-x a"}},
		{"from b", parentB, []string{"/dyn-x b", "/dyn-x b", "/dyn-y b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := tt.name[len(tt.name)-1:]
			if err := tt.parent.Emit("hi", from); err != nil {
				t.Fatal(err)
			}
			var recv []string
			for range tt.want {
				select {
				case s := <-got:
					recv = append(recv, s)
				case <-time.After(10 * time.Second):
					t.Fatalf("received %q, want %q", recv, tt.want)
				}
			}
			// Nothing more (a late duplicate would show here).
			select {
			case s := <-got:
				t.Fatalf("extra delivery %q", s)
			case <-time.After(200 * time.Millisecond):
			}
			slices.Sort(recv)
			if strings.Join(recv, ",") != strings.Join(tt.want, ",") {
				t.Errorf("received %q, want %q", recv, tt.want)
			}
		})
	}
}

// TestShutdownLeavesNoGoroutine shuts down two nodes sharing one Redis
// while clients are connected to static namespaces, or to children of a
// dynamic namespace, after traffic between the nodes (broadcasts, a
// FetchSockets request, server-side emits with acks): no goroutine is
// left behind (goleak), and Redis keeps no subscription of theirs.
func TestShutdownLeavesNoGoroutine(t *testing.T) {
	tests := []struct {
		name    string
		dynamic bool
		nsps    []string
	}{
		{"static", false, []string{"/", "/chat"}},
		{"dynamic", true, []string{"/dyn-a", "/dyn-b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := redistest.Start(t)
			rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
			t.Cleanup(func() { _ = rc.Close() })
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := rc.Ping(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			ignore := goleak.IgnoreCurrent()

			nodes := []*node{startNode(t, rc, nil), startNode(t, rc, nil)}
			var managers []*client.Manager
			for _, n := range nodes {
				if tt.dynamic {
					n.srv.OfRegexp(regexp.MustCompile(`^/dyn-\w+$`))
				}
				for _, name := range tt.nsps {
					nsp := name
					if !tt.dynamic {
						if err := n.srv.Of(nsp).Start(ctx); err != nil {
							t.Fatal(err)
						}
					}
					m := dialNode(t, n)
					managers = append(managers, m)
					if err := m.Socket(nsp, nil).Connect(ctx); err != nil {
						t.Fatal(err)
					}
				}
			}
			for _, n := range nodes {
				n.srv.Of(tt.nsps[1]).OnServerSideEmit("ping", func(_ context.Context, _ *socketio.Args, ack socketio.AckFunc) {
					if ack != nil {
						_ = ack("pong")
					}
				})
			}
			nsp := nodes[0].srv.Of(tt.nsps[1])
			if err := nsp.Emit("hi"); err != nil {
				t.Fatal(err)
			}
			if socks, err := nsp.FetchSockets(ctx); err != nil || len(socks) != 2 {
				t.Fatalf("FetchSockets: %d sockets, %v; want 2", len(socks), err)
			}
			if res, err := nsp.ServerSideEmitWithAck(ctx, "ping"); err != nil || len(res) != 1 {
				t.Fatalf("ServerSideEmitWithAck: %d responses, %v; want 1", len(res), err)
			}

			for _, n := range nodes {
				n.stop(t)
			}
			for _, m := range managers {
				_ = m.Close()
				<-m.Done()
			}
			eventually(t, "subscriptions dropped", func() (bool, string) {
				p, err := rc.PubSubNumPat(ctx).Result()
				chs, cerr := rc.PubSubChannels(ctx, "socket.io*").Result()
				return err == nil && cerr == nil && p == 0 && len(chs) == 0, fmt.Sprintf("%d patterns, channels %q (%v, %v)", p, chs, err, cerr)
			})
			goleak.VerifyNone(t, ignore)
		})
	}
}
