package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync/atomic"
	"time"
)

// A Metric is a row of the report.
type Metric struct {
	// Name is the row's label.
	Name string
	// Sanity marks a row of the second table (the CPU load of the server
	// and of the generator during a window): it tells whether a figure is
	// the server's limit or the generator's.
	Sanity bool
	// Format formats a value for the table.
	Format func(float64) string
	// Busy, when not zero, is a value above which the window's figures
	// may be the load generator's limit rather than the server's: Run
	// logs a warning.
	Busy float64
}

// generatorBusy is the generator's CPU load (percent of one core) above
// which it may be what limits a rate.
const generatorBusy = 90

// The rows of the report: the measurements, then (Sanity) the CPU load of
// server and generator in each window.
var (
	AckRate       = Metric{Name: "ack round trips/s", Format: formatRate}
	AckCPU        = Metric{Name: "server CPU per ack (µs)", Format: format3}
	FanoutRate    = Metric{Name: "fan-out deliveries/s", Format: formatRate}
	FanoutCPU     = Metric{Name: "server CPU per delivery (µs)", Format: format3}
	IdleMemory    = Metric{Name: "memory per idle WebSocket connection (KiB of RSS)", Format: format3}
	ConnectRate   = Metric{Name: "connects/s", Format: formatRate}
	ConnectCPU    = Metric{Name: "server CPU per connect (µs)", Format: format3}
	LatencyP50    = Metric{Name: "ack p50 at 1 conn × 1 (µs)", Format: format3}
	LatencyP99    = Metric{Name: "ack p99 at 1 conn × 1 (µs)", Format: format3}
	AckLoad       = Metric{Name: "acks: server CPU (% of a core)", Sanity: true, Format: formatPercent}
	AckOthers     = Metric{Name: "acks: server's CPU busy with anything else (%)", Sanity: true, Format: formatPercent}
	AckSelf       = Metric{Name: "acks: generator CPU (% of a core)", Sanity: true, Format: formatPercent, Busy: generatorBusy}
	FanoutLoad    = Metric{Name: "fan-out: server CPU (% of a core)", Sanity: true, Format: formatPercent}
	FanoutOthers  = Metric{Name: "fan-out: server's CPU busy with anything else (%)", Sanity: true, Format: formatPercent}
	FanoutSelf    = Metric{Name: "fan-out: generator CPU (% of a core)", Sanity: true, Format: formatPercent, Busy: generatorBusy}
	ConnectLoad   = Metric{Name: "connects: server CPU (% of a core)", Sanity: true, Format: formatPercent}
	ConnectOthers = Metric{Name: "connects: server's CPU busy with anything else (%)", Sanity: true, Format: formatPercent}
	ConnectSelf   = Metric{Name: "connects: generator CPU (% of a core)", Sanity: true, Format: formatPercent, Busy: generatorBusy}
	LatencySelf   = Metric{Name: "latency: generator CPU (% of a core)", Sanity: true, Format: formatPercent}
)

// allMetrics are the rows in the report's order.
var allMetrics = []*Metric{
	&AckRate, &AckCPU, &FanoutRate, &FanoutCPU, &IdleMemory, &ConnectRate, &ConnectCPU, &LatencyP50, &LatencyP99,
	&AckLoad, &AckOthers, &AckSelf, &FanoutLoad, &FanoutOthers, &FanoutSelf, &ConnectLoad, &ConnectOthers, &ConnectSelf, &LatencySelf,
}

var (
	errNoAcks     = errors.New("no acknowledgement in the measured window")
	errNoFanout   = errors.New("no fan-out delivery in the measured window")
	errNoConnects = errors.New("no connection in the measured window")
)

// Value is one measurement of a metric.
type Value struct {
	// Metric is what was measured.
	Metric *Metric
	// V is the measurement, in the unit of the metric's name.
	V float64
}

// Config sets the scale of the scenarios.
type Config struct {
	// Warmup is how long the load runs before the measured window;
	// Duration is the window.
	Warmup, Duration time.Duration
	// AckConns connections each keep AckInFlight echoes waiting for their
	// acknowledgement.
	AckConns, AckInFlight int
	// FanoutConns connections receive every broadcast; FanoutWindow
	// broadcasts are under way at a time (a broadcast is under way until
	// every connection has it).
	FanoutConns, FanoutWindow int
	// IdleConns connections are held open, idle, for the memory figure;
	// IdleSettle is the pause before each RSS reading.
	IdleConns  int
	IdleSettle time.Duration
	// ConnectConcurrency handshakes are under way at a time in the
	// connects scenario.
	ConnectConcurrency int
	// DialConcurrency bounds the handshakes under way at a time when a
	// scenario opens its connections.
	DialConcurrency int
	// Patience is how long a scenario waits for progress before it
	// fails: for a broadcast to reach every connection, for a first
	// event in a window (a window in which nothing was counted is
	// extended up to it). Zero means DefaultPatience.
	Patience time.Duration
}

