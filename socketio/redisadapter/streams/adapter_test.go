package streams_test

import (
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/siogo/sio/socketio/redisadapter/streams"
)

const wait = 10 * time.Second

// node is a server with the streams adapter, listening on 127.0.0.1:0.
// Its sockets join the rooms named by the auth members tag and room, keep
// {"tag": tag} as data, and answer the server-side event "hello" with the
// node's name.
type node struct {
	name string
	srv  *socketio.Server
	hs   *httptest.Server
	done bool
}

func newRedis(t *testing.T) (*redistest.Server, *redis.Client) {
	t.Helper()
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	return rs, rc
}

func startNode(t *testing.T, name string, rc redis.UniversalClient, opts *streams.Options, sopts *socketio.Options) *node {
	t.Helper()
	if sopts == nil {
		sopts = &socketio.Options{}
	}
	sopts.Adapter = streams.New(rc, opts)
	srv := socketio.NewServer(sopts)
	nsp := srv.Of("/")
	nsp.OnServerSideEmit("hello", func(_ context.Context, _ *socketio.Args, ack socketio.AckFunc) {
		if ack != nil {
			_ = ack(name)
		}
	})
	nsp.OnConnection(func(_ context.Context, s *socketio.Socket, auth []byte) error {
		var a struct{ Tag, Room string }
		_ = json.Unmarshal(auth, &a)
		if !s.Recovered() {
			s.SetData(map[string]string{"tag": a.Tag})
			s.Join(a.Tag, a.Room)
		}
		return nil
	})
	if err := nsp.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitReady(t, nsp)
	n := &node{name: name, srv: srv, hs: httptest.NewServer(srv)}
	t.Cleanup(n.stop)
	return n
}

func (n *node) stop() {
	if n.done {
		return
	}
	n.done = true
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	_ = n.srv.Shutdown(ctx)
	n.hs.Close()
}

func waitReady(t *testing.T, nsp *socketio.Namespace) {
	t.Helper()
	select {
	case <-nsp.Adapter().(*streams.Adapter).Ready():
	case <-time.After(wait):
		t.Fatalf("%s: adapter not ready", nsp.Name())
	}
}

// peer is a client socket that records the events it receives, in order,
// and answers "ask" with its tag.
type peer struct {
	tag string
	s   *client.Socket

	mu     sync.Mutex // guards events and notify
	events []string   // "event:arg"
	notify chan struct{}
}

func dialPeer(t *testing.T, n *node, tag, room string, transports []string, copts *client.Options) *peer {
	t.Helper()
	return dialPeerURL(t, n.hs.URL, tag, room, transports, copts)
}

func dialPeerURL(t *testing.T, url, tag, room string, transports []string, copts *client.Options) *peer {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), wait)
	defer cancel()
	if copts == nil {
		copts = &client.Options{DisableReconnection: true}
	}
	copts.Transports = transports
	m, err := client.Dial(ctx, url, copts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	p := &peer{tag: tag, notify: make(chan struct{}, 1)}
	p.s = m.Socket("/", &client.SocketOptions{Auth: map[string]string{"tag": tag, "room": room}})
	p.s.OnAny(func(e *client.Event) {
		arg := ""
		if b, err := e.Args.Binary(0); err == nil {
			arg = "bin:" + string(b)
		} else {
			_ = e.Args.Decode(0, &arg)
		}
		if e.Name == "ask" && e.WantsAck() {
			_ = e.Ack(tag)
			return
		}
		p.mu.Lock()
		p.events = append(p.events, e.Name+":"+arg)
		p.mu.Unlock()
		select {
		case p.notify <- struct{}{}:
		default:
		}
	})
	if err := p.s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	return p
}

// waitFor waits until the peer got event ev, and returns and forgets what
// it got before it (ev not included).
func (p *peer) waitFor(t *testing.T, ev string) []string {
	t.Helper()
	deadline := time.After(wait)
	for {
		p.mu.Lock()
		if i := slices.Index(p.events, ev); i >= 0 {
			got := slices.Clone(p.events[:i])
			p.events = slices.Delete(p.events, 0, i+1)
			p.mu.Unlock()
			return got
		}
		p.mu.Unlock()
		select {
		case <-p.notify:
		case <-deadline:
			p.mu.Lock()
			defer p.mu.Unlock()
			t.Fatalf("%s: %q not received (got %v)", p.tag, ev, p.events)
		}
	}
}

// cluster is three nodes on one Redis and a client on each: c0 and c1 in
// room "red", c2 in "blue".
type cluster struct {
	rc      redis.UniversalClient
	nodes   []*node
	peers   []*peer
	markers int
}

