package runtime

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"sync"

	"github.com/siogo/sio/internal/jsontext"
	"github.com/siogo/sio/internal/placeholder"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/parser"
)

// An Encoder writes the arguments of one outgoing event for the emitters
// siogen generates, as the JSON text socketio sends: each argument in turn
// (see [Encoder.Next]), binary arguments as attachments referred to by
// {"_placeholder":true,"num":N} placeholders. Its output is byte for byte
// what [socketio.Socket.Emit] sends for the same values: encoding/json's,
// without escaping <, > and & (as socketio's encoder and JavaScript's
// JSON.stringify), so that typed and untyped emits of one value are the same
// packet.
//
// The first error (a NaN or infinite float, a value encoding/json rejects)
// sticks: later writes do nothing and [Encoder.Err] reports it.
//
// Get one with [NewEncoder]; [Emit], [EmitWithAck] and [BroadcastWithAck]
// send what it holds and recycle it. An Encoder is owned by one goroutine.
type Encoder struct {
	buf   []byte   // "[" and the arguments so far
	att   [][]byte // the attachments so far
	err   error
	nargs int           // arguments begun
	first bool          // in an object, no member written yet
	depth int           // of the generated encoders of recursive types (Enter)
	deep  bool          // depth went past maxDepth: Recheck writes the argument again
	args  socketio.Args // what Ack and Emit hand socketio, kept with e
}

// maxEncodeDepth is how deep the generated encoders of recursive types go
// before the argument is left to encoding/json (see [Encoder.Enter]); it is
// where encoding/json starts looking for cycles.
const maxEncodeDepth = 1000

// Mark is where an argument of a recursive type begins; see
// [Encoder.Recheck].
type Mark struct {
	buf, att int
	err      error
}

// Mark returns where the next value begins.
func (e *Encoder) Mark() Mark {
	e.depth, e.deep = 0, false
	return Mark{buf: len(e.buf), att: len(e.att), err: e.err}
}

// Enter begins a value of a recursive type: it reports false, and the
// generated encoder writes nothing, past a nesting of 1000 (encoding/json's
// threshold for looking for cycles); [Encoder.Recheck] then writes the
// whole argument again with encoding/json, which reports a cycle as it
// does. It bounds the recursion of the generated code whatever the data.
func (e *Encoder) Enter() bool {
	if e.deep {
		return false
	}
	e.depth++
	if e.depth > maxEncodeDepth {
		e.deep = true
		return false
	}
	return true
}

// Leave ends a value Enter began.
func (e *Encoder) Leave() { e.depth-- }

// Recheck writes v, the argument begun at m, again with encoding/json (as
// [Encoder.JSON]) when its generated encoder went too deep.
func (e *Encoder) Recheck(m Mark, v any) {
	if !e.deep {
		return
	}
	e.buf, e.att, e.err = e.buf[:m.buf], e.att[:m.att], m.err
	e.depth, e.deep = 0, false
	e.JSON(v)
}

// maxPooled is the largest buffer an Encoder keeps when it is recycled.
const maxPooled = 64 << 10

var encoderPool = sync.Pool{New: func() any { return &Encoder{buf: make([]byte, 0, 256)} }}

// NewEncoder returns an empty Encoder.
func NewEncoder() *Encoder {
	e := encoderPool.Get().(*Encoder)
	e.buf = append(e.buf[:0], '[')
	return e
}

// release returns e to the pool. The attachments are the packet's: they
// are not reused.
func (e *Encoder) release() {
	if cap(e.buf) > maxPooled {
		return
	}
	e.att, e.err, e.nargs, e.first, e.depth, e.deep = nil, nil, 0, false, 0, false
	e.args = socketio.Args{}
	encoderPool.Put(e)
}

// Err returns the first error of the writes, or nil.
func (e *Encoder) Err() error { return e.err }

// Next begins the next argument: every argument starts with it.
func (e *Encoder) Next() {
	if e.nargs > 0 {
		e.buf = append(e.buf, ',')
	}
	e.nargs++
}

// Null writes null (a nil optional argument).
func (e *Encoder) Null() { e.buf = append(e.buf, "null"...) }

// String writes s as encoding/json does (HTML escaping off).
func (e *Encoder) String(s string) { e.buf = AppendString(e.buf, s) }

// Bool writes b.
func (e *Encoder) Bool(b bool) { e.buf = strconv.AppendBool(e.buf, b) }

// Int writes i.
func (e *Encoder) Int(i int64) { e.buf = strconv.AppendInt(e.buf, i, 10) }

// Uint writes u.
func (e *Encoder) Uint(u uint64) { e.buf = strconv.AppendUint(e.buf, u, 10) }

// Float64 writes f as encoding/json writes a float64; NaN and infinities
// are errors, as they are for encoding/json.
func (e *Encoder) Float64(f float64) { e.float(f, 64) }

// Float32 writes f as encoding/json writes a float32.
func (e *Encoder) Float32(f float32) { e.float(float64(f), 32) }

func (e *Encoder) float(f float64, bits int) {
	if e.err != nil {
		return
	}
	b, err := AppendFloat(e.buf, f, bits)
	if err != nil {
		e.err = err
		return
	}
	e.buf = b
}

// QuotedString writes s as encoding/json writes a string field tagged
// ",string": the JSON string of s, as a JSON string.
func (e *Encoder) QuotedString(s string) {
	n := len(e.buf)
	e.buf = AppendString(e.buf, s)
	inner := string(e.buf[n:])
	e.buf = AppendString(e.buf[:n], inner)
}

