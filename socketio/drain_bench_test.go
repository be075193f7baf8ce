package socketio_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/internal/balancer"
	"github.com/siogo/sio/socketio"
)

// BenchmarkDrain measures the drain of 1,000 real connections (this
// module's client over WebSocket, on loopback, with its default
// reconnection backoff) from one server to another behind a balancer:
// all at once (Shutdown) and spread over 5 s and 10 s. It reports the time
// to empty the drained server, the time until every client is connected to
// the other one, and the reconnect rate seen there: the mean, and the peak
// over any 1 s window. Each iteration sets up the clients again; run it
// once:
//
//	go test -run '^$' -bench BenchmarkDrain -benchtime 1x ./socketio/
func BenchmarkDrain(b *testing.B) {
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
				r := measureDrain(b, n, bc.opts)
				b.ReportMetric(r.empty.Seconds(), "s-to-empty")
				b.ReportMetric(r.all.Seconds(), "s-all-reconnected")
				b.ReportMetric(r.mean, "reconnects/s-mean")
				b.ReportMetric(float64(r.peak), "reconnects/s-peak")
			}
			b.ReportMetric(0, "ns/op")
		})
	}
}

// drainResult is what measureDrain saw.
type drainResult struct {
	empty time.Duration // drain start to Drain's return
	all   time.Duration // drain start to the last reconnection
	mean  float64       // reconnections per second, first to last
	peak  int           // most reconnections within 1 s
}

func measureDrain(b *testing.B, n int, opts *socketio.DrainOptions) drainResult {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	first, second := socketio.NewServer(nil), socketio.NewServer(nil)
	var (
		mu     sync.Mutex // guards at
		at     []time.Time
		onB    = make(chan struct{}, n)
		onA    = make(chan struct{}, n)
		record = false
	)
	first.OnConnection(func(context.Context, *socketio.Socket, []byte) error {
		onA <- struct{}{}
		return nil
	})
	second.OnConnection(func(context.Context, *socketio.Socket, []byte) error {
		mu.Lock()
		if record {
			at = append(at, time.Now())
		}
		mu.Unlock()
		onB <- struct{}{}
		return nil
	})
	lb := balancer.New(first, second)
	hs := httptest.NewServer(lb)
	mgrs := make([]*client.Manager, n)
	defer func() {
		for _, m := range mgrs {
			if m != nil {
				_ = m.Close()
				<-m.Done()
			}
		}
		hs.Close()
		_ = second.Shutdown(context.Background())
	}()

	// Connect the clients, 50 at a time.
	sem := make(chan struct{}, 50)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			m, err := client.Dial(ctx, hs.URL, &client.Options{Transports: []string{client.WebSocket}})
			if err != nil {
				b.Error(err)
				return
			}
			mgrs[i] = m
			if err := m.Socket("/", nil).Connect(ctx); err != nil {
				b.Error(err)
			}
		}()
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	for range n {
		<-onA
	}

	b.ResetTimer()
	mu.Lock()
	record = true
	mu.Unlock()
	lb.TakeFirstOut()
	start := time.Now()
	if err := first.Drain(ctx, opts); err != nil {
		b.Fatal(err)
	}
	empty := time.Since(start)
	for range n {
		select {
		case <-onB:
		case <-ctx.Done():
			b.Fatal("the clients did not all reconnect")
		}
	}
	b.StopTimer()

	mu.Lock()
	times := slices.Clone(at)
	mu.Unlock()
	slices.SortFunc(times, func(x, y time.Time) int { return x.Compare(y) })
	r := drainResult{empty: empty, all: times[len(times)-1].Sub(start)}
	if span := times[len(times)-1].Sub(times[0]).Seconds(); span > 0 {
		r.mean = float64(len(times)) / span
	}
	for i, j := 0, 0; i < len(times); i++ {
		for times[i].Sub(times[j]) >= time.Second {
			j++
		}
		r.peak = max(r.peak, i-j+1)
	}
	return r
}
