package metrics_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/metrics"
	"github.com/siogo/sio/socketio/redisadapter"
)

// TestAdapterMetricsMove runs two servers sharing a Redis (the classic
// Redis adapter) and checks that the adapter_* metrics, which
// TestMetricsMove leaves out, move with the labels the traffic should
// give: a broadcast, a fetchSockets request and its response, malformed
// messages, a made-up message type and a request timeout.
func TestAdapterMetricsMove(t *testing.T) {
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	regs := make([]*prometheus.Registry, 2)
	srvs := make([]*socketio.Server, 2)
	for i := range srvs {
		regs[i] = prometheus.NewRegistry()
		m, err := metrics.New(regs[i], nil)
		if err != nil {
			t.Fatal(err)
		}
		srvs[i] = socketio.NewServer(m.Instrument(&socketio.Options{
			Adapter: redisadapter.New(rc, &redisadapter.Options{RequestTimeout: 200 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)}),
			Logger:  slog.New(slog.DiscardHandler),
		}))
		srv := srvs[i]
		if err := srv.Of("/").Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			defer cancel()
			_ = srv.Shutdown(ctx)
		})
	}
	a, b := regs[0], regs[1]
	if err := srvs[0].Of("/").Emit("hello"); err != nil {
		t.Fatal(err)
	}
	if _, err := srvs[0].Of("/").FetchSockets(ctx); err != nil {
		t.Fatal(err)
	}
	for _, msg := range []string{"\xc1 garbage", `{"uid":"peer01","type":42,"requestId":"x"}`} {
		if err := rc.Publish(ctx, "socket.io-request#/#", msg).Err(); err != nil {
			t.Fatal(err)
		}
	}
	// A subscriber that never answers: the next request times out.
	mute := rc.Subscribe(ctx, "socket.io-request#/#")
	defer mute.Close()
	if _, err := mute.Receive(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := srvs[0].Of("/").FetchSockets(ctx); !errors.Is(err, redisadapter.ErrTimeout) {
		t.Fatalf("FetchSockets with a mute server: %v, want ErrTimeout", err)
	}

	msgs := func(dir, kind string) map[string]string {
		return map[string]string{"namespace": "/", "direction": dir, "type": kind}
	}
	for _, c := range []struct {
		reg    *prometheus.Registry
		name   string
		labels map[string]string
		want   float64
	}{
		{a, "adapter_messages_total", msgs("out", "BROADCAST"), 1},
		{b, "adapter_messages_total", msgs("in", "BROADCAST"), 1},
		{a, "adapter_messages_total", msgs("out", "REMOTE_FETCH"), 2},
		{b, "adapter_messages_total", msgs("in", "REMOTE_FETCH"), 2},
		{b, "adapter_messages_total", msgs("out", "RESPONSE"), 2},
		{a, "adapter_messages_total", msgs("in", "RESPONSE"), 2},
		{a, "adapter_messages_total", msgs("in", "other"), 1},
		{b, "adapter_messages_total", msgs("in", "other"), 1},
		{a, "adapter_errors_total", map[string]string{"namespace": "/", "op": "decode"}, 1},
		{b, "adapter_errors_total", map[string]string{"namespace": "/", "op": "decode"}, 1},
		{a, "adapter_errors_total", map[string]string{"namespace": "/", "op": "request_timeout"}, 1},
	} {
		eventually(ctx, t, c.name+" to move", func() bool {
			got, _ := value(t, c.reg, "socketio_"+c.name, c.labels)
			return got >= c.want
		})
		if got, _ := value(t, c.reg, "socketio_"+c.name, c.labels); got != c.want {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	for _, d := range metrics.Definitions() {
		if !strings.HasPrefix(d.Name, "adapter_") {
			continue
		}
		if v, ok := value(t, a, "socketio_"+d.Name, nil); !ok || v <= 0 {
			t.Errorf("%s did not move", d.Name)
		}
	}
	// The type label holds the known message types and "other" only.
	mfs, err := b.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "socketio_adapter_messages_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "type" && socketio.AdapterKind(l.GetValue()) != l.GetValue() {
					t.Errorf("type label %q", l.GetValue())
				}
			}
		}
	}
}
