package interop

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
)

// startShardedNode serves a sio node named name with the sharded adapter
// on a Redis Cluster (one cluster client per node, as separate processes
// have) and waits for its subscriptions.
func startShardedNode(t *testing.T, name string, addrs []string, mode sharded.SubscriptionMode) string {
	t.Helper()
	client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { _ = client.Close() })
	srv := newAdapterNode(name, sharded.New(client, &sharded.Options{SubscriptionMode: mode}))
	return startReadyNode(t, name, srv)
}

// TestShardedRedisCluster runs the cluster scenarios of js/redis.mjs on
// three sio nodes with the sharded adapter on a three-master Redis Cluster,
// in each subscription mode and over each transport mode, join-leave
// included: a sio node sends a broadcast to a room it just named in a
// socketsJoin or socketsLeave on the namespace's channel, after the join,
// not on the room's channel, which the other nodes subscribe to only once
// they handled the join.
func TestShardedRedisCluster(t *testing.T) {
	testShardedCluster(t, false)
}

// TestShardedRedisMixedCluster runs the same scenarios with a Node.js
// socket.io 4.8 server using createShardedAdapter of
// @socket.io/redis-adapter 8.3.0 (node-redis 4.7 cluster clients) as the
// middle node, over each transport. In the dynamic modes js/redis.mjs's
// join-leave is left out: it originates from every node in turn, and from
// the Node node it races, as between Node servers (TestShardedNodeJoinRace
// shows why); TestShardedMixedJoinLeave runs it from the sio nodes.
func TestShardedRedisMixedCluster(t *testing.T) {
	testShardedCluster(t, true)
}

func testShardedCluster(t *testing.T, mixed bool) {
	requireNode(t)
	for _, mode := range []sharded.SubscriptionMode{sharded.Static, sharded.Dynamic, sharded.DynamicPrivate} {
		t.Run(string(mode), func(t *testing.T) {
			var want []string
			if mixed && mode != sharded.Static {
				want = slices.DeleteFunc(slices.Clone(redisScenarios), func(s string) bool { return s == "join-leave" })
				t.Setenv("REDIS_SCENARIOS", strings.Join(want, ","))
			}
			addrs := redistest.StartCluster(t, 3)
			for _, transport := range []string{"polling", "websocket", "upgrade"} {
				t.Run(transport, func(t *testing.T) {
					urls := make([]string, 3)
					for i := range urls {
						name := "s" + string(rune('0'+i))
						if mixed && i == 1 {
							urls[i] = startNodeServer(t, "redis-node-server.mjs", name, "redis://"+addrs[i], "sharded:"+string(mode))
							continue
						}
						urls[i] = startShardedNode(t, name, addrs[i:], mode)
					}
					checkRedisScenarios(t, transport, urls, want...)
				})
			}
		})
	}
}

// shardedClient is a Go client of one node of a mixed cluster, connected
// as js/redis.mjs's clients are (auth {tag, room}), recording the args of
// the "g" and "marker" events it gets.
type shardedClient struct {
	s   *client.Socket
	mu  sync.Mutex // guards got
	got map[string][]string
}

func dialShardedClient(t *testing.T, url, tag, room string) *shardedClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	m, err := client.Dial(ctx, url, &client.Options{Transports: []string{"websocket"}, DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(); <-m.Done() })
	c := &shardedClient{s: m.Socket("/", &client.SocketOptions{Auth: map[string]string{"tag": tag, "room": room}}), got: map[string][]string{}}
	c.s.OnAny(func(e *client.Event) {
		var arg string
		_ = e.Args.Decode(0, &arg)
		c.mu.Lock()
		c.got[e.Name] = append(c.got[e.Name], arg)
		c.mu.Unlock()
	})
	if err := c.s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

// op asks the client's server to run a js/redis.mjs operation.
func (c *shardedClient) op(t *testing.T, o redisOp) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	res, err := c.s.EmitWithAck(ctx, "op", o)
	if err != nil {
		t.Fatalf("op %+v: %v", o, err)
	}
	var r struct{ Error string }
	if json.Unmarshal(res.Raw(0), &r) == nil && r.Error != "" {
		t.Fatalf("op %+v: %s", o, r.Error)
	}
}

// take waits until the client got marker, then returns and forgets the
// "g" events received.
func (c *shardedClient) take(t *testing.T, marker string) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		if slices.Contains(c.got["marker"], marker) {
			g := c.got["g"]
			delete(c.got, "g")
			c.mu.Unlock()
			return g
		}
		c.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("marker %s not received", marker)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestShardedMixedJoinLeave runs js/redis.mjs's join-leave scenario in the
