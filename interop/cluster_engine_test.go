package interop

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/engineio/redisbus"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
	"github.com/siogo/sio/socketio/redisadapter/streams"
)

// roundRobin is the load balancer of the cluster tests: every request,
// WebSocket upgrades included, goes to the next live node, whatever
// session it names (no sticky sessions).
type roundRobin struct {
	// mu guards the fields below.
	mu    sync.Mutex
	nodes []*backend
	next  int
}

// backend is a node behind the proxy, with the connections the proxy
// opened to it (so that killing it cuts them, upgraded ones included).
type backend struct {
	url   *url.URL
	proxy *httputil.ReverseProxy
	dead  bool
	sent  int // requests sent to it

	// mu guards conns.
	mu    sync.Mutex
	conns map[net.Conn]struct{}
}

func newBackend(u *url.URL) *backend {
	b := &backend{url: u, conns: make(map[net.Conn]struct{})}
	var d net.Dialer
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := d.DialContext(ctx, network, addr)
			if err == nil {
				b.mu.Lock()
				b.conns[c] = struct{}{}
				b.mu.Unlock()
			}
			return c, err
		},
	}
	b.proxy = &httputil.ReverseProxy{
		Rewrite:   func(pr *httputil.ProxyRequest) { pr.SetURL(u); pr.Out.Host = pr.In.Host },
		Transport: tr,
		ErrorLog:  log.New(io.Discard, "", 0),
	}
	return b
}

// cut closes every connection the proxy opened to b.
func (b *backend) cut() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for c := range b.conns {
		_ = c.Close()
	}
	clear(b.conns)
	b.proxy.Transport.(*http.Transport).CloseIdleConnections()
}

func (rr *roundRobin) pick() *backend {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	for range rr.nodes {
		b := rr.nodes[rr.next]
		rr.next = (rr.next + 1) % len(rr.nodes)
		if !b.dead {
			b.sent++
			return b
		}
	}
	return nil
}

func (rr *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b := rr.pick()
	if b == nil {
		http.Error(w, "no live node", http.StatusBadGateway)
		return
	}
	b.proxy.ServeHTTP(w, r)
}

// sent returns the requests sent to each node.
func (rr *roundRobin) sent() []int {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	var n []int
	for _, b := range rr.nodes {
		n = append(n, b.sent)
	}
	return n
}

// kill marks node i dead and cuts the proxy's connections to it.
func (rr *roundRobin) kill(i int) {
	rr.drain(i)
	rr.nodes[i].cut()
}

// drain sends no new request to node i; its open connections stay.
func (rr *roundRobin) drain(i int) {
	rr.mu.Lock()
	rr.nodes[i].dead = true
	rr.mu.Unlock()
}

// upgradeCounter counts the upgrade answers a node publishes: take-overs
// and streams.
type upgradeCounter struct {
	*redisbus.Bus
	takeOvers, streams *atomic.Int64
}

func (u upgradeCounter) Publish(ctx context.Context, msgs ...*engineio.ClusterMessage) error {
	for _, m := range msgs {
		if m.Type == engineio.ClusterMsgUpgradeResponse {
			if m.TakeOver {
				u.takeOvers.Add(1)
			} else {
				u.streams.Add(1)
			}
		}
	}
	return u.Bus.Publish(ctx, msgs...)
}

// clusterNode is one sio node of the cluster tests.
type clusterNode struct {
	name string
	srv  *socketio.Server
	hs   *httptest.Server
	bus  *redisbus.Bus
	rc   *redis.Client
	once sync.Once
}

// kill stops the node's network as a crash would: its Redis connections
// end at once (the proxy cuts its client connections); nothing is said to
// its clients or to the other nodes.
func (n *clusterNode) kill() {
	n.once.Do(func() {
		_ = n.bus.Close()
		_ = n.rc.Close()
	})
}

