package cluster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/siogo/sio/internal/jsontext"
	"github.com/siogo/sio/internal/placeholder"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// MessageType is the type of a ClusterAdapter message, numbered as Node's
// socket.io-adapter MessageType.
type MessageType int

// The message types of Node's ClusterAdapter (socket.io-adapter 2.5). The
// sharded adapter uses no heartbeat: InitialHeartbeat, Heartbeat and
// AdapterClose are decoded and ignored.
const (
	InitialHeartbeat MessageType = iota + 1
	Heartbeat
	Broadcast
	SocketsJoin
	SocketsLeave
	DisconnectSockets
	FetchSockets
	FetchSocketsResponse
	ServerSideEmit
	ServerSideEmitResponse
	BroadcastClientCount
	BroadcastAck
	AdapterClose
)

var messageTypeNames = [...]string{
	"INITIAL_HEARTBEAT", "HEARTBEAT", "BROADCAST", "SOCKETS_JOIN", "SOCKETS_LEAVE",
	"DISCONNECT_SOCKETS", "FETCH_SOCKETS", "FETCH_SOCKETS_RESPONSE", "SERVER_SIDE_EMIT",
	"SERVER_SIDE_EMIT_RESPONSE", "BROADCAST_CLIENT_COUNT", "BROADCAST_ACK", "ADAPTER_CLOSE",
}

// String returns the name Node's socket.io-adapter gives t, such as
// "FETCH_SOCKETS".
func (t MessageType) String() string {
	if t >= InitialHeartbeat && t <= AdapterClose {
		return messageTypeNames[t-1]
	}
	return fmt.Sprintf("MessageType(%d)", int(t))
}

// Message is one ClusterAdapter message or response: {type, data, uid, nsp}.
// Which fields are set depends on Type.
type Message struct {
	Type MessageType
	UID  string // the sending server
	Nsp  string // the namespace
	// RequestID is data.requestId; "" when absent (a broadcast without
	// acks, a server-side emit without ack).
	RequestID string
	// Data is BROADCAST's packet.data, SERVER_SIDE_EMIT's packet (both
	// JSON arrays) and the ack argument of BROADCAST_ACK and
	// SERVER_SIDE_EMIT_RESPONSE (any JSON value, nil when absent), with
	// binary replaced by placeholders that number Attachments.
	Data        json.RawMessage
	Attachments [][]byte
	Opts        *Opts
	Rooms       []string // SOCKETS_JOIN, SOCKETS_LEAVE
	Close       bool     // DISCONNECT_SOCKETS
	ClientCount int      // BROADCAST_CLIENT_COUNT
	// Sockets answers FETCH_SOCKETS.
	Sockets []wire.RemoteSocket
	// Offset is the stream entry id of a message read from a Redis
	// stream, "" otherwise.
	Offset string
}

// Opts are the broadcast options on the wire.
type Opts struct {
	Rooms    []string
	Except   []string
	Volatile bool
	// Compress is the compress flag; nil when absent. Node's receivers
	// apply it; sio's ignore it.
	Compress *bool
	// Timeout is the ack timeout flag of a broadcast with acks; 0 when
	// absent.
	Timeout time.Duration
}

// ErrMalformed is wrapped by every decoding error.
var ErrMalformed = errors.New("socketio: malformed cluster adapter message")

type jsonFlags struct {
	Volatile bool     `json:"volatile,omitempty"`
	Compress *bool    `json:"compress,omitempty"`
	Timeout  *float64 `json:"timeout,omitempty"`
}

type jsonOpts struct {
	Rooms  []string   `json:"rooms"`
	Except []string   `json:"except"`
	Flags  *jsonFlags `json:"flags,omitempty"`
}

type jsonPacket struct {
	Type int             `json:"type"`
	Data json.RawMessage `json:"data"`
	Nsp  string          `json:"nsp,omitempty"`
}

type jsonData struct {
	Packet      json.RawMessage      `json:"packet,omitempty"`
	RequestID   string               `json:"requestId,omitempty"`
	Opts        *jsonOpts            `json:"opts,omitempty"`
	Rooms       *[]string            `json:"rooms,omitempty"`
	Close       *bool                `json:"close,omitempty"`
	ClientCount *int                 `json:"clientCount,omitempty"`
	Sockets     *[]wire.RemoteSocket `json:"sockets,omitempty"`
}

type jsonMessage struct {
	Type int       `json:"type"`
	Data *jsonData `json:"data,omitempty"`
	UID  string    `json:"uid"`
	Nsp  string    `json:"nsp"`
}

