// Package tracing makes OpenTelemetry spans of a [socketio.Server]'s
// events and acknowledgements, through its [socketio.Observer] hook, and
// carries W3C trace context from Socket.IO clients, which have no headers.
//
// # Use
//
//	obs := tracing.Observer(&tracing.Options{TracerProvider: tp})
//	io := socketio.NewServer(&socketio.Options{Observer: obs})
//
// (with package socketio/metrics as well: Observer:
// socketio.MergeObservers(obs, m.Observer()), or m.Instrument on options
// holding obs).
//
// # Spans
//
//   - "socket.io event" (kind server) around each handled event: its ctx
//     is the handler's, so the handler's own spans are its children.
//     Attributes: messaging.system "socket.io", socketio.namespace,
//     socketio.event (the first MaxEventNameLength bytes of the name),
//     socketio.socket.id, network.transport (polling or websocket). Status
//     Error with the error recorded when the handler returned an error or
//     panicked (attribute socketio.panic true); socketio.unknown_event true
//     for an event without handler.
//   - "socket.io ack sent" (kind producer) for each acknowledgement a
//     handler sends (its [socketio.AckFunc] call, during the handler or
//     after it returned), a child of the event's span, with the event's
//     attributes.
//   - "socket.io ack" (kind client) for each [socketio.Socket.EmitWithAck],
//     from the call to the acknowledgement, a child of EmitWithAck's ctx
//     (inside a handler: of the event's span). Status Error when no
//     acknowledgement came (timeout, disconnection).
//
// # Trace context from clients
//
// A client's trace context reaches the server in two places, each a W3C
// traceparent string (and optionally tracestate):
//
//   - In the handshake auth, as the field "traceparent" (AuthField): every
//     event of the socket without a trace context of its own gets a span
//     whose parent is that one.
//   - Per event, as a string member "traceparent" (EventField) of the
//     event's first argument when it is a JSON object: handlers that
//     decode the argument into a struct, or read named fields in
//     JavaScript, do not see it. It takes precedence over the handshake's.
//
// From socket.io-client, with @opentelemetry/api (docs/observability.md has
// the whole snippet):
//
//	const carrier = {};
//	propagation.inject(context.active(), carrier); // {traceparent: "00-…"}
//	const socket = io(url, { auth: { ...carrier } });
//	socket.emit("chat", { text: "hi", ...carrier });
//
// Traceparents that do not parse are ignored (the span is a root), as the
// W3C recommendation asks.
//
// # Concurrency
//
// The observer is safe for concurrent use. It keeps the handshake's trace
// context of each connected socket until it disconnects.
package tracing

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/siogo/sio/socketio"
)

// The fields that carry a W3C trace context: in the handshake auth object,
// and in an event's first argument when it is an object.
const (
	AuthField  = "traceparent"
	EventField = "traceparent"
)

// MaxEventNameLength bounds the event name recorded in the socketio.event
// attribute: event names are the client's.
const MaxEventNameLength = 128

// ScopeName is the instrumentation scope of the tracer.
const ScopeName = "github.com/siogo/sio/socketio/tracing"

// Span names.
const (
	EventSpanName   = "socket.io event"
	AckSpanName     = "socket.io ack"
	AckSentSpanName = "socket.io ack sent"
)

// Options configures [Observer]. A nil *Options means the defaults.
type Options struct {
	// TracerProvider makes the tracer; default otel.GetTracerProvider().
	TracerProvider trace.TracerProvider
	// Propagator extracts the clients' trace context; default
	// propagation.TraceContext{} (W3C traceparent and tracestate).
	Propagator propagation.TextMapPropagator
	// IgnoreEventContext, when true, does not read a trace context from
	// events' first arguments, only from the handshake.
	IgnoreEventContext bool
}

// Observer returns a [socketio.Observer] that makes the spans described in
// the package documentation.
func Observer(opts *Options) *socketio.Observer {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.TracerProvider == nil {
		o.TracerProvider = otel.GetTracerProvider()
	}
	if o.Propagator == nil {
		o.Propagator = propagation.TraceContext{}
	}
	t := &tracer{o: o, tracer: o.TracerProvider.Tracer(ScopeName)}
	return &socketio.Observer{
		SocketConnected:    t.connected,
		SocketDisconnected: func(s *socketio.Socket, _ socketio.DisconnectReason) { t.parents.Delete(s) },
		EventStart:         t.eventStart,
		EventDone:          t.eventDone,
		AckDone:            t.ackDone,
		AckSent:            t.ackSent,
	}
}

