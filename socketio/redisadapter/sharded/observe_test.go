package sharded_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/internal/adapterobs"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
)

// observedNodes starts len(recs) servers sharing rc, each observed by its
// recorder.
func observedNodes(t *testing.T, rc redis.UniversalClient, recs ...*adapterobs.Recorder) []*socketio.Server {
	t.Helper()
	srvs := make([]*socketio.Server, len(recs))
	for i, rec := range recs {
		srv := socketio.NewServer(&socketio.Options{Adapter: sharded.New(rc, nil), Observer: rec.Observer()})
		if err := srv.Of("/").Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		srvs[i] = srv
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
		})
	}
	waitNumSub(t, rc, "socket.io#/#", int64(len(recs)))
	return srvs
}

// TestObserverTraffic checks the kinds the shared cluster core reports
// for a broadcast, a fetchSockets request and its response, a
// server-side emit with ack, and the errors for malformed messages.
func TestObserverTraffic(t *testing.T) {
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	a, b := adapterobs.New(), adapterobs.New()
	srvs := observedNodes(t, rc, a, b)
	srvs[1].Of("/").OnServerSideEmit("ping", func(_ context.Context, _ *socketio.Args, ack socketio.AckFunc) {
		_ = ack("pong")
	})
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
		{"server-side emit with ack", func(t *testing.T) {
			if res, err := srvs[0].Of("/").ServerSideEmitWithAck(ctx, "ping"); err != nil || len(res) != 1 {
				t.Fatalf("ServerSideEmitWithAck = %v, %v", res, err)
			}
		}, []want{{a, "out", "SERVER_SIDE_EMIT"}, {b, "in", "SERVER_SIDE_EMIT"}, {b, "out", "SERVER_SIDE_EMIT_RESPONSE"}, {a, "in", "SERVER_SIDE_EMIT_RESPONSE"}}},
		{"malformed", func(t *testing.T) {
			if err := rc.SPublish(ctx, "socket.io#/#", "\xc1 not msgpack").Err(); err != nil {
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

// TestObserverKindsBounded: a peer publishing messages of made-up types
// and garbage gives decode errors; a known type from a peer counts under
// its name; no other kind appears.
func TestObserverKindsBounded(t *testing.T) {
	rs := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = rc.Close() })
	rec := adapterobs.New()
	observedNodes(t, rc, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	const n = 200
	for i := range n {
		for _, msg := range []string{
			`{"type":` + strconv.Itoa(14+i) + `,"uid":"peer","nsp":"/"}`,
			"garbage " + strconv.Itoa(i),
		} {
			if err := rc.SPublish(ctx, "socket.io#/#", msg).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := rc.SPublish(ctx, "socket.io#/#", `{"type":2,"uid":"peer","nsp":"/"}`).Err(); err != nil { // HEARTBEAT
		t.Fatal(err)
	}
	if err := rec.Wait(ctx, "every message", func() bool {
		return rec.Errors("/", socketio.AdapterOpDecode) == 2*n && rec.Count("/", socketio.AdapterIn, "HEARTBEAT") == 1
	}); err != nil {
		t.Fatal(err)
	}
	for k := range rec.Snapshot() {
		if f := strings.Fields(k); f[2] != socketio.AdapterOpDecode && f[2] != "HEARTBEAT" {
			t.Errorf("%q reported for made-up types", k)
		}
	}
}
