// Package metrics exports the activity of a [socketio.Server] as
// Prometheus metrics, through the server's [socketio.Observer] and
// [engineio.Observer] hooks.
//
// # Use
//
//	reg := prometheus.NewRegistry()
//	m, err := metrics.New(reg, nil)
//	if err != nil { ... }
//	io := socketio.NewServer(m.Instrument(&socketio.Options{...}))
//	mux.Handle("/socket.io/", io)
//	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
//
// The package registers its collectors on the caller's
// [prometheus.Registerer] and serves nothing itself: the application mounts
// promhttp where it wants, behind whatever authentication it needs. One
// [Metrics] may instrument several servers (their counts add up); two
// Metrics need two registries, or distinct [Options].ConstLabels.
//
// # Label bounds
//
// No label takes unbounded client input. Namespaces are the server's own:
// a child of a dynamic namespace ([socketio.Server.OfFunc]) is counted
// under its parent's name ("/_1", ...). Event names are labelled only for
// events that have a handler (an event without one counts as "other"), and
// at most [Options].MaxEventLabels of them per namespace (default
// DefaultMaxEventLabels); later names count as "other". Transports, close
// and disconnect reasons, refusal reasons and panic sites come from fixed
// sets; a polling request's method is GET, POST or "other". A cluster
// adapter's message types and failed operations come from fixed sets too
// (see [socketio.Observer].AdapterMessage): a type a peer made up counts
// as "other".
//
// # Concurrency
//
// A Metrics is safe for concurrent use; its observers run on the server's
// goroutines and take one short-lived lock (the event-label set) besides
// the collectors' own.
package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// DefaultMaxEventLabels is the default of Options.MaxEventLabels.
const DefaultMaxEventLabels = 64

// OtherEvent is the event label of events beyond the label bound, and of
// events without a handler.
const OtherEvent = "other"

// Options configures [New]. A nil *Options means the defaults.
type Options struct {
	// Prefix starts every metric name, followed by "_"; default
	// "socketio".
	Prefix string
	// ConstLabels are added to every metric, e.g. {"server": "a"}.
	ConstLabels prometheus.Labels
	// MaxEventLabels bounds the distinct event names labelled per
	// namespace; default DefaultMaxEventLabels.
	MaxEventLabels int
	// HandlerBuckets are the buckets of the handler latency histogram, in
	// seconds; default prometheus.DefBuckets.
	HandlerBuckets []float64
}

// Metrics holds the collectors of a server's metrics. Its [Metrics.Observer]
// and [Metrics.EngineObserver] feed them; [Metrics.Instrument] sets both in
// a server's options.
type Metrics struct {
	maxEvents int

	// Engine.IO
	engineConns     *prometheus.GaugeVec
	engineOpened    *prometheus.CounterVec
	upgrades        prometheus.Counter
	refused         *prometheus.CounterVec
	limited         *prometheus.CounterVec
	shuttingDown    prometheus.Counter
	engineClosed    *prometheus.CounterVec
	pollingRequests *prometheus.CounterVec
	bytesIn         *prometheus.CounterVec
	bytesOut        *prometheus.CounterVec
	sendDropped     prometheus.Counter

	// Socket.IO
	sockets         *prometheus.GaugeVec
	connects        *prometheus.CounterVec
	connectsRefused *prometheus.CounterVec
	disconnects     *prometheus.CounterVec
	eventsReceived  *prometheus.CounterVec
	eventsHandled   *prometheus.CounterVec
	handlerDuration *prometheus.HistogramVec
	eventsSent      *prometheus.CounterVec
	acks            *prometheus.CounterVec
	acksSent        *prometheus.CounterVec
	decodeErrors    prometheus.Counter
	panics          *prometheus.CounterVec
	recoveries      *prometheus.CounterVec
	adapterMessages *prometheus.CounterVec
	adapterErrors   *prometheus.CounterVec

	mu     sync.RWMutex                   // guards events
	events map[string]map[string]struct{} // labelled event names by namespace label
}

// New makes the collectors and registers them on reg; it fails when reg
// refuses one (a name registered already).
func New(reg prometheus.Registerer, opts *Options) (*Metrics, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Prefix == "" {
		o.Prefix = "socketio"
	}
	if o.MaxEventLabels <= 0 {
		o.MaxEventLabels = DefaultMaxEventLabels
	}
	if o.HandlerBuckets == nil {
		o.HandlerBuckets = prometheus.DefBuckets
	}
	b := builder{o: &o}
	m := &Metrics{
		maxEvents: o.MaxEventLabels,
		events:    make(map[string]map[string]struct{}),

		engineConns:     b.gauge(defEngineConnections),
		engineOpened:    b.counter(defEngineOpened),
		upgrades:        b.counter(defUpgrades).WithLabelValues(),
		refused:         b.counter(defHandshakesRefused),
		limited:         b.counter(defHandshakesLimited),
		shuttingDown:    b.counter(defHandshakesShuttingDown).WithLabelValues(),
		engineClosed:    b.counter(defEngineClosed),
		pollingRequests: b.counter(defPollingRequests),
		bytesIn:         b.counter(defBytesReceived),
		bytesOut:        b.counter(defBytesSent),
		sendDropped:     b.counter(defSendDropped).WithLabelValues(),

		sockets:         b.gauge(defSockets),
		connects:        b.counter(defConnects),
		connectsRefused: b.counter(defConnectsRefused),
		disconnects:     b.counter(defDisconnects),
		eventsReceived:  b.counter(defEventsReceived),
		eventsHandled:   b.counter(defEventsHandled),
		handlerDuration: b.histogram(defHandlerDuration),
		eventsSent:      b.counter(defEventsSent),
		acks:            b.counter(defAcks),
		acksSent:        b.counter(defAcksSent),
		decodeErrors:    b.counter(defDecodeErrors).WithLabelValues(),
		panics:          b.counter(defPanics),
		recoveries:      b.counter(defRecoveries),
		adapterMessages: b.counter(defAdapterMessages),
		adapterErrors:   b.counter(defAdapterErrors),
	}
	for _, c := range b.made {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// builder makes the collectors of the definitions (see defs.go).
type builder struct {
	o    *Options
	made []prometheus.Collector
}

func (b *builder) counter(d Definition) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: b.o.Prefix + "_" + d.Name, Help: d.Help, ConstLabels: b.o.ConstLabels}, d.Labels)
	b.made = append(b.made, c)
	return c
}

func (b *builder) gauge(d Definition) *prometheus.GaugeVec {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: b.o.Prefix + "_" + d.Name, Help: d.Help, ConstLabels: b.o.ConstLabels}, d.Labels)
	b.made = append(b.made, g)
	return g
}

func (b *builder) histogram(d Definition) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: b.o.Prefix + "_" + d.Name, Help: d.Help, ConstLabels: b.o.ConstLabels, Buckets: b.o.HandlerBuckets}, d.Labels)
	b.made = append(b.made, h)
	return h
}
