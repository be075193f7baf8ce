package client

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/siogo/sio/client/internal/eio"
)

// Sentinel errors; errors returned by this package wrap them so that
// errors.Is works.
var (
	// ErrClosed is returned once the Manager is closed.
	ErrClosed = errors.New("client: closed")
	// ErrDisconnected is returned by EmitWithAck when the socket disconnects
	// before the acknowledgement arrives (socket.io-client's "socket has
	// been disconnected"), and by Socket.Connect when the socket is
	// disconnected while connecting.
	ErrDisconnected = errors.New("client: socket has been disconnected")
	// ErrNotConnected is returned by Event.Ack when the socket is no longer
	// connected.
	ErrNotConnected = errors.New("client: socket not connected")
	// ErrSendBufferFull is returned by Emit when the socket is not connected
	// and Options.SendBufferSize packets already wait.
	ErrSendBufferFull = errors.New("client: send buffer full")
	// ErrWriteQueueFull is returned by Emit when Options.WriteQueueSize
	// messages already wait to be written.
	ErrWriteQueueFull = eio.ErrQueueFull
	// ErrReservedEvent is returned by Emit for an event name that is
	// reserved (connect, connect_error, disconnect, disconnecting,
	// newListener, removeListener).
	ErrReservedEvent = errors.New("client: reserved event name")
	// ErrAckAlreadySent is returned by Event.Ack after the first call.
	ErrAckAlreadySent = errors.New("client: acknowledgement already sent")
	// ErrAckTimeout is returned by EmitWithAck when no acknowledgement came
	// within SocketOptions.AckTimeout (socket.io-client's "operation has
	// timed out"): without retries, when the context has no deadline of its
	// own; with retries, when the last try timed out. It matches
	// context.DeadlineExceeded with errors.Is too.
	ErrAckTimeout error = ackTimeoutError{}
	// ErrRetryQueueFull is returned by Emit and EmitWithAck on a socket with
	// SocketOptions.Retries when SocketOptions.RetryQueueSize packets
	// already wait in its retry queue.
	ErrRetryQueueFull = errors.New("client: retry queue full")
)

// ackTimeoutError is ErrAckTimeout's type: an error that errors.Is matches
// with context.DeadlineExceeded as well.
type ackTimeoutError struct{}

func (ackTimeoutError) Error() string { return "client: operation has timed out" }

// Is reports whether target is context.DeadlineExceeded.
func (ackTimeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// Timeout reports true, as net.Error's Timeout does for timeouts.
func (ackTimeoutError) Timeout() bool { return true }

// ConnectError is the server's refusal of a namespace (a CONNECT_ERROR
// packet): its middleware's error message and data. Socket.Connect returns
// it, and Socket.OnConnectError handlers receive it.
type ConnectError struct {
	// Message is the error's message.
	Message string
	// Data is the JSON of the error's data, nil when there is none.
	Data json.RawMessage
}

func (e *ConnectError) Error() string { return "client: connect error: " + e.Message }
