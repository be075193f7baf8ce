package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"

	"github.com/siogo/sio/internal/jsontext"
	"github.com/siogo/sio/internal/placeholder"
	"github.com/siogo/sio/socketio/parser"
)

// JSONData is event data given the way socketio holds it: a JSON value in
// which objects {"_placeholder":true,"num":N} stand for Attachments[N]. As a
// Packet.Data or a Response.Packet it is encoded with the placeholders
// replaced by binary and object keys in their JSON order (array-index keys
// first, as JavaScript orders them), so the bytes match what Node produces
// for the same event.
type JSONData struct {
	JSON        []byte
	Attachments [][]byte
}

// DataJSON converts a value as decoded into Packet.Data or Response.Packet
// back into socketio's form: JSON text with []byte values replaced by
// placeholders, and the attachments in order. Objects are written with
// array-index keys first, then the other keys sorted.
func DataJSON(v any) (data []byte, attachments [][]byte, err error) {
	w := jsonValueWriter{}
	if err := w.write(v, 0); err != nil {
		return nil, nil, err
	}
	return w.buf, w.attachments, nil
}

// ---- encoding ----

// Object is a JSON or msgpack object that keeps its key order: decoded
// objects come as Objects, their keys in the order Node's object holds them
// (array-index keys first, ascending, then the others in the order they came;
// a repeated key keeps its first place and takes its last value), so that
// encoding them again, as msgpack or as JSON text, gives what Node gives.
type Object []Member

// Member is one key and value of an Object.
type Member struct {
	Key   string
	Value any
}

func memberKey(m Member) string { return m.Key }

// objectOf orders a map's keys as a JavaScript object built by adding them
// in sorted order holds them.
func objectOf(m map[string]any) Object {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	obj := make(Object, len(keys))
	for i, k := range keys {
		obj[i] = Member{k, m[k]}
	}
	jsontext.OrderKeys(obj, memberKey)
	return obj
}

// valueEncoder writes values as msgpack; inside a JSONData, placeholder
// objects are written as their attachment (placeholders true).
type valueEncoder struct {
	e            *msgpack.Encoder
	attachments  [][]byte
	placeholders bool
}

func encodeValue(e *msgpack.Encoder, v any, depth int) error {
	w := valueEncoder{e: e}
	return w.value(v, depth)
}

func (w *valueEncoder) value(v any, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrUnsupported, MaxDepth)
	}
	e := w.e
	switch v := v.(type) {
	case nil:
		return e.EncodeNil()
	case bool:
		return e.EncodeBool(v)
	case string:
		return e.EncodeString(v)
	case []byte:
		if v == nil {
			return e.EncodeNil()
		}
		return e.EncodeBytes(v)
	case int:
		return e.EncodeInt(int64(v))
	case int8:
		return e.EncodeInt(int64(v))
	case int16:
		return e.EncodeInt(int64(v))
	case int32:
		return e.EncodeInt(int64(v))
	case int64:
		return e.EncodeInt(v)
	case uint:
		return e.EncodeUint(uint64(v))
	case uint8:
		return e.EncodeUint(uint64(v))
	case uint16:
		return e.EncodeUint(uint64(v))
	case uint32:
		return e.EncodeUint(uint64(v))
	case uint64:
		return e.EncodeUint(v)
	case float32:
		return encodeNumber(e, float64(v))
	case float64:
		return encodeNumber(e, v)
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return fmt.Errorf("%w: json.Number %q", ErrUnsupported, string(v))
		}
		return encodeNumber(e, f)
	case time.Time:
		return e.EncodeTime(v)
	case []string:
		if err := e.EncodeArrayLen(len(v)); err != nil {
			return err
		}
		for _, x := range v {
			if err := e.EncodeString(x); err != nil {
				return err
			}
		}
		return nil
	case []any:
		if err := e.EncodeArrayLen(len(v)); err != nil {
			return err
		}
		for _, x := range v {
			if err := w.value(x, depth+1); err != nil {
				return err
			}
		}
		return nil
	case map[string]any:
		return w.value(objectOf(v), depth)
	case Object:
		if w.placeholders {
			if b, ok, err := resolve(v, w.attachments); ok || err != nil {
				if err != nil {
					return err
				}
				return e.EncodeBytes(b)
			}
		}
		if err := e.EncodeMapLen(len(v)); err != nil {
			return err
		}
		for _, m := range v {
			if err := e.EncodeString(m.Key); err != nil {
				return err
			}
			if err := w.value(m.Value, depth+1); err != nil {
				return err
			}
		}
		return nil
	case json.RawMessage:
		return encodeJSON(e, v, nil, false, depth)
	case JSONData:
		return encodeJSON(e, v.JSON, v.Attachments, true, depth)
	case *JSONData:
		return encodeJSON(e, v.JSON, v.Attachments, true, depth)
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("%w: %T: %v", ErrUnsupported, v, err)
		}
		return encodeJSON(e, raw, nil, false, depth)
	}
}

