package sharded_test

import (
	"context"
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

// countHandler counts the log records whose message contains substr.
type countHandler struct {
	substr string
	n      *atomic.Int64
}

func (h countHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h countHandler) Handle(_ context.Context, r slog.Record) error {
	if strings.Contains(r.Message, h.substr) {
		h.n.Add(1)
	}
	return nil
}
func (h countHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h countHandler) WithGroup(string) slog.Handler      { return h }

// TestReceiveQueueBound blocks a namespace's handling on one message, then
// floods it: it keeps ReceiveQueueSize messages, drops (and logs) the
// rest, and handles what it kept once unblocked. Malformed messages are
// dropped without reaching the queue.
func TestReceiveQueueBound(t *testing.T) {
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	var dropped atomic.Int64
	log := slog.New(countHandler{substr: "receive queue full", n: &dropped})
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
	deadline := time.Now().Add(10 * time.Second)
	for dropped.Load() < extra {
		if time.Now().After(deadline) {
			t.Fatalf("%d drops logged, want %d", dropped.Load(), extra)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	want := int64(1 + sharded.ReceiveQueueSize)
	for handled.Load() < want {
		if time.Now().After(deadline) {
			t.Fatalf("handled %d, want %d", handled.Load(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
	// A marker sent last is handled after the queue drained: nothing else
	// was kept.
	publish(`{"type":9,"data":{"packet":["e"]},"uid":"0123456789abcdef","nsp":"/"}`)
	for handled.Load() < want+1 {
		if time.Now().After(deadline) {
			t.Fatalf("marker not handled")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if got := dropped.Load(); got != extra {
		t.Errorf("%d drops, want %d", got, extra)
	}
	if got := handled.Load(); got != want+1 {
		t.Errorf("handled %d, want %d", got, want+1)
	}
}
