package loadgen

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// fleet is a scenario's connections and goroutines: it opens sessions, runs
// a goroutine per session (its read loop) or per worker, keeps the first
// error any of them had before the scenario ended, and closes everything.
type fleet struct {
	addr string
	d    *websocket.Dialer
	wg   sync.WaitGroup
	// closing is set when the scenario ends: errors after it are the
	// closing's, not the server's.
	closing atomic.Bool
	// failed is closed by the first error.
	failed chan struct{}

	// mu guards sessions and err.
	mu       sync.Mutex
	sessions []*session
	err      error
}

func newFleet(addr string) *fleet {
	return &fleet{addr: addr, d: newDialer(), failed: make(chan struct{})}
}

// fail records err unless the fleet is closing or has failed already.
func (f *fleet) fail(err error) {
	if f.closing.Load() {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err == nil {
		f.err = err
		close(f.failed)
	}
}

// error returns the first error recorded.
func (f *fleet) error() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// do runs fn in a goroutine of the fleet; its error fails the fleet.
func (f *fleet) do(fn func() error) {
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		if err := fn(); err != nil {
			f.fail(err)
		}
	}()
}

// dial opens n sessions, conc handshakes at a time, and runs loop(i, s)
// for the i-th as soon as it is connected. It returns when all are
// connected, or with the fleet's first error.
func (f *fleet) dial(ctx context.Context, n, conc int, loop func(i int, s *session) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f.mu.Lock()
	f.sessions = make([]*session, n)
	f.mu.Unlock()
	conc = max(1, min(conc, n))
	var next atomic.Int64
	var dialers sync.WaitGroup
	for range conc {
		dialers.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				s, err := handshake(ctx, f.d, f.addr)
				if err != nil {
					// The first failure is recorded before the
					// others' handshakes are cancelled.
					f.fail(fmt.Errorf("connection %d of %d: %w", i+1, n, err))
					cancel()
					return
				}
				f.mu.Lock()
				f.sessions[i] = s
				f.mu.Unlock()
				f.do(func() error {
					if err := loop(i, s); err != nil {
						return fmt.Errorf("connection %d: %w", i+1, err)
					}
					return nil
				})
			}
		})
	}
	dialers.Wait()
	if err := f.error(); err != nil {
		return err
	}
	return ctx.Err() // the caller's, when it stopped the dialling
}

// session returns the i-th session dialled.
func (f *fleet) session(i int) *session {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sessions[i]
}

// sleep waits for d, or until the fleet failed or ctx is done.
func (f *fleet) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-f.failed:
		return f.error()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// close ends the scenario: it closes every session, waits for every
// goroutine of the fleet and returns the first error they had before.
func (f *fleet) close() error {
	f.closing.Store(true)
	f.mu.Lock()
	sessions := f.sessions
	f.mu.Unlock()
	for _, s := range sessions {
		if s != nil {
			s.close()
		}
	}
	f.wg.Wait()
	return f.error()
}

// counters are per-goroutine event counters, each on its own cache line.
type counters []struct {
	atomic.Uint64
	_ [56]byte
}

func (c counters) sum() uint64 {
	var n uint64
	for i := range c {
		n += c[i].Load()
	}
	return n
}

// window is what happened during a scenario's measured window.
type window struct {
	elapsed time.Duration
	// events is the scenario's count: acks, deliveries, connects.
	events uint64
	// server and self are the CPU time (user and system) of the server
	// process and of the generator.
	server, self time.Duration
	// cpuBusy and cpuTotal are the busy and total time of the server's
	// CPU, all processes, in clock ticks; zero when it is not pinned to
	// one.
	cpuBusy, cpuTotal int64
}

// rate returns events per second.
func (w window) rate() float64 { return float64(w.events) / w.elapsed.Seconds() }

// serverPer returns the server's CPU time per event in microseconds.
func (w window) serverPer() float64 {
	if w.events == 0 {
		return 0
	}
	return float64(w.server.Nanoseconds()) / 1e3 / float64(w.events)
}

// serverLoad and selfLoad return the CPU used in the window, in percent of
// one core.
func (w window) serverLoad() float64 { return 100 * w.server.Seconds() / w.elapsed.Seconds() }
func (w window) selfLoad() float64   { return 100 * w.self.Seconds() / w.elapsed.Seconds() }

// othersLoad returns the share of the server's CPU that went to anything
// but the server in the window (other processes, interrupt work not
// charged to the server), in percent: time the server could not have. -1
// when the server is not pinned to one CPU.
func (w window) othersLoad() float64 {
	if w.cpuTotal <= 0 {
		return -1
	}
	return max(0, 100*float64(w.cpuBusy)/float64(w.cpuTotal)-w.serverLoad())
}

type snapshot struct {
	at                time.Time
	events            uint64
	server, self      time.Duration
	cpuBusy, cpuTotal int64
}

func take(t Target, events func() uint64) (snapshot, error) {
	server, err := procCPU(t.PID)
	if err != nil {
		return snapshot{}, err
	}
	s := snapshot{at: time.Now(), events: events(), server: server, self: selfCPU()}
	if t.CPU >= 0 {
		if s.cpuBusy, s.cpuTotal, err = cpuTimes(t.CPU); err != nil {
			return snapshot{}, err
		}
	}
	return s, nil
}

// measure lets the load run for warmup, then measures events and CPU over
// duration, or until patience when nothing was counted in duration. mark,
// when not nil, is called with true as the window opens and with false as it
// closes.
func (f *fleet) measure(ctx context.Context, t Target, c *Config, events func() uint64, mark func(open bool)) (window, error) {
	warmup, duration, patience := c.Warmup, c.Duration, c.patience()
	if err := f.sleep(ctx, warmup); err != nil {
		return window{}, err
	}
	a, err := take(t, events)
	if err != nil {
		return window{}, err
	}
	if mark != nil {
		mark(true)
	}
	err = f.sleep(ctx, duration)
	// A window without any event yet (a starved machine, a tiny window)
	// is extended up to patience: a slow figure, not a failure.
	for err == nil && events() == a.events && time.Since(a.at) < patience {
		err = f.sleep(ctx, 10*time.Millisecond)
	}
	if mark != nil {
		mark(false)
	}
	if err != nil {
		return window{}, err
	}
	b, err := take(t, events)
	if err != nil {
		return window{}, err
	}
	return window{
		elapsed:  b.at.Sub(a.at),
		events:   b.events - a.events,
		server:   b.server - a.server,
		self:     b.self - a.self,
		cpuBusy:  b.cpuBusy - a.cpuBusy,
		cpuTotal: b.cpuTotal - a.cpuTotal,
	}, nil
}
