package interop

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/siogo/sio/internal/balancer"
	"github.com/siogo/sio/socketio"
)

// drainPair is two servers, "a" and "b", behind a balancer, answering
// "where" with their name; GET /drain takes a out of the balancer and
// drains it.
type drainPair struct {
	url     string
	drained chan error // Drain's result
	started chan time.Time

	mu         sync.Mutex    // guards reconnects and empty
	reconnects []time.Time   // connections to b after the drain started
	empty      time.Duration // from the drain's start to Drain's return
}

func startDrainPair(tb testing.TB, opts *socketio.DrainOptions) *drainPair {
	tb.Helper()
	p := &drainPair{drained: make(chan error, 1), started: make(chan time.Time, 1)}
	var draining bool
	servers := map[string]*socketio.Server{}
	for _, name := range []string{"a", "b"} {
		io := socketio.NewServer(&socketio.Options{ConnectionStateRecovery: &socketio.RecoveryOptions{}})
		io.On("where", func(_ context.Context, _ *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
			return ack(name)
		})
		if name == "b" {
			io.OnConnection(func(context.Context, *socketio.Socket, []byte) error {
				p.mu.Lock()
				if draining {
					p.reconnects = append(p.reconnects, time.Now())
				}
				p.mu.Unlock()
				return nil
			})
		}
		servers[name] = io
	}
	lb := balancer.New(servers["a"], servers["b"])
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", lb)
	mux.HandleFunc("GET /drain", func(w http.ResponseWriter, _ *http.Request) {
		lb.TakeFirstOut()
		p.mu.Lock()
		draining = true
		p.mu.Unlock()
		start := time.Now()
		p.started <- start
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			err := servers["a"].Drain(ctx, opts)
			p.mu.Lock()
			p.empty = time.Since(start)
			p.mu.Unlock()
			p.drained <- err
		}()
	})
	hs := httptest.NewServer(mux)
	tb.Cleanup(func() {
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, io := range servers {
			_ = io.Shutdown(ctx)
		}
	})
	p.url = hs.URL
	return p
}

// drainReport is drain.mjs's output.
type drainReport struct {
	Reasons map[string]int `json:"reasons"`
	First   map[string]int `json:"first"`
	Then    map[string]int `json:"then"`
	Active  int            `json:"active"`
}

func parseDrainReport(tb testing.TB, lines []string) drainReport {
	tb.Helper()
	var r drainReport
	if len(lines) != 1 {
		tb.Fatalf("output %q, want one line", lines)
	}
	if err := json.Unmarshal([]byte(lines[0]), &r); err != nil {
		tb.Fatalf("%q: %v", lines[0], err)
	}
	return r
}

// TestDrainSocketIOClient drains a server behind a balancer while
// socket.io-client 4.8 clients are connected to it, over each transport:
// every client sees "transport close", stays active (reconnects on its
// own) and reconnects to the other server.
func TestDrainSocketIOClient(t *testing.T) {
	requireNode(t)
	const n = 20
	for _, mode := range []string{"polling", "websocket", "upgrade"} {
		t.Run(mode, func(t *testing.T) {
			p := startDrainPair(t, &socketio.DrainOptions{Period: 500 * time.Millisecond})
			got := parseDrainReport(t, runNode(t, "drain.mjs", p.url, mode, strconv.Itoa(n)))
			select {
			case err := <-p.drained:
				if err != nil {
					t.Errorf("Drain: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("Drain did not return")
			}
			if got.Reasons["transport close"] != n || len(got.Reasons) != 1 {
				t.Errorf("disconnect reasons %v, want %d × transport close", got.Reasons, n)
			}
			if got.First["a"] != n || got.Then["b"] != n {
				t.Errorf("first on %v, then on %v; want all on a, then all on b", got.First, got.Then)
			}
			if got.Active != n {
				t.Errorf("%d of %d clients stayed active (reconnecting on their own)", got.Active, n)
			}
		})
	}
}

// BenchmarkDrainSocketIOClient is BenchmarkDrain (package socketio) with
// 1,000 socket.io-client 4.8 clients over WebSocket, in one Node.js
// process, with socket.io-client's default backoff (1 s ± 50 %, at most
// 5 s). It reports the time to empty the drained server, the time until
// every client is back on the other one, and the reconnect rate there (the
// mean, and the peak over any 1 s window). Run it once:
//
//	go test -run '^$' -bench BenchmarkDrainSocketIOClient -benchtime 1x ./interop/
func BenchmarkDrainSocketIOClient(b *testing.B) {
	requireNode(b)
	const n = 1000
	for _, bc := range []struct {
		name string
		opts *socketio.DrainOptions
	}{
		{"all-at-once", nil},
		{"period=5s", &socketio.DrainOptions{Period: 5 * time.Second}},
		{"period=10s", &socketio.DrainOptions{Period: 10 * time.Second}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for range b.N {
				p := startDrainPair(b, bc.opts)
				lines, _ := runNodeFor(b, 3*time.Minute, "drain.mjs", p.url, "websocket", strconv.Itoa(n), "default")
				got := parseDrainReport(b, lines)
				if got.Then["b"] != n {
					b.Fatalf("then on %v, want all %d on b", got.Then, n)
				}
				start := <-p.started
				if err := <-p.drained; err != nil {
					b.Fatal(err)
				}
				p.mu.Lock()
				times, empty := slices.Clone(p.reconnects), p.empty
				p.mu.Unlock()
				all, mean, peak := reconnectRates(start, times)
				b.ReportMetric(empty.Seconds(), "s-to-empty")
				b.ReportMetric(all.Seconds(), "s-all-reconnected")
				b.ReportMetric(mean, "reconnects/s-mean")
				b.ReportMetric(float64(peak), "reconnects/s-peak")
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}

// reconnectRates returns, for reconnections at times after a drain started
// at start: when the last one happened, the mean rate from the first to
// the last, and the most within any 1 s.
func reconnectRates(start time.Time, times []time.Time) (all time.Duration, mean float64, peak int) {
	if len(times) == 0 {
		return 0, 0, 0
	}
	slices.SortFunc(times, func(x, y time.Time) int { return x.Compare(y) })
	all = times[len(times)-1].Sub(start)
	if span := times[len(times)-1].Sub(times[0]).Seconds(); span > 0 {
		mean = float64(len(times)) / span
	}
	for i, j := 0, 0; i < len(times); i++ {
		for times[i].Sub(times[j]) >= time.Second {
			j++
		}
		peak = max(peak, i-j+1)
	}
	return all, mean, peak
}
