package redisadapter_test

import (
	"context"
	"log"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
)

// Several servers started this way, Go or Node.js with
// @socket.io/redis-adapter, share rooms and broadcasts through the Redis.
func ExampleNew() {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
	defer client.Close()

	srv := socketio.NewServer(&socketio.Options{
		Adapter: redisadapter.New(client, &redisadapter.Options{RequestTimeout: 3 * time.Second}),
	})
	srv.OnConnection(func(ctx context.Context, s *socketio.Socket, auth []byte) error {
		s.Join("lobby")
		// Reaches the sockets in "lobby" on every server.
		return srv.To("lobby").Emit("joined", s.ID())
	})
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx) // closes the adapters; then the client closes
	}()
	if err := http.ListenAndServe("127.0.0.1:3000", srv); err != nil {
		log.Print(err)
	}
}
