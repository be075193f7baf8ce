package runtime

import (
	"encoding/json"

	"github.com/siogo/sio/internal/jsontext"
)

// Decoder reads one JSON text value by value, for the decoders siogen
// generates for nested types (structs, slices, arrays, maps with string
// keys, pointers). It checks the syntax as strictly as encoding/json does
// while it reads, so that a value it reads to the end was valid JSON.
//
// A Decoder does not report errors: the first thing it cannot handle (bad
// syntax, a JSON kind the Go type cannot hold, a number out of range, a
// nesting deeper than [MaxDepth]) makes it fail, after which every method
// does nothing and returns false, nil or zero. The generated code then
// decodes the whole input again with encoding/json, so that every error is
// exactly encoding/json's. The zero value is not ready: call Reset.
//
// The recursion of the generated code is bounded by the nesting of the
// input, and that by MaxDepth: [Decoder.BeginObject] and
// [Decoder.BeginArray] fail deeper than that, as encoding/json does.
type Decoder struct {
	b      []byte
	i      int
	depth  int
	key    []byte
	failed bool
}

// Reset starts reading raw.
func (d *Decoder) Reset(raw []byte) {
	*d = Decoder{b: raw, i: jsontext.SkipSpace(raw, 0)}
}

// Fail stops the decoding: the caller falls back to encoding/json.
func (d *Decoder) Fail() { d.failed = true }

// Failed reports whether the decoding failed.
func (d *Decoder) Failed() bool { return d.failed }

// End reports whether the decoding succeeded and consumed all of the input
// (trailing white space aside).
func (d *Decoder) End() bool {
	return !d.failed && jsontext.SkipSpace(d.b, d.i) == len(d.b)
}

// Null consumes a JSON null and reports whether there was one.
func (d *Decoder) Null() bool {
	if d.failed || len(d.b)-d.i < 4 || string(d.b[d.i:d.i+4]) != "null" {
		return false
	}
	d.i += 4
	return true
}

// Skip consumes one value, checking its syntax.
func (d *Decoder) Skip() { d.Value() }

// Value consumes one value, checking its syntax, and returns its JSON
// text; nil once the decoding failed.
func (d *Decoder) Value() []byte {
	if d.failed {
		return nil
	}
	end, err := scanValue(d.b, d.i, d.depth)
	if err != nil {
		d.failed = true
		return nil
	}
	v := d.b[d.i:end]
	d.i = end
	return v
}

// open consumes the bracket c and the space after it, one level deeper.
func (d *Decoder) open(c byte) bool {
	if d.failed || d.i >= len(d.b) || d.b[d.i] != c {
		d.failed = true
		return false
	}
	d.depth++
	if d.depth > MaxDepth {
		d.failed = true
		return false
	}
	d.i = jsontext.SkipSpace(d.b, d.i+1)
	return true
}

// closes consumes the closing bracket c if it is next.
func (d *Decoder) closes(c byte) bool {
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		d.depth--
		return true
	}
	return false
}

// BeginObject consumes the opening brace of an object and its first key
// and colon; it returns false for an empty object (consumed whole) and
// fails on anything but an object.
//
//	for ok := d.BeginObject(); ok; ok = d.NextMember() {
//		// d.Key() names the member; read its value
//	}
func (d *Decoder) BeginObject() bool {
	if !d.open('{') {
		return false
	}
	if d.closes('}') {
		return false
	}
	return d.member()
}

// NextMember consumes the comma after a member's value and the next key
// and colon; it returns false at the closing brace (consumed) or when the
// decoding failed.
func (d *Decoder) NextMember() bool {
	if d.failed {
		return false
	}
	d.i = jsontext.SkipSpace(d.b, d.i)
	if d.closes('}') {
		return false
	}
	if d.i >= len(d.b) || d.b[d.i] != ',' {
		d.failed = true
		return false
	}
	d.i = jsontext.SkipSpace(d.b, d.i+1)
	return d.member()
}

