package engineio

import (
	"errors"
	"fmt"
)

// CloseReason says why a session closed. It is passed to the OnClose handler
// and has the same text as the reasons the Node.js engine.io server reports.
type CloseReason string

// The reasons a session closes.
const (
	// ReasonTransportClose: the client closed the session (close packet) or
	// its connection ended.
	ReasonTransportClose CloseReason = "transport close"
	// ReasonTransportError: the connection failed or the client broke the
	// protocol's rules about requests (overlapping polls, oversized input).
	ReasonTransportError CloseReason = "transport error"
	// ReasonPingTimeout: no pong arrived within PingTimeout after a ping.
	ReasonPingTimeout CloseReason = "ping timeout"
	// ReasonForcedClose: the server application called Session.Close.
	ReasonForcedClose CloseReason = "forced close"
	// ReasonParseError: the client sent a packet that cannot be decoded.
	ReasonParseError CloseReason = "parse error"
	// ReasonServerShutdown: Server.Shutdown closed the session.
	ReasonServerShutdown CloseReason = "server shutting down"
	// ReasonSendQueueFull: the session's send queue reached SendQueueSize
	// because the client does not read fast enough.
	ReasonSendQueueFull CloseReason = "send queue full"
)

// Sentinel errors. Errors returned or reported by this package wrap them so
// that errors.Is works.
var (
	// ErrClosed is returned by Session.Send after the session closed or
	// started closing.
	ErrClosed = errors.New("engineio: session closed")
	// ErrSendQueueFull is returned by Session.Send when the message would
	// exceed Options.SendQueueSize; the session is closed with
	// ReasonSendQueueFull.
	ErrSendQueueFull = errors.New("engineio: send queue full")
	// ErrInvalidUTF8 is returned by Session.Send for a text message whose
	// Data is not valid UTF-8 (nothing is sent; the session stays open):
	// a WebSocket text frame must be UTF-8, and clients close the
	// connection on one that is not.
	ErrInvalidUTF8 = errors.New("engineio: text message is not valid UTF-8")
	// ErrPayloadTooLarge is reported to OnClose when a client sends more
	// than Options.MaxPayload bytes in one request or message.
	ErrPayloadTooLarge = errors.New("engineio: payload too large")
	// ErrProtocol is wrapped by errors reported to OnClose when the client
	// breaks the protocol (overlapping requests, wrong heartbeat direction,
	// binary polling bodies).
	ErrProtocol = errors.New("engineio: protocol violation")
	// ErrMalformed is wrapped by every *ParseError.
	ErrMalformed = errors.New("engineio: malformed packet")
)

// ParseError describes a packet or payload that cannot be decoded. It is
// reported to OnClose with ReasonParseError and matches ErrMalformed.
type ParseError struct {
	Reason string
}

func (e *ParseError) Error() string { return "engineio: malformed packet: " + e.Reason }

// Is reports whether target is ErrMalformed.
func (e *ParseError) Is(target error) bool { return target == ErrMalformed }

// protocolError builds an error wrapping ErrProtocol.
func protocolError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrProtocol, fmt.Sprintf(format, args...))
}

// ErrorCode is the numeric code in the JSON body of a refused HTTP request,
// the same codes as the Node.js engine.io server.
type ErrorCode int

// The error codes of refused requests.
const (
	CodeUnknownTransport           ErrorCode = 0 // "Transport unknown"
	CodeUnknownSID                 ErrorCode = 1 // "Session ID unknown"
	CodeBadHandshakeMethod         ErrorCode = 2 // "Bad handshake method"
	CodeBadRequest                 ErrorCode = 3 // "Bad request"
	CodeForbidden                  ErrorCode = 4 // "Forbidden"
	CodeUnsupportedProtocolVersion ErrorCode = 5 // "Unsupported protocol version"
)

var codeMessages = [...]string{
	CodeUnknownTransport:           "Transport unknown",
	CodeUnknownSID:                 "Session ID unknown",
	CodeBadHandshakeMethod:         "Bad handshake method",
	CodeBadRequest:                 "Bad request",
	CodeForbidden:                  "Forbidden",
	CodeUnsupportedProtocolVersion: "Unsupported protocol version",
}

// String returns the code's standard message, e.g. "Session ID unknown".
func (c ErrorCode) String() string {
	if c >= 0 && int(c) < len(codeMessages) {
		return codeMessages[c]
	}
	return fmt.Sprintf("ErrorCode(%d)", int(c))
}

// RequestError is a refused HTTP request: the server answers it with
// HTTP status 403 for CodeForbidden and 400 otherwise, and the JSON body
// {"code":Code,"message":Message} (WebSocket upgrade requests get the
// message as text, as in Node.js).
type RequestError struct {
	Code    ErrorCode
	Message string // the code's standard message unless AllowRequest gave one
}

func (e *RequestError) Error() string {
	return fmt.Sprintf("engineio: request refused: %s (code %d)", e.Message, int(e.Code))
}

// status is the HTTP status code of the refusal.
func (e *RequestError) status() int {
	if e.Code == CodeForbidden {
		return 403
	}
	return 400
}

func refuse(code ErrorCode) *RequestError {
	return &RequestError{Code: code, Message: code.String()}
}
