package interop

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/internal/redistest"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
	"github.com/siogo/sio/socketio/redisadapter/streams"
)

// The cross-node workload: benchClients socket.io-clients on server B,
// benchEvents broadcasts from server A per round. A round stays within the
// bound of each sio adapter's receive queue (see the compile-time checks
// below): a larger burst measures what an adapter does when the other
// server falls that far behind (sio's drop what comes next, logged; Node's
// queue without bound), not throughput.
const (
	benchClients = 50
	benchEvents  = 1000
	// benchTimeout bounds one run of js/redis-bench-client.mjs.
	benchTimeout = 90 * time.Second
)

// A round of benchEvents fits each adapter's receive queue (these fail to
// compile otherwise).
const (
	_ = uint(redisadapter.ReceiveQueueSize - benchEvents)
	_ = uint(sharded.ReceiveQueueSize - benchEvents)
	_ = uint(streams.ReceiveQueueSize - benchEvents)
)

// benchTrigger answers GET /trigger?n=N with N nsp.Emit("tick", i) calls,
// i = 0..N-1, and GET /trigger?warm=1 with one nsp.Emit("warm"), as
// js/redis-bench-server.mjs does.
type benchTrigger struct{ nsp *socketio.Namespace }

func (t benchTrigger) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.URL.Query().Get("warm") != "" {
		if err := t.nsp.Emit("warm"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, "ok")
		return
	}
	n, err := strconv.Atoi(req.URL.Query().Get("n"))
	if err != nil || n < 0 {
		http.Error(w, "bad n", http.StatusBadRequest)
		return
	}
	for i := range n {
		if err := t.nsp.Emit("tick", i); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	_, _ = io.WriteString(w, "ok")
}

// benchAdapters are the cluster adapters BenchmarkRedisCrossNode compares,
// each with its defaults on both sides: name is the sub-benchmark's and the
// key of js/redis-bench-server.mjs's adapters table (Node's counterpart),
// newSio makes sio's factory from the Redis client, once per server (as
// separate processes would).
var benchAdapters = []struct {
	name   string
	newSio func(redis.UniversalClient) func(*socketio.Namespace) socketio.Adapter
}{
	{"classic", func(c redis.UniversalClient) func(*socketio.Namespace) socketio.Adapter {
		return redisadapter.New(c, nil)
	}},
	{"sharded", func(c redis.UniversalClient) func(*socketio.Namespace) socketio.Adapter {
		return sharded.New(c, nil)
	}},
	{"streams", func(c redis.UniversalClient) func(*socketio.Namespace) socketio.Adapter {
		return streams.New(c, nil)
	}},
}

// startBenchSioNode serves a sio node with the cluster adapter factory
// adapter at 127.0.0.1, with /trigger next to Socket.IO, once its
// namespace's adapter has started, and stops it at cleanup. It returns the
// node's base URL.
func startBenchSioNode(tb testing.TB, adapter func(*socketio.Namespace) socketio.Adapter) string {
	tb.Helper()
	srv := socketio.NewServer(&socketio.Options{
		Adapter: adapter,
		// A round is a burst of benchEvents packets per client, more than
		// the default bound (engineio.DefaultSendQueueSize) when the
		// clients read slower than the server writes; Node's queue has no
		// bound.
		Engine: &engineio.Options{SendQueueSize: 2 * benchEvents},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Of("/").Start(ctx); err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/trigger", benchTrigger{srv.Of("/")})
	mux.Handle("/", srv)
	hs := httptest.NewServer(mux)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.Close()
	})
	return hs.URL
}

// benchRound is one line of js/redis-bench-client.mjs's output.
type benchRound struct {
	Round      int     `json:"round"`
	Deliveries int     `json:"deliveries"`
	MS         float64 `json:"ms"`
}

// runBenchClient runs js/redis-bench-client.mjs with benchClients clients
// on url and rounds rounds of benchEvents events triggered at trigger, and
// returns the rounds it timed.
func runBenchClient(tb testing.TB, url, trigger string, rounds int) []benchRound {
	tb.Helper()
	start := time.Now()
	lines, ps := runNodeFor(tb, benchTimeout, "redis-bench-client.mjs", url, trigger,
		strconv.Itoa(benchClients), strconv.Itoa(benchEvents), strconv.Itoa(rounds))
	tb.Logf("client process: %v CPU (user+sys) in %v wall, connects and warm-up included", ps.UserTime()+ps.SystemTime(), time.Since(start).Round(time.Millisecond))
	var out []benchRound
	for _, line := range lines {
		var r benchRound
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			tb.Fatalf("redis-bench-client.mjs: bad output line %q", line)
		}
		if r.Round != len(out) || r.Deliveries != benchClients*benchEvents || r.MS <= 0 {
			tb.Fatalf("redis-bench-client.mjs: unexpected round %+v", r)
		}
		out = append(out, r)
	}
	if len(out) != rounds {
		tb.Fatalf("redis-bench-client.mjs: %d rounds timed, want %d", len(out), rounds)
	}
	return out
}

// BenchmarkRedisCrossNode measures cross-node broadcast throughput, for
// each adapter of benchAdapters: two servers share one redis-server,
// benchClients websocket clients are on server B, and each of the b.N
// rounds has server A broadcast benchEvents small events (Emit("tick", i))
// to every socket, so they all go A → Redis → B → clients. deliveries/s is
// benchClients×benchEvents×b.N over the time from the trigger request to
// the last delivery seen by the clients (one Node.js process).
// "<adapter>/sio" runs two sio nodes with sio's adapter; "<adapter>/node"
// runs two Node.js socket.io 4.8.4 servers with its @socket.io counterpart
// (js/redis-bench-server.mjs); compare the two of an adapter, measured in
// the same run. ns/op also counts starting the client process and
// connecting, and B/op and allocs/op count the Go process only (nothing of
// the Node servers).
func BenchmarkRedisCrossNode(b *testing.B) {
	requireNode(b)
	for _, ad := range benchAdapters {
		servers := []struct {
			name  string
			start func(b *testing.B, r *redistest.Server) (a, bURL string)
		}{
			{"sio", func(b *testing.B, r *redistest.Server) (string, string) {
				client := redis.NewClient(&redis.Options{Addr: r.Addr})
				b.Cleanup(func() { _ = client.Close() })
				return startBenchSioNode(b, ad.newSio(client)), startBenchSioNode(b, ad.newSio(client))
			}},
			{"node", func(b *testing.B, r *redistest.Server) (string, string) {
				url := "redis://" + r.Addr
				return startNodeServer(b, "redis-bench-server.mjs", ad.name, url), startNodeServer(b, "redis-bench-server.mjs", ad.name, url)
			}},
		}
		for _, s := range servers {
			b.Run(ad.name+"/"+s.name, func(b *testing.B) {
				b.ReportAllocs()
				r := redistest.Start(b)
				a, nodeB := s.start(b, r)
				b.ResetTimer()
				rounds := runBenchClient(b, nodeB, a+"/trigger", b.N)
				b.StopTimer()
				var ms float64
				for _, r := range rounds {
					ms += r.MS
				}
				b.ReportMetric(float64(benchClients*benchEvents*b.N)/(ms/1000), "deliveries/s")
			})
		}
	}
}