// encodeNumber writes a JavaScript number the way notepack.io does: integral
// values as the smallest integer form (unsigned when non-negative, so -0 is
// 0), everything else as float 64.
func encodeNumber(e *msgpack.Encoder, f float64) error {
	if f == math.Trunc(f) && !math.IsInf(f, 0) {
		if f >= 0 && f < 1<<64 {
			return e.EncodeUint(uint64(f))
		}
		if f < 0 && f >= -(1<<63) {
			return e.EncodeInt(int64(f))
		}
	}
	return e.EncodeFloat64(f)
}

// addMember adds k: v to obj as a JavaScript object assignment does: a
// repeated key keeps its place and takes the new value. seen maps the keys
// to their index, made when obj has more than a few members.
func addMember(obj Object, seen map[string]int, k string, v any) (Object, map[string]int) {
	if seen == nil && len(obj) >= 8 {
		seen = make(map[string]int, 2*len(obj))
		for i, m := range obj {
			seen[m.Key] = i
		}
	}
	if seen != nil {
		if i, ok := seen[k]; ok {
			obj[i].Value = v
			return obj, seen
		}
		seen[k] = len(obj)
	} else {
		for i := range obj {
			if obj[i].Key == k {
				obj[i].Value = v
				return obj, seen
			}
		}
	}
	return append(obj, Member{k, v}), seen
}

// parseJSON parses one JSON value, objects as Objects in the order
// JSON.parse gives them.
func parseJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseJSONValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data after JSON value", ErrUnsupported)
	}
	return v, nil
}

func parseJSONValue(dec *json.Decoder, depth int) (any, error) {
	if depth > MaxDepth {
		return nil, fmt.Errorf("%w: nesting deeper than %d", ErrUnsupported, MaxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("%w: invalid JSON: %v", ErrUnsupported, err)
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '[':
			arr := []any{}
			for dec.More() {
				x, err := parseJSONValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				arr = append(arr, x)
			}
			_, err := dec.Token()
			return arr, err
		case '{':
			obj := Object{}
			var seen map[string]int
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, fmt.Errorf("%w: invalid JSON: %v", ErrUnsupported, err)
				}
				k := kt.(string)
				x, err := parseJSONValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				obj, seen = addMember(obj, seen, k, x)
			}
			_, err := dec.Token()
			jsontext.OrderKeys(obj, memberKey)
			return obj, err
		}
		return nil, fmt.Errorf("%w: invalid JSON delimiter %v", ErrUnsupported, t)
	default:
		return t, nil // nil, bool, string, json.Number
	}
}

// encodeJSON transcodes a JSON value to msgpack; with placeholders set,
// socket.io placeholder objects become the matching attachment as binary.
func encodeJSON(e *msgpack.Encoder, data []byte, attachments [][]byte, placeholders bool, depth int) error {
	v, err := parseJSON(data)
	if err != nil {
		return err
	}
	w := valueEncoder{e: e, attachments: attachments, placeholders: placeholders}
	return w.value(v, depth)
}

