package sharded_test

import (
	"context"
	"net/http/httptest"
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
