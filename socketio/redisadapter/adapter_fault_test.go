package redisadapter_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// TestCallerDeadlineWithStalledRedis pauses Redis under a two-server
// cluster whose go-redis client has the default options (a 5 s read
// timeout, ctx deadlines not applied to the connection): every request
// still ends at the caller's deadline with its error, long before the
// client's own timeouts would end it.
func TestCallerDeadlineWithStalledRedis(t *testing.T) {
	const (
		deadline = 200 * time.Millisecond
		// bound is far above deadline and below go-redis's 5 s read
		// timeout, which is what ended the calls before.
		bound = 3 * time.Second
	)
	rs := redistest.Start(t)
	srvs, _ := cluster(t, rs, 2, nil)
	for _, srv := range srvs {
		<-adapterOf(t, srv).Ready()
	}
	nsp := srvs[0].Of("/")
	// Warm the pool: the connections exist before Redis stalls.
	if n, err := adapterOf(t, srvs[0]).ServerCount(context.Background()); err != nil || n != 2 {
		t.Fatalf("ServerCount = %d, %v; want 2", n, err)
	}
	rs.Pause()
	defer rs.Resume()
	tests := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"FetchSockets", func(ctx context.Context) error {
			_, err := nsp.FetchSockets(ctx)
			return err
		}},
		{"ServerSideEmitWithAck", func(ctx context.Context) error {
			_, err := nsp.ServerSideEmitWithAck(ctx, "ev")
			return err
		}},
		{"EmitWithAck", func(ctx context.Context) error {
			_, err := nsp.EmitWithAck(ctx, "ev")
			return err
		}},
		{"ServerCount", func(ctx context.Context) error {
			_, err := nsp.Adapter().ServerCount(ctx)
			return err
		}},
		{"AllRooms", func(ctx context.Context) error {
			_, err := adapterOf(t, srvs[0]).AllRooms(ctx)
			return err
		}},
	}
	var stuck []chan error
	defer func() {
		// Let the calls still blocked before the fix end before the
		// leak check.
		rs.Resume()
		for _, c := range stuck {
			<-c
		}
	}()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			errc := make(chan error, 1)
			go func() { errc <- tc.call(ctx) }()
			select {
			case err := <-errc:
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("error %v, want the caller's context.DeadlineExceeded", err)
				}
			case <-time.After(bound):
				stuck = append(stuck, errc)
				t.Fatalf("still blocked %v after a %v deadline", bound, deadline)
			}
		})
	}
}

// logRecord is one captured log line.
type logRecord struct {
	level slog.Level
	msg   string
	attrs map[string]any
}

// captureHandler is a slog.Handler keeping every record.
type captureHandler struct {
	mu      sync.Mutex // guards records
	records []logRecord
}

func (h *captureHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	rec := logRecord{level: r.Level, msg: r.Message, attrs: map[string]any{}}
	r.Attrs(func(a slog.Attr) bool {
		rec.attrs[a.Key] = a.Value.Any()
		return true
	})
	h.mu.Lock()
	h.records = append(h.records, rec)
	h.mu.Unlock()
	return nil
}

func (h *captureHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *captureHandler) WithGroup(string) slog.Handler      { return h }

func (h *captureHandler) snapshot() []logRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.records)
}

