package cluster

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// EncodeFields writes m as the fields of a Redis stream entry, as Node's
// Redis Streams adapter (@socket.io/redis-streams-adapter 0.3) does: uid,
// nsp, type (the message type in decimal) and, for a message with data,
// data: the JSON text of the message's data, or, when it carries binary,
// the base64 (standard, padded) of its msgpack. The result alternates
// names and values, in Node's order, for XADD.
func EncodeFields(m *Message) ([]string, error) {
	out := []string{"uid", m.UID, "nsp", m.Nsp, "type", strconv.Itoa(int(m.Type))}
	if len(m.Attachments) > 0 {
		b, err := wire.EncodeValue(dataObject(m))
		if err != nil {
			return nil, err
		}
		return append(out, "data", base64.StdEncoding.EncodeToString(b)), nil
	}
	d, err := toJSONData(m)
	if err != nil || d == nil {
		return out, err
	}
	b, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	return append(out, "data", string(b)), nil
}

// MaxFieldsData bounds the data field of a stream entry that DecodeFields
// reads (64 MiB, above what a server writes: Redis caps a value at its
// proto-max-bulk-len, 512 MiB by default).
const MaxFieldsData = 64 << 20

// DecodeFields reads a stream entry written by EncodeFields or by Node's
// adapter: data that starts with '{' is JSON, any other is base64 msgpack.
// The message is checked as [Decode] checks it.
func DecodeFields(values map[string]any) (*Message, error) {
	str := func(k string) string { s, _ := values[k].(string); return s }
	typ, err := strconv.Atoi(str("type"))
	if err != nil {
		return nil, fmt.Errorf("%w: type %q", ErrMalformed, str("type"))
	}
	data := str("data")
	if len(data) > MaxFieldsData {
		return nil, fmt.Errorf("%w: data of %d bytes", ErrMalformed, len(data))
	}
	var (
		raw         json.RawMessage
		attachments [][]byte
	)
	switch {
	case data == "":
	case data[0] == '{':
		raw = json.RawMessage(data)
	default:
		b, err := base64.StdEncoding.DecodeString(data)
		if err != nil {
			return nil, fmt.Errorf("%w: data: %v", ErrMalformed, err)
		}
		v, err := wire.DecodeValue(b, "stream entry data")
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		text, att, err := wire.DataJSON(v)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		raw, attachments = text, att
	}
	j := struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data,omitempty"`
		UID  string          `json:"uid"`
		Nsp  string          `json:"nsp"`
	}{typ, raw, str("uid"), str("nsp")}
	b, err := json.Marshal(j)
	if err != nil {
		return nil, fmt.Errorf("%w: data: %v", ErrMalformed, err)
	}
	m, err := Decode(b)
	if err != nil {
		return nil, err
	}
	m.Attachments = attachments
	return m, nil
}

// EncodeMsgpack writes the whole message as msgpack, as Node's Redis
// Streams adapter publishes its requests and responses on Redis pub/sub
// (@msgpack/msgpack's encode of {type, data, uid, nsp}), whatever it
// carries.
func EncodeMsgpack(m *Message) ([]byte, error) {
	obj := wire.Object{{Key: "type", Value: int(m.Type)}}
	if d := dataObject(m); d != nil {
		obj = append(obj, wire.Member{Key: "data", Value: d})
	}
	obj = append(obj, wire.Member{Key: "uid", Value: m.UID}, wire.Member{Key: "nsp", Value: m.Nsp})
	return wire.EncodeValue(obj)
}

// dataObject is m's data as an ordered object, binary in place; nil for a
// message without data.
func dataObject(m *Message) wire.Object {
	packet := func() any {
		if m.Data == nil {
			return nil
		}
		return wire.JSONData{JSON: m.Data, Attachments: m.Attachments}
	}
	data := wire.Object{}
	if m.RequestID != "" {
		data = append(data, wire.Member{Key: "requestId", Value: m.RequestID})
	}
	if m.Opts != nil {
		flags := wire.Object{}
		if m.Opts.Volatile {
			flags = append(flags, wire.Member{Key: "volatile", Value: true})
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
	switch m.Type {
	case Broadcast:
		data = append(data, wire.Member{Key: "packet", Value: wire.Object{{Key: "type", Value: 2}, {Key: "data", Value: packet()}}})
	case ServerSideEmit, ServerSideEmitResponse, BroadcastAck:
		data = append(data, wire.Member{Key: "packet", Value: packet()})
	case SocketsJoin, SocketsLeave:
		data = append(data, wire.Member{Key: "rooms", Value: wire.NonNil(m.Rooms)})
	case DisconnectSockets:
		data = append(data, wire.Member{Key: "close", Value: m.Close})
	case BroadcastClientCount:
		data = append(data, wire.Member{Key: "clientCount", Value: m.ClientCount})
	case FetchSocketsResponse:
		socks := m.Sockets
		if socks == nil {
			socks = []wire.RemoteSocket{}
		}
		data = append(data, wire.Member{Key: "sockets", Value: socks})
	case InitialHeartbeat, Heartbeat, AdapterClose:
		return nil
	}
	return data
}
