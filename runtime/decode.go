package runtime

import (
	"encoding/json"
	"reflect"
	"strconv"

	"github.com/siogo/sio/internal/jsontext"
	"github.com/siogo/sio/socketio"
)

// Signed is the set of signed integer types [Int] and [DecodeInt] decode.
type Signed interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64
}

// Unsigned is the set of unsigned integer types [Uint] and [DecodeUint]
// decode.
type Unsigned interface {
	~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// Floats is the set of floating-point types [Float] and [DecodeFloat]
// decode.
type Floats interface {
	~float32 | ~float64
}

// Arg returns the raw JSON of argument i: an error for malformed arguments,
// ErrMissing when there is no argument i. Generated decoders of structs
// start with it.
func Arg(args *socketio.Args, i int) ([]byte, error) {
	return arg(args, i)
}

func arg(args *socketio.Args, i int) ([]byte, error) {
	raw := args.Raw(i)
	if raw == nil {
		if err := args.Err(); err != nil {
			return nil, err
		}
		return nil, ErrMissing
	}
	return raw, nil
}

// Present reports whether the event carries argument i with a value other
// than null; generated code decodes an optional (pointer) parameter only
// then, and passes nil otherwise.
func Present(args *socketio.Args, i int) bool {
	raw := args.Raw(i)
	return raw != nil && string(raw) != "null"
}

// Unmarshal decodes raw into *dst with encoding/json, without letting dst
// escape to the heap on the paths that do not need it.
func Unmarshal[T any](raw []byte, dst *T) error {
	tmp := *dst
	err := json.Unmarshal(raw, &tmp)
	*dst = tmp
	return err
}

// String decodes argument i as a string (or a type whose underlying type is
// string).
func String[T ~string](args *socketio.Args, i int) (T, error) {
	var v T
	raw, err := arg(args, i)
	if err == nil {
		err = DecodeString(raw, &v)
	}
	return v, err
}

// Bool decodes argument i as a boolean.
func Bool[T ~bool](args *socketio.Args, i int) (T, error) {
	var v T
	raw, err := arg(args, i)
	if err == nil {
		err = DecodeBool(raw, &v)
	}
	return v, err
}

// Int decodes argument i as a signed integer; fractions, exponents and
// values out of T's range are errors, as with encoding/json.
func Int[T Signed](args *socketio.Args, i int) (T, error) {
	var v T
	raw, err := arg(args, i)
	if err == nil {
		err = DecodeInt(raw, &v)
	}
	return v, err
}

// Uint decodes argument i as an unsigned integer.
func Uint[T Unsigned](args *socketio.Args, i int) (T, error) {
	var v T
	raw, err := arg(args, i)
	if err == nil {
		err = DecodeUint(raw, &v)
	}
	return v, err
}

// Float decodes argument i as a floating-point number.
func Float[T Floats](args *socketio.Args, i int) (T, error) {
	var v T
	raw, err := arg(args, i)
	if err == nil {
		err = DecodeFloat(raw, &v)
	}
	return v, err
}

// JSON decodes argument i with encoding/json.
func JSON[T any](args *socketio.Args, i int) (T, error) {
	var v T
	raw, err := arg(args, i)
	if err == nil {
		err = Unmarshal(raw, &v)
	}
	return v, err
}

// Binary returns the binary attachment that argument i refers to.
func Binary[T ~[]byte](args *socketio.Args, i int) (T, error) {
	if _, err := arg(args, i); err != nil {
		return nil, err
	}
	b, err := args.Binary(i)
	return T(b), err
}

// BinaryPtr returns nil for a nil p and []byte(*p) otherwise: generated
// acknowledgement functions pass a pointer to a []byte type so, and socketio
// sends the bytes as a binary attachment (or null), as the same type is
// received.
func BinaryPtr[T ~[]byte](p *T) any {
	if p == nil {
		return nil
	}
	return []byte(*p)
}

// RawJSON returns a copy of argument i's JSON text.
func RawJSON[T ~[]byte](args *socketio.Args, i int) (T, error) {
	raw, err := arg(args, i)
	if err != nil {
		return nil, err
	}
	return append(T(nil), raw...), nil
}

// PresentRaw reports whether raw holds a value other than null: generated
// code decodes an optional (pointer) auth parameter only then.
func PresentRaw(raw []byte) bool {
	return raw != nil && string(raw) != "null"
}

// DecodeRaw stores a copy of raw in *dst (a json.RawMessage or []byte auth
// parameter receives the auth payload's JSON text).
func DecodeRaw[T ~[]byte](raw []byte, dst *T) error {
	*dst = append(T(nil), raw...)
	return nil
}

// DecodeString decodes raw, a JSON string, into *dst; null leaves *dst
// unchanged. Strings without escapes take a fast path; the rest, and every
// error, is encoding/json's.
func DecodeString[T ~string](raw []byte, dst *T) error {
	if n := len(raw); n >= 2 && raw[0] == '"' && raw[n-1] == '"' {
		simple := true
		for _, c := range raw[1 : n-1] {
			if c < 0x20 || c == '\\' || c == '"' || c >= 0x80 {
				simple = false
				break
			}
		}
		if simple {
			*dst = T(raw[1 : n-1])
			return nil
		}
	}
	return Unmarshal(raw, dst)
}

// DecodeBool decodes raw, a JSON boolean, into *dst; null leaves *dst
// unchanged.
func DecodeBool[T ~bool](raw []byte, dst *T) error {
	switch string(raw) {
	case "true":
		*dst = true
		return nil
	case "false":
		*dst = false
		return nil
	}
	return Unmarshal(raw, dst)
}

// DecodeInt decodes raw, a JSON integer, into *dst; null leaves *dst
// unchanged.
func DecodeInt[T Signed](raw []byte, dst *T) error {
	if end, integer, ok := jsontext.ScanNumber(raw, 0); ok && integer && end == len(raw) {
		bits := int(reflect.TypeFor[T]().Size() * 8)
		if n, err := strconv.ParseInt(string(raw), 10, bits); err == nil {
			*dst = T(n)
			return nil
		}
	}
	return Unmarshal(raw, dst)
}

// DecodeUint decodes raw, a JSON non-negative integer, into *dst; null
// leaves *dst unchanged.
func DecodeUint[T Unsigned](raw []byte, dst *T) error {
	if end, integer, ok := jsontext.ScanNumber(raw, 0); ok && integer && end == len(raw) && raw[0] != '-' {
		bits := int(reflect.TypeFor[T]().Size() * 8)
		if n, err := strconv.ParseUint(string(raw), 10, bits); err == nil {
			*dst = T(n)
			return nil
		}
	}
	return Unmarshal(raw, dst)
}

// DecodeFloat decodes raw, a JSON number, into *dst; null leaves *dst
// unchanged.
func DecodeFloat[T Floats](raw []byte, dst *T) error {
	if end, _, ok := jsontext.ScanNumber(raw, 0); ok && end == len(raw) {
		bits := int(reflect.TypeFor[T]().Size() * 8)
		if f, err := strconv.ParseFloat(string(raw), bits); err == nil {
			*dst = T(f)
			return nil
		}
	}
	return Unmarshal(raw, dst)
}
