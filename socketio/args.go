package socketio

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/siogo/sio/internal/jsontext"
	"github.com/siogo/sio/socketio/parser"
)

// Args holds the undecoded arguments of one incoming event or acknowledgement.
//
// The packet decoder reads a packet's header and event name and hands the rest
// over as Args without decoding it, so that a handler's own typed decoder (the
// code siogen generates, or a hand-written one) decodes each argument once, from
// its raw JSON bytes, into its final type.
//
// An Args is only valid during the handler call it is passed to; copy what
// must outlive it. It is not safe for concurrent use.
type Args struct {
	// body is the JSON text of the arguments: the array's elements followed by
	// its closing bracket, e.g. `1,"a"]` or `]`.
	body        []byte
	attachments [][]byte
	spans       []span
	inline      [4]span
	split       bool
	err         error
}

type span struct{ start, end int32 }

// ErrBadArgs is wrapped by the errors that report malformed argument JSON.
var ErrBadArgs = errors.New("socketio: malformed arguments")

// NewArgs returns the arguments held by the JSON array raw (for example
// `[1,"two",{"three":3}]`), with the binary attachments that its placeholders
// refer to. It is what the packet decoder produces; tests and hand-written
// dispatchers can use it to call a [Dispatcher] directly.
func NewArgs(raw []byte, attachments [][]byte) *Args {
	a := new(Args)
	a.Reset(raw, attachments)
	return a
}

// Reset makes a hold the arguments of raw and attachments, as [NewArgs]
// returns them, reusing a: an encoder that sends many packets keeps one.
func (a *Args) Reset(raw []byte, attachments [][]byte) {
	*a = Args{attachments: attachments}
	i := jsontext.SkipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '[' {
		a.err = fmt.Errorf("%w: not a JSON array", ErrBadArgs)
		a.split = true
		return
	}
	a.body = raw[i+1:]
}

// newArgsBody returns Args over body, the elements of an array after its
// opening bracket (or after the element preceding them) up to and including
// the closing bracket.
func newArgsBody(body []byte, attachments [][]byte) Args {
	return Args{body: body, attachments: attachments}
}

// Len reports the number of arguments.
func (a *Args) Len() int {
	a.doSplit()
	return len(a.spans)
}

// Err reports whether the arguments are malformed JSON. A nil Args has no
// arguments and no error.
func (a *Args) Err() error {
	if a == nil {
		return nil
	}
	a.doSplit()
	return a.err
}

// Raw returns the JSON text of argument i, or nil when there is no argument i.
// The bytes alias the packet; do not modify them.
func (a *Args) Raw(i int) json.RawMessage {
	if a == nil {
		return nil
	}
	a.doSplit()
	if i < 0 || i >= len(a.spans) {
		return nil
	}
	s := a.spans[i]
	return json.RawMessage(a.body[s.start:s.end])
}

// Attachments returns the binary attachments of the packet, in order.
func (a *Args) Attachments() [][]byte {
	if a == nil {
		return nil
	}
	return a.attachments
}

// Decode decodes argument i into v with encoding/json. A missing argument
// decodes as JSON null.
func (a *Args) Decode(i int, v any) error {
	raw := a.Raw(i)
	if raw == nil {
		if err := a.Err(); err != nil {
			return err
		}
		raw = json.RawMessage("null")
	}
	return json.Unmarshal(raw, v)
}

// Binary returns the attachment that argument i refers to: argument i must be
// a placeholder object {"_placeholder":true,"num":N} for an attachment that
// the packet carries.
func (a *Args) Binary(i int) ([]byte, error) {
	raw := a.Raw(i)
	if raw == nil {
		if err := a.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("socketio: argument %d is missing", i)
	}
	n, ok := placeholderNum(raw)
	if !ok {
		return nil, fmt.Errorf("socketio: argument %d is not a binary attachment", i)
	}
	if n < 0 || n >= len(a.attachments) {
		return nil, fmt.Errorf("socketio: argument %d refers to attachment %d, but the packet has %d", i, n, len(a.attachments))
	}
	return a.attachments[n], nil
}

func (a *Args) doSplit() {
	if a.split {
		return
	}
	a.split = true
	a.spans = a.inline[:0]
	b := a.body
	i := jsontext.SkipSpace(b, 0)
	if i < len(b) && b[i] == ']' {
		return
	}
	for {
		i = jsontext.SkipSpace(b, i)
		end, err := skipValue(b, i)
		if err != nil {
			a.err = err
			a.spans = a.spans[:0]
			return
		}
		a.spans = append(a.spans, span{int32(i), int32(end)})
		i = jsontext.SkipSpace(b, end)
		if i >= len(b) {
			a.err = fmt.Errorf("%w: unterminated array", ErrBadArgs)
			a.spans = a.spans[:0]
			return
		}
		switch b[i] {
		case ',':
			i++
		case ']':
			return
		default:
			a.err = fmt.Errorf("%w: unexpected %q at offset %d", ErrBadArgs, b[i], i)
			a.spans = a.spans[:0]
			return
		}
	}
}

// skipValue returns the offset just past the JSON value starting at b[i]. It
// checks the structure (strings, brackets, braces) but not the spelling of
// literals and numbers; decoding the value checks those.
func skipValue(b []byte, i int) (int, error) {
	end, ok := jsontext.ValueEnd(b, i)
	if !ok {
		if i >= len(b) {
			return 0, fmt.Errorf("%w: missing value", ErrBadArgs)
		}
		return 0, fmt.Errorf("%w: bad or unterminated value at offset %d", ErrBadArgs, i)
	}
	return end, nil
}

// placeholderNum reports N when raw is a binary placeholder object
// {"_placeholder":true,"num":N}.
func placeholderNum(raw []byte) (int, bool) {
	if len(raw) == 0 || raw[0] != '{' {
		return 0, false
	}
	var p struct {
		Placeholder bool `json:"_placeholder"`
		Num         *int `json:"num"`
	}
	if err := json.Unmarshal(raw, &p); err != nil || !p.Placeholder || p.Num == nil {
		return 0, false
	}
	return *p.Num, true
}

// appendJSONString appends s as a JSON string, as the packet encoder
// writes strings (encoding/json's escaping without HTML escaping), without
// allocating.
func appendJSONString(dst []byte, s string) []byte {
	b, _, _ := parser.AppendArg(dst, nil, s) // a string cannot fail
	return b
}

// arrayBody returns the arguments' body: the elements and the closing
// bracket, "]" for none.
func (a *Args) arrayBody() []byte {
	if a.body == nil {
		return []byte("]")
	}
	return a.body
}

// MarshalAck returns the Data and the binary attachments of the ACK packet
// that socketio's [AckFunc] sends when called with args: the arguments of
// a single *Args as they are (the typed acknowledgements siogen generates
// pass their arguments so, encoded already), anything else as
// [parser.MarshalArgs] encodes it. A hand-written AckFunc (a test calling
// a [Dispatcher]) uses it to see the bytes a client would receive. The
// data is a copy; the attachments alias the values.
func MarshalAck(args ...any) (data []byte, attachments [][]byte, err error) {
	if a, ok := singleArgs(args); ok {
		body := a.arrayBody()
		return append(append(make([]byte, 0, 1+len(body)), '['), body...), a.attachments, nil
	}
	return parser.MarshalArgs(args...)
}

// empty reports whether the arguments' body holds no element.
func (a *Args) empty() bool {
	i := jsontext.SkipSpace(a.body, 0)
	return i >= len(a.body) || a.body[i] == ']'
}