// Encode writes m as Node's sharded adapter does: JSON, or msgpack (as
// notepack.io writes it) when the message carries binary. JSON keys come in
// a fixed order that may differ from Node's; receivers do not depend on it.
func Encode(m *Message) ([]byte, error) {
	if len(m.Attachments) > 0 {
		return encodeMsgpack(m)
	}
	d, err := toJSONData(m)
	if err != nil {
		return nil, err
	}
	return json.Marshal(jsonMessage{Type: int(m.Type), UID: m.UID, Nsp: m.Nsp, Data: d})
}

// toJSONData returns the data member of m's JSON form, nil for a message
// without data.
func toJSONData(m *Message) (*jsonData, error) {
	d := &jsonData{RequestID: m.RequestID}
	if m.Opts != nil {
		d.Opts = toJSONOpts(m.Opts)
	}
	switch m.Type {
	case Broadcast:
		p, err := json.Marshal(jsonPacket{Type: 2, Data: m.Data})
		if err != nil {
			return nil, err
		}
		d.Packet = p
	case ServerSideEmit:
		d.Packet = m.Data
	case BroadcastAck, ServerSideEmitResponse:
		d.Packet = m.Data
	case SocketsJoin, SocketsLeave:
		rooms := wire.NonNil(m.Rooms)
		d.Rooms = &rooms
	case DisconnectSockets:
		d.Close = &m.Close
	case BroadcastClientCount:
		d.ClientCount = &m.ClientCount
	case FetchSocketsResponse:
		socks := m.Sockets
		if socks == nil {
			socks = []wire.RemoteSocket{}
		}
		d.Sockets = &socks
	case InitialHeartbeat, Heartbeat, AdapterClose:
		d = nil
	}
	return d, nil
}

func toJSONOpts(o *Opts) *jsonOpts {
	j := &jsonOpts{Rooms: wire.NonNil(o.Rooms), Except: wire.NonNil(o.Except), Flags: &jsonFlags{Volatile: o.Volatile, Compress: o.Compress}}
	if o.Timeout > 0 {
		ms := float64(o.Timeout.Milliseconds())
		j.Flags.Timeout = &ms
	}
	return j
}

// encodeMsgpack builds the message as an ordered object, its data with the
// binary in place, and writes it with the wire codec's notepack encoder.
func encodeMsgpack(m *Message) ([]byte, error) {
	data := wire.Object{}
	jd := wire.JSONData{JSON: m.Data, Attachments: m.Attachments}
	switch m.Type {
	case Broadcast:
		data = append(data, wire.Member{Key: "packet", Value: wire.Object{{Key: "type", Value: 2}, {Key: "data", Value: jd}}})
		if m.RequestID != "" {
			data = append(data, wire.Member{Key: "requestId", Value: m.RequestID})
		}
		if m.Opts != nil {
			flags := wire.Object{}
			if m.Opts.Volatile {
				flags = append(flags, wire.Member{Key: "volatile", Value: true})
			}
			if m.Opts.Compress != nil {
				flags = append(flags, wire.Member{Key: "compress", Value: *m.Opts.Compress})
			}
			if m.Opts.Timeout > 0 {
				flags = append(flags, wire.Member{Key: "timeout", Value: m.Opts.Timeout.Milliseconds()})
			}
			data = append(data, wire.Member{Key: "opts", Value: wire.Object{
				{Key: "rooms", Value: wire.NonNil(m.Opts.Rooms)},
				{Key: "except", Value: wire.NonNil(m.Opts.Except)},
				{Key: "flags", Value: flags},
			}})
		}
	case ServerSideEmit, ServerSideEmitResponse, BroadcastAck:
		if m.RequestID != "" {
			data = append(data, wire.Member{Key: "requestId", Value: m.RequestID})
		}
		data = append(data, wire.Member{Key: "packet", Value: jd})
	default:
		return nil, fmt.Errorf("socketio: cluster adapter: message type %d carries no binary", m.Type)
	}
	return wire.EncodeValue(wire.Object{
		{Key: "type", Value: int(m.Type)},
		{Key: "data", Value: data},
		{Key: "uid", Value: m.UID},
		{Key: "nsp", Value: m.Nsp},
	})
}

