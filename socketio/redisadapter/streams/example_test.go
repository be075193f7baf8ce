package streams_test

import (
	"context"
	"log"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/streams"
)

// A server using the Redis Streams adapter with connection state
// recovery: a client whose connection drops may come back to any server
// of the cluster, Go or Node.js (createAdapter of
// @socket.io/redis-streams-adapter with connectionStateRecovery), and get
// back its id, rooms, data and the events it missed.
func ExampleNew() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer client.Close() // after the server's Shutdown
	srv := socketio.NewServer(&socketio.Options{
		ConnectionStateRecovery: &socketio.RecoveryOptions{MaxDisconnectionDuration: 2 * time.Minute},
		Adapter: streams.New(client, &streams.Options{
			MaxLen: 100_000, // how far back clients can recover
		}),
	})
	_ = srv
}

// A process that serves no clients (a worker, a cron job) talks to the
// clients of the servers that share the stream.
func ExampleNewEmitter() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer client.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	e := streams.NewEmitter(client, nil) // the main namespace, stream "socket.io"
	if err := e.Emit(ctx, "announcement", "maintenance at noon"); err != nil {
		log.Print(err)
	}
	// Operators are immutable: admins stays "room admins".
	admins := e.Of("/chat").To("admins")
	_ = admins.Except("muted").Emit(ctx, "stats", map[string]int{"users": 42})
	_ = e.In("user:42").SocketsJoin(ctx, "premium")
	_ = e.In("banned").DisconnectSockets(ctx, true)
	_ = e.ServerSideEmit(ctx, "reload", "config.json")
}
