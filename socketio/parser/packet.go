package parser

import (
	"errors"
	"strconv"

	"github.com/siogo/sio/internal/jsontext"
)

// Type is a Socket.IO packet type, the first character of every packet.
type Type byte

// The seven packet types of the Socket.IO v5 protocol.
const (
	Connect      Type = 0 // CONNECT: join a namespace (client) or confirm it (server)
	Disconnect   Type = 1 // DISCONNECT: leave a namespace
	Event        Type = 2 // EVENT: an event with JSON arguments
	Ack          Type = 3 // ACK: the JSON arguments of an acknowledgement
	ConnectError Type = 4 // CONNECT_ERROR: the server refused the namespace
	BinaryEvent  Type = 5 // BINARY_EVENT: an event whose arguments refer to binary attachments
	BinaryAck    Type = 6 // BINARY_ACK: an acknowledgement whose arguments refer to binary attachments
)

var typeNames = [...]string{"CONNECT", "DISCONNECT", "EVENT", "ACK", "CONNECT_ERROR", "BINARY_EVENT", "BINARY_ACK"}

// String returns the protocol's name of t, e.g. "BINARY_EVENT".
func (t Type) String() string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// NoID is the [Packet.ID] of a packet that carries no acknowledgement id.
const NoID int64 = -1

// MaxID is the largest acknowledgement id the decoder accepts: the largest
// integer a JavaScript number holds exactly (Number.MAX_SAFE_INTEGER).
const MaxID int64 = 1<<53 - 1

// Packet is one Socket.IO packet.
//
// A decoded packet keeps its type as sent: a packet that arrived as
// BINARY_EVENT has Type [BinaryEvent] and its Attachments; Data is the JSON
// text exactly as sent, placeholders included, so that the arguments are
// decoded once, lazily, by whoever consumes them.
type Packet struct {
	// Type is the packet type.
	Type Type
	// Namespace is the namespace the packet belongs to. After decoding it is
	// always set, to "/" when the packet names none. Encoding omits "/" (and
	// "") as the protocol does.
	Namespace string
	// ID is the acknowledgement id, or NoID when the packet has none.
	ID int64
	// Data is the raw JSON payload after the header (CONNECT and
	// CONNECT_ERROR: an object, or a string for CONNECT_ERROR; EVENT and ACK:
	// an array), or nil when the packet has none. After Decoder.Add it
	// aliases the message it came from; do not modify it.
	Data []byte
	// Attachments holds the binary attachments of a BINARY_EVENT or
	// BINARY_ACK, in order, once all of them have arrived. After Decoder.Add
	// they alias the binary messages they came from.
	Attachments [][]byte

	// Set by the decoder for EVENT and BINARY_EVENT packets, so that
	// EventName does not parse or allocate again. They are used only while
	// Data is still the slice they were computed from.
	name     string
	nameData *byte
	nameLen  int
	restOff  int
}

// ErrMalformed is wrapped by every error that reports a malformed packet
// (see [ParseError]).
var ErrMalformed = errors.New("socketio: malformed packet")

// ParseError describes why a packet is malformed. It wraps [ErrMalformed].
type ParseError struct {
	// Reason says what is wrong, e.g. "unknown packet type '9'".
	Reason string
	// Offset is the byte offset in the message where the problem was found,
	// or -1 when the problem is not at one place (a binary message arriving
	// when none is expected, for example).
	Offset int
}

// Error implements error.
func (e *ParseError) Error() string {
	if e.Offset < 0 {
		return "socketio: malformed packet: " + e.Reason
	}
	return "socketio: malformed packet: " + e.Reason + " at offset " + strconv.Itoa(e.Offset)
}

// Unwrap returns [ErrMalformed].
func (e *ParseError) Unwrap() error { return ErrMalformed }

func parseErr(off int, reason string) error { return &ParseError{Reason: reason, Offset: off} }

// reservedEvents are the event names that have a meaning of their own on a
// Socket.IO client or server (or in Node's EventEmitter), and which a peer
// therefore may not use for events of its own.
var reservedEvents = [...]string{"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}

// IsReservedEvent reports whether name is reserved: connect, connect_error,
// disconnect, disconnecting, newListener or removeListener. The decoder
// rejects EVENT packets with these names, as Node's socket.io-parser does,
// and a server must refuse to emit them.
func IsReservedEvent(name string) bool {
	for _, r := range reservedEvents {
		if name == r {
			return true
		}
	}
	return false
}

// closeBracket is what AckArgs returns for an ACK without payload: no arguments.
var closeBracket = []byte("]")

// EventName splits the Data of an EVENT or BINARY_EVENT packet into the event
// name, its first element, and rest, the remaining elements followed by the
// closing bracket (for example `1,"a"]` or `]`), which is what the
// arguments' decoder takes. Nothing but the name is decoded; rest aliases
// Data.
//
// Like Node's socket.io, the name may also be a JSON number, which is then
// returned in JavaScript's spelling ("1", "2.5", "1e+21").
//
// EventName returns an error wrapping [ErrMalformed] when the packet is not
// an event or its Data is not an array starting with a name. The decoder
// accepts an EVENT without payload (`2`), as Node does, and EventName then
// fails; Node's server ignores such a packet.
func (p *Packet) EventName() (name string, rest []byte, err error) {
	if p.Type != Event && p.Type != BinaryEvent {
		return "", nil, parseErr(-1, p.Type.String()+" packet has no event name")
	}
	if len(p.Data) == 0 {
		return "", nil, parseErr(-1, "event without payload")
	}
	if p.nameData == &p.Data[0] && p.nameLen == len(p.Data) {
		return p.name, p.Data[p.restOff:], nil
	}
	nameRaw, restOff, err := splitEvent(p.Data)
	if err != nil {
		return "", nil, err
	}
	name, err = eventNameString(nameRaw, nil)
	if err != nil {
		return "", nil, err
	}
	return name, p.Data[restOff:], nil
}

// AckArgs returns the elements of an ACK or BINARY_ACK packet's array
// followed by its closing bracket (for example `1,"a"]` or `]`), aliasing
// Data. An ACK without payload has no arguments: AckArgs returns `]`.
func (p *Packet) AckArgs() (rest []byte, err error) {
	if p.Type != Ack && p.Type != BinaryAck {
		return nil, parseErr(-1, p.Type.String()+" packet is not an acknowledgement")
	}
	if p.Data == nil {
		return closeBracket, nil
	}
	i := jsontext.SkipSpace(p.Data, 0)
	if i >= len(p.Data) || p.Data[i] != '[' {
		return nil, parseErr(i, "acknowledgement payload is not an array")
	}
	return p.Data[i+1:], nil
}
