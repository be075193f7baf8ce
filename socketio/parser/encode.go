package parser

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"sync"

	"github.com/siogo/sio/internal/jsontext"
	"github.com/siogo/sio/internal/placeholder"
)

// Encode returns the text message for p: the header (type, attachment
// count, namespace unless it is "/", ack id) followed by Data.
//
// A packet of type EVENT or ACK with attachments is sent as BINARY_EVENT or
// BINARY_ACK with the attachment count, and a BINARY_EVENT or BINARY_ACK
// without attachments as EVENT or ACK; the caller sends p.Attachments as
// binary messages right after the text message. Attachments of other packet
// types are not announced.
//
// Encode does not validate p: Type must be one of the seven types, the
// namespace must start with "/" and contain no comma, and Data must be what
// the type allows (see the package documentation), for the peer to decode
// the packet.
func (p *Packet) Encode() []byte {
	n := 1 + len(p.Namespace) + 1 + 20 + len(p.Data)
	if len(p.Attachments) > 0 {
		n += 21
	}
	return p.AppendEncode(make([]byte, 0, n))
}

// AppendEncode appends the text message for p, as Encode returns it, to dst
// and returns the extended slice.
func (p *Packet) AppendEncode(dst []byte) []byte {
	t := p.Type
	n := len(p.Attachments)
	switch {
	case n > 0 && t == Event:
		t = BinaryEvent
	case n > 0 && t == Ack:
		t = BinaryAck
	case n == 0 && t == BinaryEvent:
		t = Event
	case n == 0 && t == BinaryAck:
		t = Ack
	}
	dst = append(dst, '0'+byte(t))
	if t == BinaryEvent || t == BinaryAck {
		dst = strconv.AppendInt(dst, int64(n), 10)
		dst = append(dst, '-')
	}
	if p.Namespace != "" && p.Namespace != "/" {
		dst = append(dst, p.Namespace...)
		dst = append(dst, ',')
	}
	if p.ID >= 0 {
		dst = strconv.AppendInt(dst, p.ID, 10)
	}
	return append(dst, p.Data...)
}

// validJSON checks a payload (decoder.go) and a json.RawMessage argument:
// jsontext.Valid, which accepts what json.Valid does in one pass. A
// variable so that the benchmarks compare it with encoding/json's checks
// in one run.
var validJSON = jsontext.Valid

// maxMarshalDepth bounds the nesting of []any and map[string]any values that
// MarshalArgs walks, so that a value containing itself is an error rather
// than a stack overflow.
const maxMarshalDepth = 1000

// ErrMarshalDepth is returned by MarshalArgs for values nested deeper than
// 1000 levels of []any and map[string]any (a slice or map containing
// itself, for example).
var ErrMarshalDepth = errors.New("socketio: arguments nested too deeply")

// MarshalArgs encodes values as a JSON array, for the Data of an EVENT
// (values = the event name followed by the arguments) or an ACK.
//
// Each []byte value becomes a placeholder {"_placeholder":true,"num":N} and
// is returned as attachment N, in order of appearance; so do []byte values
// inside []any, [][]byte and map[string]any values, at any depth. A nil
// []byte is an empty attachment. []byte fields of structs, and []byte inside
// other types, are encoded by encoding/json (as base64 strings).
// json.RawMessage values are copied as they are (after checking that they
// are valid JSON in UTF-8; nil is null). Everything else goes through
// encoding/json, without escaping <, > and & (as JavaScript's
// JSON.stringify), so the output is deterministic: map keys are sorted.
//
// The attachments alias the values; do not modify them until they are sent.
// Node's socket.io-client rejects a packet with more than
// DefaultMaxAttachments attachments unless configured otherwise.
func MarshalArgs(values ...any) (data []byte, attachments [][]byte, err error) {
	m := marshaler{buf: make([]byte, 0, 64+16*len(values))}
	defer func() {
		if m.enc != nil {
			encoders.Put(m.enc)
		}
	}()
	m.buf = append(m.buf, '[')
	for i, v := range values {
		if i > 0 {
			m.buf = append(m.buf, ',')
		}
		if err := m.value(v, 0); err != nil {
			return nil, nil, err
		}
	}
	m.buf = append(m.buf, ']')
	return m.buf, m.attachments, nil
}

