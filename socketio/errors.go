package socketio

import "errors"

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
