package client

import (
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
)

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