// Decode reads a message as Node's sharded adapter does: JSON when it
// starts with '{', msgpack otherwise. Binary in a msgpack message becomes
// placeholders numbering Message.Attachments. Messages are bounded by the
// wire codec's limits (wire.MaxDepth, lengths within the message).
func Decode(b []byte) (*Message, error) {
	var attachments [][]byte
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty", ErrMalformed)
	}
	if b[0] != '{' {
		v, err := wire.DecodeValue(b, "cluster message")
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		text, att, err := wire.DataJSON(v)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		b, attachments = text, att
	}
	var j jsonMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&j); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: trailing data", ErrMalformed)
	}
	if j.Type < int(InitialHeartbeat) || j.Type > int(AdapterClose) {
		return nil, fmt.Errorf("%w: unknown type %d", ErrMalformed, j.Type)
	}
	m := &Message{Type: MessageType(j.Type), UID: j.UID, Nsp: j.Nsp, Attachments: attachments}
	d := j.Data
	if d == nil {
		switch m.Type {
		case InitialHeartbeat, Heartbeat, AdapterClose:
			return m, nil
		}
		return nil, fmt.Errorf("%w: type %d without data", ErrMalformed, j.Type)
	}
	m.RequestID = d.RequestID
	if d.Rooms != nil {
		m.Rooms = *d.Rooms
	}
	if d.Opts != nil {
		m.Opts = &Opts{Rooms: d.Opts.Rooms, Except: d.Opts.Except}
		if f := d.Opts.Flags; f != nil {
			m.Opts.Volatile, m.Opts.Compress = f.Volatile, f.Compress
			if f.Timeout != nil && *f.Timeout > 0 {
				m.Opts.Timeout = time.Duration(*f.Timeout * float64(time.Millisecond))
			}
		}
	}
	switch m.Type {
	case Broadcast:
		var p jsonPacket
		if err := json.Unmarshal(d.Packet, &p); err != nil || !bytes.HasPrefix(p.Data, []byte("[")) {
			return nil, fmt.Errorf("%w: broadcast packet", ErrMalformed)
		}
		if m.Opts == nil {
			return nil, fmt.Errorf("%w: broadcast without opts", ErrMalformed)
		}
		m.Data = p.Data
	case ServerSideEmit:
		if !bytes.HasPrefix(d.Packet, []byte("[")) {
			return nil, fmt.Errorf("%w: server-side emit packet", ErrMalformed)
		}
		m.Data = d.Packet
	case BroadcastAck, ServerSideEmitResponse:
		m.Data = d.Packet
	case SocketsJoin, SocketsLeave, DisconnectSockets, FetchSockets:
		if m.Opts == nil {
			return nil, fmt.Errorf("%w: type %d without opts", ErrMalformed, j.Type)
		}
		if d.Close != nil {
			m.Close = *d.Close
		}
	case BroadcastClientCount:
		if d.ClientCount != nil {
			m.ClientCount = *d.ClientCount
		}
	case FetchSocketsResponse:
		if d.Sockets == nil {
			return nil, fmt.Errorf("%w: fetch response without sockets", ErrMalformed)
		}
		m.Sockets = *d.Sockets
	}
	return m, nil
}

// InlineBinary returns data, JSON text in which placeholders
// {"_placeholder":true,"num":N} stand for attachments[N], with each
// placeholder replaced by the attachment as a base64 JSON string (what
// encoding/json makes of a []byte, and decodes into one). It serves the
// messages whose Go receiver takes JSON only: the arguments of another
// server's SERVER_SIDE_EMIT and the socket data of a FETCH_SOCKETS_RESPONSE,
// which Node sends as msgpack when they hold a Buffer. A placeholder
// naming no attachment is left as it is. data comes from [Decode], so it
// is valid JSON of bounded depth.
func InlineBinary(data json.RawMessage, attachments [][]byte) (json.RawMessage, error) {
	if len(attachments) == 0 || len(data) == 0 {
		return data, nil
	}
	out, err := inlineValue(nil, data, attachments, 0)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return out, nil
}

func inlineValue(dst, v []byte, att [][]byte, depth int) ([]byte, error) {
	if depth > wire.MaxDepth {
		return nil, errors.New("nesting too deep")
	}
	v = bytes.TrimSpace(v)
	if len(v) == 0 || v[0] != '{' && v[0] != '[' {
		return append(dst, v...), nil
	}
	if i, ok := placeholderIndex(v, len(att)); ok {
		b, _ := json.Marshal(att[i])
		return append(dst, b...), nil
	}
	dec := json.NewDecoder(bytes.NewReader(v))
	open, _ := dec.Token()
	isObject := open == json.Delim('{')
	dst = append(dst, v[0])
	for n := 0; dec.More(); n++ {
		if n > 0 {
			dst = append(dst, ',')
		}
		if isObject {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			dst = append(jsontext.AppendStringJS(dst, k.(string)), ':')
		}
		var elem json.RawMessage
		if err := dec.Decode(&elem); err != nil {
			return nil, err
		}
		var err error
		if dst, err = inlineValue(dst, elem, att, depth+1); err != nil {
			return nil, err
		}
	}
	if isObject {
		return append(dst, '}'), nil
	}
	return append(dst, ']'), nil
}

// placeholderIndex reports whether v is exactly a placeholder object of
// one of n attachments, and which.
func placeholderIndex(v []byte, n int) (int, bool) {
	if v[0] != '{' {
		return 0, false
	}
	var members map[string]json.RawMessage
	if json.Unmarshal(v, &members) != nil || len(members) != 2 || string(members["_placeholder"]) != "true" {
		return 0, false
	}
	return placeholder.Index(members["num"], n)
}
