package redisbus_test

import (
	"context"
	"log"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/engineio/redisbus"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
)

// A Socket.IO node of a cluster without sticky sessions: the bus finds the
// owner of a session for requests that land on this node, the adapter
// carries rooms and broadcasts across nodes. Both use one Redis client.
func ExampleNew() {
	ctx := context.Background()
	client := redis.NewClient(&redis.Options{Addr: "localhost:6379"})
	defer client.Close()
	bus, err := redisbus.New(ctx, client, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer bus.Close() // after the server's Shutdown (deferred later, run first)
	srv := socketio.NewServer(&socketio.Options{
		Adapter: redisadapter.New(client, nil),
		Engine:  &engineio.Options{Cluster: &engineio.ClusterOptions{Bus: bus}},
	})
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()
	if err := http.ListenAndServe(":3000", srv); err != nil {
		log.Print(err)
	}
}