// DefaultPatience is the default of Config.Patience.
const DefaultPatience = 10 * time.Second

func (c *Config) patience() time.Duration {
	if c.Patience <= 0 {
		return DefaultPatience
	}
	return c.Patience
}

// validate checks that every count is at least 1 and the window not empty.
func (c *Config) validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{
		{"AckConns", c.AckConns}, {"AckInFlight", c.AckInFlight},
		{"FanoutConns", c.FanoutConns}, {"FanoutWindow", c.FanoutWindow},
		{"IdleConns", c.IdleConns}, {"ConnectConcurrency", c.ConnectConcurrency},
		{"DialConcurrency", c.DialConcurrency},
	} {
		if f.v < 1 {
			return fmt.Errorf("%s: %d, want at least 1", f.name, f.v)
		}
	}
	if c.Duration <= 0 || c.Warmup < 0 || c.IdleSettle < 0 {
		return fmt.Errorf("window %v, warm-up %v, idle settle %v: want a positive window and no negative pause", c.Duration, c.Warmup, c.IdleSettle)
	}
	return nil
}

// Target is a running server.
type Target struct {
	// Addr is its host:port.
	Addr string
	// PID is its process, whose CPU time and RSS are read from /proc.
	PID int
	// CPU is the CPU it is pinned to, whose load is read from /proc/stat;
	// -1 when it is not pinned to one.
	CPU int
}

// A Scenario drives a server and returns its measurements.
type Scenario struct {
	// Name selects the scenario (Options.Scenarios).
	Name string
	// Run drives the server.
	Run func(ctx context.Context, t Target, c *Config) ([]Value, error)
}

// Scenarios are the scenarios, in the order they run.
var Scenarios = []Scenario{
	{"ack", runAck},
	{"fanout", runFanout},
	{"idle", runIdle},
	{"connect", runConnect},
	{"latency", runLatency},
}

// runAck: AckConns connections, each with AckInFlight echoes waiting for
// their acknowledgement; every acknowledgement sends the next echo.
func runAck(ctx context.Context, t Target, c *Config) ([]Value, error) {
	if err := checkFiles(t.PID, c.AckConns); err != nil {
		return nil, err
	}
	f := newFleet(t.Addr)
	acks := make(counters, c.AckConns)
	err := f.dial(ctx, c.AckConns, c.DialConcurrency, func(i int, s *session) error {
		return ackLoop(s, c.AckInFlight, &acks[i].Uint64, nil)
	})
	var w window
	if err == nil {
		w, err = f.measure(ctx, t, c, acks.sum, nil)
	}
	if err := errors.Join(err, f.close()); err != nil {
		return nil, err
	}
	if w.events == 0 {
		return nil, errNoAcks
	}
	return withOthers([]Value{
		{&AckRate, w.rate()}, {&AckCPU, w.serverPer()},
		{&AckLoad, w.serverLoad()}, {&AckSelf, w.selfLoad()},
	}, &AckOthers, w), nil
}

// withOthers adds to vals the share of the server's CPU that other
// processes used in w, when the server is pinned to one CPU.
func withOthers(vals []Value, m *Metric, w window) []Value {
	if o := w.othersLoad(); o >= 0 {
		vals = append(vals, Value{m, o})
	}
	return vals
}

// ackLoop keeps inflight echoes waiting on s: each acknowledgement counts in
// acks and asks for the next echo. A writer goroutine sends the echoes
// asked for meanwhile in one write: when several acknowledgements arrive
// together, their echoes leave together, one write(2) instead of one each.
// With rtt, inflight must be 1, and every round trip's time goes to rtt.
func ackLoop(s *session, inflight int, acks *atomic.Uint64, rtt *recorder) error {
	if rtt != nil {
		return latencyLoop(s, acks, rtt)
	}
	// owed is the echoes asked for and not yet written; sent is the
	// number written, which is also the next id.
	var owed atomic.Int64
	var sent atomic.Uint64
	owed.Store(int64(inflight))
	kick := make(chan struct{}, 1)
	kick <- struct{}{}
	stop := make(chan struct{})
	werr := make(chan error, 1)
	go func() { werr <- echoWriter(s, &owed, &sent, kick, stop) }()
	err := s.loop(func(m []byte) error {
		got, ok := parseAck(m)
		if !ok {
			return unexpected(m)
		}
		if n := sent.Load(); got >= n {
			return fmt.Errorf("acknowledgement %d of an echo not sent (%d sent)", got, n)
		}
		acks.Add(1)
		owed.Add(1)
		select {
		case kick <- struct{}{}:
		default: // the writer has been woken already
		}
		return nil
	})
	close(stop)
	if werr := <-werr; werr != nil {
		return werr
	}
	return err
}