// resolve resolves a socket.io placeholder object the way socket.io-parser
// does: any object whose _placeholder is true, with a num naming one of
// the attachments (an integer, as socketio's parser requires).
func resolve(obj Object, attachments [][]byte) ([]byte, bool, error) {
	var isPlaceholder bool
	var num json.Number
	for _, m := range obj {
		switch m.Key {
		case "_placeholder":
			isPlaceholder = m.Value == true
		case "num":
			num, _ = m.Value.(json.Number)
		}
	}
	if !isPlaceholder {
		return nil, false, nil
	}
	n, ok := placeholder.Index([]byte(num), len(attachments))
	if !ok {
		return nil, true, fmt.Errorf("%w: placeholder %q does not name one of %d attachments", ErrUnsupported, string(num), len(attachments))
	}
	b := attachments[n]
	if b == nil {
		b = []byte{}
	}
	return b, true, nil
}

// ---- decoding ----

// msgReader decodes msgpack values from one message.
type msgReader struct {
	b   []byte
	r   *bytes.Reader
	d   *msgpack.Decoder
	msg string // for errors
}

func newMsgReader(b []byte, msg string) *msgReader {
	r := bytes.NewReader(b)
	return &msgReader{b: b, r: r, d: msgpack.NewDecoder(r), msg: msg}
}

func (m *msgReader) fail(field, format string, args ...any) error {
	return &DecodeError{Message: m.msg, Field: field, Reason: fmt.Sprintf(format, args...)}
}

func (m *msgReader) wrap(field string, err error) error {
	if _, ok := err.(*DecodeError); ok {
		return err
	}
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return m.fail(field, "truncated")
	}
	return m.fail(field, "%v", err)
}

func (m *msgReader) peek(field string) (byte, error) {
	c, err := m.d.PeekCode()
	if err != nil {
		return 0, m.wrap(field, err)
	}
	return c, nil
}

func (m *msgReader) end() error {
	if m.r.Len() != 0 {
		return m.fail("", "%d trailing bytes", m.r.Len())
	}
	return nil
}

func isMap(c byte) bool { return msgpcode.IsFixedMap(c) || c == msgpcode.Map16 || c == msgpcode.Map32 }
func isArray(c byte) bool {
	return msgpcode.IsFixedArray(c) || c == msgpcode.Array16 || c == msgpcode.Array32
}

// mapLen reads a map header, bounding the length by the bytes left.
func (m *msgReader) mapLen(field string) (int, error) {
	c, err := m.peek(field)
	if err != nil {
		return 0, err
	}
	if !isMap(c) {
		return 0, m.fail(field, "want a map, got code 0x%02x", c)
	}
	n, err := m.d.DecodeMapLen()
	if err != nil {
		return 0, m.wrap(field, err)
	}
	if n < 0 || n > m.r.Len()/2 {
		return 0, m.fail(field, "map of %d entries in %d bytes", n, m.r.Len())
	}
	return n, nil
}

// arrayLen reads an array header, bounding the length by the bytes left.
func (m *msgReader) arrayLen(field string) (int, error) {
	c, err := m.peek(field)
	if err != nil {
		return 0, err
	}
	if !isArray(c) {
		return 0, m.fail(field, "want an array, got code 0x%02x", c)
	}
	n, err := m.d.DecodeArrayLen()
	if err != nil {
		return 0, m.wrap(field, err)
	}
	if n < 0 || n > m.r.Len() {
		return 0, m.fail(field, "array of %d elements in %d bytes", n, m.r.Len())
	}
	return n, nil
}

