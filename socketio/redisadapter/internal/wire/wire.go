package wire

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DefaultKey is the channel prefix Node's adapter uses when opts.key is unset.
const DefaultKey = "socket.io"

// MaxDepth bounds how deeply arrays and objects may nest in a decoded message.
const MaxDepth = 128

// ErrMalformed is wrapped by every decoding error.
var ErrMalformed = errors.New("socketio: malformed redis adapter message")

// ErrUnsupported is wrapped when a value cannot be encoded in the wire format.
var ErrUnsupported = errors.New("socketio: value not supported by the redis adapter wire format")

// DecodeError describes where a message failed to decode. It wraps
// [ErrMalformed].
type DecodeError struct {
	Message string // which message: "broadcast", "request", "response"
	Field   string // the field being decoded, "" for the message itself
	Reason  string
}

func (e *DecodeError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("socketio: malformed redis adapter %s: %s", e.Message, e.Reason)
	}
	return fmt.Sprintf("socketio: malformed redis adapter %s: %s: %s", e.Message, e.Field, e.Reason)
}

// Unwrap returns [ErrMalformed].
func (e *DecodeError) Unwrap() error { return ErrMalformed }

// RequestType is the "type" of a request or typed response, numbered as in
// Node's adapter.
type RequestType int

// Request types. Sockets (0) is answered but never sent by adapter 8.x;
// BroadcastClientCount and BroadcastAck appear only in responses.
const (
	Sockets              RequestType = 0
	AllRooms             RequestType = 1
	RemoteJoin           RequestType = 2
	RemoteLeave          RequestType = 3
	RemoteDisconnect     RequestType = 4
	RemoteFetch          RequestType = 5
	ServerSideEmit       RequestType = 6
	Broadcast            RequestType = 7
	BroadcastClientCount RequestType = 8
	BroadcastAck         RequestType = 9

	// NoType marks a response without a "type" field (the responses to
	// SOCKETS, ALL_ROOMS, REMOTE_FETCH and the legacy sid forms).
	NoType RequestType = -1
)

var requestTypeNames = [...]string{
	"SOCKETS", "ALL_ROOMS", "REMOTE_JOIN", "REMOTE_LEAVE", "REMOTE_DISCONNECT",
	"REMOTE_FETCH", "SERVER_SIDE_EMIT", "BROADCAST", "BROADCAST_CLIENT_COUNT", "BROADCAST_ACK",
}

// String returns the name Node's adapter uses, such as "REMOTE_FETCH".
func (t RequestType) String() string {
	if t >= 0 && int(t) < len(requestTypeNames) {
		return requestTypeNames[t]
	}
	if t == NoType {
		return "NONE"
	}
	return "RequestType(" + strconv.Itoa(int(t)) + ")"
}

// Channels holds the Redis channel names one server uses for one namespace.
type Channels struct {
	// Broadcast is "<key>#<nsp>#". Servers PSUBSCRIBE to Broadcast+"*", so
	// they receive the room channels too.
	Broadcast string
	// Request is "<key>-request#<nsp>#". PUBSUB NUMSUB on it counts the
	// servers of the namespace.
	Request string
	// Response is "<key>-response#<nsp>#", where responses go by default.
	Response string
	// SpecificResponse is "<key>-response#<nsp>#<uid>#", where responses go
	// when the requester runs with publishOnSpecificResponseChannel.
	SpecificResponse string
}

// NewChannels returns the channel names for key (DefaultKey when empty),
// namespace nsp (such as "/" or "/chat") and server uid.
func NewChannels(key, nsp, uid string) Channels {
	if key == "" {
		key = DefaultKey
	}
	resp := key + "-response#" + nsp + "#"
	return Channels{
		Broadcast:        key + "#" + nsp + "#",
		Request:          key + "-request#" + nsp + "#",
		Response:         resp,
		SpecificResponse: resp + uid + "#",
	}
}

// BroadcastTo returns the channel a broadcast is published on: the room
// channel "<key>#<nsp>#<room>#" when rooms holds exactly one room, else the
// namespace channel.
func (c Channels) BroadcastTo(rooms []string) string {
	if len(rooms) == 1 {
		return c.Broadcast + rooms[0] + "#"
	}
	return c.Broadcast
}

// Room returns the room named by a broadcast channel: "" for the namespace
// channel itself, and ok false for a channel that is not c.Broadcast or one of
// its room channels. Like Node, it strips the prefix and the last byte.
func (c Channels) Room(channel string) (room string, ok bool) {
	if !strings.HasPrefix(channel, c.Broadcast) {
		return "", false
	}
	rest := channel[len(c.Broadcast):]
	if rest == "" {
		return "", true
	}
	if !strings.HasSuffix(rest, "#") {
		return "", false
	}
	return rest[:len(rest)-1], true
}