// TestStalledRedisLogs publishes 10,000 broadcasts into a stalled Redis:
// the faults (full publish queue, pipelines without an answer) are
// logged a bounded number of times, each line with the number of messages
// it stands for, and what is counted as failed was not delivered: the
// messages that Redis delivered once resumed are counted as of unknown
// outcome, never as failed.
func TestStalledRedisLogs(t *testing.T) {
	const broadcasts = 10000
	rs := redistest.Start(t)
	// A short read timeout, so that several pipelines time out while
	// Redis is stalled.
	client := redis.NewClient(&redis.Options{Addr: rs.Addr, ReadTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { _ = client.Close() })
	logs := &captureHandler{}
	srv := socketio.NewServer(&socketio.Options{Adapter: redisadapter.New(client, &redisadapter.Options{Logger: slog.New(logs)})})
	shutdown := sync.OnceFunc(func() { _ = srv.Shutdown(context.Background()) })
	t.Cleanup(shutdown)
	<-adapterOf(t, srv).Ready()

	// A plain subscriber counts what Redis delivers.
	watcher := redis.NewClient(&redis.Options{Addr: rs.Addr, ReadTimeout: -1})
	t.Cleanup(func() { _ = watcher.Close() })
	ctx := context.Background()
	sub := watcher.PSubscribe(ctx, "socket.io#/#*")
	if _, err := sub.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	// Warm the publishing pool: its connection exists before Redis
	// stalls, so the first pipeline is written before it times out.
	if err := srv.Emit("warm"); err != nil {
		t.Fatal(err)
	}
	if _, err := sub.ReceiveMessage(ctx); err != nil {
		t.Fatal(err)
	}
	received := make(chan int, 1)
	go func() {
		n := 0
		for {
			m, err := sub.ReceiveMessage(ctx)
			if err != nil {
				received <- -1
				return
			}
			b, err := wire.DecodeBroadcast([]byte(m.Payload))
			if err == nil {
				if d, _ := b.Packet.Data.([]any); len(d) > 0 && d[0] == "marker" {
					received <- n
					return
				}
			}
			n++
		}
	}()
	defer sub.Close()

	rs.Pause()
	for i := range broadcasts {
		if err := srv.Emit("news", i); err != nil {
			t.Fatal(err)
		}
	}
	// Wait until at least one pipeline has timed out.
	eventually(t, "a publish timed out", func() (bool, string) {
		for _, r := range logs.snapshot() {
			if strings.Contains(r.msg, "publish") && !strings.Contains(r.msg, "queue full") {
				return true, ""
			}
		}
		return false, "no timeout logged"
	})
	rs.Resume()
	// The marker goes through the queue after every broadcast: once the
	// watcher has it, every broadcast has been published or given up. The
	// queue may still be full right after Resume (the marker is then
	// dropped like any broadcast): send it again until one arrives.
	var got, markers int
	deadline := time.After(30 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
marker:
	for {
		if err := srv.Emit("marker"); err != nil {
			t.Fatal(err)
		}
		markers++
		select {
		case got = <-received:
			break marker
		case <-tick.C:
		case <-deadline:
			t.Fatal("marker not delivered after Redis resumed")
		}
	}
	shutdown() // logs the pending summaries

	counts := map[string]int{}
	lines := 0
	for _, r := range logs.snapshot() {
		if r.level < slog.LevelWarn {
			continue
		}
		lines++
		n, ok := r.attrs["count"].(int64)
		if !ok {
			t.Errorf("line without a count: %q %v", r.msg, r.attrs)
		}
		switch {
		case strings.Contains(r.msg, "publish queue full"):
			counts["queue full"] += int(n)
		case strings.Contains(r.msg, "outcome unknown"):
			counts["unknown"] += int(n)
		case strings.Contains(r.msg, "publish failed"):
			counts["failed"] += int(n)
		default:
			t.Errorf("unexpected line %q %v", r.msg, r.attrs)
		}
	}
	t.Logf("%d broadcasts, %d delivered, %d log lines: %v", broadcasts, got, lines, counts)
	// Two lines per kind of fault: the first occurrence and the summary.
	if lines > 6 {
		t.Errorf("%d warning lines for %d broadcasts, want at most 6", lines, broadcasts)
	}
	if counts["queue full"] == 0 || counts["unknown"] == 0 {
		t.Errorf("counts %v, want both full-queue drops and unknown outcomes", counts)
	}
	// Every broadcast is delivered, dropped, failed or of unknown outcome;
	// none counted as dropped or failed was delivered.
	if got < 0 {
		t.Fatal("watcher failed")
	}
	if got+counts["queue full"]+counts["failed"]+counts["unknown"] < broadcasts {
		t.Errorf("%d delivered + %v < %d broadcasts: some failures not counted", got, counts, broadcasts)
	}
	// The markers but the delivered one may be counted as dropped or
	// failed too.
	if got+counts["queue full"]+counts["failed"] > broadcasts+markers-1 {
		t.Errorf("%d delivered + %v > %d broadcasts + %d markers: a delivered message was counted as failed", got, counts, broadcasts, markers-1)
	}
}

// TestReceiveQueueBound blocks the server-side-emit handler of one
// namespace and sends it more messages than its receive queue holds: the
// excess is dropped and logged with its count, the queued ones are handled
// once the handler returns, and another namespace on the same subscriber
// connection is served meanwhile.
func TestReceiveQueueBound(t *testing.T) {
	const excess = 10
	rs := redistest.Start(t)
	client := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = client.Close() })
	logs := &captureHandler{}
	srv := socketio.NewServer(&socketio.Options{Adapter: redisadapter.New(client, &redisadapter.Options{Logger: slog.New(logs)})})
	shutdown := sync.OnceFunc(func() { _ = srv.Shutdown(context.Background()) })
	t.Cleanup(shutdown)
	ctx := context.Background()

	entered, release := make(chan struct{}), make(chan struct{})
	var handled atomic.Int64
	srv.Of("/slow").OnServerSideEmit("ev", func(context.Context, *socketio.Args, socketio.AckFunc) {
		if handled.Add(1) == 1 {
			close(entered)
			<-release
		}
	})
	fast := make(chan struct{}, 1)
	srv.Of("/").OnServerSideEmit("ev", func(context.Context, *socketio.Args, socketio.AckFunc) { fast <- struct{}{} })
	for _, name := range []string{"/slow", "/"} {
		if err := srv.Of(name).Start(ctx); err != nil { // subscribed
			t.Fatal(err)
		}
	}
	sse := `{"uid":"other","type":6,"data":["ev"]}`
	publish := func(ch string, n int) {
		t.Helper()
		for range n {
			if err := client.Publish(ctx, ch, sse).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	publish("socket.io-request#/slow#", 1)
	<-entered
	publish("socket.io-request#/slow#", redisadapter.ReceiveQueueSize+excess)
	// "/" is served while "/slow" is stuck, and after every message above
	// has been routed (one connection, in order).
	publish("socket.io-request#/#", 1)
	select {
	case <-fast:
	case <-time.After(10 * time.Second):
		t.Fatal("/ not served while /slow is blocked")
	}
	close(release)
	eventually(t, "queued messages handled", func() (bool, string) {
		n := handled.Load()
		return n == 1+redisadapter.ReceiveQueueSize, fmt.Sprintf("%d handled", n)
	})
	shutdown()
	dropped, lines := 0, 0
	for _, r := range logs.snapshot() {
		if strings.Contains(r.msg, "receive queue full") {
			lines++
			n, _ := r.attrs["count"].(int64)
			dropped += int(n)
		}
	}
	if dropped != excess || lines > 2 {
		t.Errorf("%d lines reporting %d dropped messages, want at most 2 lines and %d", lines, dropped, excess)
	}
}

// TestSubscribeWhileRedisDown creates namespaces while Redis is down: they
// work locally at once, and once Redis is back they get subscribed and
// answer requests.
func TestSubscribeWhileRedisDown(t *testing.T) {
	rs := redistest.Start(t)
	// The request timeout bounds the wait for subscriptions at creation,
	// and the answers below.
	srvs, _ := cluster(t, rs, 2, &redisadapter.Options{RequestTimeout: time.Second})
	rs.Stop()
	var adapters []*redisadapter.Adapter
	for i, srv := range srvs {
		a := srv.Of("/late").Adapter().(*redisadapter.Adapter)
		adapters = append(adapters, a)
		srv.Of("/late").OnServerSideEmit("ping", func(_ context.Context, _ *socketio.Args, ack socketio.AckFunc) {
			_ = ack(i)
		})
	}
	if err := srvs[0].Of("/late").Emit("local"); err != nil {
		t.Fatalf("Emit while Redis is down: %v", err)
	}
	rs.Restart()
	for i, a := range adapters {
		select {
		case <-a.Ready():
		case <-time.After(30 * time.Second):
			t.Fatalf("server %d: /late not subscribed after Redis came back", i)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if n, err := adapters[0].ServerCount(ctx); err != nil || n != 2 {
		t.Fatalf("ServerCount = %d, %v; want 2", n, err)
	}
	resps, err := srvs[0].Of("/late").ServerSideEmitWithAck(ctx, "ping")
	if err != nil || len(resps) != 1 {
		t.Errorf("ServerSideEmitWithAck = %v, %v; want one answer", resps, err)
	}
}
