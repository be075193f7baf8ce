package redisadapter_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// BenchmarkCrossNodeBroadcast measures broadcasts per second from one node
// to another through Redis: publish, receive, decode and hand to the
// receiving node's MemoryAdapter (which has no sockets, so this is the
// cluster overhead, not the fan-out). The peer, raw-pubsub, publishes the
// same encoded messages with go-redis pipelines and receives them on a
// plain subscription, the floor the adapter is built on.
func BenchmarkCrossNodeBroadcast(b *testing.B) {
	rs := redistest.Start(b)
	client := redis.NewClient(&redis.Options{Addr: rs.Addr})
	defer client.Close()
	ctx := context.Background()

	b.Run("adapter", func(b *testing.B) {
		var srvs [2]*socketio.Server
		for i := range srvs {
			srvs[i] = socketio.NewServer(&socketio.Options{Adapter: redisadapter.New(client, nil)})
			if err := srvs[i].Of("/").Start(ctx); err != nil {
				b.Fatal(err)
			}
		}
		defer func() {
			for _, s := range srvs {
				_ = s.Shutdown(ctx)
			}
		}()
		done := make(chan struct{}, 1)
		srvs[1].Of("/").OnServerSideEmit("end", func(context.Context, *socketio.Args, socketio.AckFunc) { done <- struct{}{} })
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			// Pace to the publish queue so that nothing is dropped.
			if err := srvs[0].Emit("news", "hello", i); err != nil {
				b.Fatal(err)
			}
			if i%1024 == 1023 {
				if err := srvs[0].Of("/").ServerSideEmit(ctx, "end"); err != nil {
					b.Fatal(err)
				}
				<-done
			}
		}
		// The server-side event is published after every broadcast, on the
		// same connection, and handled after them.
		if err := srvs[0].Of("/").ServerSideEmit(ctx, "end"); err != nil {
			b.Fatal(err)
		}
		<-done
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "broadcasts/s")
	})

	b.Run("raw-pubsub", func(b *testing.B) {
		msg, err := wire.EncodeBroadcast(&wire.BroadcastMessage{
			UID:    "bench1",
			Packet: wire.Packet{Type: 2, Nsp: "/", Data: []any{"news", "hello", 1}},
			Opts:   wire.BroadcastOptions{Flags: &wire.BroadcastFlags{}},
		})
		if err != nil {
			b.Fatal(err)
		}
		sub := client.PSubscribe(ctx, "bench#/#*")
		defer sub.Close()
		if _, err := sub.Receive(ctx); err != nil {
			b.Fatal(err)
		}
		ch := sub.Channel(redis.WithChannelSize(redisadapter.ReceiveQueueSize))
		b.ReportAllocs()
		b.ResetTimer()
		for sent := 0; sent < b.N; {
			n := min(256, b.N-sent)
			_, err := client.Pipelined(ctx, func(p redis.Pipeliner) error {
				for range n {
					p.Publish(ctx, "bench#/#", msg)
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			for range n {
				m := <-ch
				if _, err := wire.DecodeBroadcast([]byte(m.Payload)); err != nil {
					b.Fatal(err)
				}
			}
			sent += n
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "broadcasts/s")
	})
}
