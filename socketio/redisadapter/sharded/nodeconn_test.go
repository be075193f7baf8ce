package sharded_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
)

// pubsubConns counts, over the masters of a cluster, the connections named
// name that hold sharded subscriptions (CLIENT LIST ssub>0).
func pubsubConns(t *testing.T, rc *redis.ClusterClient, name string) int {
	t.Helper()
	var mu sync.Mutex // guards n
	n := 0
	err := rc.ForEachMaster(context.Background(), func(ctx context.Context, node *redis.Client) error {
		list, err := node.ClientList(ctx).Result()
		if err != nil {
			return err
		}
		for line := range strings.SplitSeq(strings.TrimSpace(list), "\n") {
			if strings.Contains(line, " name="+name+" ") && !strings.Contains(line, " ssub=0 ") {
				mu.Lock()
				n++
				mu.Unlock()
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitSubscribed waits until every channel has want subscribers
// (SHARDNUMSUB on its slot's master).
func waitSubscribed(t *testing.T, rc *redis.ClusterClient, channels []string, want int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for _, ch := range channels {
		for {
			node, err := rc.MasterForKey(context.Background(), ch)
			if err != nil {
				t.Fatal(err)
			}
			m, err := node.PubSubShardNumSub(context.Background(), ch).Result()
			if err == nil && m[ch] == want {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: %v subscribers (%v), want %d", ch, m[ch], err, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestClusterConnectionPerNode: on a three-master Redis Cluster, a server
// with 200 namespaces (400 channels, in as many slots) holds one pub/sub
// connection per master, not one per slot. When Redis kills every pub/sub
// connection, go-redis subscribes each connection's channels again in one
// SSUBSCRIBE, which Redis refuses (CROSSSLOT); the adapter sees it and
// subscribes them again one by one, on as few connections, and broadcasts
// flow again.
func TestClusterConnectionPerNode(t *testing.T) {
	addrs := redistest.StartCluster(t, 3)
	newClient := func(name string) *redis.ClusterClient {
		rc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, ClientName: name})
		t.Cleanup(func() { _ = rc.Close() })
		return rc
	}
	ra, rb := newClient("sio-a"), newClient("sio-b")
	a := startNode(t, ra, &sharded.Options{SubscriptionMode: sharded.Static})
	b := startNode(t, rb, &sharded.Options{SubscriptionMode: sharded.Static})
	ctx := t.Context()
	const namespaces = 200
	var channels []string
	for i := range namespaces {
		nsp := a.srv.Of(fmt.Sprintf("/n%d", i))
		if err := nsp.Start(ctx); err != nil {
			t.Fatal(err)
		}
		ad := nsp.Adapter().(*sharded.Adapter)
		<-ad.Ready()
		if i != 7 { // server b subscribes to /n7's too
			channels = append(channels, fmt.Sprintf("socket.io#/n%d#", i))
		}
		channels = append(channels, fmt.Sprintf("socket.io#/n%d#%s#", i, ad.UID()))
	}
	got := make(chan string, 16)
	a.srv.Of("/n7").OnServerSideEmit("hi", func(_ context.Context, args *socketio.Args, _ socketio.AckFunc) {
		var s string
		_ = args.Decode(0, &s)
		got <- s
	})
	if err := b.srv.Of("/n7").Start(ctx); err != nil {
		t.Fatal(err)
	}
	<-b.srv.Of("/n7").Adapter().(*sharded.Adapter).Ready()
	roundTrip := func(what string) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			if err := b.srv.Of("/n7").ServerSideEmit(ctx, "hi", what); err != nil {
				t.Fatal(err)
			}
			select {
			case s := <-got:
				if s == what {
					return
				}
			case <-time.After(100 * time.Millisecond):
			case <-deadline:
				t.Fatalf("%s: server-side emit not received", what)
			}
		}
	}

	waitSubscribed(t, ra, channels, 1)
	waitSubscribed(t, ra, []string{"socket.io#/n7#"}, 2)
	t.Logf("%d namespaces, %d channels: %d pub/sub connections", namespaces, len(channels)+1, pubsubConns(t, ra, "sio-a"))
	if n := pubsubConns(t, ra, "sio-a"); n < 1 || n > 3 {
		t.Errorf("%d namespaces: %d pub/sub connections, want one per master at most (3)", namespaces, n)
	}
	roundTrip("before")

	// Kill every pub/sub connection.
	if err := ra.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		return node.ClientKillByFilter(ctx, "TYPE", "pubsub").Err()
	}); err != nil {
		t.Fatal(err)
	}
	waitSubscribed(t, ra, channels, 1)
	waitSubscribed(t, ra, []string{"socket.io#/n7#"}, 2)
	if n := pubsubConns(t, ra, "sio-a"); n < 1 || n > 3 {
		t.Errorf("after the kill: %d pub/sub connections, want 3 at most", n)
	}
	roundTrip("after")
}
