package socketio

import (
	"context"
	"errors"
	"time"

	"github.com/siogo/sio/internal/hookchain"
)

// Observer receives the facts of a Socket.IO server's life, for metrics,
// tracing or an admin view, in the manner of net/http/httptrace and gRPC's
// stats.Handler: every field is optional, and a nil field costs one
// comparison on the hot path. Set it in Options.Observer (and the
// transport-level [engineio.Observer] in Options.Engine.Observer); package
// socketio/metrics turns both into Prometheus metrics, package
// socketio/otel into OpenTelemetry spans.
//
// The functions are called synchronously, on the goroutine where the fact
// happens (a connection's reader, a socket's worker, an emitter's),
// concurrently for different sockets, and never while a lock of the server
// is held; they must be fast, must not block and must not panic (they are
// not recovered: they are the application's own code, as with
// net/http/httptrace). They must not keep the [*Args] they are given beyond
// the call.
//
// # Client-controlled strings
//
// Event names and room names may be anything a client sent (an event name
// is at most engineio.Options.MaxPayload bytes long); namespace names are
// bounded by Options.MaxNamespaceLength, and the names of dynamic
// namespaces' children by Options.MaxDynamicNamespaces. An observer that
// keys anything by them (a metric label, a map) must bound the set itself:
// see [Namespace.Parent] to fold children into their dynamic namespace.
// Disconnect reasons, refusal reasons and panic sites come from fixed sets.
type Observer struct {
	// SocketConnected is called when a socket joined its namespace (its
	// CONNECT reply is sent), before any of its events is handled.
	// [Socket.Recovered] tells a recovered socket.
	SocketConnected func(s *Socket)
	// SocketDisconnected is called once for every socket SocketConnected
	// reported, when it left its namespace, before its disconnect
	// handlers run.
	SocketDisconnected func(s *Socket, reason DisconnectReason)
	// ConnectRefused is called for every CONNECT answered with a
	// CONNECT_ERROR. nsp is nil when no namespace was found or made for
	// the name (RefusalInvalidNamespace, RefusalTooManyNamespaces).
	ConnectRefused func(nsp *Namespace, reason Refusal)
	// EventReceived is called on the connection's reading goroutine for
	// every event packet of a socket, before it is queued for its handler;
	// size is the length of its arguments' JSON text and attachments.
	EventReceived func(s *Socket, event string, size int)
	// EventStart is called on the socket's worker before an event's
	// handler (after its OnAny listeners). The context it returns is the
	// handler's ctx and EventDone's; return ctx itself to change nothing.
	EventStart func(ctx context.Context, s *Socket, event string, args *Args) context.Context
	// EventDone is called when an event's handler returned (or panicked),
	// with the time it took and its error: nil, the handler's error, one
	// matching [ErrHandlerPanic] for a panic, or [ErrUnknownEvent] when
	// the event had no handler (then, only the OnAny listeners saw it).
	EventDone func(ctx context.Context, s *Socket, event string, elapsed time.Duration, err error)
	// EventSent is called once for every event emitted by the application
	// to a namespace: by [Socket.Emit] or [Socket.EmitWithAck] (nsp is the
	// socket's namespace), or by a broadcast ([BroadcastOperator.Emit],
	// [BroadcastOperator.EmitWithAck], [Namespace.Emit]; once, whatever
	// the number of receivers).
	EventSent func(nsp *Namespace, event string)
	// AckDone is called when [Socket.EmitWithAck] returned, with its
	// error: nil for an acknowledgement; one matching ctx's error
	// (errors.Is(err, context.DeadlineExceeded) for a timeout) when ctx
	// ended first; [ErrDisconnected]; or an emit error. ctx is
	// EmitWithAck's ctx; start is when it was called.
	AckDone func(ctx context.Context, s *Socket, event string, start time.Time, err error)
	// AckSent is called when a handler's [AckFunc] sent the
	// acknowledgement a client asked for with event, during the handler
	// or after it returned; ctx is the handler's (the one EventStart
	// returned).
	AckSent func(ctx context.Context, s *Socket, event string)
	// DecodeError is called when a connection sent a packet that cannot
	// be decoded, just before the connection is closed ("parse error").
	DecodeError func(err error)
	// Panic is called for every recovered panic of application code: what
	// is "middleware", "connection handler", "event handler", "any
	// listener", "outgoing listener", "disconnecting handler" or
	// "disconnect handler".
	Panic func(nsp *Namespace, what string)
	// RecoveryAttempted is called when a client asked to recover a
	// session (connection state recovery): ok reports whether it was
	// recovered.
	RecoveryAttempted func(nsp *Namespace, ok bool)
	// RoomJoined and RoomLeft are called when the namespace's
	// [MemoryAdapter] (or an adapter embedding it) added the socket id to
	// a room or removed it from one, including the socket's own room.
	// Rooms are any string the application chose.
	RoomJoined, RoomLeft func(nsp *Namespace, id, room string)
	// AdapterMessage is called by a cluster adapter (the Redis adapters of
	// package redisadapter and its subpackages) for each message of nsp it
	// sent to the other servers (direction [AdapterOut]: published, or
	// queued for publishing) or received from one and handled (direction
	// [AdapterIn]). kind is the message's type as Node's adapters name it
	// ("BROADCAST", "FETCH_SOCKETS", "FETCH_SOCKETS_RESPONSE", "REMOTE_JOIN",
	// ... or [AdapterKindResponse]), from a fixed set: any other type a
	// peer sent is [AdapterKindOther]. An adapter reports through
	// [Namespace.ObserveAdapterMessage]; [MemoryAdapter] sends nothing.
	AdapterMessage func(nsp *Namespace, direction, kind string)
	// AdapterError is called by a cluster adapter when an operation of
	// nsp failed: op is [AdapterOpPublish], [AdapterOpDecode],
	// [AdapterOpRequestTimeout], [AdapterOpReceiveQueueFull] or
	// [AdapterOpOther]; err says why (it may name hosts: do not show it to
	// clients). An adapter reports through [Namespace.ObserveAdapterError].
	AdapterError func(nsp *Namespace, op string, err error)
}

