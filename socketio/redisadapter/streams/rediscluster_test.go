package streams_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/streams"
)

// TestRedisCluster runs the scenarios on a three-master Redis Cluster, one
// cluster client per node, the namespaces spread over three streams: the
// server count sums the masters' NUMSUB, each stream has an XREAD of its
// own, and sessions restore from another node although the session key and
// the stream live in different slots.
func TestRedisCluster(t *testing.T) {
	addrs := redistest.StartCluster(t, 3)
	clients := make([]redis.UniversalClient, 3)
	for i := range clients {
		cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs[i:]})
		t.Cleanup(func() { _ = cc.Close() })
		clients[i] = cc
	}
	rec := &socketio.RecoveryOptions{MaxDisconnectionDuration: time.Minute}
	opts := &streams.Options{StreamCount: 3}
	c := startClusterOn(t, clients[0], clients, []string{"websocket"}, opts, rec)
	runScenarios(t, c)

	// (runScenarios stopped node 1.)
	t.Run("restore", func(t *testing.T) {
		ctx := t.Context()
		a := c.nodes[0].srv.Of("/").Adapter()
		b := c.nodes[2].srv.Of("/").Adapter()
		a.PersistSession(&socketio.SessionState{SID: "sid1", PID: "pid1", Rooms: []string{"sid1", "red"}, Data: map[string]int{"n": 1}})
		stream := a.(*streams.Adapter).Stream()
		last, err := clients[0].XRevRangeN(ctx, stream, "+", "-", 1).Result()
		if err != nil || len(last) != 1 {
			t.Fatalf("stream %s: %v, %v", stream, last, err)
		}
		if err := c.nodes[0].srv.To("red").Emit("missed", "m"); err != nil {
			t.Fatal(err)
		}
		if err := c.nodes[0].srv.To("blue").Emit("missed", "not"); err != nil {
			t.Fatal(err)
		}
		st, err := b.RestoreSession(ctx, "pid1", last[0].ID)
		if err != nil || st == nil {
			t.Fatalf("RestoreSession = %v, %v", st, err)
		}
		if d, _ := st.Data.(json.RawMessage); string(d) != `{"n":1}` || len(st.MissedPackets) != 1 {
			t.Fatalf("restored %+v", st)
		}
		var ev, arg, off string
		if err := json.Unmarshal(st.MissedPackets[0].Data, &[]any{&ev, &arg, &off}); err != nil || ev != "missed" || arg != "m" || off == "" {
			t.Errorf("missed packet %s: %v", st.MissedPackets[0].Data, err)
		}
	})
}

// TestUnsupportedClient: a sharded pub/sub on a cluster client (which would
// need a connection per slot) and clients of other kinds make Start fail.
func TestUnsupportedClient(t *testing.T) {
	tests := []struct {
		name   string
		client redis.UniversalClient
		opts   *streams.Options
	}{
		{"sharded pub/sub on a cluster", redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:1"}}), &streams.Options{UseShardedPubSub: true}},
		{"ring", redis.NewRing(&redis.RingOptions{Addrs: map[string]string{"a": "127.0.0.1:1"}}), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer tc.client.Close()
			srv := socketio.NewServer(&socketio.Options{Adapter: streams.New(tc.client, tc.opts)})
			defer func() { _ = srv.Shutdown(context.Background()) }()
			if err := srv.Of("/").Start(t.Context()); !errors.Is(err, streams.ErrUnsupportedClient) {
				t.Errorf("Start = %v, want ErrUnsupportedClient", err)
			}
		})
	}
}
