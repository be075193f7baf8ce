package streams_test

import (
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