// startClusterNode starts a sio node named name serving js/redis.mjs's and
// js/cluster-engine.mjs's requests, with the classic Redis adapter (or,
// with recovery, the Redis Streams adapter and connection state recovery)
// and the Redis cluster bus, on one Redis client of its own; takeOver is
// its ClusterOptions.TakeOverWindow, and up counts its upgrade answers.
func startClusterNode(t *testing.T, name, addr string, takeOver time.Duration, up upgradeCounter, recovery bool) *clusterNode {
	t.Helper()
	client := redis.NewClient(&redis.Options{Addr: addr})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	bus, err := redisbus.New(ctx, client, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts := &socketio.Options{
		Adapter: redisadapter.New(client, nil),
		Engine: &engineio.Options{
			PingInterval: 2 * time.Second,
			PingTimeout:  2 * time.Second,
			Cluster:      &engineio.ClusterOptions{Bus: upgradeCounter{bus, up.takeOvers, up.streams}, TakeOverWindow: takeOver},
		},
	}
	if recovery {
		opts.Adapter = streams.New(client, nil)
		opts.ConnectionStateRecovery = &socketio.RecoveryOptions{}
	}
	srv := socketio.NewServer(opts)
	nsp := srv.Of("/")
	nsp.OnConnection(func(_ context.Context, s *socketio.Socket, auth []byte) error {
		var a struct{ Tag, Room string }
		_ = json.Unmarshal(auth, &a)
		s.SetData(map[string]string{"tag": a.Tag})
		s.Join(a.Tag, a.Room)
		handleRedisOps(nsp, s)
		// tick-all broadcasts "tick" to every client (with recovery, its
		// offset lets a client recover later).
		s.On("tick-all", func(_ context.Context, _ *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
			return errors.Join(nsp.Emit("tick", name), ack(true))
		})
		// whoami answers the name of the node that owns the session.
		s.On("whoami", func(_ context.Context, _ *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
			return ack(name)
		})
		// echo answers its arguments (text and binary) back.
		s.On("echo", func(_ context.Context, _ *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
			var v any
			if b, err := args.Binary(0); err == nil {
				v = b
			} else if err := args.Decode(0, &v); err != nil {
				return err
			}
			return ack(v)
		})
		return nil
	})
	n := &clusterNode{name: name, srv: srv, bus: bus, rc: client, hs: httptest.NewServer(srv)}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		n.hs.Close()
		n.kill()
	})
	return n
}

// startCluster starts a Redis, three sio nodes (with take-over window
// takeOver) and the round-robin proxy in front of them, and returns the
// proxy and the nodes; up counts the nodes' upgrade answers.
func startCluster(t *testing.T, takeOver time.Duration, up upgradeCounter, recovery bool) (*httptest.Server, *roundRobin, []*clusterNode) {
	t.Helper()
	addr := startRedis(t)
	rr := &roundRobin{}
	var nodes []*clusterNode
	for _, name := range []string{"s0", "s1", "s2"} {
		n := startClusterNode(t, name, addr, takeOver, up, recovery)
		nodes = append(nodes, n)
		u, _ := url.Parse(n.hs.URL)
		rr.nodes = append(rr.nodes, newBackend(u))
	}
	proxy := httptest.NewServer(rr)
	t.Cleanup(proxy.Close)
	return proxy, rr, nodes
}

// TestClusterEngine runs the cluster scenarios of js/redis.mjs (acks both
// ways, binary, rooms, broadcasts across nodes, server-side disconnect)
// and js/cluster-engine.mjs's on three sio nodes behind a round-robin
// proxy, without sticky sessions, over polling only, WebSocket only and
// polling upgraded to WebSocket: with the default take-over window (most
// upgrades that land on another node move the session there), and with
// take-over off (the owner streams every such session).
func TestClusterEngine(t *testing.T) {
	requireNode(t)
	for _, tc := range []struct {
		name, mode string
		takeOver   time.Duration
	}{
		{"polling", "polling", 0},
		{"websocket", "websocket", 0},
		{"upgrade", "upgrade", 0},
		{"upgrade-streamed", "upgrade", -1},
	} {
		mode := tc.mode
		t.Run(tc.name, func(t *testing.T) {
			up := upgradeCounter{takeOvers: new(atomic.Int64), streams: new(atomic.Int64)}
			proxy, rr, _ := startCluster(t, tc.takeOver, up, false)
			t.Setenv("REDIS_SCENARIOS", "broadcast,binary,except,acks,fetch,join-leave,disconnect")
			checkRedisScenarios(t, mode, []string{proxy.URL, proxy.URL, proxy.URL},
				"broadcast", "binary", "except", "acks", "fetch", "join-leave", "disconnect")
			lines := runNode(t, "cluster-engine.mjs", mode, proxy.URL)
			checkScenarios(t, lines, []string{"spread", "echo", "client-disconnect"})
			t.Logf("requests per node: %v; upgrades on another node than the owner: %d taken over, %d streamed", rr.sent(), up.takeOvers.Load(), up.streams.Load())
			switch {
			case mode != "upgrade" && up.takeOvers.Load()+up.streams.Load() != 0:
				t.Errorf("upgrades answered in %s mode", mode)
			case tc.takeOver < 0 && up.takeOvers.Load() != 0:
				t.Errorf("%d take-overs with the window off", up.takeOvers.Load())
			case mode == "upgrade" && up.takeOvers.Load()+up.streams.Load() == 0:
				// Nine clients: all nine WebSockets on their owner has a
				// chance of (1/3)^9.
				t.Errorf("no upgrade landed on another node than the owner")
			}
		})
	}
}

