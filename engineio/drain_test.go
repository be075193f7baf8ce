package engineio

import (
	"context"
	"errors"
	"math"
	"net/http"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// drainOpts keeps heartbeats out of the way of the drains below (in fake
// time, pings are answered anyway).
var drainOpts = &Options{PingInterval: time.Hour, PingTimeout: time.Hour}

// TestDrainPacing drains n sessions over each transport in fake time and
// checks when each one closes: spread at the interval DrainOptions sets,
// the last within the period; a context ending early closes the rest at
// once and Drain returns its error.
func TestDrainPacing(t *testing.T) {
	const n = 8
	tests := []struct {
		name     string
		opts     *DrainOptions
		timeout  time.Duration // of Drain's context; 0: none
		want     []time.Duration
		wantErr  error
		wantDone time.Duration // when Drain returns
	}{
		{
			name: "nil closes all at once",
			want: []time.Duration{0, 0, 0, 0, 0, 0, 0, 0},
		},
		{
			name:     "period",
			opts:     &DrainOptions{Period: 8 * time.Second},
			want:     []time.Duration{0, 1e9, 2e9, 3e9, 4e9, 5e9, 6e9, 7e9},
			wantDone: 7 * time.Second,
		},
		{
			name:     "rate alone",
			opts:     &DrainOptions{Rate: 2},
			want:     []time.Duration{0, 5e8, 1e9, 15e8, 2e9, 25e8, 3e9, 35e8},
			wantDone: 3500 * time.Millisecond,
		},
		{
			name:     "rate slower than the period",
			opts:     &DrainOptions{Period: 8 * time.Second, Rate: 0.5},
			want:     []time.Duration{0, 2e9, 4e9, 6e9, 8e9, 10e9, 12e9, 14e9},
			wantDone: 14 * time.Second,
		},
		{
			name:     "rate faster than the period",
			opts:     &DrainOptions{Period: 8 * time.Second, Rate: 100},
			want:     []time.Duration{0, 1e9, 2e9, 3e9, 4e9, 5e9, 6e9, 7e9},
			wantDone: 7 * time.Second,
		},
		{
			name:     "context ends early",
			opts:     &DrainOptions{Period: 8 * time.Second},
			timeout:  3500 * time.Millisecond,
			want:     []time.Duration{0, 1e9, 2e9, 3e9, 35e8, 35e8, 35e8, 35e8},
			wantErr:  context.DeadlineExceeded,
			wantDone: 3500 * time.Millisecond,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(t, func(t *testing.T, m mode) {
				synctest.Test(t, func(t *testing.T) {
					e := newEnv(t, envOptions{opts: drainOpts, inMemory: true})
					for range n {
						e.dial(m)
						e.session()
					}
					ctx := context.Background()
					if tt.timeout > 0 {
						var cancel context.CancelFunc
						ctx, cancel = context.WithTimeout(ctx, tt.timeout)
						defer cancel()
					}
					start := time.Now()
					done := make(chan error, 1)
					var took time.Duration
					go func() {
						err := e.srv.Drain(ctx, tt.opts)
						took = time.Since(start)
						done <- err
					}()
					// A WebSocket session closes as its close frame
					// goes out, without waiting for the client's answer
					// (lingerWebSocket), so the test client, which does
					// not answer, delays nothing.
					late := func(d time.Duration) time.Duration {
						if tt.timeout > 0 {
							return min(d, tt.timeout)
						}
						return d
					}
					for i, want := range tt.want {
						want = late(want)
						ce := e.closed()
						if got := time.Since(start); got != want {
							t.Errorf("close %d after %v, want %v", i, got, want)
						}
						if ce.reason != ReasonServerShutdown {
							t.Errorf("close %d: reason %q, want %q", i, ce.reason, ReasonServerShutdown)
						}
					}
					if err := <-done; !errors.Is(err, tt.wantErr) {
						t.Errorf("Drain: %v, want %v", err, tt.wantErr)
					}
					if took != late(tt.wantDone) {
						t.Errorf("Drain returned after %v, want %v", took, late(tt.wantDone))
					}
					if c := e.srv.Count(); c != 0 {
						t.Errorf("Count() = %d after the drain", c)
					}
				})
			})
		})
	}
}

