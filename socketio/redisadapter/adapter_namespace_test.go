package redisadapter_test

import (
	"context"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
)

// redisClients returns INFO clients' connected_clients.
func redisClients(t *testing.T, client redis.UniversalClient) int {
	t.Helper()
	info, err := client.Info(context.Background(), "clients").Result()
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "connected_clients:"); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no connected_clients in %q", info)
	return 0
}

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// eventually polls cond until it holds or 10 s have passed.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: still %s", what, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestNamespacesShareConnection creates 1,000 namespaces with the Redis
// adapter and closes them again: the Redis client count stays the same
// throughout (the namespaces share the server's subscriber), goroutines
// and heap stay bounded while they are open, and closing them unsubscribes
// their channels and gives the goroutines back.
func TestNamespacesShareConnection(t *testing.T) {
	const namespaces = 1000
	rs := redistest.Start(t)
	client := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = client.Close() })
	ctx := context.Background()
	srv := socketio.NewServer(&socketio.Options{Adapter: redisadapter.New(client, nil)})
	t.Cleanup(func() { _ = srv.Shutdown(ctx) })
	select {
	case <-adapterOf(t, srv).Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("/ not subscribed")
	}
	if _, err := adapterOf(t, srv).ServerCount(ctx); err != nil {
		t.Fatal(err)
	}
	clients0 := redisClients(t, client)
	goroutines0 := runtime.NumGoroutine()
	heap0 := heapAlloc()
	patterns0, err := client.PubSubNumPat(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}

	adapters := make([]*redisadapter.Adapter, namespaces)
	for i := range adapters {
		a, ok := srv.Of(fmt.Sprintf("/n%d", i)).Adapter().(*redisadapter.Adapter)
		if !ok {
			t.Fatal("not a redis adapter")
		}
		adapters[i] = a
	}
	for i, a := range adapters {
		select {
		case <-a.Ready():
		case <-time.After(10 * time.Second):
			t.Fatalf("/n%d not subscribed", i)
		}
	}
	// Every namespace is subscribed: its pattern is counted, and a request
	// of the last one sees this server.
	if n, err := client.PubSubNumPat(ctx).Result(); err != nil || n != patterns0+namespaces {
		t.Errorf("PUBSUB NUMPAT = %d, %v; want %d", n, err, patterns0+namespaces)
	}
	if n, err := adapters[namespaces-1].ServerCount(ctx); err != nil || n != 1 {
		t.Errorf("ServerCount = %d, %v; want 1", n, err)
	}
	clients1 := redisClients(t, client)
	// The namespaces' background starts end once Redis confirmed.
	goroutines1 := runtime.NumGoroutine()
	for deadline := time.Now().Add(10 * time.Second); goroutines1-goroutines0 > 8 && time.Now().Before(deadline); goroutines1 = runtime.NumGoroutine() {
		time.Sleep(20 * time.Millisecond)
	}
	heap1 := heapAlloc()
	t.Logf("%d namespaces open: Redis clients %d -> %d, goroutines %d -> %d, heap %.1f -> %.1f MB",
		namespaces, clients0, clients1, goroutines0, goroutines1, float64(heap0)/1e6, float64(heap1)/1e6)
	if clients1 != clients0 {
		t.Errorf("Redis clients %d -> %d with %d namespaces, want no new connection", clients0, clients1, namespaces)
	}
	if goroutines1-goroutines0 > 8 {
		t.Errorf("goroutines %d -> %d with %d namespaces, want a bound independent of the namespaces", goroutines0, goroutines1, namespaces)
	}
	// A namespace's own state (socketio.Namespace, MemoryAdapter, Adapter)
	// and its share of the subscriber, well under the ~290 KB each
	// namespace cost with a connection of its own.
	if perNsp := (int64(heap1) - int64(heap0)) / namespaces; perNsp > 16<<10 {
		t.Errorf("heap grew %d bytes per namespace, want at most 16 KiB", perNsp)
	}

	for _, a := range adapters {
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "patterns unsubscribed", func() (bool, string) {
		n, err := client.PubSubNumPat(ctx).Result()
		return err == nil && n == patterns0, fmt.Sprintf("%d patterns (%v), want %d", n, err, patterns0)
	})
	eventually(t, "channels unsubscribed", func() (bool, string) {
		chs, err := client.PubSubChannels(ctx, "socket.io*#/n*").Result()
		return err == nil && len(chs) == 0, fmt.Sprintf("%d channels (%v)", len(chs), err)
	})
	eventually(t, "goroutines released", func() (bool, string) {
		n := runtime.NumGoroutine()
		return n <= goroutines0, fmt.Sprintf("%d goroutines, want %d", n, goroutines0)
	})
	if clients2 := redisClients(t, client); clients2 != clients0 {
		t.Errorf("Redis clients %d after closing the namespaces, want %d", clients2, clients0)
	}
	// "/" still works after its neighbours closed.
	if n, err := adapterOf(t, srv).ServerCount(ctx); err != nil || n != 1 {
		t.Errorf("/ ServerCount = %d, %v; want 1", n, err)
	}
}

// TestReopenNamespace closes a namespace's adapter and opens a new one for
// the same name at once, as a dynamic namespace released and reconnected
// does, many times: the channels shared by the two end up subscribed,
// the new adapter gets ready, and the last close unsubscribes them.
func TestReopenNamespace(t *testing.T) {
	rs := redistest.Start(t)
	client := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = client.Close() })
	ctx := context.Background()
	srv := socketio.NewServer(nil) // namespaces only; its adapters are in-memory
	t.Cleanup(func() { _ = srv.Shutdown(ctx) })
	factory := redisadapter.New(client, nil)
	keeper := factory(srv.Of("/keeper")) // keeps the shared connection open
	defer keeper.Close()
	nsp := srv.Of("/re")
	const request = "socket.io-request#/re#"
	numsub := func() int64 {
		m, err := client.PubSubNumSub(ctx, request).Result()
		if err != nil {
			t.Fatal(err)
		}
		return m[request]
	}
	a := factory(nsp).(*redisadapter.Adapter)
	for i := range 50 {
		if err := a.Close(); err != nil {
			t.Fatal(err)
		}
		a = factory(nsp).(*redisadapter.Adapter)
		select {
		case <-a.Ready():
		case <-time.After(10 * time.Second):
			t.Fatalf("round %d: not subscribed", i)
		}
		if n, err := a.ServerCount(ctx); err != nil || n != 1 {
			t.Fatalf("round %d: ServerCount = %d, %v; want 1", i, n, err)
		}
	}
	// A request round trip proves the channels are subscribed for good.
	if _, err := a.ServerSideEmit(ctx, []byte(`["x"]`), false); err != nil {
		t.Fatal(err)
	}
	if n := numsub(); n != 1 {
		t.Errorf("NUMSUB %s = %d, want 1", request, n)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "request channel unsubscribed", func() (bool, string) {
		n := numsub()
		return n == 0, fmt.Sprintf("NUMSUB %d", n)
	})
}
