package socketio

import (
	"log/slog"
	"math"
	"time"

	"github.com/siogo/sio/engineio"
)

// Default values of [Options] fields, as the Node.js reference server has
// them where it has an equivalent.
const (
	// DefaultPath is where the server answers: Node's "/socket.io/".
	DefaultPath = "/socket.io/"
	// DefaultConnectTimeout is how long a client may stay connected to
	// Engine.IO without joining any namespace (Node's connectTimeout).
	DefaultConnectTimeout = 45 * time.Second
	// DefaultEventQueueSize bounds the events waiting for one socket's
	// handlers.
	DefaultEventQueueSize = 256
	// DefaultEventQueueBytes bounds the bytes of the events waiting for, or
	// running in, one socket's handlers: 1 MiB.
	DefaultEventQueueBytes = 1 << 20
	// DefaultMaxDisconnectionDuration is how long a disconnected session
	// stays recoverable (Node's maxDisconnectionDuration: 2 minutes).
	DefaultMaxDisconnectionDuration = 2 * time.Minute
	// DefaultMaxRecoveryPackets bounds the packets the in-memory adapter
	// keeps for connection state recovery, per namespace.
	DefaultMaxRecoveryPackets = 10_000
	// DefaultMaxNamespacesPerConnection bounds the namespaces one client
	// connection joins or is joining at a time.
	DefaultMaxNamespacesPerConnection = 100
	// DefaultMaxDynamicNamespaces bounds the child namespaces that the
	// dynamic namespaces of a server hold at a time.
	DefaultMaxDynamicNamespaces = 10_000
	// DefaultMaxNamespaceLength bounds the length in bytes of a namespace
	// name a client may connect to.
	DefaultMaxNamespaceLength = 256
	// DefaultMaxRecoveryBytes bounds the bytes of the packets the
	// in-memory adapter keeps for connection state recovery, per
	// namespace: 32 MiB.
	DefaultMaxRecoveryBytes = 32 << 20
)

// Options configures a [Server]. A nil *Options means the defaults;
// [NewServer] clones the options and never modifies them.
type Options struct {
	// Path is the HTTP path the server answers on; default DefaultPath.
	// It overrides Engine.Path.
	Path string
	// Engine configures the Engine.IO layer: ping interval and timeout,
	// maximum payload, transports, CORS, cookies, compression, send queue
	// size. Nil means engineio's defaults (Node's).
	Engine *engineio.Options
	// ConnectTimeout closes an Engine.IO connection that has not joined a
	// namespace within this time; default DefaultConnectTimeout.
	ConnectTimeout time.Duration
	// ConnectionStateRecovery turns connection state recovery on: a client
	// that lost its connection gets its socket id, rooms and data back,
	// and the events it missed, when it reconnects in time. Nil is off.
	ConnectionStateRecovery *RecoveryOptions
	// Adapter makes the adapter of each namespace; nil means
	// NewMemoryAdapter.
	Adapter func(nsp *Namespace) Adapter
	// EventQueueSize bounds the incoming events that wait for one socket's
	// handlers (or, with ConcurrentEvents, that run at the same time).
	// While a socket's queue is full, the server stops reading that
	// client's connection until a handler takes an event (backpressure;
	// see Bounds in the package documentation). Default
	// DefaultEventQueueSize.
	EventQueueSize int
	// EventQueueBytes bounds the size (arguments and attachments) of the
	// incoming events waiting for, or running in, one socket's handlers;
	// beyond it the server stops reading the client like beyond
	// EventQueueSize. An event larger than the bound is taken when the
	// socket has no other (its size is bounded by
	// engineio.Options.MaxPayload). Default DefaultEventQueueBytes.
	EventQueueBytes int
	// ConcurrentEvents runs each incoming event's handler in its own
	// goroutine instead of one at a time in arrival order.
	ConcurrentEvents bool
	// KeepEmptyChildNamespaces keeps a namespace created by a dynamic
	// namespace ([Server.OfFunc], [Server.OfRegexp]) after its last socket
	// left, as Node does by default. By default it is removed and its
	// adapter closed (Node's cleanupEmptyChildNamespaces: true), so that
	// clients connecting to ever new names do not make the server grow;
	// kept children count towards MaxDynamicNamespaces.
	KeepEmptyChildNamespaces bool
	// MaxNamespacesPerConnection bounds the namespaces one client
	// connection has joined or is joining; a CONNECT beyond it gets a
	// CONNECT_ERROR "Too many namespaces". Default
	// DefaultMaxNamespacesPerConnection.
	MaxNamespacesPerConnection int
	// MaxDynamicNamespaces bounds the children of all dynamic namespaces
	// together; a CONNECT that would create one more gets a CONNECT_ERROR
	// "Too many namespaces". Default DefaultMaxDynamicNamespaces.
	MaxDynamicNamespaces int
	// MaxNamespaceLength bounds the length in bytes of the namespace name
	// of a CONNECT; a longer one gets a CONNECT_ERROR "Invalid namespace".
	// Default DefaultMaxNamespaceLength.
	MaxNamespaceLength int
	// EventsPerSecond bounds the rate of the events (EVENT and
	// BINARY_EVENT packets) one client connection sends, whatever their
	// namespace, with a token bucket of EventBurst events refilled at
	// EventsPerSecond; an event beyond it is dropped and every socket of
	// the connection is disconnected with [ReasonEventRateLimit] (see
	// there). The limit is per Engine.IO connection rather than per
	// namespace socket, so that joining more namespaces does not raise
	// it; a connection's flood never affects another connection. 0 (the
	// default) means no limit. Per-client limits of handshakes and
	// connections are in Engine.Limits (see docs/limits.md).
	EventsPerSecond float64
	// EventBurst is how many events a connection may send at once (the
	// bucket's size) under EventsPerSecond. Default EventsPerSecond
	// rounded up, at least 1.
	EventBurst int
	// MaxAttachments bounds the binary attachments of one incoming packet;
	// 0 means the parser's default (10).
	MaxAttachments int
	// Logger receives handler errors, recovered panics and protocol
	// errors; nil means slog.Default().
	Logger *slog.Logger
	// Observer, when set, is told of sockets connecting and disconnecting,
	// events, acknowledgements, panics, recoveries and rooms (see
	// [Observer]). Nil observes nothing, at no cost.
	Observer *Observer
}