// echoWriter writes the echoes owed each time it is kicked, until stop is
// closed. On a write error it closes the session, which ends its read loop.
func echoWriter(s *session, owed *atomic.Int64, sent *atomic.Uint64, kick, stop <-chan struct{}) error {
	var frames, scratch []byte
	var id uint64
	for {
		select {
		case <-kick:
		case <-stop:
			return nil
		}
		frames = frames[:0]
		for n := owed.Swap(0); n > 0; n-- {
			frames, scratch = appendEcho(frames, scratch, id)
			id++
		}
		if len(frames) == 0 {
			continue
		}
		sent.Store(id) // before the write: its acknowledgements may come at once
		if err := s.writeFrames(frames); err != nil {
			s.close()
			return err
		}
	}
}

// latencyLoop keeps one echo waiting on s, timing each round trip into rtt.
func latencyLoop(s *session, acks *atomic.Uint64, rtt *recorder) error {
	var frames, scratch []byte
	var id uint64
	frames, scratch = appendEcho(frames[:0], scratch, id)
	sent := time.Now()
	if err := s.writeFrames(frames); err != nil {
		return err
	}
	return s.loop(func(m []byte) error {
		got, ok := parseAck(m)
		if !ok {
			return unexpected(m)
		}
		if got != id {
			return fmt.Errorf("acknowledgement %d, want %d", got, id)
		}
		now := time.Now()
		rtt.add(now.Sub(sent))
		acks.Add(1)
		id++
		frames, scratch = appendEcho(frames[:0], scratch, id)
		sent = time.Now()
		return s.writeFrames(frames)
	})
}

// runFanout: FanoutConns connections; the first sends "fanout", which the
// server broadcasts as "tick" to every connection. FanoutWindow broadcasts
// are under way at a time: when every connection has received a broadcast,
// the next "fanout" is sent.
func runFanout(ctx context.Context, t Target, c *Config) ([]Value, error) {
	if err := checkFiles(t.PID, c.FanoutConns); err != nil {
		return nil, err
	}
	f := newFleet(t.Addr)
	fo := newFanout(c.FanoutConns, c.FanoutWindow)
	err := f.dial(ctx, c.FanoutConns, c.DialConcurrency, fo.loop)
	var w window
	if err == nil {
		stop := make(chan struct{})
		done := make(chan error, 1)
		go func() { done <- fo.control(f.session(0), stop, c.patience()) }()
		w, err = f.measure(ctx, t, c, fo.delivered.sum, nil)
		close(stop)
		err = errors.Join(err, <-done)
	}
	if err := errors.Join(err, f.close()); err != nil {
		return nil, err
	}
	if w.events == 0 {
		return nil, errNoFanout
	}
	return withOthers([]Value{
		{&FanoutRate, w.rate()}, {&FanoutCPU, w.serverPer()},
		{&FanoutLoad, w.serverLoad()}, {&FanoutSelf, w.selfLoad()},
	}, &FanoutOthers, w), nil
}

// fanout counts the deliveries of the broadcasts under way. A connection
// receives the broadcasts in the order they were sent, so its k-th "tick"
// is broadcast k.
type fanout struct {
	n, window int
	// slots[k%len(slots)] counts the connections that have received
	// broadcast k. There are twice window slots: broadcast k+len(slots)
	// is sent only once broadcast k is complete and its slot reset.
	slots []atomic.Int64
	// complete receives k when broadcast k has reached every connection;
	// at most window broadcasts are under way, so it never fills.
	complete  chan uint64
	delivered counters
}

func newFanout(n, window int) *fanout {
	return &fanout{
		n: n, window: window,
		slots:     make([]atomic.Int64, 2*window),
		complete:  make(chan uint64, 2*window),
		delivered: make(counters, n),
	}
}

// loop is the read loop of connection i.
func (fo *fanout) loop(i int, s *session) error {
	var k uint64
	slots := uint64(len(fo.slots))
	return s.loop(func(m []byte) error {
		if !bytes.Equal(m, tickPacket) {
			return unexpected(m)
		}
		fo.delivered[i].Add(1)
		if fo.slots[k%slots].Add(1) == int64(fo.n) {
			select {
			case fo.complete <- k:
			default: // cannot happen: see complete
			}
		}
		k++
		return nil
	})
}

