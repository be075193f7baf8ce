package sharded_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
)

// node is a server with the sharded adapter, listening on 127.0.0.1:0.
type node struct {
	srv *socketio.Server
	hs  *httptest.Server
}

func startNode(t *testing.T, rc redis.UniversalClient, opts *sharded.Options) *node {
	t.Helper()
	srv := socketio.NewServer(&socketio.Options{Adapter: sharded.New(rc, opts)})
	if err := srv.Of("/").Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	n := &node{srv: srv, hs: httptest.NewServer(srv)}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		n.hs.Close()
	})
	return n
}

func dial(t *testing.T, n *node) *client.Socket {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	m, err := client.Dial(ctx, n.hs.URL, &client.Options{Transports: []string{"websocket"}, DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	s := m.Socket("/", nil)
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// numSub returns the subscribers of a sharded channel.
func numSub(t *testing.T, rc redis.UniversalClient, channel string) int64 {
	t.Helper()
	m, err := rc.PubSubShardNumSub(context.Background(), channel).Result()
	if err != nil {
		t.Fatal(err)
	}
	return m[channel]
}

// waitNumSub waits until channel has want subscribers.
func waitNumSub(t *testing.T, rc redis.UniversalClient, channel string, want int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for numSub(t, rc, channel) != want {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %d subscribers, want %d", channel, numSub(t, rc, channel), want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRoomChannels checks the subscriptions of each mode: the namespace's
// two channels, and in the dynamic modes the channels of the rooms with
// local sockets, dropped when the last socket leaves.
func TestRoomChannels(t *testing.T) {
	tests := []struct {
		mode      sharded.SubscriptionMode
		room, sid bool // room's and socket id's channels subscribed
	}{
		{sharded.Static, false, false},
		{sharded.Dynamic, true, true}, // sio ids are 22 characters: not Node's socket ids
		{sharded.DynamicPrivate, true, true},
	}
	for _, tc := range tests {
		t.Run(string(tc.mode), func(t *testing.T) {
			rs := redistest.Start(t)
			rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
			t.Cleanup(func() { _ = rc.Close() })
			n := startNode(t, rc, &sharded.Options{SubscriptionMode: tc.mode})
			joined := make(chan *socketio.Socket, 1)
			n.srv.Of("/").OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
				s.Join("red")
				joined <- s
				return nil
			})
			a := n.srv.Of("/").Adapter().(*sharded.Adapter)
			waitNumSub(t, rc, "socket.io#/#", 1)
			waitNumSub(t, rc, "socket.io#/#"+a.UID()+"#", 1)
			c := dial(t, n)
			s := <-joined
			b2i := map[bool]int64{true: 1}
			waitNumSub(t, rc, "socket.io#/#red#", b2i[tc.room])
			waitNumSub(t, rc, "socket.io#/#"+s.ID()+"#", b2i[tc.sid])
			s.Leave("red")
			waitNumSub(t, rc, "socket.io#/#red#", 0)
			c.Disconnect()
			waitNumSub(t, rc, "socket.io#/#"+s.ID()+"#", 0)
		})
	}
}

// clientCount returns the connections Redis has (CLIENT LIST).
func clientCount(t *testing.T, rc redis.UniversalClient) int {
	t.Helper()
	list, err := rc.ClientList(context.Background()).Result()
	if err != nil {
		t.Fatal(err)
	}
	return len(strings.Split(strings.TrimSpace(list), "\n"))
}

// TestNamespacesShareConnection makes 200 namespaces on a server in static
// mode: Redis sees no connection beyond the first namespace's, every
// namespace's channels are subscribed, and Shutdown unsubscribes them all
// and leaves no goroutine (TestMain checks).
func TestNamespacesShareConnection(t *testing.T) {
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr, PoolSize: 1})
	t.Cleanup(func() { _ = rc.Close() })
	srv := socketio.NewServer(&socketio.Options{Adapter: sharded.New(rc, &sharded.Options{SubscriptionMode: sharded.Static})})
	ctx := t.Context()
	if err := srv.Of("/").Start(ctx); err != nil {
		t.Fatal(err)
	}
	<-srv.Of("/").Adapter().(*sharded.Adapter).Ready()
	before := clientCount(t, rc)
	const n = 200
	for i := range n {
		nsp := srv.Of(fmt.Sprintf("/n%d", i))
		if err := nsp.Start(ctx); err != nil {
			t.Fatal(err)
		}
		<-nsp.Adapter().(*sharded.Adapter).Ready()
	}
	if after := clientCount(t, rc); after != before {
		t.Errorf("%d namespaces: %d Redis connections, want %d", n, after, before)
	}
	if got := numSub(t, rc, "socket.io#/n199#"); got != 1 {
		t.Errorf("/n199 channel: %d subscribers, want 1", got)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	// Redis drops a closed connection's subscriptions when it sees the
	// close: wait for it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		chans, err := rc.PubSubShardChannels(context.Background(), "*").Result()
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

// TestClusterClientServerCount runs three servers on a Redis Cluster, one
// cluster client each: ServerCount sums SHARDNUMSUB over the masters, and
// server-side emits with acks reach the other two.
func TestClusterClientServerCount(t *testing.T) {
	addrs := redistest.StartCluster(t, 3)
	srvs := make([]*socketio.Server, 3)
	for i := range srvs {
		rc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs[i:]})
		t.Cleanup(func() { _ = rc.Close() })
		n := startNode(t, rc, nil)
		srvs[i] = n.srv
		n.srv.Of("/").OnServerSideEmit("whoami", func(_ context.Context, _ *socketio.Args, ack socketio.AckFunc) {
			if ack != nil {
				_ = ack(i)
			}
		})
		<-n.srv.Of("/").Adapter().(*sharded.Adapter).Ready()
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	for i, srv := range srvs {
		if n, err := srv.Of("/").Adapter().ServerCount(ctx); err != nil || n != 3 {
			t.Errorf("server %d: ServerCount = %d, %v; want 3", i, n, err)
		}
	}
	resps, err := srvs[0].Of("/").ServerSideEmitWithAck(ctx, "whoami")
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, r := range resps {
		var n int
		if err := r.Decode(0, &n); err != nil {
			t.Fatal(err)
		}
		got = append(got, n)
	}
	slices.Sort(got)
	if !slices.Equal(got, []int{1, 2}) {
		t.Errorf("acks from servers %v, want [1 2]", got)
	}
}
