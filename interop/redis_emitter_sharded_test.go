package interop

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/emitter"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
)

// TestShardedEmitterMixedCluster publishes with emitter.NewSharded to a
// sio node with the sharded adapter and a Node.js socket.io 4.8 server
// with createShardedAdapter (@socket.io/redis-adapter 8.3, node-redis
// cluster clients) on a three-master Redis Cluster, in each subscription
// mode, with Go clients on both: the scenarios of the classic emitter's
// mixed cluster (broadcast, room, except, binary, namespaces,
// serverSideEmit, socketsJoin/Leave then a room emit, disconnectSockets).
func TestShardedEmitterMixedCluster(t *testing.T) {
	requireNode(t)
	addrs := redistest.StartCluster(t, 3)
	for _, mode := range []sharded.SubscriptionMode{sharded.Static, sharded.Dynamic, sharded.DynamicPrivate} {
		t.Run(string(mode), func(t *testing.T) {
			node := startNodeServer(t, "redis-sharded-node.mjs", "redis://"+addrs[0], string(mode))
			rc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs[1:]})
			t.Cleanup(func() { _ = rc.Close() })
			goURL := startEmitterGoNode(t, sharded.New(rc, &sharded.Options{SubscriptionMode: mode}))
			ec := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs[2:]})
			t.Cleanup(func() { _ = ec.Close() })
			testEmitterMixed(t, goURL, node, emitter.NewSharded(ec, &emitter.ShardedOptions{SubscriptionMode: mode}))
		})
	}
}

// TestShardedBinaryFromNode checks the binary a Node.js server with
// createShardedAdapter sends to a sio server (as msgpack): the Buffer that
// acknowledges a server-side emit (Args.Binary), the Buffer of a
// server-side emit (decoded into a []byte) and the Buffer in socket.data of
// a fetched socket (json.RawMessage, decoding into a []byte).
func TestShardedBinaryFromNode(t *testing.T) {
	requireNode(t)
	addrs := redistest.StartCluster(t, 3)
	node := startNodeServer(t, "redis-sharded-node.mjs", "redis://"+addrs[0], string(sharded.Dynamic))
	rc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs[1:]})
	t.Cleanup(func() { _ = rc.Close() })
	srv := socketio.NewServer(&socketio.Options{Adapter: sharded.New(rc, nil)})
	fromNode := make(chan []byte, 1)
	srv.Of("/").OnServerSideEmit("fromNode", func(_ context.Context, args *socketio.Args, _ socketio.AckFunc) {
		var b []byte
		if err := args.Decode(0, &b); err != nil {
			t.Error(err)
		}
		fromNode <- b
	})
	_ = startAdapterNode(t, srv)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := srv.Of("/").Start(ctx); err != nil {
		t.Fatal(err)
	}
	<-srv.Of("/").Adapter().(*sharded.Adapter).Ready()

	// A client on the Node server, for its socket.data.
	m, err := client.Dial(ctx, node, &client.Options{Transports: []string{"websocket"}, DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(); <-m.Done() })
	if err := m.Socket("/", nil).Connect(ctx); err != nil {
		t.Fatal(err)
	}

	acks, err := srv.Of("/").ServerSideEmitWithAck(ctx, "makeBin")
	if err != nil || len(acks) != 1 {
		t.Fatalf("acks %v, %v; want one", acks, err)
	}
	if b, err := acks[0].Binary(0); err != nil || !bytes.Equal(b, []byte{7, 8}) {
		t.Errorf("ack: %v, %v; want the binary [7 8]", b, err)
	}
	select {
	case b := <-fromNode:
		if !bytes.Equal(b, []byte{5, 6}) {
			t.Errorf("server-side emit: %v, want [5 6]", b)
		}
	case <-ctx.Done():
		t.Fatal("server-side emit from Node not handled")
	}
	socks, err := srv.Of("/").FetchSockets(ctx)
	if err != nil || len(socks) != 1 {
		t.Fatalf("fetched %v, %v; want the Node server's socket", socks, err)
	}
	var d struct{ Bin []byte }
	if err := json.Unmarshal(socks[0].Data.(json.RawMessage), &d); err != nil || !bytes.Equal(d.Bin, []byte{1, 2, 0xfe}) {
		t.Errorf("socket data %s: %v, %v", socks[0].Data, d.Bin, err)
	}
}