// RecoveryOptions configures connection state recovery.
type RecoveryOptions struct {
	// MaxDisconnectionDuration is how long a session stays recoverable
	// after its transport was cut; default
	// DefaultMaxDisconnectionDuration.
	MaxDisconnectionDuration time.Duration
	// SkipMiddlewares, when nil or true (Node's default), does not run the
	// namespace's middleware for a recovered socket. The connection
	// handler runs either way.
	SkipMiddlewares *bool
	// MaxPackets bounds the packets kept for replay by the in-memory
	// adapter, per namespace; the oldest are dropped first. Default
	// DefaultMaxRecoveryPackets.
	MaxPackets int
	// MaxBytes bounds the size of the packets kept for replay by the
	// in-memory adapter, per namespace: their data and binary
	// attachments, in bytes. The oldest are dropped first; a packet
	// larger than MaxBytes is not kept. Default DefaultMaxRecoveryBytes.
	MaxBytes int
}

// clone returns a copy of o with defaults filled in.
func (o *Options) clone() *Options {
	c := new(Options)
	if o != nil {
		*c = *o
	}
	if c.Path == "" {
		c.Path = DefaultPath
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.EventQueueSize <= 0 {
		c.EventQueueSize = DefaultEventQueueSize
	}
	if c.MaxNamespacesPerConnection <= 0 {
		c.MaxNamespacesPerConnection = DefaultMaxNamespacesPerConnection
	}
	if c.MaxDynamicNamespaces <= 0 {
		c.MaxDynamicNamespaces = DefaultMaxDynamicNamespaces
	}
	if c.MaxNamespaceLength <= 0 {
		c.MaxNamespaceLength = DefaultMaxNamespaceLength
	}
	if c.EventQueueBytes <= 0 {
		c.EventQueueBytes = DefaultEventQueueBytes
	}
	if c.EventsPerSecond <= 0 {
		c.EventsPerSecond, c.EventBurst = 0, 0
	} else if c.EventBurst <= 0 {
		c.EventBurst = max(1, int(math.Ceil(c.EventsPerSecond)))
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	eng := new(engineio.Options)
	if c.Engine != nil {
		*eng = *c.Engine
	}
	eng.Path = c.Path
	if eng.Logger == nil {
		eng.Logger = c.Logger
	}
	c.Engine = eng
	if c.ConnectionStateRecovery != nil {
		r := *c.ConnectionStateRecovery
		if r.MaxDisconnectionDuration <= 0 {
			r.MaxDisconnectionDuration = DefaultMaxDisconnectionDuration
		}
		if r.MaxPackets <= 0 {
			r.MaxPackets = DefaultMaxRecoveryPackets
		}
		if r.MaxBytes <= 0 {
			r.MaxBytes = DefaultMaxRecoveryBytes
		}
		c.ConnectionStateRecovery = &r
	}
	return c
}

func (r *RecoveryOptions) skipMiddlewares() bool {
	return r.SkipMiddlewares == nil || *r.SkipMiddlewares
}
