package socketio

import (
	"errors"
	"fmt"
)

// More errors reported by the socketio package.
var (
	// ErrDisconnected is returned by operations on a socket that has left
	// its namespace, such as waiting for an acknowledgement.
	ErrDisconnected = errors.New("socketio: socket disconnected")
	// ErrBinaryServerSide is returned by ServerSideEmit for []byte
	// arguments, which server-side events cannot carry.
	ErrBinaryServerSide = errors.New("socketio: server-side events cannot carry binary arguments")
	// ErrParentNamespace is returned for operations that a dynamic
	// namespace cannot do across its children (broadcast acknowledgements).
	ErrParentNamespace = errors.New("socketio: not supported on a dynamic namespace; use a child namespace")
	// ErrConnectTimeout is the cause ([context.Cause]) of the ctx of a
	// socket whose connect step (middleware and connection handler) did not
	// finish within Options.ConnectTimeout: the connection was refused with
	// a CONNECT_ERROR "Connection timeout", and the step's result, when it
	// comes, is discarded.
	ErrConnectTimeout = errors.New("socketio: connect timed out")
)

// ReservedEventError is returned when emitting an event whose name the
// protocol reserves (connect, connect_error, disconnect, disconnecting,
// newListener, removeListener).
type ReservedEventError struct {
	Event string
}

// Error describes the error.
func (e *ReservedEventError) Error() string {
	return "socketio: " + e.Event + " is a reserved event name"
}

// panicError is a recovered panic of a handler. Its text, and the stack
// logged with it, are for the server's log only: a client is told
// [internalErrorMessage].
type panicError struct {
	what  string // "middleware", "connection handler", ...
	value any    // what was passed to panic
}

// Error describes the panic.
func (e *panicError) Error() string {
	return fmt.Sprintf("socketio: %s panicked: %v", e.what, e.value)
}

// Is makes a panicError match ErrHandlerPanic.
func (e *panicError) Is(target error) bool { return target == ErrHandlerPanic }

// internalErrorMessage is the CONNECT_ERROR message of a namespace
// connection whose middleware or connection handler panicked.
const internalErrorMessage = "Internal server error"

// connectTimeoutMessage is the CONNECT_ERROR message of a namespace
// connection refused because its connect step outlived
// Options.ConnectTimeout.
const connectTimeoutMessage = "Connection timeout"
