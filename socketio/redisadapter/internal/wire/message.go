package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/siogo/sio/internal/jsontext"
)

// newEncoder returns a msgpack encoder writing to a fresh buffer.
func newEncoder() (*msgpack.Encoder, *bytes.Buffer) {
	buf := &bytes.Buffer{}
	return msgpack.NewEncoder(buf), buf
}

// EncodeBroadcast encodes m as the msgpack array [uid, packet, opts] Node's
// adapter publishes on the broadcast channels. Publish it on
// Channels.BroadcastTo(m.Opts.Rooms).
func EncodeBroadcast(m *BroadcastMessage) ([]byte, error) {
	e, buf := newEncoder()
	if err := e.EncodeArrayLen(3); err != nil {
		return nil, err
	}
	if err := e.EncodeString(m.UID); err != nil {
		return nil, err
	}
	if err := encodePacket(e, &m.Packet); err != nil {
		return nil, err
	}
	if err := encodeOpts(e, &m.Opts); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func encodePacket(e *msgpack.Encoder, p *Packet) error {
	n := 2
	if p.Data != nil {
		n++
	}
	if p.ID != nil {
		n++
	}
	if err := e.EncodeMapLen(n); err != nil {
		return err
	}
	if err := encodeKeyInt(e, "type", int64(p.Type)); err != nil {
		return err
	}
	if p.Data != nil {
		if err := e.EncodeString("data"); err != nil {
			return err
		}
		if err := encodeValue(e, p.Data, 1); err != nil {
			return err
		}
	}
	if err := encodeKeyString(e, "nsp", p.Nsp); err != nil {
		return err
	}
	if p.ID != nil {
		return encodeKeyInt(e, "id", int64(*p.ID))
	}
	return nil
}

func encodeKeyInt(e *msgpack.Encoder, k string, v int64) error {
	if err := e.EncodeString(k); err != nil {
		return err
	}
	return e.EncodeInt(v)
}

func encodeKeyString(e *msgpack.Encoder, k, v string) error {
	if err := e.EncodeString(k); err != nil {
		return err
	}
	return e.EncodeString(v)
}

func encodeKeyStrings(e *msgpack.Encoder, k string, v []string) error {
	if err := e.EncodeString(k); err != nil {
		return err
	}
	return encodeValue(e, NonNil(v), 1)
}

// NonNil returns s, or an empty slice when s is nil: Node's adapter always
// sends arrays where it sends rooms or ids, never null.
func NonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func encodeOpts(e *msgpack.Encoder, o *BroadcastOptions) error {
	n := 2
	if o.Flags != nil {
		n++
	}
	if err := e.EncodeMapLen(n); err != nil {
		return err
	}
	if err := encodeKeyStrings(e, "rooms", o.Rooms); err != nil {
		return err
	}
	if err := encodeKeyStrings(e, "except", o.Except); err != nil {
		return err
	}
	if o.Flags == nil {
		return nil
	}
	if err := e.EncodeString("flags"); err != nil {
		return err
	}
	return encodeFlags(e, o.Flags)
}

// flagFields lists the set flags in wire order.
func flagFields(f *BroadcastFlags) []Member {
	var fs []Member
	if f.Volatile {
		fs = append(fs, Member{"volatile", true})
	}
	if f.Compress != nil {
		fs = append(fs, Member{"compress", *f.Compress})
	}
	if f.Local {
		fs = append(fs, Member{"local", true})
	}
	if f.Timeout != nil {
		fs = append(fs, Member{"timeout", float64(*f.Timeout) / float64(time.Millisecond)})
	}
	if f.ExpectSingleResponse {
		fs = append(fs, Member{"expectSingleResponse", true})
	}
	return fs
}

func encodeFlags(e *msgpack.Encoder, f *BroadcastFlags) error {
	fs := flagFields(f)
	if err := e.EncodeMapLen(len(fs)); err != nil {
		return err
	}
	for _, x := range fs {
		if err := e.EncodeString(x.Key); err != nil {
			return err
		}
		if err := encodeValue(e, x.Value, 1); err != nil {
			return err
		}
	}
	return nil
}

// DecodeBroadcast decodes a message received on a broadcast channel. A
// packet without nsp gets "/", as in Node.
func DecodeBroadcast(msg []byte) (*BroadcastMessage, error) {
	m := newMsgReader(msg, "broadcast")
	n, err := m.arrayLen("")
	if err != nil {
		return nil, err
	}
	if n < 3 {
		return nil, m.fail("", "array of %d elements, want 3", n)
	}
	out := &BroadcastMessage{}
	if out.UID, err = m.str("uid"); err != nil {
		return nil, err
	}
	if err := m.packet(&out.Packet); err != nil {
		return nil, err
	}
	if err := m.opts(&out.Opts); err != nil {
		return nil, err
	}
	for range n - 3 {
		if err := m.skip("", 1); err != nil {
			return nil, err
		}
	}
	return out, m.end()
}

func (m *msgReader) packet(p *Packet) error {
	n, err := m.mapLen("packet")
	if err != nil {
		return err
	}
	p.Nsp = "/"
	hasType := false
	for range n {
		k, err := m.key("packet")
		if err != nil {
			return err
		}
		switch k {
		case "type":
			if p.Type, err = m.integer("packet.type"); err != nil {
				return err
			}
			hasType = true
		case "data":
			if p.Data, err = m.value("packet.data", 2); err != nil {
				return err
			}
		case "nsp":
			if p.Nsp, err = m.str("packet.nsp"); err != nil {
				return err
			}
		case "id":
			c, err := m.peek("packet.id")
			if err != nil {
				return err
			}
			if c == 0xc0 {
				_ = m.d.DecodeNil()
				continue
			}
			id, err := m.integer("packet.id")
			if err != nil {
				return err
			}
			p.ID = &id
		default:
			if err := m.skip("packet."+k, 2); err != nil {
				return err
			}
		}
	}
	if !hasType {
		return m.fail("packet", "no type")
	}
	return nil
}

func (m *msgReader) rooms(field string) ([]string, error) {
	c, err := m.peek(field)
	if err != nil {
		return nil, err
	}
	if c == 0xc0 {
		return nil, m.wrapNil(field, m.d.DecodeNil())
	}
	n, err := m.arrayLen(field)
	if err != nil {
		return nil, err
	}
	out := make([]string, n)
	for i := range out {
		if out[i], err = m.key(field); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (m *msgReader) opts(o *BroadcastOptions) error {
	n, err := m.mapLen("opts")
	if err != nil {
		return err
	}
	for range n {
		k, err := m.key("opts")
		if err != nil {
			return err
		}
		switch k {
		case "rooms":
			o.Rooms, err = m.rooms("opts.rooms")
		case "except":
			o.Except, err = m.rooms("opts.except")
		case "flags":
			c, perr := m.peek("opts.flags")
			if perr != nil {
				return perr
			}
			if c == 0xc0 {
				err = m.d.DecodeNil()
			} else {
				o.Flags = &BroadcastFlags{}
				err = m.flags(o.Flags)
			}
		default:
			err = m.skip("opts."+k, 2)
		}
		if err != nil {
			return m.wrap("opts."+k, err)
		}
	}
	return nil
}

func (m *msgReader) flags(f *BroadcastFlags) error {
	n, err := m.mapLen("opts.flags")
	if err != nil {
		return err
	}
	for range n {
		k, err := m.key("opts.flags")
		if err != nil {
			return err
		}
		v, err := m.value("opts.flags."+k, 3)
		if err != nil {
			return err
		}
		b, isBool := v.(bool)
		switch k {
		case "volatile":
			f.Volatile = isBool && b
		case "compress":
			if isBool {
				f.Compress = &b
			}
		case "local":
			f.Local = isBool && b
		case "expectSingleResponse":
			f.ExpectSingleResponse = isBool && b
		case "timeout":
			if ms, ok := toFloat(v); ok && ms >= 0 && ms < math.MaxInt64/float64(time.Millisecond) {
				d := time.Duration(ms * float64(time.Millisecond))
				f.Timeout = &d
			}
		}
	}
	return nil
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}

// ---- requests ----

type jsonOpts struct {
	Rooms  []string   `json:"rooms"`
	Except []string   `json:"except"`
	Flags  *jsonFlags `json:"flags,omitempty"`
}

type jsonFlags struct {
	Volatile             bool     `json:"volatile,omitempty"`
	Compress             *bool    `json:"compress,omitempty"`
	Local                bool     `json:"local,omitempty"`
	Timeout              *float64 `json:"timeout,omitempty"`
	ExpectSingleResponse bool     `json:"expectSingleResponse,omitempty"`
}

type jsonRequest struct {
	UID       string             `json:"uid"`
	RequestID string             `json:"requestId,omitempty"`
	Type      RequestType        `json:"type"`
	Opts      *jsonOpts          `json:"opts,omitempty"`
	Rooms     *[]string          `json:"rooms,omitempty"`
	Close     *bool              `json:"close,omitempty"`
	Data      *[]json.RawMessage `json:"data,omitempty"`
	SID       string             `json:"sid,omitempty"`
	Room      string             `json:"room,omitempty"`
}

func toJSONOpts(o *BroadcastOptions) *jsonOpts {
	if o == nil {
		return nil
	}
	j := &jsonOpts{Rooms: NonNil(o.Rooms), Except: NonNil(o.Except)}
	if o.Flags != nil {
		j.Flags = &jsonFlags{
			Volatile: o.Flags.Volatile, Compress: o.Flags.Compress, Local: o.Flags.Local,
			ExpectSingleResponse: o.Flags.ExpectSingleResponse,
		}
		if o.Flags.Timeout != nil {
			ms := float64(*o.Flags.Timeout) / float64(time.Millisecond)
			j.Flags.Timeout = &ms
		}
	}
	return j
}

// EncodeRequest encodes r for the request channel in the format Node uses
// for its type: msgpack for BROADCAST (its packet may hold binary), JSON for
// every other type. JSON keys are uid, requestId, type, opts, rooms, close,
// data, each present only when set (close always for REMOTE_DISCONNECT).
func EncodeRequest(r *Request) ([]byte, error) {
	if r.Type == Broadcast {
		return encodeBroadcastRequest(r)
	}
	j := jsonRequest{UID: r.UID, RequestID: r.RequestID, Type: r.Type, Opts: toJSONOpts(r.Opts), SID: r.SID, Room: r.Room}
	if r.Rooms != nil {
		j.Rooms = &r.Rooms
	}
	if r.Type == RemoteDisconnect {
		j.Close = &r.Close
	}
	if r.Data != nil {
		j.Data = &r.Data
	}
	if r.Packet != nil {
		return nil, fmt.Errorf("%w: a packet in a %v request", ErrUnsupported, r.Type)
	}
	return marshalJSON(j)
}

func encodeBroadcastRequest(r *Request) ([]byte, error) {
	if r.Packet == nil || r.Opts == nil {
		return nil, fmt.Errorf("%w: BROADCAST request without packet or opts", ErrUnsupported)
	}
	e, buf := newEncoder()
	n := 4
	if r.RequestID != "" {
		n++
	}
	if err := e.EncodeMapLen(n); err != nil {
		return nil, err
	}
	if err := encodeKeyString(e, "uid", r.UID); err != nil {
		return nil, err
	}
	if r.RequestID != "" {
		if err := encodeKeyString(e, "requestId", r.RequestID); err != nil {
			return nil, err
		}
	}
	if err := encodeKeyInt(e, "type", int64(r.Type)); err != nil {
		return nil, err
	}
	if err := e.EncodeString("packet"); err != nil {
		return nil, err
	}
	if err := encodePacket(e, r.Packet); err != nil {
		return nil, err
	}
	if err := e.EncodeString("opts"); err != nil {
		return nil, err
	}
	if err := encodeOpts(e, r.Opts); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodeRequest decodes a message from the request channel. Like Node, it
// reads a message starting with '{' as JSON and anything else as msgpack,
// whatever the type.
func DecodeRequest(msg []byte) (*Request, error) {
	if len(msg) > 0 && msg[0] == '{' {
		return decodeJSONRequest(msg)
	}
	return decodeMsgpackRequest(msg)
}

// jsRooms accepts room names given as strings or, from loosely typed
// JavaScript callers, numbers.
type jsRooms []string

func (r *jsRooms) UnmarshalJSON(b []byte) error {
	var raw []any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	if raw == nil {
		*r = nil
		return nil
	}
	out := make([]string, len(raw))
	for i, v := range raw {
		switch v := v.(type) {
		case string:
			out[i] = v
		case json.Number:
			f, err := v.Float64()
			if err != nil {
				return err
			}
			out[i] = string(jsontext.AppendNumber(nil, f))
		default:
			return fmt.Errorf("room of type %T", v)
		}
	}
	*r = out
	return nil
}

type jsonInOpts struct {
	Rooms  jsRooms         `json:"rooms"`
	Except jsRooms         `json:"except"`
	Flags  json.RawMessage `json:"flags"`
}

type jsonInRequest struct {
	UID       string            `json:"uid"`
	RequestID *string           `json:"requestId"`
	Type      *int              `json:"type"`
	Opts      *jsonInOpts       `json:"opts"`
	Rooms     jsRooms           `json:"rooms"`
	Close     bool              `json:"close"`
	Data      []json.RawMessage `json:"data"`
	SID       string            `json:"sid"`
	Room      string            `json:"room"`
	Packet    json.RawMessage   `json:"packet"`
}

func decodeJSONRequest(msg []byte) (*Request, error) {
	var j jsonInRequest
	if err := json.Unmarshal(msg, &j); err != nil {
		return nil, &DecodeError{Message: "request", Reason: err.Error()}
	}
	if j.Type == nil {
		return nil, &DecodeError{Message: "request", Field: "type", Reason: "missing"}
	}
	r := &Request{UID: j.UID, Type: RequestType(*j.Type), Rooms: j.Rooms, Close: j.Close, Data: j.Data, SID: j.SID, Room: j.Room}
	if j.RequestID != nil {
		r.RequestID = *j.RequestID
	}
	if j.Opts != nil {
		o, err := fromJSONOpts(j.Opts)
		if err != nil {
			return nil, err
		}
		r.Opts = o
	}
	if len(j.Packet) > 0 && string(j.Packet) != "null" {
		var p struct {
			Type *int            `json:"type"`
			Data json.RawMessage `json:"data"`
			Nsp  *string         `json:"nsp"`
			ID   *int            `json:"id"`
		}
		if err := json.Unmarshal(j.Packet, &p); err != nil || p.Type == nil {
			return nil, &DecodeError{Message: "request", Field: "packet", Reason: "not a packet object"}
		}
		r.Packet = &Packet{Type: *p.Type, Nsp: "/", ID: p.ID}
		if p.Nsp != nil {
			r.Packet.Nsp = *p.Nsp
		}
		if len(p.Data) > 0 {
			v, err := jsonToValue(p.Data)
			if err != nil {
				return nil, &DecodeError{Message: "request", Field: "packet.data", Reason: err.Error()}
			}
			r.Packet.Data = v
		}
	}
	return r, nil
}

func fromJSONOpts(j *jsonInOpts) (*BroadcastOptions, error) {
	o := &BroadcastOptions{Rooms: j.Rooms, Except: j.Except}
	if len(j.Flags) == 0 || string(j.Flags) == "null" {
		return o, nil
	}
	// Reuse the msgpack flag reader so both formats read flags alike.
	e, buf := newEncoder()
	if err := encodeJSON(e, j.Flags, nil, false, 2); err != nil {
		return nil, &DecodeError{Message: "request", Field: "opts.flags", Reason: err.Error()}
	}
	o.Flags = &BroadcastFlags{}
	if err := newMsgReader(buf.Bytes(), "request").flags(o.Flags); err != nil {
		return nil, err
	}
	return o, nil
}

func decodeMsgpackRequest(msg []byte) (*Request, error) {
	m := newMsgReader(msg, "request")
	n, err := m.mapLen("")
	if err != nil {
		return nil, err
	}
	r := &Request{}
	hasType := false
	for range n {
		k, err := m.key("")
		if err != nil {
			return nil, err
		}
		switch k {
		case "uid":
			r.UID, err = m.str(k)
		case "requestId":
			r.RequestID, err = m.str(k)
		case "type":
			var t int
			t, err = m.integer(k)
			r.Type, hasType = RequestType(t), true
		case "packet":
			r.Packet = &Packet{}
			err = m.packet(r.Packet)
		case "opts":
			r.Opts = &BroadcastOptions{}
			err = m.opts(r.Opts)
		case "rooms":
			r.Rooms, err = m.rooms(k)
		case "close":
			var v any
			v, err = m.value(k, 1)
			r.Close = v == true
		case "data":
			var v any
			if v, err = m.value(k, 1); err != nil {
				break
			}
			arr, ok := v.([]any)
			if !ok {
				return nil, m.fail(k, "want an array, got %T", v)
			}
			r.Data = make([]json.RawMessage, len(arr))
			for i, x := range arr {
				b, att, jerr := DataJSON(x)
				if jerr != nil || len(att) > 0 {
					return nil, m.fail(k, "element %d cannot be JSON", i)
				}
				r.Data[i] = b
			}
		case "sid":
			r.SID, err = m.str(k)
		case "room":
			r.Room, err = m.str(k)
		default:
			err = m.skip(k, 1)
		}
		if err != nil {
			return nil, m.wrap(k, err)
		}
	}
	if !hasType {
		return nil, m.fail("type", "missing")
	}
	return r, m.end()
}

// jsonToValue decodes a JSON value into the Go types of Packet.Data.
func jsonToValue(raw []byte) (any, error) {
	e, buf := newEncoder()
	if err := encodeJSON(e, raw, nil, false, 1); err != nil {
		return nil, err
	}
	m := newMsgReader(buf.Bytes(), "value")
	v, err := m.value("", 1)
	if err != nil {
		return nil, err
	}
	return v, m.end()
}
