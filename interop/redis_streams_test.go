package interop

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/internal/tcpswitch"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/emitter"
	"github.com/siogo/sio/socketio/redisadapter/streams"
)

// newStreamsNode returns a sio server named name using the Redis Streams
// adapter on client, serving js/redis.mjs's "op" requests as
// newAdapterNode's servers do. With recovery, connection state recovery is
// on and the heartbeat short, as js/redis-streams-node-server.mjs's.
func newStreamsNode(name string, client redis.UniversalClient, recovery bool) *socketio.Server {
	return newStreamsNodeWith(name, client, recovery, &streams.Options{})
}

// newStreamsNodeWith is newStreamsNode with the adapter's options.
func newStreamsNodeWith(name string, client redis.UniversalClient, recovery bool, sopts *streams.Options) *socketio.Server {
	opts := &socketio.Options{}
	if recovery {
		rec := &socketio.RecoveryOptions{MaxDisconnectionDuration: time.Minute}
		opts.ConnectionStateRecovery = rec
		opts.Engine = &engineio.Options{PingInterval: 300 * time.Millisecond, PingTimeout: 2 * time.Second}
	}
	opts.Adapter = streams.New(client, sopts)
	return newOpsNode(name, opts)
}

// startStreamsNode serves a sio node with the streams adapter and waits
// until it is ready.
func startStreamsNode(t *testing.T, name string, client *redis.Client, recovery bool) string {
	t.Helper()
	return startReadyNode(t, name, newStreamsNode(name, client, recovery))
}

// startStreamsNodeWith is startStreamsNode without recovery, with the
// adapter's options.
func startStreamsNodeWith(t *testing.T, name string, client redis.UniversalClient, sopts *streams.Options) string {
	t.Helper()
	return startReadyNode(t, name, newStreamsNodeWith(name, client, false, sopts))
}

// TestRedisStreamsCluster runs the cluster scenarios of js/redis.mjs on
// three sio nodes with the streams adapter, over each transport mode.
func TestRedisStreamsCluster(t *testing.T) {
	testStreamsCluster(t, false)
}

// TestRedisStreamsMixedCluster runs the same scenarios with a Node.js
// socket.io 4.8.4 server using @socket.io/redis-streams-adapter 0.3.1
// (node-redis 4.7) as the middle node.
func TestRedisStreamsMixedCluster(t *testing.T) {
	testStreamsCluster(t, true)
}

// testStreamsCluster runs the scenarios with connection state recovery on
// in every node, so that the events carry stream offsets.
func testStreamsCluster(t *testing.T, mixed bool) {
	requireNode(t)
	for _, mode := range []string{"polling", "websocket", "upgrade"} {
		t.Run(mode, func(t *testing.T) {
			addr := startRedis(t)
			client := redis.NewClient(&redis.Options{Addr: addr})
			t.Cleanup(func() { _ = client.Close() })
			urls := make([]string, 3)
			for i := range urls {
				name := "s" + string(rune('0'+i))
				if mixed && i == 1 {
					urls[i] = startNodeServer(t, "redis-streams-node-server.mjs", name, "redis://"+addr, "recovery")
					continue
				}
				urls[i] = startStreamsNode(t, name, client, true)
			}
			checkRedisScenarios(t, mode, urls)
		})
	}
}

// switchProxy is a tcpswitch whose control (ServeHTTP) serves
// js/redis-streams-recovery.mjs: /cut refuses new connections and closes
// the current ones, /to-b sends the next ones to b.
type switchProxy struct {
	*tcpswitch.Switch
	b string
}

func startSwitchProxy(t *testing.T, a, b string) *switchProxy {
	t.Helper()
	s, err := tcpswitch.Listen(a)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return &switchProxy{Switch: s, b: b}
}

func (p *switchProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/cut":
		p.To("")
		p.Cut()
	case "/to-b":
		p.To(p.b)
	default:
		http.NotFound(w, r)
		return
	}
	_, _ = io.WriteString(w, "ok")
}