type tracer struct {
	o      Options
	tracer trace.Tracer
	// parents holds the trace context of each connected socket's
	// handshake (trace.SpanContext), by *socketio.Socket.
	parents sync.Map
}

// carrier is a trace context as a client sends it.
type carrier struct {
	Traceparent string `json:"traceparent"`
	Tracestate  string `json:"tracestate"`
}

// extract returns the remote span context in the JSON object raw, if any.
func (t *tracer) extract(raw []byte) (trace.SpanContext, bool) {
	if len(raw) == 0 || raw[0] != '{' || !bytes.Contains(raw, []byte(`"traceparent"`)) {
		return trace.SpanContext{}, false
	}
	var c carrier
	if json.Unmarshal(raw, &c) != nil || c.Traceparent == "" {
		return trace.SpanContext{}, false
	}
	m := propagation.MapCarrier{"traceparent": c.Traceparent}
	if c.Tracestate != "" {
		m["tracestate"] = c.Tracestate
	}
	sc := trace.SpanContextFromContext(t.o.Propagator.Extract(context.Background(), m))
	return sc, sc.IsValid()
}

func (t *tracer) connected(s *socketio.Socket) {
	if sc, ok := t.extract(s.Handshake().Auth); ok {
		t.parents.Store(s, sc)
	}
}

func (t *tracer) eventStart(ctx context.Context, s *socketio.Socket, event string, args *socketio.Args) context.Context {
	sc, ok := trace.SpanContext{}, false
	if !t.o.IgnoreEventContext {
		sc, ok = t.extract(args.Raw(0))
	}
	if !ok {
		if v, found := t.parents.Load(s); found {
			sc, ok = v.(trace.SpanContext), true
		}
	}
	if ok {
		ctx = trace.ContextWithRemoteSpanContext(ctx, sc)
	}
	if len(event) > MaxEventNameLength {
		event = event[:MaxEventNameLength]
	}
	ctx, _ = t.tracer.Start(ctx, EventSpanName,
		trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(
			attribute.String("messaging.system", "socket.io"),
			attribute.String("socketio.namespace", s.Namespace().Name()),
			attribute.String("socketio.event", event),
			attribute.String("socketio.socket.id", s.ID()),
			attribute.String("network.transport", s.Transport()),
		))
	return ctx
}

func (t *tracer) eventDone(ctx context.Context, _ *socketio.Socket, _ string, _ time.Duration, err error) {
	span := trace.SpanFromContext(ctx)
	switch {
	case err == nil:
	case errors.Is(err, socketio.ErrUnknownEvent):
		span.SetAttributes(attribute.Bool("socketio.unknown_event", true))
	default:
		if errors.Is(err, socketio.ErrHandlerPanic) {
			span.SetAttributes(attribute.Bool("socketio.panic", true))
		}
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

func (t *tracer) ackDone(ctx context.Context, s *socketio.Socket, event string, start time.Time, err error) {
	if len(event) > MaxEventNameLength {
		event = event[:MaxEventNameLength]
	}
	_, span := t.tracer.Start(ctx, AckSpanName,
		trace.WithSpanKind(trace.SpanKindClient),
		trace.WithTimestamp(start),
		trace.WithAttributes(
			attribute.String("messaging.system", "socket.io"),
			attribute.String("socketio.namespace", s.Namespace().Name()),
			attribute.String("socketio.event", event),
			attribute.String("socketio.socket.id", s.ID()),
		))
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

func (t *tracer) ackSent(ctx context.Context, s *socketio.Socket, event string) {
	if len(event) > MaxEventNameLength {
		event = event[:MaxEventNameLength]
	}
	_, span := t.tracer.Start(ctx, AckSentSpanName,
		trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(
			attribute.String("messaging.system", "socket.io"),
			attribute.String("socketio.namespace", s.Namespace().Name()),
			attribute.String("socketio.event", event),
			attribute.String("socketio.socket.id", s.ID()),
		))
	span.End()
}
