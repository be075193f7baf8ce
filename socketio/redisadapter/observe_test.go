package redisadapter_test

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/internal/adapterobs"
	"github.com/siogo/sio/socketio/redisadapter"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// observedCluster starts len(recs) servers sharing rs, each observed by
// its recorder.
func observedCluster(t *testing.T, rs *redistest.Server, opts *redisadapter.Options, recs ...*adapterobs.Recorder) ([]*socketio.Server, redis.UniversalClient) {
	t.Helper()
	client := redis.NewClient(&redis.Options{Addr: rs.Addr})
	t.Cleanup(func() { _ = client.Close() })
	srvs := make([]*socketio.Server, len(recs))
	for i, rec := range recs {
		srv := socketio.NewServer(&socketio.Options{Adapter: redisadapter.New(client, opts), Observer: rec.Observer()})
		if err := srv.Of("/").Start(t.Context()); err != nil {
			t.Fatal(err)
		}
		srvs[i] = srv
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = srv.Shutdown(ctx)
		})
	}
	return srvs, client
}

// TestObserverTraffic checks the kinds the adapter reports for a
// broadcast, a FetchSockets request and its response, a server-side emit
// with ack, and the errors for malformed messages.
func TestObserverTraffic(t *testing.T) {
	rs := redistest.Start(t)
	a, b := adapterobs.New(), adapterobs.New()
	srvs, client := observedCluster(t, rs, nil, a, b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srvs[1].Of("/").OnServerSideEmit("ping", func(_ context.Context, _ *socketio.Args, ack socketio.AckFunc) {
		_ = ack("pong")
	})
	ch := wire.NewChannels("", "/", "")
	tests := []struct {
		name string
		do   func(t *testing.T)
		want []struct {
			rec       *adapterobs.Recorder
			dir, kind string // dir "error": kind is the op
		}
	}{
		{"broadcast", func(t *testing.T) {
			if err := srvs[0].Of("/").Emit("hello"); err != nil {
				t.Fatal(err)
			}
		}, []struct {
			rec       *adapterobs.Recorder
			dir, kind string
		}{{a, "out", "BROADCAST"}, {b, "in", "BROADCAST"}}},
		{"fetch sockets", func(t *testing.T) {
			if _, err := srvs[0].Of("/").FetchSockets(ctx); err != nil {
				t.Fatal(err)
			}
		}, []struct {
			rec       *adapterobs.Recorder
			dir, kind string
		}{{a, "out", "REMOTE_FETCH"}, {b, "in", "REMOTE_FETCH"}, {b, "out", "RESPONSE"}, {a, "in", "RESPONSE"}}},
		{"server-side emit with ack", func(t *testing.T) {
			if res, err := srvs[0].Of("/").ServerSideEmitWithAck(ctx, "ping"); err != nil || len(res) != 1 {
				t.Fatalf("ServerSideEmitWithAck = %v, %v", res, err)
			}
		}, []struct {
			rec       *adapterobs.Recorder
			dir, kind string
		}{{a, "out", "SERVER_SIDE_EMIT"}, {b, "in", "SERVER_SIDE_EMIT"}, {b, "out", "SERVER_SIDE_EMIT_RESPONSE"}, {a, "in", "SERVER_SIDE_EMIT_RESPONSE"}}},
		{"malformed", func(t *testing.T) {
			for _, channel := range []string{ch.Request, ch.Broadcast, ch.Response} {
				if err := client.Publish(ctx, channel, "\xc1 not msgpack").Err(); err != nil {
					t.Fatal(err)
				}
			}
		}, []struct {
			rec       *adapterobs.Recorder
			dir, kind string
		}{{a, "error", "decode"}, {b, "error", "decode"}}},
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
	// One per malformed message.
	if err := a.Wait(ctx, "3 decode errors", func() bool { return a.Errors("/", socketio.AdapterOpDecode) == 3 }); err != nil {
		t.Error(err)
	}
}

// TestObserverKindsBounded: a peer publishing requests of made-up types
// and garbage makes the kinds "other" and decode errors, nothing else.
func TestObserverKindsBounded(t *testing.T) {
	rs := redistest.Start(t)
	rec := adapterobs.New()
	_, client := observedCluster(t, rs, nil, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ch := wire.NewChannels("", "/", "")
	const n = 200
	for i := range n {
		msg := `{"uid":"peer01","type":` + strconv.Itoa(10+i) + `,"requestId":"r` + strconv.Itoa(i) + `"}`
		if err := client.Publish(ctx, ch.Request, msg).Err(); err != nil {
			t.Fatal(err)
		}
		if err := client.Publish(ctx, ch.Request, "garbage "+strconv.Itoa(i)).Err(); err != nil {
			t.Fatal(err)
		}
	}
	if err := rec.Wait(ctx, "every message", func() bool {
		return rec.Count("/", socketio.AdapterIn, socketio.AdapterKindOther) == n && rec.Errors("/", socketio.AdapterOpDecode) == n
	}); err != nil {
		t.Fatal(err)
	}
	for k := range rec.Snapshot() {
		f := strings.Fields(k)
		if f[1] == "error" {
			if f[2] != socketio.AdapterOpDecode {
				t.Errorf("error op %q", f[2])
			}
		} else if f[2] != socketio.AdapterKindOther {
			t.Errorf("kind %q reported for made-up types", f[2])
		}
	}
}

// TestObserverRequestTimeout: a subscriber of the request channel that
// never answers makes FetchSockets time out, reported as request_timeout.
func TestObserverRequestTimeout(t *testing.T) {
	rs := redistest.Start(t)
	rec := adapterobs.New()
	srvs, client := observedCluster(t, rs, &redisadapter.Options{RequestTimeout: 100 * time.Millisecond}, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	mute := client.Subscribe(ctx, wire.NewChannels("", "/", "").Request)
	defer mute.Close()
	if _, err := mute.Receive(ctx); err != nil { // the confirmation
		t.Fatal(err)
	}
	if _, err := srvs[0].Of("/").FetchSockets(ctx); !errors.Is(err, redisadapter.ErrTimeout) {
		t.Fatalf("FetchSockets: %v, want ErrTimeout", err)
	}
	if n := rec.Errors("/", socketio.AdapterOpRequestTimeout); n != 1 {
		t.Errorf("request_timeout errors = %d, want 1; counts %v", n, rec.Snapshot())
	}
}

// TestObserverPublishFailure: a broadcast published while Redis is down
// is reported as a publish error, after it was counted as queued.
func TestObserverPublishFailure(t *testing.T) {
	rs := redistest.Start(t)
	rec := adapterobs.New()
	srvs, _ := observedCluster(t, rs, &redisadapter.Options{Logger: slog.New(slog.DiscardHandler)}, rec)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rs.Stop()
	if err := srvs[0].Of("/").Emit("lost"); err != nil {
		t.Fatal(err)
	}
	if err := rec.Wait(ctx, "a publish error", func() bool { return rec.Errors("/", socketio.AdapterOpPublish) == 1 }); err != nil {
		t.Fatal(err)
	}
	if n := rec.Count("/", socketio.AdapterOut, "BROADCAST"); n != 1 {
		t.Errorf("%d broadcasts out, want 1 (queued)", n)
	}
}
