package sharded_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
)

// received collects the "g" events a client socket gets.
func received(s *client.Socket) <-chan string {
	ch := make(chan string, 16)
	s.On("g", func(e *client.Event) {
		var v string
		_ = e.Args.Decode(0, &v)
		ch <- v
	})
	return ch
}

func expect(t *testing.T, ch <-chan string, want string) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%q not received", want)
	}
}

// TestSocketsJoinThenEmit: a remote socketsJoin makes the other server
// subscribe to the room's channel, after which a broadcast to the room
// from the first server reaches the socket, in every mode.
func TestSocketsJoinThenEmit(t *testing.T) {
	for _, mode := range []sharded.SubscriptionMode{sharded.Static, sharded.Dynamic, sharded.DynamicPrivate} {
		t.Run(string(mode), func(t *testing.T) {
			rs := redistest.Start(t)
			rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
			t.Cleanup(func() { _ = rc.Close() })
			a := startNode(t, rc, &sharded.Options{SubscriptionMode: mode})
			b := startNode(t, rc, &sharded.Options{SubscriptionMode: mode})
			b.srv.Of("/").OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
				s.Join("c1")
				return nil
			})
			c := dial(t, b)
			got := received(c)
			ctx := t.Context()
			if err := a.srv.Of("/").In("c1").SocketsJoin(ctx, "green"); err != nil {
				t.Fatal(err)
			}
			if mode != sharded.Static {
				waitNumSub(t, rc, "socket.io#/#green#", 1)
			}
			if err := a.srv.Of("/").To("green").Emit("g", "in"); err != nil {
				t.Fatal(err)
			}
			expect(t, got, "in")
		})
	}
}
