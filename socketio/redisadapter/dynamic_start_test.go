package redisadapter_test

import (
	"bytes"
	"context"
	"net"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/internal/redistest"
)

// subscribeGate holds the (P)SUBSCRIBE commands naming match that a Redis
// client writes, until open is closed; held is closed when the first one
// is held.
type subscribeGate struct {
	match []byte
	open  chan struct{}
	held  chan struct{}
	once  sync.Once
}

// dial is a go-redis Dialer whose connections hold the gate's commands.
func (g *subscribeGate) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &gatedConn{Conn: c, g: g}, nil
}

type gatedConn struct {
	net.Conn
	g *subscribeGate
}

func (c *gatedConn) Write(b []byte) (int, error) {
	if bytes.Contains(bytes.ToLower(b), []byte("subscribe")) && bytes.Contains(b, c.g.match) {
		c.g.once.Do(func() { close(c.g.held) })
		<-c.g.open
	}
	return c.Conn.Write(b)
}

// TestDynamicChildWaitsForSubscriptions connects a client to a fresh child
// of a dynamic namespace on node B while B's subscriptions of the child
// are held on their way to Redis: the CONNECT is answered only once Redis
// confirmed them, so that a broadcast node A makes to the child as soon as
// the client is connected reaches it (without the wait, A's broadcast
// reached Redis before B subscribed, and was lost).
func TestDynamicChildWaitsForSubscriptions(t *testing.T) {
	const (
		nsp  = "/dyn-x"
		wait = 10 * time.Second
	)
	rs := redistest.Start(t)
	rcA := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rcA.Close() })
	gate := &subscribeGate{match: []byte("#" + nsp + "#"), open: make(chan struct{}), held: make(chan struct{})}
	var openOnce sync.Once
	openGate := func() { openOnce.Do(func() { close(gate.open) }) }
	t.Cleanup(openGate)
	rcB := redis.NewClient(&redis.Options{Addr: rs.Addr, Dialer: gate.dial})
	t.Cleanup(func() { _ = rcB.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 3*wait)
	defer cancel()

	a := startNode(t, rcA, nil)
	t.Cleanup(func() { a.stop(t) })
	if err := a.srv.Of(nsp).Start(ctx); err != nil {
		t.Fatal(err)
	}
	b := startNode(t, rcB, nil)
	t.Cleanup(func() { b.stop(t) })
	b.srv.OfRegexp(regexp.MustCompile(`^/dyn-\w+$`))

	// An observer of the child's broadcast channel, to know when Redis
	// has passed A's broadcast on.
	obs := rcA.PSubscribe(ctx, "socket.io#"+nsp+"#*")
	t.Cleanup(func() { _ = obs.Close() })
	if _, err := obs.Receive(ctx); err != nil {
		t.Fatal(err)
	}

	m := dialNode(t, b)
	t.Cleanup(func() { _ = m.Close(); <-m.Done() })
	s := m.Socket(nsp, nil)
	got := make(chan string, 1)
	s.On("hi", func(e *client.Event) {
		var v string
		_ = e.Args.Decode(0, &v)
		got <- v
	})
	done := make(chan error, 1)
	go func() { done <- s.Connect(ctx) }()
	select {
	case <-gate.held:
	case <-time.After(wait):
		t.Fatal("B never subscribed the child's channels")
	}
	held := true
	select {
	case err := <-done:
		// Answered while B's subscriptions are held: A's broadcast is
		// lost below.
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(300 * time.Millisecond):
		openGate()
		held = false
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	if err := a.srv.Of(nsp).Emit("hi", "from a"); err != nil {
		t.Fatal(err)
	}
	if _, err := obs.ReceiveMessage(ctx); err != nil {
		t.Fatal(err)
	}
	openGate()
	select {
	case v := <-got:
		if v != "from a" {
			t.Fatalf("got %q", v)
		}
	case <-time.After(wait):
		t.Fatalf("the broadcast from A did not reach the just connected socket (CONNECT answered while the subscriptions were held: %v)", held)
	}
}
