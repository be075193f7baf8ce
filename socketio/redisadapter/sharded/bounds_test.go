package sharded_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
)

// TestReceiveQueueBound blocks a namespace's handling on one message, then
// floods it: it keeps ReceiveQueueSize messages, drops the rest (logged
// once when it starts dropping, and with the count once drained), and
// handles what it kept once unblocked. Malformed messages are dropped
// without reaching the queue.
func TestReceiveQueueBound(t *testing.T) {
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	var full, dropped atomic.Int64
	log := slog.New(logCounter{match: "receive queue full", n: &full, dropped: &dropped})
	n := startNode(t, rc, &sharded.Options{SubscriptionMode: sharded.Static, Logger: log})
	<-n.srv.Of("/").Adapter().(*sharded.Adapter).Ready()
	var (
		handled atomic.Int64
		once    sync.Once
	)
	entered, release := make(chan struct{}), make(chan struct{})
	n.srv.Of("/").OnServerSideEmit("e", func(context.Context, *socketio.Args, socketio.AckFunc) {
		handled.Add(1)
		once.Do(func() {
			close(entered)
			<-release
		})
	})
	ctx := t.Context()
	msg := `{"type":9,"data":{"packet":["e"]},"uid":"0123456789abcdef","nsp":"/"}`
	publish := func(m string) {
		if err := rc.SPublish(ctx, "socket.io#/#", m).Err(); err != nil {
			t.Fatal(err)
		}
	}
	publish(msg)
	select {
	case <-entered:
	case <-time.After(10 * time.Second):
		t.Fatal("first message not handled")
	}
	const extra = 76
	for range sharded.ReceiveQueueSize + extra {
		publish(msg)
		publish("\xc1 malformed")
	}
	// Wait until the queue was full while the handler blocked, then let
	// it go: every message is handled or dropped, the queue kept
	// ReceiveQueueSize of them, and each drop is counted in a drained log.
	deadline := time.Now().Add(10 * time.Second)
	for full.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("queue full not logged (handled %d)", handled.Load())
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	const total = 1 + sharded.ReceiveQueueSize + extra
	for handled.Load()+dropped.Load() < total {
		if time.Now().After(deadline) {
			t.Fatalf("handled %d + dropped %d, want %d", handled.Load(), dropped.Load(), total)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// A marker sent last is handled once the queue drained.
	publish(msg)
	for handled.Load()+dropped.Load() < total+1 {
		if time.Now().After(deadline) {
			t.Fatal("marker not handled")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if h, d := handled.Load(), dropped.Load(); h+d != total+1 || h < 1+sharded.ReceiveQueueSize+1 || d == 0 {
		t.Errorf("handled %d, dropped %d: want %d in all, at least %d handled, some dropped", h, d, total+1, 2+sharded.ReceiveQueueSize)
	}
	if got := full.Load(); got != 1 {
		t.Errorf("queue full logged %d times, want once per overflow", got)
	}
}

// logCounter counts the records whose message contains a substring and
// adds up their "dropped" attributes.
type logCounter struct {
	match   string
	n       *atomic.Int64
	dropped *atomic.Int64
}

func (h logCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h logCounter) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, h.match) {
		h.n.Add(1)
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "dropped" {
			h.dropped.Add(a.Value.Int64())
		}
		return true
	})
	return nil
}
func (h logCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h logCounter) WithGroup(string) slog.Handler      { return h }

// TestPublishQueueBound stalls Redis (SIGSTOP) and broadcasts far more than
// PublishQueueSize messages: no Emit waits, the server keeps at most
// PublishQueueSize messages plus one pipeline in flight, and drops the rest
// (logged once, then counted when the queue has room again). Once Redis
// answers, a subscriber gets exactly what was not dropped, in order.
func TestPublishQueueBound(t *testing.T) {
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	var full, dropped atomic.Int64
	log := slog.New(logCounter{match: "publish queue full", n: &full, dropped: &dropped})
	// A long request timeout: the stalled pipeline must not time out.
	n := startNode(t, rc, &sharded.Options{SubscriptionMode: sharded.Static, Logger: log, RequestTimeout: time.Minute})
	<-n.srv.Of("/").Adapter().(*sharded.Adapter).Ready()

	// A raw subscriber counts what reaches Redis.
	watch := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = watch.Close() })
	ps := watch.SSubscribe(t.Context(), "socket.io#/#")
	t.Cleanup(func() { _ = ps.Close() })
	if _, err := ps.Receive(t.Context()); err != nil {
		t.Fatal(err)
	}
	msgs := ps.Channel(redis.WithChannelSize(3 * sharded.PublishQueueSize))

	rs.Pause()
	const total = 2 * sharded.PublishQueueSize
	emitted := make(chan struct{})
	go func() {
		defer close(emitted)
		for i := range total {
			if err := n.srv.Of("/").Emit("n", i); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	select {
	case <-emitted:
	case <-time.After(30 * time.Second):
		rs.Resume()
		t.Fatal("Emit blocked while Redis was stalled")
	}
	if full.Load() != 1 {
		t.Errorf("queue full logged %d times, want once", full.Load())
	}
	rs.Resume()
	// A marker gets queued once there is room, and logs the count (the
	// markers before it were dropped and are counted too).
	deadline := time.Now().Add(30 * time.Second)
	markers := 0
	for dropped.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the dropped count was not logged")
		}
		_ = n.srv.Of("/").Emit("marker")
		markers++
		time.Sleep(10 * time.Millisecond)
	}
	got, last := 0, -1
	for m := range msgs {
		if strings.Contains(m.Payload, `"marker"`) {
			break
		}
		var i int
		if _, err := fmt.Sscanf(m.Payload[strings.Index(m.Payload, `["n",`)+5:], "%d", &i); err != nil || i <= last {
			t.Fatalf("message %q out of order after %d", m.Payload, last)
		}
		last = i
		got++
	}
	if d := int(dropped.Load()) - (markers - 1); got+d != total || got > sharded.PublishQueueSize+256 || got < sharded.PublishQueueSize {
		t.Errorf("published %d, dropped %d of %d: want all accounted for, at most %d published", got, d, total, sharded.PublishQueueSize+256)
	}
}