// control sends the broadcasts through trigger until stop is closed,
// keeping window of them under way. It fails when a broadcast has not
// reached every connection within patience.
func (fo *fanout) control(trigger *session, stop <-chan struct{}, patience time.Duration) error {
	slots := uint64(len(fo.slots))
	done := make([]bool, slots)
	var sent, completed uint64
	for ; sent < uint64(fo.window); sent++ {
		if err := trigger.write(fanoutPacket); err != nil {
			return err
		}
	}
	stall := time.NewTimer(patience)
	defer stall.Stop()
	for {
		select {
		case <-stop:
			return nil
		case <-stall.C:
			return fmt.Errorf("broadcast %d has not reached all %d connections in %v", completed, fo.n, patience)
		case k := <-fo.complete:
			done[k%slots] = true
			// Broadcasts complete in order (each connection receives
			// them in order), but their notices may not arrive so.
			for done[completed%slots] {
				done[completed%slots] = false
				fo.slots[completed%slots].Store(0)
				completed++
				if err := trigger.write(fanoutPacket); err != nil {
					return err
				}
				sent++
			}
			stall.Reset(patience)
		}
	}
}

// runIdle: the server's RSS with IdleConns idle connections, minus its RSS
// before them, per connection.
func runIdle(ctx context.Context, t Target, c *Config) ([]Value, error) {
	if err := checkFiles(t.PID, c.IdleConns); err != nil {
		return nil, err
	}
	f := newFleet(t.Addr)
	if err := f.sleep(ctx, c.IdleSettle); err != nil {
		return nil, err
	}
	base, err := procRSS(t.PID)
	if err != nil {
		return nil, err
	}
	var held int64
	err = f.dial(ctx, c.IdleConns, c.DialConcurrency, func(_ int, s *session) error {
		return s.loop(func(m []byte) error { return unexpected(m) })
	})
	if err == nil {
		err = f.sleep(ctx, c.IdleSettle)
	}
	if err == nil {
		held, err = procRSS(t.PID)
	}
	if err := errors.Join(err, f.close()); err != nil {
		return nil, err
	}
	return []Value{{&IdleMemory, float64(held-base) / 1024 / float64(c.IdleConns)}}, nil
}

// runConnect: ConnectConcurrency workers each open a connection, connect to
// "/", wait for the CONNECT reply and close it (a TCP reset), again and
// again.
func runConnect(ctx context.Context, t Target, c *Config) ([]Value, error) {
	if err := checkFiles(t.PID, c.ConnectConcurrency); err != nil {
		return nil, err
	}
	f := newFleet(t.Addr)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	connects := make(counters, c.ConnectConcurrency)
	for i := range c.ConnectConcurrency {
		f.do(func() error {
			for !f.closing.Load() {
				s, err := handshake(ctx, f.d, f.addr)
				if err != nil {
					return err
				}
				s.close()
				connects[i].Add(1)
			}
			return nil
		})
	}
	w, err := f.measure(ctx, t, c, connects.sum, nil)
	f.closing.Store(true)
	cancel()
	if err := errors.Join(err, f.close()); err != nil {
		return nil, err
	}
	if w.events == 0 {
		return nil, errNoConnects
	}
	return withOthers([]Value{
		{&ConnectRate, w.rate()}, {&ConnectCPU, w.serverPer()},
		{&ConnectLoad, w.serverLoad()}, {&ConnectSelf, w.selfLoad()},
	}, &ConnectOthers, w), nil
}

// runLatency: one connection, one echo at a time; the median and 99th
// percentile of the round trips in the measured window.
func runLatency(ctx context.Context, t Target, c *Config) ([]Value, error) {
	f := newFleet(t.Addr)
	rtt := new(recorder)
	acks := make(counters, 1)
	err := f.dial(ctx, 1, 1, func(_ int, s *session) error {
		return ackLoop(s, 1, &acks[0].Uint64, rtt)
	})
	var w window
	if err == nil {
		w, err = f.measure(ctx, t, c, acks.sum, rtt.on.Store)
	}
	if err := errors.Join(err, f.close()); err != nil {
		return nil, err
	}
	if len(rtt.samples) == 0 {
		return nil, errNoAcks
	}
	slices.Sort(rtt.samples)
	return []Value{
		{&LatencyP50, micros(percentile(rtt.samples, 0.50))},
		{&LatencyP99, micros(percentile(rtt.samples, 0.99))},
		{&LatencySelf, w.selfLoad()},
	}, nil
}

// recorder keeps round-trip times while on is set. Its samples are written
// by the one read loop and read once that loop has ended.
type recorder struct {
	on      atomic.Bool
	samples []time.Duration
}

func (r *recorder) add(d time.Duration) {
	if r.on.Load() {
		r.samples = append(r.samples, d)
	}
}

// percentile returns the q-quantile of sorted (nearest rank).
func percentile(sorted []time.Duration, q float64) time.Duration {
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func micros(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e3 }
