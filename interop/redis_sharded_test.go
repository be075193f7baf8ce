package interop

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

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
	url := startAdapterNode(t, srv)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := srv.Of("/").Start(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.Of("/").Adapter().(*sharded.Adapter).Ready():
	case <-ctx.Done():
		t.Fatalf("%s: subscriptions not confirmed", name)
	}
	return url
}

// TestShardedRedisCluster runs the cluster scenarios of js/redis.mjs on
// three sio nodes with the sharded adapter on a three-master Redis Cluster,
// in each subscription mode and over each transport mode.
//
// In the dynamic modes join-leave is left out: it broadcasts to a room
// right after a socketsJoin filled it on another server, which subscribes
// to the room's channel only when it handles the join (as Node's adapter
// does), so the broadcast races the subscription (see docs/scaling.md).
// TestSocketsJoinThenEmit covers those modes, waiting for the subscription.
func TestShardedRedisCluster(t *testing.T) {
	testShardedCluster(t, false)
}

// TestShardedRedisMixedCluster runs the same scenarios with a Node.js
// socket.io 4.8 server using createShardedAdapter of
// @socket.io/redis-adapter 8.3.0 (node-redis 4.7 cluster clients) as the
// middle node.
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