// AppendArg appends v, one argument, to dst as MarshalArgs encodes each of
// its values, and returns the extended slice with attachments extended by the
// binary attachments v holds (their placeholders numbered after those
// already in attachments). It lets an encoder that writes the other
// arguments itself (the emitters siogen generates) encode one value exactly
// as MarshalArgs would. On error, dst and attachments are returned as they
// were.
func AppendArg(dst []byte, attachments [][]byte, v any) ([]byte, [][]byte, error) {
	m := marshaler{buf: dst, attachments: attachments}
	err := m.value(v, 0)
	if m.enc != nil {
		encoders.Put(m.enc)
	}
	if err != nil {
		return dst, attachments, err
	}
	return m.buf, m.attachments, nil
}

type marshaler struct {
	buf         []byte
	attachments [][]byte
	enc         *jsonEncoder // taken from encoders when first needed
}

// jsonEncoder is a json.Encoder (HTML escaping off) that appends to a buffer.
type jsonEncoder struct {
	enc *json.Encoder
	b   []byte
}

func (e *jsonEncoder) Write(p []byte) (int, error) {
	e.b = append(e.b, p...)
	return len(p), nil
}

// encoders recycles jsonEncoders, so that MarshalArgs does not allocate one
// per call. They hold no buffer while in the pool.
var encoders = sync.Pool{New: func() any {
	e := new(jsonEncoder)
	e.enc = json.NewEncoder(e)
	e.enc.SetEscapeHTML(false)
	return e
}}

func (m *marshaler) value(v any, depth int) error {
	if depth > maxMarshalDepth {
		return ErrMarshalDepth
	}
	switch v := v.(type) {
	case nil:
		m.buf = append(m.buf, "null"...)
	case string:
		m.buf = jsontext.AppendString(m.buf, v)
	case bool:
		m.buf = strconv.AppendBool(m.buf, v)
	case int:
		m.buf = strconv.AppendInt(m.buf, int64(v), 10)
	case int64:
		m.buf = strconv.AppendInt(m.buf, v, 10)
	case int32:
		m.buf = strconv.AppendInt(m.buf, int64(v), 10)
	case uint:
		m.buf = strconv.AppendUint(m.buf, uint64(v), 10)
	case uint64:
		m.buf = strconv.AppendUint(m.buf, v, 10)
	case uint32:
		m.buf = strconv.AppendUint(m.buf, uint64(v), 10)
	case []byte:
		m.placeholder(v)
	case json.RawMessage:
		if v == nil {
			m.buf = append(m.buf, "null"...)
			break
		}
		if !validJSON(v, true) {
			return errors.New("socketio: json.RawMessage argument is not valid JSON in UTF-8")
		}
		m.buf = append(m.buf, v...)
	case [][]byte:
		m.buf = append(m.buf, '[')
		for i, b := range v {
			if i > 0 {
				m.buf = append(m.buf, ',')
			}
			m.placeholder(b)
		}
		m.buf = append(m.buf, ']')
	case []any:
		if v == nil {
			m.buf = append(m.buf, "null"...)
			break
		}
		m.buf = append(m.buf, '[')
		for i, e := range v {
			if i > 0 {
				m.buf = append(m.buf, ',')
			}
			if err := m.value(e, depth+1); err != nil {
				return err
			}
		}
		m.buf = append(m.buf, ']')
	case map[string]any:
		if v == nil {
			m.buf = append(m.buf, "null"...)
			break
		}
		var inline [16]string
		keys := inline[:0]
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		m.buf = append(m.buf, '{')
		for i, k := range keys {
			if i > 0 {
				m.buf = append(m.buf, ',')
			}
			m.buf = jsontext.AppendString(m.buf, k)
			m.buf = append(m.buf, ':')
			if err := m.value(v[k], depth+1); err != nil {
				return err
			}
		}
		m.buf = append(m.buf, '}')
	default:
		if m.enc == nil {
			m.enc = encoders.Get().(*jsonEncoder)
		}
		m.enc.b = m.buf
		err := m.enc.enc.Encode(v)
		m.buf, m.enc.b = m.enc.b, nil
		if err != nil {
			return err
		}
		m.buf = m.buf[:len(m.buf)-1] // Encode's newline
	}
	return nil
}

func (m *marshaler) placeholder(b []byte) {
	if b == nil {
		b = []byte{}
	}
	m.buf = placeholder.Append(m.buf, len(m.attachments))
	m.attachments = append(m.attachments, b)
}