// TestDrainRefusesHandshakes: while a drain goes on, a new handshake gets
// 503 and "Connection: close" (over polling, and a WebSocket handshake
// before the upgrade), and the sessions not closed yet still work, over
// each transport.
func TestDrainRefusesHandshakes(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		synctest.Test(t, func(t *testing.T) {
			var refused atomic.Int32
			opts := *drainOpts
			opts.Observer = &Observer{HandshakeShuttingDown: func() { refused.Add(1) }}
			e := newEnv(t, envOptions{opts: &opts, inMemory: true})
			first := e.dial(m)
			e.session()
			second := e.dial(m)
			e.session()
			done := make(chan error, 1)
			go func() { done <- e.srv.Drain(context.Background(), &DrainOptions{Period: 10 * time.Second}) }()
			firstClosed := e.closed() // one of them, at once
			time.Sleep(time.Second)

			for _, hs := range []struct {
				name  string
				query string
				ws    bool
			}{
				{"polling", "EIO=4&transport=polling", false},
				{"websocket", "EIO=4&transport=websocket", true},
			} {
				var status int
				var closes bool
				if hs.ws {
					ws, res, err := e.dialer.Dial(e.wsURL(hs.query), nil)
					if err == nil {
						ws.Close()
						t.Fatalf("%s handshake during the drain: upgraded", hs.name)
					}
					status, closes = res.StatusCode, res.Close
					res.Body.Close()
				} else {
					res, err := e.http.Get(e.url(hs.query))
					if err != nil {
						t.Fatal(err)
					}
					status, closes = res.StatusCode, res.Close
					res.Body.Close()
				}
				if status != http.StatusServiceUnavailable || !closes {
					t.Errorf("%s handshake during the drain: %d, connection closed %v; want 503, closed", hs.name, status, closes)
				}
			}
			if n := refused.Load(); n != 2 {
				t.Errorf("Observer.HandshakeShuttingDown called %d times, want 2", n)
			}

			// The session left still echoes, until its turn.
			live := second
			if firstClosed.sid == second.sid {
				live = first
			}
			live.send(Message{Data: []byte("still here")})
			if got := live.nextMessage(); string(got.Data) != "still here" {
				t.Errorf("echo during the drain: %q", got.Data)
			}
			e.closed()
			if err := <-done; err != nil {
				t.Errorf("Drain: %v", err)
			}
		})
	})
}

// TestDrainEndsWhenClientsLeave: a drain whose remaining clients close on
// their own ends then, not at the end of its period.
func TestDrainEndsWhenClientsLeave(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		synctest.Test(t, func(t *testing.T) {
			e := newEnv(t, envOptions{opts: drainOpts, inMemory: true})
			a := e.dial(m)
			e.session()
			b := e.dial(m)
			e.session()
			start := time.Now()
			done := make(chan error, 1)
			go func() { done <- e.srv.Drain(context.Background(), &DrainOptions{Period: time.Hour}) }()
			first := e.closed() // one at once; the other is due in 30 min
			time.Sleep(time.Minute)
			left := b
			if first.sid == b.sid {
				left = a
			}
			if err := left.sendPacket(packet{typ: typeClose}); err != nil {
				t.Fatal(err)
			}
			if ce := e.closed(); ce.reason != ReasonTransportClose {
				t.Errorf("the client's own close: reason %q", ce.reason)
			}
			if err := <-done; err != nil {
				t.Errorf("Drain: %v", err)
			}
			if want, took := time.Minute, time.Since(start); took != want {
				t.Errorf("Drain returned after %v, want %v, when the last client left", took, want)
			}
		})
	})
}

func TestDrainInterval(t *testing.T) {
	tests := []struct {
		name string
		opts *DrainOptions
		n    int
		want time.Duration
	}{
		{"nil", nil, 10, 0},
		{"zero", &DrainOptions{}, 10, 0},
		{"no sessions", &DrainOptions{Period: time.Second}, 0, 0},
		{"negative", &DrainOptions{Period: -time.Second, Rate: -1}, 10, 0},
		{"period", &DrainOptions{Period: 10 * time.Second}, 4, 2500 * time.Millisecond},
		{"rate", &DrainOptions{Rate: 3}, 4, 333333334},
		{"rate bounds the period", &DrainOptions{Period: time.Second, Rate: 1}, 100, time.Second},
		{"tiny rate saturates", &DrainOptions{Rate: 1e-300}, 4, maxGap},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.opts.interval(tt.n); got != tt.want {
				t.Errorf("interval(%d) = %v, want %v", tt.n, got, tt.want)
			}
		})
	}
	if got := mulSat(3, maxGap); got != math.MaxInt64 {
		t.Errorf("mulSat overflowing = %v, want the largest Duration", got)
	}
	if got := mulSat(3, time.Second); got != 3*time.Second {
		t.Errorf("mulSat(3, 1s) = %v", got)
	}
}