// dynamic modes of the mixed cluster (sio, Node, sio) from the sio nodes,
// targeting each other client, the Node server's included: a socketsJoin
// then a broadcast to the room reaches the socket, and after a
// socketsLeave it does not. The sio node sends the broadcast to a room it
// just named in a join or leave on the namespace's channel, after the
// join, so the Node server gets it whether or not it has subscribed to
// the room's channel yet. From the Node node the scenario races, as in
// Node (TestShardedNodeJoinRace).
func TestShardedMixedJoinLeave(t *testing.T) {
	requireNode(t)
	for _, mode := range []sharded.SubscriptionMode{sharded.Dynamic, sharded.DynamicPrivate} {
		t.Run(string(mode), func(t *testing.T) {
			addrs := redistest.StartCluster(t, 3)
			urls := []string{
				startShardedNode(t, "s0", addrs, mode),
				startNodeServer(t, "redis-node-server.mjs", "s1", "redis://"+addrs[1], "sharded:"+string(mode)),
				startShardedNode(t, "s2", addrs[2:], mode),
			}
			rooms := []string{"red", "red", "blue"}
			clients := make([]*shardedClient, 3)
			for i := range clients {
				clients[i] = dialShardedClient(t, urls[i], fmt.Sprint("c", i), rooms[i])
			}
			markers := 0
			settle := func(from int) [][]string {
				markers++
				m := fmt.Sprint("m", markers)
				clients[from].op(t, redisOp{Op: "emit", Rooms: []string{}, Event: "marker", Arg: m})
				var got [][]string
				for _, c := range clients {
					got = append(got, c.take(t, m))
				}
				return got
			}
			for _, from := range []int{0, 2} {
				for target := range 3 {
					if target == from {
						continue
					}
					tag := fmt.Sprint("c", target)
					clients[from].op(t, redisOp{Op: "join", Rooms: []string{tag}, Add: []string{"green"}})
					clients[from].op(t, redisOp{Op: "emit", Rooms: []string{"green"}, Event: "g", Arg: "in"})
					want := make([][]string, 3)
					want[target] = []string{"in"}
					if got := settle(from); !reflect.DeepEqual(got, want) {
						t.Errorf("from s%d, %s joined green: got %q, want %q", from, tag, got, want)
					}
					clients[from].op(t, redisOp{Op: "leave", Rooms: []string{tag}, Add: []string{"green"}})
					clients[from].op(t, redisOp{Op: "emit", Rooms: []string{"green"}, Event: "g", Arg: "out"})
					if got := settle(from); !reflect.DeepEqual(got, make([][]string, 3)) {
						t.Errorf("from s%d, %s left green: got %q, want nothing", from, tag, got)
					}
				}
			}
		})
	}
}

// TestShardedNodeJoinRace shows why join-leave races when Node's sharded
// adapter (dynamic mode) originates it: it publishes the SOCKETS_JOIN on
// the namespace's channel and, right after, the broadcast to the room on
// the room's own channel, which another server subscribes to only once it
// has handled the join; Redis drops a message published on a channel
// nobody subscribes to. (sio's adapter sends that broadcast on the
// namespace's channel instead, see TestShardedMixedJoinLeave.)
func TestShardedNodeJoinRace(t *testing.T) {
	requireNode(t)
	addrs := redistest.StartCluster(t, 3)
	url := startNodeServer(t, "redis-node-server.mjs", "s1", "redis://"+addrs[0], "sharded:dynamic")
	rc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { _ = rc.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	watch := func(channel string) <-chan *redis.Message {
		ps := rc.SSubscribe(ctx, channel)
		t.Cleanup(func() { _ = ps.Close() })
		if _, err := ps.Receive(ctx); err != nil {
			t.Fatal(err)
		}
		return ps.Channel()
	}
	main, green := watch("socket.io#/#"), watch("socket.io#/#green#")
	c := dialShardedClient(t, url, "c0", "red")
	c.op(t, redisOp{Op: "join", Rooms: []string{"c9"}, Add: []string{"green"}})
	c.op(t, redisOp{Op: "emit", Rooms: []string{"green"}, Event: "g", Arg: "in"})
	typeOf := func(ch <-chan *redis.Message, what string) int {
		select {
		case m := <-ch:
			var v struct{ Type int }
			if err := json.Unmarshal([]byte(m.Payload), &v); err != nil {
				t.Fatalf("%s: %q: %v", what, m.Payload, err)
			}
			return v.Type
		case <-ctx.Done():
			t.Fatalf("%s: nothing published", what)
			return 0
		}
	}
	if typ := typeOf(main, "namespace channel"); typ != 4 {
		t.Errorf("namespace channel: message type %d, want 4 (SOCKETS_JOIN)", typ)
	}
	if typ := typeOf(green, "room channel"); typ != 3 {
		t.Errorf("room channel: message type %d, want 3 (BROADCAST)", typ)
	}
}
