package runtime

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/siogo/sio/socketio"
)

// Spec describes a consumer type T for [Register]. siogen generates one per
// consumer; hand-written code may fill one too.
type Spec[T any] struct {
	// Namespace is the namespace the consumer serves, e.g. "/" or "/chat",
	// when Regexp and Match are nil.
	Namespace string
	// Regexp, when not nil, makes the consumer serve a dynamic namespace
	// (socketio's [socketio.Server.OfRegexp]): every namespace whose name it
	// matches (with MatchString, so anchor it with ^ and $), created when a
	// client first connects to it. Namespace is then ignored.
	Regexp *regexp.Regexp
	// Match, when not nil and Regexp is nil, makes the consumer serve a
	// dynamic namespace ([socketio.Server.OfFunc]): every namespace Match
	// accepts, given its name and the CONNECT packet's auth payload.
	// Namespace is then ignored. Match must not block.
	Match func(name string, auth []byte) bool
	// Connect decodes auth (the raw JSON of the CONNECT payload, nil when
	// the client sent none) and calls the consumer's Connect method. A nil
	// error accepts the connection; an error rejects it (socketio sends
	// CONNECT_ERROR with its message, and the Data of a
	// *socketio.ConnectError in its chain). Nil accepts every connection.
	Connect func(c *T, ctx context.Context, s *socketio.Socket, auth []byte) error
	// Disconnect calls the consumer's Disconnect method. Nil when the
	// consumer has none.
	Disconnect func(c *T, ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason)
	// Dispatcher returns the dispatcher that decodes the events of a socket
	// and calls c's handlers.
	Dispatcher func(c *T) socketio.Dispatcher
}

// ErrNilConsumer is returned to socketio (rejecting the connection) when the
// constructor passed to [Register] returns nil.
var ErrNilConsumer = errors.New("sio: consumer constructor returned nil")

// Register serves spec.Namespace of srv (or the dynamic namespace of
// spec.Regexp or spec.Match) with consumers of type T: for each connection
// to the namespace it makes a fresh consumer with newT, calls its Connect
// (via spec.Connect) and, when that accepts, installs the consumer's
// dispatcher and disconnect handler on the socket. Fields of the consumer
// therefore hold per-connection state.
//
// For a static namespace, Register replaces any connection handler the
// namespace had. A dynamic one is new at each call (srv.OfRegexp,
// srv.OfFunc): a client connecting to a name that no static namespace has
// gets the first registered dynamic namespace that matches it, and a static
// namespace of the same name takes precedence.
func Register[T any](srv *socketio.Server, spec *Spec[T], newT func() *T) {
	var ns *socketio.Namespace
	switch {
	case spec.Regexp != nil:
		ns = srv.OfRegexp(spec.Regexp)
	case spec.Match != nil:
		ns = srv.OfFunc(spec.Match)
	default:
		ns = srv.Of(spec.Namespace)
	}
	ns.OnConnection(ConnectionHandler(spec, newT))
}

// RegisterShared serves spec.Namespace of srv with the one consumer c, shared
// by every connection; its methods must be safe for concurrent use.
func RegisterShared[T any](srv *socketio.Server, spec *Spec[T], c *T) {
	Register(srv, spec, func() *T { return c })
}

// ConnectionHandler returns the handler that [Register] installs: it makes a
// consumer with newT, runs spec.Connect and, on success, sets the socket's
// dispatcher and disconnect handler.
func ConnectionHandler[T any](spec *Spec[T], newT func() *T) socketio.ConnectionHandler {
	sp := *spec // cloned: later changes to *spec do not affect the handler
	return func(ctx context.Context, s *socketio.Socket, auth []byte) error {
		c := newT()
		if c == nil {
			return ErrNilConsumer
		}
		if sp.Connect != nil {
			if err := sp.Connect(c, ctx, s, auth); err != nil {
				return err
			}
		}
		s.SetDispatcher(sp.Dispatcher(c))
		if sp.Disconnect != nil {
			disconnect := sp.Disconnect
			s.OnDisconnect(func(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {
				disconnect(c, ctx, s, reason)
			})
		}
		return nil
	}
}

// ErrDecode is wrapped by every [*DecodeError], those of a failed
// validation included ([ErrInvalid] tells them apart).
var ErrDecode = errors.New("sio: cannot decode")

// DecodeError reports an event argument (or a connection's auth payload)
// that could not be decoded into the handler parameter's type, or that
// decoded but failed its type's Validate method (Err is then a
// [*ValidationError]). The handler is not called.
type DecodeError struct {
	// Event is the event's name; "connect" for the auth payload.
	Event string
	// Arg is the argument's index among the event's arguments (0 for the
	// first after the event name); -1 for the auth payload.
	Arg int
	// Err is the cause: encoding/json's error (a *json.UnmarshalTypeError,
	// a *json.SyntaxError, or a custom unmarshaler's), ErrMissing, or a
	// socketio error for binary attachments; or a [*ValidationError] when
	// the value decoded but its Validate method returned an error.
	Err error
}

// Error describes the failure: "sio: cannot decode argument 0 of event
// "move": argument missing". The cause's own "sio: " prefix is dropped, so
// the text carries it once.
//
// When the cause is a [*ValidationError] (the value decoded, but its
// Validate method failed), the text says so with Validate's message: "sio:
// invalid argument 0 of event "move": x out of range", "sio: invalid auth
// payload of connect: token missing".
func (e *DecodeError) Error() string {
	if v, ok := e.Err.(*ValidationError); ok {
		if e.Arg < 0 {
			return fmt.Sprintf("sio: invalid auth payload of %s: %s", e.Event, v.cause())
		}
		return fmt.Sprintf("sio: invalid argument %d of event %q: %s", e.Arg, e.Event, v.cause())
	}
	cause := "<nil>"
	if e.Err != nil {
		cause = strings.TrimPrefix(e.Err.Error(), "sio: ")
	}
	if e.Arg < 0 {
		return fmt.Sprintf("sio: cannot decode the auth payload of %s: %s", e.Event, cause)
	}
	return fmt.Sprintf("sio: cannot decode argument %d of event %q: %s", e.Arg, e.Event, cause)
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// Is reports whether target is ErrDecode.
func (e *DecodeError) Is(target error) bool { return target == ErrDecode }

// ErrMissing is the cause of a [*DecodeError] for an argument that a handler
// requires (its parameter is not a pointer) but the event does not carry.
var ErrMissing = errors.New("sio: argument missing")

// DecodeFailed returns the *DecodeError for argument arg of event.
func DecodeFailed(event string, arg int, err error) error {
	return &DecodeError{Event: event, Arg: arg, Err: err}
}
