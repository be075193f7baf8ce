package streams_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/internal/adapterobs"
	"github.com/siogo/sio/socketio/redisadapter/streams"
)

// observedNodes starts len(recs) servers sharing rc, each observed by its
// recorder.
func observedNodes(t *testing.T, rc redis.UniversalClient, recs ...*adapterobs.Recorder) []*socketio.Server {
	t.Helper()
	srvs := make([]*socketio.Server, len(recs))
	for i, rec := range recs {
		srv := socketio.NewServer(&socketio.Options{Adapter: streams.New(rc, nil), Observer: rec.Observer()})
		nsp := srv.Of("/")
		if err := nsp.Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		waitReady(t, nsp)
		srvs[i] = srv
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
		})
	}
	return srvs
}

// TestObserverTraffic checks the kinds the adapter reports for a
// broadcast (a stream entry), a fetchSockets request and its response
// (pub/sub), and the errors for a malformed entry and message.
func TestObserverTraffic(t *testing.T) {
	_, rc := newRedis(t)
	a, b := adapterobs.New(), adapterobs.New()
	srvs := observedNodes(t, rc, a, b)
	stream := srvs[0].Of("/").Adapter().(*streams.Adapter).Stream()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	type want struct {
		rec       *adapterobs.Recorder
		dir, kind string // dir "error": kind is the op
	}
	tests := []struct {
		name string
		do   func(t *testing.T)
		want []want
	}{
		{"broadcast", func(t *testing.T) {
			if err := srvs[0].Of("/").Emit("hello"); err != nil {
				t.Fatal(err)
			}
		}, []want{{a, "out", "BROADCAST"}, {b, "in", "BROADCAST"}}},
		{"fetch sockets", func(t *testing.T) {
			if _, err := srvs[0].Of("/").FetchSockets(ctx); err != nil {
				t.Fatal(err)
			}
		}, []want{{a, "out", "FETCH_SOCKETS"}, {b, "in", "FETCH_SOCKETS"}, {b, "out", "FETCH_SOCKETS_RESPONSE"}, {a, "in", "FETCH_SOCKETS_RESPONSE"}}},
		{"malformed entry", func(t *testing.T) {
			if err := rc.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"uid", "peer", "nsp", "/", "type", "nope"}}).Err(); err != nil {
				t.Fatal(err)
			}
		}, []want{{a, "error", "decode"}, {b, "error", "decode"}}},
		{"malformed message", func(t *testing.T) {
			if err := rc.Publish(ctx, "socket.io#/#", "\xc1 not msgpack").Err(); err != nil {
				t.Fatal(err)
			}
		}, []want{{a, "error", "decode"}, {b, "error", "decode"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := map[*adapterobs.Recorder]map[string]int{a: a.Snapshot(), b: b.Snapshot()}
			tc.do(t)
			for _, w := range tc.want {
				key := "/ " + w.dir + " " + w.kind
				if err := w.rec.Wait(ctx, key, func() bool { return w.rec.Snapshot()[key] > before[w.rec][key] }); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

// TestObserverKindsBounded: stream entries of made-up types give decode
// errors, and no kind of their own.
func TestObserverKindsBounded(t *testing.T) {
	_, rc := newRedis(t)
	rec := adapterobs.New()
	srvs := observedNodes(t, rc, rec)
	stream := srvs[0].Of("/").Adapter().(*streams.Adapter).Stream()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	const n = 200
	for i := range n {
		if err := rc.XAdd(ctx, &redis.XAddArgs{Stream: stream, Values: []string{"uid", "peer", "nsp", "/", "type", strconv.Itoa(14 + i)}}).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Wait(ctx, "every entry", func() bool { return rec.Errors("/", socketio.AdapterOpDecode) == n }); err != nil {
		t.Fatal(err)
	}
	for k := range rec.Snapshot() {
		if f := strings.Fields(k); f[2] != socketio.AdapterOpDecode {
			t.Errorf("%q reported for made-up types", k)
		}
	}
}