// Refusal says why a CONNECT was refused; see Observer.ConnectRefused.
type Refusal string

// The reasons of a refused CONNECT.
const (
	// RefusalInvalidNamespace: no namespace of that name, or a name longer
	// than Options.MaxNamespaceLength ("Invalid namespace").
	RefusalInvalidNamespace Refusal = "invalid namespace"
	// RefusalTooManyNamespaces: Options.MaxNamespacesPerConnection or
	// Options.MaxDynamicNamespaces reached ("Too many namespaces").
	RefusalTooManyNamespaces Refusal = "too many namespaces"
	// RefusalMiddleware: a middleware or the connection handler returned
	// an error.
	RefusalMiddleware Refusal = "middleware"
	// RefusalPanic: a middleware or the connection handler panicked.
	RefusalPanic Refusal = "panic"
	// RefusalTimeout: the connect step outlived Options.ConnectTimeout.
	RefusalTimeout Refusal = "timeout"
	// RefusalNamespaceUnavailable: the namespace's adapter did not start.
	RefusalNamespaceUnavailable Refusal = "namespace unavailable"
)

// ErrHandlerPanic is matched (errors.Is) by the error that stands for a
// recovered panic of a handler or middleware.
var ErrHandlerPanic = errors.New("socketio: handler panicked")

// refusalOf classifies the error that refused a CONNECT.
func refusalOf(err error) Refusal {
	switch {
	case errors.Is(err, ErrConnectTimeout):
		return RefusalTimeout
	case errors.Is(err, ErrNamespaceUnavailable):
		return RefusalNamespaceUnavailable
	case errors.Is(err, ErrHandlerPanic):
		return RefusalPanic
	}
	return RefusalMiddleware
}

// MergeObservers returns an Observer calling each of obs (nil ones
// skipped) in order, for a server observed by several packages (metrics
// and tracing). EventStart contexts are threaded: each observer gets the
// one the previous returned. It returns nil when all are nil, and the one
// observer itself when there is only one.
func MergeObservers(obs ...*Observer) *Observer {
	list := hookchain.NonNil(obs)
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	var m Observer
	for _, o := range list {
		m.SocketConnected = hookchain.Then1(m.SocketConnected, o.SocketConnected)
		m.SocketDisconnected = hookchain.Then2(m.SocketDisconnected, o.SocketDisconnected)
		m.ConnectRefused = hookchain.Then2(m.ConnectRefused, o.ConnectRefused)
		m.EventReceived = hookchain.Then3(m.EventReceived, o.EventReceived)
		m.EventStart = hookchain.Pipe(m.EventStart, o.EventStart)
		m.EventDone = hookchain.Then5(m.EventDone, o.EventDone)
		m.EventSent = hookchain.Then2(m.EventSent, o.EventSent)
		m.AckDone = hookchain.Then5(m.AckDone, o.AckDone)
		m.AckSent = hookchain.Then3(m.AckSent, o.AckSent)
		m.DecodeError = hookchain.Then1(m.DecodeError, o.DecodeError)
		m.Panic = hookchain.Then2(m.Panic, o.Panic)
		m.RecoveryAttempted = hookchain.Then2(m.RecoveryAttempted, o.RecoveryAttempted)
		m.RoomJoined = hookchain.Then3(m.RoomJoined, o.RoomJoined)
		m.RoomLeft = hookchain.Then3(m.RoomLeft, o.RoomLeft)
		m.AdapterMessage = hookchain.Then3(m.AdapterMessage, o.AdapterMessage)
		m.AdapterError = hookchain.Then3(m.AdapterError, o.AdapterError)
	}
	return &m
}