func (m *msgReader) str(field string) (string, error) {
	c, err := m.peek(field)
	if err != nil {
		return "", err
	}
	if !msgpcode.IsString(c) {
		return "", m.fail(field, "want a string, got code 0x%02x", c)
	}
	s, err := m.d.DecodeString()
	if err != nil {
		return "", m.wrap(field, err)
	}
	if !utf8.ValidString(s) {
		// As Node's Buffer#toString does, so the string is the same in JSON.
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return s, nil
}

// key reads a map key: a string, or a number JavaScript turns into one.
func (m *msgReader) key(field string) (string, error) {
	c, err := m.peek(field)
	if err != nil {
		return "", err
	}
	if msgpcode.IsString(c) {
		return m.str(field)
	}
	v, err := m.value(field, MaxDepth)
	if err != nil {
		return "", err
	}
	if f, ok := toFloat(v); ok {
		// As JavaScript turns the number notepack.io decoded into a key.
		return string(jsontext.AppendNumber(nil, f)), nil
	}
	return "", m.fail(field, "map key of type %T", v)
}

// number reads an integer or float as float64.
func (m *msgReader) number(field string) (float64, error) {
	v, err := m.value(field, MaxDepth)
	if err != nil {
		return 0, err
	}
	if f, ok := toFloat(v); ok {
		return f, nil
	}
	return 0, m.fail(field, "want a number, got %T", v)
}

// integer reads a number that must be an integer fitting in int.
func (m *msgReader) integer(field string) (int, error) {
	f, err := m.number(field)
	if err != nil {
		return 0, err
	}
	if f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxInt32 {
		return 0, m.fail(field, "want an integer, got %v", f)
	}
	return int(f), nil
}

func (m *msgReader) boolean(field string) (bool, error) {
	c, err := m.peek(field)
	if err != nil {
		return false, err
	}
	if c != msgpcode.True && c != msgpcode.False {
		return false, m.fail(field, "want a boolean, got code 0x%02x", c)
	}
	b, err := m.d.DecodeBool()
	return b, m.wrapNil(field, err)
}

func (m *msgReader) wrapNil(field string, err error) error {
	if err == nil {
		return nil
	}
	return m.wrap(field, err)
}

func (m *msgReader) skip(field string, depth int) error {
	_, err := m.value(field, depth)
	return err
}

// value decodes any msgpack value (see Packet.Data for the Go types).
func (m *msgReader) value(field string, depth int) (any, error) {
	if depth > MaxDepth {
		return nil, m.fail(field, "nesting deeper than %d", MaxDepth)
	}
	c, err := m.peek(field)
	if err != nil {
		return nil, err
	}
	switch {
	case c == msgpcode.Nil:
		return nil, m.wrapNil(field, m.d.DecodeNil())
	case c == msgpcode.True || c == msgpcode.False:
		return m.boolean(field)
	case c == msgpcode.Uint64:
		n, err := m.d.DecodeUint64()
		if err != nil {
			return nil, m.wrap(field, err)
		}
		if n > math.MaxInt64 {
			return n, nil
		}
		return int64(n), nil
	case msgpcode.IsFixedNum(c), c >= msgpcode.Uint8 && c <= msgpcode.Uint32, c >= msgpcode.Int8 && c <= msgpcode.Int64:
		n, err := m.d.DecodeInt64()
		return n, m.wrapNil(field, err)
	case c == msgpcode.Float || c == msgpcode.Double:
		f, err := m.d.DecodeFloat64()
		return f, m.wrapNil(field, err)
	case msgpcode.IsString(c):
		return m.str(field)
	case msgpcode.IsBin(c):
		n, err := m.d.DecodeBytesLen()
		if err != nil {
			return nil, m.wrap(field, err)
		}
		if n < 0 || n > m.r.Len() {
			return nil, m.fail(field, "binary of %d bytes in %d bytes", n, m.r.Len())
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(m.r, b); err != nil {
			return nil, m.wrap(field, err)
		}
		return b, nil
	case isArray(c):
		n, err := m.arrayLen(field)
		if err != nil {
			return nil, err
		}
		arr := make([]any, n)
		for i := range arr {
			if arr[i], err = m.value(field, depth+1); err != nil {
				return nil, err
			}
		}
		return arr, nil
	case isMap(c):
		n, err := m.mapLen(field)
		if err != nil {
			return nil, err
		}
		obj := make(Object, 0, n)
		var seen map[string]int
		for range n {
			k, err := m.key(field)
			if err != nil {
				return nil, err
			}
			x, err := m.value(field, depth+1)
			if err != nil {
				return nil, err
			}
			obj, seen = addMember(obj, seen, k, x)
		}
		jsontext.OrderKeys(obj, memberKey)
		return obj, nil
	case msgpcode.IsExt(c):
		return m.ext(field)
	}
	return nil, m.fail(field, "unknown code 0x%02x", c)
}

// ext decodes the extensions notepack.io produces: timestamps (type -1) and
// the fixext 1 of type 0 that notepack 2.x wrote for undefined (decoded as
// nil).
func (m *msgReader) ext(field string) (any, error) {
	pos := len(m.b) - m.r.Len()
	c := m.b[pos]
	idAt := pos + 1
	switch c {
	case msgpcode.Ext8:
		idAt = pos + 2
	case msgpcode.Ext16:
		idAt = pos + 3
	case msgpcode.Ext32:
		idAt = pos + 5
	}
	if idAt >= len(m.b) {
		return nil, m.fail(field, "truncated")
	}
	switch id := int8(m.b[idAt]); {
	case id == -1:
		t, err := m.d.DecodeTime()
		return t, m.wrapNil(field, err)
	case id == 0 && c == msgpcode.FixExt1:
		if pos+3 > len(m.b) {
			return nil, m.fail(field, "truncated")
		}
		_, _ = m.r.Seek(3, io.SeekCurrent)
		return nil, nil
	default:
		return nil, m.fail(field, "unsupported extension type %d", id)
	}
}

// ---- JSON output ----

// jsonValueWriter writes decoded values as socket.io JSON with placeholders,
// as socket.io-parser writes the packet Node decoded.
type jsonValueWriter struct {
	buf         []byte
	attachments [][]byte
}

func (w *jsonValueWriter) write(v any, depth int) error {
	if depth > MaxDepth {
		return fmt.Errorf("%w: nesting deeper than %d", ErrUnsupported, MaxDepth)
	}
	switch v := v.(type) {
	case nil:
		w.buf = append(w.buf, "null"...)
	case bool:
		w.buf = strconv.AppendBool(w.buf, v)
	case int64:
		// Node decodes every msgpack integer to a JavaScript number, so
		// beyond 2⁵³ it writes the nearest double, as this does.
		w.buf = jsontext.AppendNumber(w.buf, float64(v))
	case uint64:
		w.buf = jsontext.AppendNumber(w.buf, float64(v))
	case float64:
		w.buf = jsontext.AppendJSONNumber(w.buf, v)
	case string:
		w.buf = jsontext.AppendStringJS(w.buf, v)
	case []byte:
		w.buf = placeholder.Append(w.buf, len(w.attachments))
		w.attachments = append(w.attachments, v)
	case time.Time:
		// As JSON.stringify writes a Date.
		w.buf = jsontext.AppendStringJS(w.buf, v.UTC().Format("2006-01-02T15:04:05.000Z"))
	case []any:
		return w.members('[', ']', len(v), func(i int) error { return w.write(v[i], depth+1) })
	case map[string]any:
		return w.write(objectOf(v), depth)
	case Object:
		return w.members('{', '}', len(v), func(i int) error {
			w.buf = append(jsontext.AppendStringJS(w.buf, v[i].Key), ':')
			return w.write(v[i].Value, depth+1)
		})
	default:
		b, err := marshalJSON(v)
		if err != nil {
			return fmt.Errorf("%w: %T: %v", ErrUnsupported, v, err)
		}
		w.buf = append(w.buf, b...)
	}
	return nil
}

// members writes the n elements of an array or members of an object
// between open and close, each by write, separated by commas.
func (w *jsonValueWriter) members(open, close byte, n int, write func(i int) error) error {
	w.buf = append(w.buf, open)
	for i := range n {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		if err := write(i); err != nil {
			return err
		}
	}
	w.buf = append(w.buf, close)
	return nil
}

// marshalJSON is json.Marshal without HTML escaping, as JSON.stringify
// writes <, > and & as they are: socketio's parser writes a value of a type
// it does not know so.
func marshalJSON(v any) ([]byte, error) {
	b, _, err := parser.AppendArg(nil, nil, v)
	return b, err
}