// member consumes a key, the colon and the space up to the value.
func (d *Decoder) member() bool {
	b, i := d.b, d.i
	end, complex, err := scanString(b, i)
	if err != nil {
		d.failed = true
		return false
	}
	if complex {
		var k string
		if json.Unmarshal(b[i:end], &k) != nil {
			d.failed = true
			return false
		}
		d.key = []byte(k)
	} else {
		d.key = b[i+1 : end-1]
	}
	i = jsontext.SkipSpace(b, end)
	if i >= len(b) || b[i] != ':' {
		d.failed = true
		return false
	}
	d.i = jsontext.SkipSpace(b, i+1)
	return true
}

// Key returns the current member's name, unescaped as encoding/json
// unescapes it. It is valid until the next call to BeginObject or
// NextMember.
func (d *Decoder) Key() []byte { return d.key }

// BeginArray consumes the opening bracket of an array; it returns false
// for an empty array (consumed whole) and fails on anything but an array.
//
//	for ok := d.BeginArray(); ok; ok = d.NextElement() {
//		// read an element
//	}
func (d *Decoder) BeginArray() bool {
	if !d.open('[') {
		return false
	}
	return !d.closes(']')
}

// NextElement consumes the comma after an element; it returns false at the
// closing bracket (consumed) or when the decoding failed.
func (d *Decoder) NextElement() bool {
	if d.failed {
		return false
	}
	d.i = jsontext.SkipSpace(d.b, d.i)
	if d.closes(']') {
		return false
	}
	if d.i >= len(d.b) || d.b[d.i] != ',' {
		d.failed = true
		return false
	}
	d.i = jsontext.SkipSpace(d.b, d.i+1)
	return true
}

// scalar returns the next value's text, or nil (having consumed it) for
// null, which leaves a scalar unchanged, or when the decoding failed.
func (d *Decoder) scalar() []byte {
	if d.Null() {
		return nil
	}
	return d.Value()
}

// ReadString reads a JSON string into *dst; null leaves *dst unchanged.
func ReadString[T ~string](d *Decoder, dst *T) {
	if !d.failed && d.i < len(d.b) && d.b[d.i] == '"' {
		// One pass for a string without escapes or non-ASCII bytes.
		end, complex, err := scanString(d.b, d.i)
		if err != nil {
			d.failed = true
			return
		}
		raw := d.b[d.i:end]
		d.i = end
		if !complex {
			*dst = T(raw[1 : len(raw)-1])
		} else if DecodeString(raw, dst) != nil {
			d.failed = true
		}
		return
	}
	if raw := d.scalar(); raw != nil && DecodeString(raw, dst) != nil {
		d.failed = true
	}
}

// ReadBool reads a JSON boolean into *dst; null leaves *dst unchanged.
func ReadBool[T ~bool](d *Decoder, dst *T) {
	if raw := d.scalar(); raw != nil && DecodeBool(raw, dst) != nil {
		d.failed = true
	}
}

// ReadInt reads a JSON integer into *dst; null leaves *dst unchanged.
func ReadInt[T Signed](d *Decoder, dst *T) {
	if raw := d.scalar(); raw != nil && DecodeInt(raw, dst) != nil {
		d.failed = true
	}
}

// ReadUint reads a JSON non-negative integer into *dst; null leaves *dst
// unchanged.
func ReadUint[T Unsigned](d *Decoder, dst *T) {
	if raw := d.scalar(); raw != nil && DecodeUint(raw, dst) != nil {
		d.failed = true
	}
}

// ReadFloat reads a JSON number into *dst; null leaves *dst unchanged.
func ReadFloat[T Floats](d *Decoder, dst *T) {
	if raw := d.scalar(); raw != nil && DecodeFloat(raw, dst) != nil {
		d.failed = true
	}
}

// ReadJSON reads the next value into *dst with encoding/json: the
// generated code's way with what it does not decode itself (types with
// their own UnmarshalJSON or UnmarshalText, interfaces, []byte, maps with
// other keys, embedded fields, ",string" tags). encoding/json decodes a
// value into an addressable Go value the same way wherever the two sit, so
// the result is the one decoding the whole input with encoding/json gives.
func ReadJSON[T any](d *Decoder, dst *T) {
	raw := d.Value()
	if raw == nil {
		return
	}
	if Unmarshal(raw, dst) != nil {
		d.failed = true
	}
}