// QuotedBool writes b as a field tagged ",string": "true" or "false".
func (e *Encoder) QuotedBool(b bool) {
	e.buf = append(strconv.AppendBool(append(e.buf, '"'), b), '"')
}

// QuotedInt writes i as a field tagged ",string".
func (e *Encoder) QuotedInt(i int64) {
	e.buf = append(strconv.AppendInt(append(e.buf, '"'), i, 10), '"')
}

// QuotedUint writes u as a field tagged ",string".
func (e *Encoder) QuotedUint(u uint64) {
	e.buf = append(strconv.AppendUint(append(e.buf, '"'), u, 10), '"')
}

// QuotedFloat64 writes f as a float64 field tagged ",string".
func (e *Encoder) QuotedFloat64(f float64) { e.quotedFloat(f, 64) }

// QuotedFloat32 writes f as a float32 field tagged ",string".
func (e *Encoder) QuotedFloat32(f float32) { e.quotedFloat(float64(f), 32) }

func (e *Encoder) quotedFloat(f float64, bits int) {
	if e.err != nil {
		return
	}
	b, err := AppendFloat(append(e.buf, '"'), f, bits)
	if err != nil {
		e.err = err
		return
	}
	e.buf = append(b, '"')
}

// Binary writes b as a binary attachment: its placeholder here, b itself
// sent after the packet, as socketio sends a []byte argument (nil is an
// empty attachment). b is not copied: do not modify it until it is sent.
func (e *Encoder) Binary(b []byte) {
	if b == nil {
		b = []byte{}
	}
	e.buf = placeholder.Append(e.buf, len(e.att))
	e.att = append(e.att, b)
}

// RawJSON writes raw, a json.RawMessage argument, as socketio does: as it
// is, after checking that it is valid JSON in UTF-8; nil is null.
func (e *Encoder) RawJSON(raw json.RawMessage) { e.JSON(raw) }

// JSON writes v as socketio's encoder writes an argument of its type
// (encoding/json for everything siogen does not encode itself; []byte in
// []any and map[string]any as attachments).
func (e *Encoder) JSON(v any) {
	if e.err != nil {
		return
	}
	e.buf, e.att, e.err = parser.AppendArg(e.buf, e.att, v)
}

// BeginObject starts a JSON object (a struct argument siogen encodes field
// by field); [Encoder.Key] writes each member's name.
func (e *Encoder) BeginObject() {
	e.buf = append(e.buf, '{')
	e.first = true
}

// Key begins a member of the object: key is `"name":`, the name as
// encoding/json writes a field's name without HTML escaping.
func (e *Encoder) Key(key string) {
	if !e.first {
		e.buf = append(e.buf, ',')
	}
	e.first = false
	e.buf = append(e.buf, key...)
}

// EndObject ends the object.
func (e *Encoder) EndObject() {
	e.buf = append(e.buf, '}')
	e.first = false // a member of an enclosing object has been written
}

// MapKey begins a member of an object written for a map: key is the map
// key, written as a JSON string.
func (e *Encoder) MapKey(key string) {
	if !e.first {
		e.buf = append(e.buf, ',')
	}
	e.first = false
	e.buf = append(AppendString(e.buf, key), ':')
}

// BeginArray starts a JSON array (a slice or an array siogen encodes
// element by element); [Encoder.Element] begins each element.
func (e *Encoder) BeginArray() { e.buf = append(e.buf, '[') }

// Element begins element i of the array.
func (e *Encoder) Element(i int) {
	if i > 0 {
		e.buf = append(e.buf, ',')
	}
}

// EndArray ends the array.
func (e *Encoder) EndArray() {
	e.buf = append(e.buf, ']')
	e.first = false
}

// SortedKeys returns the keys of m in the order encoding/json writes them.
func SortedKeys[M ~map[K]V, K ~string, V any](m M) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Encoded returns a copy of the JSON text of the arguments written so far,
// as the array socketio sends: for tests (the generated emitters send it).
func (e *Encoder) Encoded() []byte { return append(e.buf[:len(e.buf):len(e.buf)], ']') }

// finish closes the array of arguments and returns it, as socketio.NewArgs
// takes it.
func (e *Encoder) finish() []byte { return append(e.buf, ']') }

// AppendString appends s as a JSON string, byte for byte as encoding/json
// writes it with HTML escaping off (json.Encoder.SetEscapeHTML(false), as
// socketio encodes): quotes, backslashes and control characters escaped
// (\b, \f, \n, \r, \t by name), invalid UTF-8 as \ufffd, and U+2028 and
// U+2029 escaped.
func AppendString(dst []byte, s string) []byte { return jsontext.AppendString(dst, s) }

// AppendFloat appends f as encoding/json writes a float of bits (32 or 64)
// bits: the shortest representation that reads back, in 'f' format, or in
// 'e' format with a trimmed exponent when |f| < 1e-6 or |f| >= 1e21. NaN and
// infinities are a *json.UnsupportedValueError, as from json.Marshal, and dst
// is returned unchanged.
func AppendFloat(dst []byte, f float64, bits int) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		v := reflect.ValueOf(f)
		if bits == 32 {
			v = reflect.ValueOf(float32(f))
		}
		return dst, &json.UnsupportedValueError{Value: v, Str: strconv.FormatFloat(f, 'g', -1, bits)}
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	dst = strconv.AppendFloat(dst, f, format, -1, bits)
	if format == 'e' {
		// e-09 → e-9
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst, nil
}
