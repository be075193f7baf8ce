package streams_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/streams"
)

// TestMaxLen broadcasts far more than MaxLen events: the stream is trimmed
// to about MaxLen (XADD MAXLEN ~ trims whole nodes of
// stream-node-max-entries, 100 by default, entries).
func TestMaxLen(t *testing.T) {
	tests := []struct {
		maxLen, sent int64
	}{
		{50, 1000},
		{300, 1000},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.maxLen), func(t *testing.T) {
			_, rc := newRedis(t)
			n := startNode(t, "s0", rc, &streams.Options{MaxLen: tc.maxLen}, nil)
			for i := range tc.sent {
				if err := n.srv.Emit("e", i); err != nil {
					t.Fatal(err)
				}
			}
			got, err := rc.XLen(t.Context(), "socket.io").Result()
			if err != nil {
				t.Fatal(err)
			}
			if got < tc.maxLen || got > tc.maxLen+100 {
				t.Errorf("XLEN after %d broadcasts = %d, want about %d", tc.sent, got, tc.maxLen)
			}
		})
	}
}

// TestMalformedEntries adds entries that are not messages to the stream:
// they are dropped, and the entries after them delivered.
func TestMalformedEntries(t *testing.T) {
	_, rc := newRedis(t)
	a := startNode(t, "s0", rc, nil, nil)
	p := dialPeer(t, a, "c0", "red", []string{"websocket"}, nil)
	ctx := t.Context()
	bad := []map[string]any{
		{"nsp": "/", "uid": "x", "type": "3", "data": "{nope"},
		{"nsp": "/", "uid": "x", "type": "3", "data": "%%%"},
		{"nsp": "/", "uid": "x", "type": "3", "data": "wcHB"},
		{"nsp": "/", "uid": "x", "type": "99"},
		{"nsp": "/", "uid": "x"},
		{"nsp": "/", "uid": "x", "type": "3", "data": `{"packet":{"type":2,"data":"notarray"},"opts":{"rooms":[],"except":[]}}`},
		{"other": "field"},
	}
	for _, v := range bad {
		if err := rc.XAdd(ctx, &redis.XAddArgs{Stream: "socket.io", Values: v}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	good := `{"packet":{"type":2,"data":["ok","1"]},"opts":{"rooms":[],"except":[],"flags":{}}}`
	if err := rc.XAdd(ctx, &redis.XAddArgs{Stream: "socket.io", Values: []string{"uid", "x", "nsp", "/", "type", "3", "data", good}}).Err(); err != nil {
		t.Fatal(err)
	}
	check(t, "before the good entry", p.waitFor(t, "ok:1"), []string{})
}

// TestReceiveQueueBound blocks a namespace's handling of messages and
// sends it more than ReceiveQueueSize: the excess is dropped, the rest
// handled, in order, once it unblocks; the other namespaces are not held
// up meanwhile.
func TestReceiveQueueBound(t *testing.T) {
	_, rc := newRedis(t)
	n := startNode(t, "s0", rc, nil, nil)
	slow := n.srv.Of("/slow")
	if err := slow.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	waitReady(t, slow)
	release := make(chan struct{})
	var handled atomic.Int64
	slow.OnServerSideEmit("block", func(context.Context, *socketio.Args, socketio.AckFunc) { <-release })
	slow.OnServerSideEmit("count", func(context.Context, *socketio.Args, socketio.AckFunc) { handled.Add(1) })
	p := dialPeer(t, n, "c0", "red", []string{"websocket"}, nil)
	ctx := t.Context()
	entry := func(nsp, data string) *redis.XAddArgs {
		return &redis.XAddArgs{Stream: "socket.io", Values: []string{"uid", "other", "nsp", nsp, "type", "9", "data", data}}
	}
	if err := rc.XAdd(ctx, entry("/slow", `{"packet":["block"]}`)).Err(); err != nil {
		t.Fatal(err)
	}
	const excess = 50
	pipe := rc.Pipeline()
	for range streams.ReceiveQueueSize + excess {
		pipe.XAdd(ctx, entry("/slow", `{"packet":["count"]}`))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	// A broadcast to "/" after the flood: once it arrives, the reader has
	// routed every entry before it.
	mark := `{"packet":{"type":2,"data":["mark","x"]},"opts":{"rooms":[],"except":[],"flags":{}}}`
	if err := rc.XAdd(ctx, &redis.XAddArgs{Stream: "socket.io", Values: []string{"uid", "other", "nsp", "/", "type", "3", "data", mark}}).Err(); err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, "mark:x")
	close(release)
	deadline := time.Now().Add(wait)
	for handled.Load() < streams.ReceiveQueueSize && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // an excess message would be handled by now
	if got := handled.Load(); got != streams.ReceiveQueueSize {
		t.Errorf("handled %d messages, want %d (the queue bound)", got, streams.ReceiveQueueSize)
	}
}

// clientCount returns the connections Redis has (CLIENT LIST).
func clientCount(t *testing.T, rc *redis.Client) int {
	t.Helper()
	list, err := rc.ClientList(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	return len(strings.Split(strings.TrimSpace(list), "\n"))
}

// TestThousandNamespaces makes a thousand namespaces on a server: Redis
// sees no connection beyond the first namespace's (one pub/sub, one XREAD,
// the client's pool of one), every namespace is subscribed and receives
// from another server, and Shutdown closes everything and leaves no
// goroutine (TestMain checks).
func TestThousandNamespaces(t *testing.T) {
	rs, rc := newRedis(t)
	pooled := redis.NewClient(&redis.Options{Addr: rs.Addr, PoolSize: 1})
	t.Cleanup(func() { _ = pooled.Close() })
	srv := socketio.NewServer(&socketio.Options{Adapter: streams.New(pooled, nil)})
	ctx := t.Context()
	if err := srv.Of("/").Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitReady(t, srv.Of("/"))
	before := clientCount(t, rc)
	const n = 1000
	var got atomic.Int64
	for i := range n {
		nsp := srv.Of(fmt.Sprintf("/n%d", i))
		nsp.OnServerSideEmit("ping", func(context.Context, *socketio.Args, socketio.AckFunc) { got.Add(1) })
		if err := nsp.Start(ctx); err != nil {
			t.Fatal(err)
		}
		waitReady(t, nsp)
	}
	if after := clientCount(t, rc); after != before {
		t.Errorf("%d namespaces: %d Redis connections, want %d", n, after, before)
	}
	subs, err := rc.PubSubNumSub(ctx, "socket.io#/n999#").Result()
	if err != nil || subs["socket.io#/n999#"] != 1 {
		t.Errorf("/n999 channel: %v subscribers, %v; want 1", subs, err)
	}
	// Another server reaches the last namespace.
	other := socketio.NewServer(&socketio.Options{Adapter: streams.New(rc, nil)})
	if err := other.Of("/n999").Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitReady(t, other.Of("/n999"))
	if err := other.Of("/n999").ServerSideEmit(ctx, "ping"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(wait)
	for got.Load() != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got.Load() != 1 {
		t.Errorf("server-side emits received: %d, want 1", got.Load())
	}
	for _, s := range []*socketio.Server{other, srv} {
		sctx, cancel := context.WithTimeout(context.Background(), wait)
		if err := s.Shutdown(sctx); err != nil {
			t.Fatal(err)
		}
		cancel()
	}
	deadline = time.Now().Add(wait)
	for {
		chans, err := rc.PubSubChannels(context.Background(), "*").Result()
		if err != nil {
			t.Fatal(err)
		}
		if len(chans) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after Shutdown: still subscribed to %d channels", len(chans))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
