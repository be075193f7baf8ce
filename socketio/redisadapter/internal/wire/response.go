package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
)

type jsonResponse struct {
	Type        *RequestType    `json:"type,omitempty"`
	RequestID   string          `json:"requestId"`
	Sockets     any             `json:"sockets,omitempty"`
	Rooms       *[]string       `json:"rooms,omitempty"`
	Data        json.RawMessage `json:"data,omitempty"`
	ClientCount *int            `json:"clientCount,omitempty"`
}

// EncodeResponse encodes r for a response channel in the format Node uses:
// msgpack {type, requestId, packet} for BROADCAST_ACK (the ack may hold
// binary), JSON for everything else, with keys type (when r.Type is not
// NoType), requestId, sockets, rooms, data, clientCount.
//
// Node publishes SERVER_SIDE_EMIT acks on the shared response channel even
// when specific response channels are on; every other response goes to
// Channels.ResponseChannelFor(request.UID, specific).
func EncodeResponse(r *Response) ([]byte, error) {
	if r.Type == BroadcastAck {
		return encodeBroadcastAck(r)
	}
	j := jsonResponse{RequestID: r.RequestID, Data: r.Data}
	if r.Type != NoType {
		t := r.Type
		j.Type = &t
	}
	switch {
	case r.SocketIDs != nil:
		j.Sockets = r.SocketIDs
	case r.RemoteSockets != nil:
		socks := make([]RemoteSocket, len(r.RemoteSockets))
		for i, s := range r.RemoteSockets {
			socks[i] = normalizeRemoteSocket(s)
		}
		j.Sockets = socks
	}
	if r.Rooms != nil {
		j.Rooms = &r.Rooms
	}
	if r.Type == BroadcastClientCount {
		j.ClientCount = &r.ClientCount
	}
	if r.HasPacket {
		return nil, fmt.Errorf("%w: a packet in a %v response", ErrUnsupported, r.Type)
	}
	return marshalJSON(j)
}

// normalizeRemoteSocket writes nil rooms, headers and query as the empty
// array and objects Node always has.
func normalizeRemoteSocket(s RemoteSocket) RemoteSocket {
	if s.Rooms == nil {
		s.Rooms = []string{}
	}
	if s.Handshake.Headers == nil {
		s.Handshake.Headers = map[string]any{}
	}
	if s.Handshake.Query == nil {
		s.Handshake.Query = map[string]any{}
	}
	return s
}

func encodeBroadcastAck(r *Response) ([]byte, error) {
	e, buf := newEncoder()
	n := 2
	if r.HasPacket {
		n++
	}
	if err := e.EncodeMapLen(n); err != nil {
		return nil, err
	}
	if err := encodeKeyInt(e, "type", int64(r.Type)); err != nil {
		return nil, err
	}
	if err := encodeKeyString(e, "requestId", r.RequestID); err != nil {
		return nil, err
	}
	if r.HasPacket {
		if err := e.EncodeString("packet"); err != nil {
			return nil, err
		}
		if err := encodeValue(e, r.Packet, 1); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

type jsonInResponse struct {
	Type        *int            `json:"type"`
	RequestID   string          `json:"requestId"`
	Sockets     json.RawMessage `json:"sockets"`
	Rooms       jsRooms         `json:"rooms"`
	Data        json.RawMessage `json:"data"`
	ClientCount *float64        `json:"clientCount"`
	Packet      json.RawMessage `json:"packet"`
}

// DecodeResponse decodes a message from a response channel: JSON when it
// starts with '{', msgpack otherwise. Most responses carry no type; match
// them to the pending request by RequestID.
func DecodeResponse(msg []byte) (*Response, error) {
	if len(msg) > 0 && msg[0] == '{' {
		return decodeJSONResponse(msg)
	}
	return decodeMsgpackResponse(msg)
}

func decodeJSONResponse(msg []byte) (*Response, error) {
	var j jsonInResponse
	if err := json.Unmarshal(msg, &j); err != nil {
		return nil, &DecodeError{Message: "response", Reason: err.Error()}
	}
	r := &Response{Type: NoType, RequestID: j.RequestID, Rooms: j.Rooms, Data: j.Data}
	if j.Type != nil {
		r.Type = RequestType(*j.Type)
	}
	if j.ClientCount != nil {
		r.ClientCount = int(*j.ClientCount)
	}
	if err := r.setSockets(j.Sockets); err != nil {
		return nil, err
	}
	if len(j.Packet) > 0 {
		v, err := jsonToValue(j.Packet)
		if err != nil {
			return nil, &DecodeError{Message: "response", Field: "packet", Reason: err.Error()}
		}
		r.Packet, r.HasPacket = v, true
	}
	return r, nil
}

// setSockets fills SocketIDs or RemoteSockets from a JSON "sockets" array.
func (r *Response) setSockets(raw json.RawMessage) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return &DecodeError{Message: "response", Field: "sockets", Reason: err.Error()}
	}
	if len(elems) == 0 {
		r.SocketIDs, r.RemoteSockets = []string{}, []RemoteSocket{}
		return nil
	}
	var err error
	if bytes.HasPrefix(bytes.TrimSpace(elems[0]), []byte(`"`)) {
		err = json.Unmarshal(raw, &r.SocketIDs)
	} else {
		err = json.Unmarshal(raw, &r.RemoteSockets)
	}
	if err != nil {
		return &DecodeError{Message: "response", Field: "sockets", Reason: err.Error()}
	}
	return nil
}

func decodeMsgpackResponse(msg []byte) (*Response, error) {
	m := newMsgReader(msg, "response")
	n, err := m.mapLen("")
	if err != nil {
		return nil, err
	}
	r := &Response{Type: NoType}
	for range n {
		k, err := m.key("")
		if err != nil {
			return nil, err
		}
		switch k {
		case "type":
			var t int
			t, err = m.integer(k)
			r.Type = RequestType(t)
		case "requestId":
			r.RequestID, err = m.str(k)
		case "packet":
			r.Packet, err = m.value(k, 1)
			r.HasPacket = true
		case "clientCount":
			r.ClientCount, err = m.integer(k)
		case "rooms":
			r.Rooms, err = m.rooms(k)
		case "sockets", "data":
			// Only JSON carries these from Node; accept them from msgpack
			// peers by way of JSON.
			var v any
			if v, err = m.value(k, 1); err != nil {
				break
			}
			b, att, jerr := DataJSON(v)
			if jerr != nil || len(att) > 0 {
				return nil, m.fail(k, "cannot be JSON")
			}
			if k == "data" {
				r.Data = b
			} else if err = r.setSockets(b); err != nil {
				return nil, err
			}
		default:
			err = m.skip(k, 1)
		}
		if err != nil {
			return nil, m.wrap(k, err)
		}
	}
	return r, m.end()
}
