package sharded_test

import (
	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
)

// A server using the sharded adapter on a Redis Cluster, in static mode
// (two channels per namespace, for many dynamic namespaces). Node servers
// with createShardedAdapter(pub, sub, {subscriptionMode: "static"}) on the
// same cluster share its rooms.
func ExampleNew() {
	client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"127.0.0.1:7000"}})
	defer client.Close() // after the server's Shutdown
	srv := socketio.NewServer(&socketio.Options{
		Adapter: sharded.New(client, &sharded.Options{SubscriptionMode: sharded.Static}),
	})
	_ = srv
}