func startCluster(t *testing.T, transports []string, opts *streams.Options) *cluster {
	t.Helper()
	_, rc := newRedis(t)
	return startClusterOn(t, rc, []redis.UniversalClient{rc, rc, rc}, transports, opts, nil)
}

// startClusterOn starts the three nodes with clients[i] for node i.
func startClusterOn(t *testing.T, rc redis.UniversalClient, clients []redis.UniversalClient, transports []string, opts *streams.Options, rec *socketio.RecoveryOptions) *cluster {
	t.Helper()
	c := &cluster{rc: rc}
	rooms := []string{"red", "red", "blue"}
	for i := range 3 {
		c.nodes = append(c.nodes, startNode(t, fmt.Sprint("s", i), clients[i], opts, &socketio.Options{ConnectionStateRecovery: rec}))
	}
	for i, n := range c.nodes {
		c.peers = append(c.peers, dialPeer(t, n, fmt.Sprint("c", i), rooms[i], transports, nil))
	}
	return c
}

// settle broadcasts a marker from node i and returns what each client got
// before it.
func (c *cluster) settle(t *testing.T, i int) [][]string {
	t.Helper()
	return c.settleBy(t, func(m string) error { return c.nodes[i].srv.Emit("marker", m) })
}

// settleBy is settle with the marker sent by send.
func (c *cluster) settleBy(t *testing.T, send func(marker string) error) [][]string {
	t.Helper()
	c.markers++
	m := fmt.Sprint("m", c.markers)
	if err := send(m); err != nil {
		t.Fatal(err)
	}
	out := make([][]string, len(c.peers))
	for k, p := range c.peers {
		out[k] = p.waitFor(t, "marker:"+m)
		if out[k] == nil {
			out[k] = []string{}
		}
	}
	return out
}

func check(t *testing.T, what string, got, want any) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if string(g) != string(w) {
		t.Errorf("%s: got %s, want %s", what, g, w)
	}
}

// TestCluster plays the scenarios of the interop tests' js/redis.mjs on
// three sio nodes sharing a Redis, over each transport, each operation
// issued from every node in turn.
func TestCluster(t *testing.T) {
	for _, tr := range [][]string{{"polling"}, {"websocket"}, {"polling", "websocket"}} {
		t.Run(strings.Join(tr, "+"), func(t *testing.T) {
			c := startCluster(t, tr, nil)
			runScenarios(t, c)
		})
	}
}

// TestClusterOptions runs the scenarios with several streams, sharded
// pub/sub and small reads.
func TestClusterOptions(t *testing.T) {
	c := startCluster(t, []string{"websocket"}, &streams.Options{StreamName: "s", StreamCount: 3, UseShardedPubSub: true, ReadCount: 1, BlockTime: 100 * time.Millisecond, ChannelPrefix: "p"})
	if got, want := c.nodes[0].srv.Of("/").Adapter().(*streams.Adapter).Stream(), "s-2"; got != want {
		t.Errorf("stream of /: %q, want %q (Node's hash)", got, want)
	}
	runScenarios(t, c)
}

