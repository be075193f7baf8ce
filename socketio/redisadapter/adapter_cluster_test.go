package redisadapter_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
)

// TestRedisClusterClient runs three servers on a three-master Redis
// Cluster through a *redis.ClusterClient: their subscriptions land on
// different nodes, ServerCount still counts all three, and server-side
// emits with acks reach the other two.
func TestRedisClusterClient(t *testing.T) {
	addrs := redistest.StartCluster(t, 3)
	srvs := make([]*socketio.Server, 3)
	for i := range srvs {
		// One client per server, as separate processes would have, so the
		// subscriptions spread over the nodes.
		client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs[i:]})
		t.Cleanup(func() { _ = client.Close() })
		srv := socketio.NewServer(&socketio.Options{Adapter: redisadapter.New(client, nil)})
		srvs[i] = srv
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
		})
		srv.Of("/").OnServerSideEmit("whoami", func(_ context.Context, _ *socketio.Args, ack socketio.AckFunc) {
			if ack != nil {
				_ = ack(i)
			}
		})
		select {
		case <-adapterOf(t, srv).Ready():
		case <-time.After(10 * time.Second):
			t.Fatalf("server %d: subscriptions not confirmed", i)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for i, srv := range srvs {
		if n, err := adapterOf(t, srv).ServerCount(ctx); err != nil || n != 3 {
			t.Errorf("server %d: ServerCount = %d, %v; want 3", i, n, err)
		}
	}
	resps, err := srvs[0].Of("/").ServerSideEmitWithAck(ctx, "whoami")
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, r := range resps {
		var n int
		if err := r.Decode(0, &n); err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	slices.Sort(got)
	if !slices.Equal(got, []int{1, 2}) {
		t.Errorf("acks from servers %v, want [1 2]", got)
	}
}
