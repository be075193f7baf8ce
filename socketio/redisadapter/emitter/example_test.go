package emitter_test

import (
	"context"
	"log"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio/redisadapter/emitter"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
)

// A process that serves no clients (a worker, a cron job) talks to the
// clients of a cluster of servers, Go or Node.js, that share the Redis with
// the classic adapter.
func ExampleNew() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	e := emitter.New(client, nil) // the main namespace, key "socket.io"

	// Every socket of "/" on every server.
	if err := e.Emit(ctx, "announcement", "maintenance at noon"); err != nil {
		log.Print(err)
	}
	// Operators are immutable: admins stays "room admins" whatever is
	// derived from it.
	admins := e.Of("/chat").To("admins")
	_ = admins.Except("muted").Volatile().Emit(ctx, "stats", map[string]int{"users": 42})
	_ = admins.Emit(ctx, "report", []byte{0x25, 0x50, 0x44, 0x46}) // binary attachment

	// Room membership and disconnection, on every server.
	_ = e.In("user:42").SocketsJoin(ctx, "premium")
	_ = e.In("banned").DisconnectSockets(ctx, true)

	// The servers' handlers set with Namespace.OnServerSideEmit (or
	// io.on("reload", ...) in Node) receive this, with no ack.
	_ = e.ServerSideEmit(ctx, "reload", "config.json")
}

// A process that serves no clients publishes to servers that use the
// sharded adapter (Go's sharded.New or Node's createShardedAdapter) on a
// Redis Cluster. The subscription mode must be the servers'.
func ExampleNewSharded() {
	client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:7000"}})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	e := emitter.NewSharded(client, &emitter.ShardedOptions{SubscriptionMode: sharded.Dynamic})

	// One room: published on the room's own channel ("socket.io#/#admins#"),
	// which only the servers with sockets in it subscribe to.
	_ = e.To("admins").Emit(ctx, "stats", map[string]int{"users": 42})
	// Several rooms, except, volatile: on the namespace's channel.
	if err := e.Of("/chat").To("a", "b").Except("muted").Volatile().Emit(ctx, "news"); err != nil {
		log.Print(err)
	}
	// Room changes, disconnections and server-side events, as with New;
	// server-side events may carry binary here.
	_ = e.In("user:42").SocketsJoin(ctx, "premium")
	_ = e.ServerSideEmit(ctx, "reload", []byte("config"))
}

// A process that serves no clients writes to the stream of servers, Go or
// Node.js, that use the Redis Streams adapter: its events are replayed,
// like the servers' own, to clients that recover their session.
func ExampleNewStreams() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	// The main namespace, stream "socket.io"; the options must match the
	// servers' streams.Options.
	e := emitter.NewStreams(client, &emitter.StreamsOptions{MaxLen: 100_000})
	if err := e.Emit(ctx, "announcement", "maintenance at noon"); err != nil {
		log.Print(err)
	}
	admins := e.Of("/chat").To("admins")
	_ = admins.Except("muted").Volatile().Emit(ctx, "stats", map[string]int{"users": 42})
	_ = e.In("user:42").SocketsJoin(ctx, "premium")
	_ = e.In("banned").DisconnectSockets(ctx, true)
	_ = e.ServerSideEmit(ctx, "reload", "config.json")
}