func runScenarios(t *testing.T, c *cluster) {
	ctx := t.Context()
	run := func(name string, fn func(t *testing.T)) {
		if !t.Run(name, fn) {
			t.FailNow()
		}
	}
	run("broadcast", func(t *testing.T) {
		for i, n := range c.nodes {
			if err := n.srv.To("red").Emit("news", fmt.Sprint("n", i)); err != nil {
				t.Fatal(err)
			}
			news := fmt.Sprint("news:n", i)
			check(t, "to red", c.settle(t, i), [][]string{{news}, {news}, {}})
			if err := n.srv.Emit("all", fmt.Sprint("a", i)); err != nil {
				t.Fatal(err)
			}
			all := fmt.Sprint("all:a", i)
			check(t, "to all", c.settle(t, i), [][]string{{all}, {all}, {all}})
		}
	})
	run("binary", func(t *testing.T) {
		for i, n := range c.nodes {
			if err := n.srv.Emit("bin", []byte(fmt.Sprint("b", i))); err != nil {
				t.Fatal(err)
			}
			b := fmt.Sprint("bin:bin:b", i)
			check(t, "binary", c.settle(t, i), [][]string{{b}, {b}, {b}})
		}
	})
	run("except", func(t *testing.T) {
		for i, n := range c.nodes {
			if err := n.srv.Except("red").Emit("x", fmt.Sprint("e", i)); err != nil {
				t.Fatal(err)
			}
			check(t, "except red", c.settle(t, i), [][]string{{}, {}, {fmt.Sprint("x:e", i)}})
			if err := n.srv.To("red", "blue").Except("c1").Emit("y", fmt.Sprint("f", i)); err != nil {
				t.Fatal(err)
			}
			y := fmt.Sprint("y:f", i)
			check(t, "red+blue except c1", c.settle(t, i), [][]string{{y}, {}, {y}})
		}
	})
	acks := func(resps []*socketio.Args) []string {
		out := []string{}
		for _, r := range resps {
			var s string
			_ = r.Decode(0, &s)
			out = append(out, s)
		}
		slices.Sort(out)
		return out
	}
	run("acks", func(t *testing.T) {
		for _, n := range c.nodes {
			resps, err := n.srv.EmitWithAck(ctx, "ask")
			if err != nil {
				t.Fatal(err)
			}
			check(t, "acks", acks(resps), []string{"c0", "c1", "c2"})
			resps, err = n.srv.To("blue").EmitWithAck(ctx, "ask")
			if err != nil {
				t.Fatal(err)
			}
			check(t, "acks of blue", acks(resps), []string{"c2"})
		}
	})
	run("fetch", func(t *testing.T) {
		ids := func(k ...int) []string {
			var out []string
			for _, i := range k {
				out = append(out, c.peers[i].s.ID())
			}
			slices.Sort(out)
			return out
		}
		for _, n := range c.nodes {
			socks, err := n.srv.In("red").FetchSockets(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var got, tags []string
			for _, s := range socks {
				got = append(got, s.ID)
				var d struct{ Tag string }
				switch v := s.Data.(type) {
				case json.RawMessage:
					_ = json.Unmarshal(v, &d)
				case map[string]string:
					d.Tag = v["tag"]
				}
				tags = append(tags, d.Tag)
			}
			slices.Sort(got)
			slices.Sort(tags)
			check(t, "fetch red", got, ids(0, 1))
			check(t, "fetch red tags", tags, []string{"c0", "c1"})
		}
	})
	run("join-leave", func(t *testing.T) {
		for i, n := range c.nodes {
			target := fmt.Sprint("c", (i+1)%3)
			if err := n.srv.In(target).SocketsJoin(ctx, "green"); err != nil {
				t.Fatal(err)
			}
			if err := n.srv.To("green").Emit("g", "in"); err != nil {
				t.Fatal(err)
			}
			want := [][]string{{}, {}, {}}
			want[(i+1)%3] = []string{"g:in"}
			check(t, "green after join", c.settle(t, i), want)
			if err := n.srv.In(target).SocketsLeave(ctx, "green"); err != nil {
				t.Fatal(err)
			}
			if err := n.srv.To("green").Emit("g", "out"); err != nil {
				t.Fatal(err)
			}
			check(t, "green after leave", c.settle(t, i), [][]string{{}, {}, {}})
		}
	})
	run("server-side-emit", func(t *testing.T) {
		names := []string{"s0", "s1", "s2"}
		for i, n := range c.nodes {
			resps, err := n.srv.Of("/").ServerSideEmitWithAck(ctx, "hello")
			if err != nil {
				t.Fatal(err)
			}
			check(t, "server-side acks", acks(resps), slices.Delete(slices.Clone(names), i, i+1))
		}
	})
	run("server-count", func(t *testing.T) {
		for _, n := range c.nodes {
			got, err := n.srv.Of("/").Adapter().ServerCount(ctx)
			if err != nil || got != 3 {
				t.Errorf("ServerCount = %d, %v; want 3", got, err)
			}
		}
	})
	run("disconnect", func(t *testing.T) {
		gone := make(chan string, 1)
		c.peers[1].s.OnDisconnect(func(reason string) { gone <- reason })
		if err := c.nodes[2].srv.In("c1").DisconnectSockets(ctx, false); err != nil {
			t.Fatal(err)
		}
		select {
		case r := <-gone:
			check(t, "reason", r, "io server disconnect")
		case <-time.After(wait):
			t.Fatal("c1 not disconnected")
		}
		if !c.peers[0].s.Connected() || !c.peers[2].s.Connected() {
			t.Error("c0 or c2 disconnected too")
		}
	})
	run("node-gone", func(t *testing.T) {
		// A node that shuts down leaves the count and the requests.
		c.nodes[1].stop()
		deadline := time.Now().Add(wait)
		for {
			got, err := c.nodes[0].srv.Of("/").Adapter().ServerCount(ctx)
			if err == nil && got == 2 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("ServerCount = %d, %v after a node left; want 2", got, err)
			}
			time.Sleep(10 * time.Millisecond)
		}
		resps, err := c.nodes[0].srv.Of("/").ServerSideEmitWithAck(ctx, "hello")
		if err != nil {
			t.Fatal(err)
		}
		check(t, "server-side acks", acks(resps), []string{"s2"})
	})
}
