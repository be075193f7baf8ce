package sharded_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
)

// shardChannels returns the number of sharded channels with subscribers.
func shardChannels(t *testing.T, rc redis.UniversalClient) int {
	t.Helper()
	chans, err := rc.PubSubShardChannels(context.Background(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	return len(chans)
}

// TestDynamicNamespacesShareConnection connects clients to 1,000 children
// of a dynamic namespace (plus static namespaces) of a server with the
// sharded adapter, in each subscription mode: Redis sees no new connection
// (CLIENT LIST), every child's channels are subscribed on the server's one
// pub/sub connection, and Shutdown unsubscribes everything and leaves no
// goroutine (goleak).
func TestDynamicNamespacesShareConnection(t *testing.T) {
	const (
		namespaces = 1000
		perClient  = 50
	)
	for _, mode := range []sharded.SubscriptionMode{sharded.Static, sharded.Dynamic} {
		t.Run(string(mode), func(t *testing.T) {
			rs := redistest.Start(t)
			rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
			t.Cleanup(func() { _ = rc.Close() })
			ctx := context.Background()
			if err := rc.Ping(ctx).Err(); err != nil {
				t.Fatal(err)
			}
			// The Redis client's own pool is not the server's.
			ignore := goleak.IgnoreCurrent()

			srv := socketio.NewServer(&socketio.Options{
				Adapter:                  sharded.New(rc, &sharded.Options{SubscriptionMode: mode}),
				KeepEmptyChildNamespaces: true,
			})
			hs := httptest.NewServer(srv)
			parent := srv.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`))
			for _, name := range []string{"/", "/static"} {
				if err := srv.Of(name).Start(ctx); err != nil {
					t.Fatal(err)
				}
				<-srv.Of(name).Adapter().(*sharded.Adapter).Ready()
			}
			list0 := clientCount(t, rc)
			chans0 := shardChannels(t, rc)

			var managers []*client.Manager
			for i := 0; i < namespaces; i += perClient {
				dctx, cancel := context.WithTimeout(ctx, 20*time.Second)
				m, err := client.Dial(dctx, hs.URL, &client.Options{Transports: []string{"websocket"}, DisableReconnection: true})
				cancel()
				if err != nil {
					t.Fatal(err)
				}
				managers = append(managers, m)
				var wg sync.WaitGroup
				errs := make(chan error, perClient)
				for j := i; j < i+perClient; j++ {
					wg.Go(func() {
						cctx, cancel := context.WithTimeout(ctx, 20*time.Second)
						defer cancel()
						if err := m.Socket(fmt.Sprintf("/dyn-%d", j), nil).Connect(cctx); err != nil {
							errs <- fmt.Errorf("/dyn-%d: %w", j, err)
						}
					})
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Fatal(err)
				}
			}
			if got := len(parent.Sockets()); got != 0 {
				t.Errorf("the parent has %d sockets", got)
			}
			// Each child subscribes its two channels, and in dynamic mode
			// its socket's own room.
			perChild := 2
			if mode == sharded.Dynamic {
				perChild = 3
			}
			want := chans0 + namespaces*perChild
			deadline := time.Now().Add(20 * time.Second)
			for shardChannels(t, rc) != want {
				if time.Now().After(deadline) {
					t.Fatalf("%d sharded channels subscribed, want %d", shardChannels(t, rc), want)
				}
				time.Sleep(20 * time.Millisecond)
			}
			list1 := clientCount(t, rc)
			t.Logf("%d dynamic namespaces (%s): CLIENT LIST %d -> %d, sharded channels %d -> %d", namespaces, mode, list0, list1, chans0, want)
			if list1 != list0 {
				t.Errorf("Redis connections %d -> %d with %d dynamic namespaces, want none more", list0, list1, namespaces)
			}

			for _, m := range managers {
				_ = m.Close()
				<-m.Done()
			}
			sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			if err := srv.Shutdown(sctx); err != nil {
				t.Fatal(err)
			}
			hs.Close()
			deadline = time.Now().Add(10 * time.Second)
			for shardChannels(t, rc) != 0 {
				if time.Now().After(deadline) {
					t.Fatalf("after Shutdown: %d channels still subscribed", shardChannels(t, rc))
				}
				time.Sleep(10 * time.Millisecond)
			}
			goleak.VerifyNone(t, ignore)
		})
	}
}