// ResponseChannelFor returns where a response to a request from uid goes:
// the specific channel of uid when specific is true, else the shared one.
func (c Channels) ResponseChannelFor(uid string, specific bool) string {
	if specific {
		return c.Response + uid + "#"
	}
	return c.Response
}

// BroadcastFlags are the broadcast operator's flags Node sends along with a
// broadcast. Fields are written in declaration order when set.
type BroadcastFlags struct {
	Volatile bool
	Compress *bool // nil: not set
	Local    bool  // never published by Node: local broadcasts stay local
	// Timeout is the ack timeout of a broadcast with acks (milliseconds on the
	// wire); nil when not set.
	Timeout              *time.Duration
	ExpectSingleResponse bool
}

// BroadcastOptions selects the sockets of a broadcast or remote operation.
type BroadcastOptions struct {
	Rooms  []string // sockets in any of these rooms; empty = all sockets
	Except []string // minus sockets in any of these rooms (socket ids are rooms)
	// Flags is sent with broadcasts (Node always sends an object, {} when
	// empty); nil leaves the key out, as Node's JSON requests do.
	Flags *BroadcastFlags
}

// Packet is the socket.io-parser packet object carried by broadcasts, before
// the socket.io text encoding: {type, data, nsp, id?}.
type Packet struct {
	Type int    // 2 (EVENT) for broadcasts; binary is carried in Data, not in the type
	Nsp  string // namespace; "/" when the message names none
	// Data is the event name followed by its arguments, as []any. Decoded
	// values are nil, bool, int64, uint64 (above MaxInt64), float64, string,
	// []byte (binary), []any, [Object] and time.Time. Encoding also takes
	// other integer and float types, []string, map[string]any (keys in the
	// order of a JavaScript object built in sorted order), json.RawMessage,
	// [JSONData] and any value encoding/json can marshal.
	Data any
	ID   *int // ack id; never set by Node's adapter, which assigns ids per server
}

// BroadcastMessage is what a server publishes on the broadcast channels.
type BroadcastMessage struct {
	UID    string // the sending server; receivers ignore their own messages
	Packet Packet
	Opts   BroadcastOptions
}

// Request is published on the request channel. Which fields are set depends
// on Type; see docs/scaling.md.
type Request struct {
	UID       string
	RequestID string // "" when absent (REMOTE_JOIN/LEAVE/DISCONNECT, SERVER_SIDE_EMIT without ack)
	Type      RequestType
	Packet    *Packet           // BROADCAST
	Opts      *BroadcastOptions // REMOTE_JOIN, REMOTE_LEAVE, REMOTE_DISCONNECT, REMOTE_FETCH, BROADCAST
	Rooms     []string          // REMOTE_JOIN/REMOTE_LEAVE: rooms to join/leave; SOCKETS: rooms to list
	Close     bool              // REMOTE_DISCONNECT: close the underlying connection
	// Data is SERVER_SIDE_EMIT's [event, args...], each element raw JSON.
	Data []json.RawMessage
	// SID and Room are the legacy single-socket forms of REMOTE_JOIN,
	// REMOTE_LEAVE and REMOTE_DISCONNECT (adapter ≤ 6), still answered by 8.x.
	SID  string
	Room string
}

// Handshake is a remote socket's handshake, as socket.io builds it.
type Handshake struct {
	Headers map[string]any  `json:"headers"` // values are strings, or []any of strings for repeated headers
	Time    string          `json:"time"`    // JavaScript Date string of the connection time
	Address string          `json:"address"`
	XDomain bool            `json:"xdomain"`
	Secure  bool            `json:"secure"`
	Issued  int64           `json:"issued"` // milliseconds since the Unix epoch
	URL     string          `json:"url"`
	Query   map[string]any  `json:"query"` // values are strings, or []any of strings for repeated keys
	Auth    json.RawMessage `json:"auth,omitempty"`
}

// RemoteSocket is one socket in a REMOTE_FETCH response.
type RemoteSocket struct {
	ID        string          `json:"id"`
	Handshake Handshake       `json:"handshake"`
	Rooms     []string        `json:"rooms"`
	Data      json.RawMessage `json:"data,omitempty"` // socket.data; nil when Node's is undefined
}

// Response is published on a response channel.
type Response struct {
	Type      RequestType // NoType when the message has no "type" field
	RequestID string
	// SocketIDs answers SOCKETS; RemoteSockets answers REMOTE_FETCH. A
	// decoded "sockets" array fills the one matching its elements (both,
	// empty, for an empty array).
	SocketIDs     []string
	RemoteSockets []RemoteSocket
	Rooms         []string        // ALL_ROOMS
	Data          json.RawMessage // SERVER_SIDE_EMIT: the ack argument; nil when absent
	ClientCount   int             // BROADCAST_CLIENT_COUNT
	// Packet is BROADCAST_ACK's first ack argument (a decoded value as in
	// Packet.Data); HasPacket is false when the client acked with no argument
	// and the key is absent.
	Packet    any
	HasPacket bool
}