// TestRedisStreamsRecovery cuts the transport of a socket.io-client
// connected to one server and lets it reconnect to another: sio to sio,
// sio to Node's @socket.io/redis-streams-adapter 0.3.1 and Node to sio,
// over each transport mode. The client gets back its id, rooms and data
// and exactly the events sent to its rooms while it was away.
func TestRedisStreamsRecovery(t *testing.T) {
	requireNode(t)
	tests := []struct {
		name         string
		nodeA, nodeB bool // which servers are Node's
	}{
		{"sio-to-sio", false, false},
		{"sio-to-node", false, true},
		{"node-to-sio", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, mode := range []string{"polling", "websocket", "upgrade"} {
				t.Run(mode, func(t *testing.T) {
					addr := startRedis(t)
					client := redis.NewClient(&redis.Options{Addr: addr})
					t.Cleanup(func() { _ = client.Close() })
					start := func(name string, node bool) string {
						if node {
							return startNodeServer(t, "redis-streams-node-server.mjs", name, "redis://"+addr, "recovery")
						}
						return startStreamsNode(t, name, client, true)
					}
					a, b := start("A", tc.nodeA), start("B", tc.nodeB)
					px := startSwitchProxy(t, strings.TrimPrefix(a, "http://"), strings.TrimPrefix(b, "http://"))
					ctrl := httptest.NewServer(px)
					t.Cleanup(ctrl.Close)
					lines := runNode(t, "redis-streams-recovery.mjs", mode, a, b, "http://"+px.Addr(), ctrl.URL)
					var ran []string
					for _, line := range lines {
						var r struct {
							Scenario string `json:"scenario"`
							OK       bool   `json:"ok"`
							Error    string `json:"error"`
						}
						if err := json.Unmarshal([]byte(line), &r); err != nil {
							t.Errorf("bad output line %q", line)
							continue
						}
						ran = append(ran, r.Scenario)
						if !r.OK {
							t.Errorf("%s: %s", r.Scenario, r.Error)
						}
					}
					if strings.Join(ran, ",") != "recovery,after-recovery" {
						t.Errorf("scenarios run: %v", ran)
					}
				})
			}
		})
	}
}

// TestRedisStreamsEmitterToNode drives a socket connected to a Node.js
// server with @socket.io/redis-streams-adapter 0.3.1 from the Go streams
// emitter: room broadcasts with exceptions, binary, room changes and
// disconnection, in the order written.
func TestRedisStreamsEmitterToNode(t *testing.T) {
	requireNode(t)
	addr := startRedis(t)
	rc := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { _ = rc.Close() })
	url := startNodeServer(t, "redis-streams-node-server.mjs", "n0", "redis://"+addr)
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	m, err := client.Dial(ctx, url, &client.Options{Transports: []string{"websocket"}, DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	s := m.Socket("/", &client.SocketOptions{Auth: map[string]string{"tag": "c0", "room": "red"}})
	got := make(chan string, 16)
	s.OnAny(func(e *client.Event) {
		arg := ""
		if b, err := e.Args.Binary(0); err == nil {
			arg = "bin:" + string(b)
		} else {
			_ = e.Args.Decode(0, &arg)
		}
		got <- e.Name + ":" + arg
	})
	gone := make(chan string, 1)
	s.OnDisconnect(func(reason string) { gone <- reason })
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	e := emitter.NewStreams(rc, nil)
	steps := []func() error{
		func() error { return e.To("red").Emit(ctx, "a", "1") },
		func() error { return e.To("red").Except("c0").Emit(ctx, "a", "no") },
		func() error { return e.Emit(ctx, "b", []byte("2")) },
		func() error { return e.In("c0").SocketsJoin(ctx, "green") },
		func() error { return e.To("green").Emit(ctx, "c", "3") },
		func() error { return e.In("c0").SocketsLeave(ctx, "green") },
		func() error { return e.To("green").Emit(ctx, "c", "no") },
		func() error { return e.Emit(ctx, "d", "4") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	var seq []string
	for len(seq) < 4 {
		select {
		case ev := <-got:
			seq = append(seq, ev)
		case <-ctx.Done():
			t.Fatalf("events received: %v", seq)
		}
	}
	if strings.Join(seq, " ") != "a:1 b:bin:2 c:3 d:4" {
		t.Errorf("events received: %v, want [a:1 b:bin:2 c:3 d:4]", seq)
	}
	if err := e.In("c0").DisconnectSockets(ctx, false); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-gone:
		if r != "io server disconnect" {
			t.Errorf("disconnect reason %q", r)
		}
	case <-ctx.Done():
		t.Fatal("not disconnected")
	}
}

// TestRedisStreamsMixedRedisCluster runs the cluster scenarios on a
// three-master Redis Cluster with the namespaces spread over three
// streams: sio nodes s0 and s2 (one cluster client each) and a Node.js
// server with @socket.io/redis-streams-adapter 0.3.1 on a node-redis 4.7
// cluster client, over each transport mode.
func TestRedisStreamsMixedRedisCluster(t *testing.T) {
	requireNode(t)
	addrs := redistest.StartCluster(t, 3)
	for _, mode := range []string{"polling", "websocket", "upgrade"} {
		t.Run(mode, func(t *testing.T) {
			prefix := "s-" + mode // streams and channels of their own
			urls := make([]string, 3)
			for i := range urls {
				name := "s" + string(rune('0'+i))
				if i == 1 {
					urls[i] = startNodeServer(t, "redis-streams-node-server.mjs", name, "redis://"+addrs[i], "cluster", "streams=3", "prefix="+prefix)
					continue
				}
				cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs[i:]})
				t.Cleanup(func() { _ = cc.Close() })
				urls[i] = startStreamsNodeWith(t, name, cc, &streams.Options{StreamCount: 3, StreamName: prefix, ChannelPrefix: prefix})
			}
			checkRedisScenarios(t, mode, urls)
		})
	}
}