// killControl lets js/cluster-engine.mjs kill a node by name (/kill?node=),
// or shut it down (/shutdown?node=: no new request reaches it, and
// Server.Shutdown closes its sessions, as a deploy does).
type killControl struct {
	rr    *roundRobin
	nodes []*clusterNode
}

func (k killControl) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("node")
	for i, n := range k.nodes {
		if n.name != name {
			continue
		}
		if r.URL.Path == "/shutdown" {
			k.rr.drain(i)
			ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
			defer cancel()
			if err := n.srv.Shutdown(ctx); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
		} else {
			k.rr.kill(i)
			n.kill()
		}
		_, _ = io.WriteString(w, "ok")
		return
	}
	http.NotFound(w, r)
}

// TestClusterEngineOwnerDies kills the node that owns a client's session:
// the requests forwarded for it find no owner (HTTP 400, "Session ID
// unknown") or a streamed WebSocket gets no more pings, and the client
// reconnects to a live node.
func TestClusterEngineOwnerDies(t *testing.T) {
	requireNode(t)
	for _, tc := range []struct {
		name, mode string
		takeOver   time.Duration
	}{{"polling", "polling", 0}, {"upgrade", "upgrade", 0}, {"upgrade-streamed", "upgrade", -1}} {
		mode := tc.mode
		t.Run(tc.name, func(t *testing.T) {
			up := upgradeCounter{takeOvers: new(atomic.Int64), streams: new(atomic.Int64)}
			proxy, rr, nodes := startCluster(t, tc.takeOver, up, false)
			ctrl := httptest.NewServer(killControl{rr: rr, nodes: nodes})
			t.Cleanup(ctrl.Close)
			t.Setenv("CLUSTER_CONTROL", ctrl.URL)
			t.Setenv("SCENARIOS", "owner-dies")
			lines := runNode(t, "cluster-engine.mjs", mode, proxy.URL)
			checkScenarios(t, lines, []string{"owner-dies"})
		})
	}
}

// TestClusterEngineOwnerLeavesRecovers shuts down (as a deploy does) the
// node that owns a client's session, with the Redis Streams adapter and
// connection state recovery: the session is kept in Redis, and the client,
// reconnecting through the round-robin proxy to another node, recovers its
// id and the events broadcast while it was away. (With the classic
// adapter, whose sessions stay in the node's memory, it would not.)
func TestClusterEngineOwnerLeavesRecovers(t *testing.T) {
	requireNode(t)
	for _, mode := range []string{"polling", "websocket", "upgrade"} {
		t.Run(mode, func(t *testing.T) {
			up := upgradeCounter{takeOvers: new(atomic.Int64), streams: new(atomic.Int64)}
			proxy, rr, nodes := startCluster(t, 0, up, true)
			ctrl := httptest.NewServer(killControl{rr: rr, nodes: nodes})
			t.Cleanup(ctrl.Close)
			t.Setenv("CLUSTER_CONTROL", ctrl.URL)
			t.Setenv("SCENARIOS", "owner-leaves")
			lines := runNode(t, "cluster-engine.mjs", mode, proxy.URL)
			checkScenarios(t, lines, []string{"owner-leaves"})
		})
	}
}
