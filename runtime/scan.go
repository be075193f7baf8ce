package runtime

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// MaxDepth bounds the nesting of arrays and objects that [Object] skips over;
// encoding/json has the same limit.
const MaxDepth = 10000

// ErrSyntax is wrapped by the errors that report malformed JSON found while
// iterating an [Object].
var ErrSyntax = errors.New("siogen: malformed JSON")

func syntaxErr(b []byte, i int, what string) error {
	if i < len(b) {
		return fmt.Errorf("%w: %s: unexpected %q at offset %d", ErrSyntax, what, b[i], i)
	}
	return fmt.Errorf("%w: %s: unexpected end at offset %d", ErrSyntax, what, i)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// scanValue returns the offset just past the JSON value that starts at b[i]
// (no leading space), checking it strictly as RFC 8259 (and encoding/json)
// does, except that invalid UTF-8 in strings is accepted (encoding/json
// replaces it).
func scanValue(b []byte, i, depth int) (int, error) {
	if i >= len(b) {
		return 0, syntaxErr(b, i, "value expected")
	}
	switch c := b[i]; {
	case c == '"':
		end, _, err := scanString(b, i)
		return end, err
	case c == '{' || c == '[':
		if depth >= MaxDepth {
			return 0, fmt.Errorf("%w: nested too deeply", ErrSyntax)
		}
		closing := byte(']')
		if c == '{' {
			closing = '}'
		}
		i = skipSpace(b, i+1)
		if i < len(b) && b[i] == closing {
			return i + 1, nil
		}
		for {
			if c == '{' {
				end, _, err := scanString(b, i)
				if err != nil {
					return 0, err
				}
				i = skipSpace(b, end)
				if i >= len(b) || b[i] != ':' {
					return 0, syntaxErr(b, i, "':' expected")
				}
				i = skipSpace(b, i+1)
			}
			end, err := scanValue(b, i, depth+1)
			if err != nil {
				return 0, err
			}
			i = skipSpace(b, end)
			if i >= len(b) {
				return 0, syntaxErr(b, i, "',' or closing bracket expected")
			}
			if b[i] == closing {
				return i + 1, nil
			}
			if b[i] != ',' {
				return 0, syntaxErr(b, i, "',' or closing bracket expected")
			}
			i = skipSpace(b, i+1)
		}
	case c == '-' || (c >= '0' && c <= '9'):
		end, _, ok := scanNumber(b, i)
		if !ok {
			return 0, syntaxErr(b, end, "malformed number")
		}
		return end, nil
	case c == 't':
		return scanLiteral(b, i, "true")
	case c == 'f':
		return scanLiteral(b, i, "false")
	case c == 'n':
		return scanLiteral(b, i, "null")
	default:
		return 0, syntaxErr(b, i, "value expected")
	}
}

func scanLiteral(b []byte, i int, lit string) (int, error) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return 0, syntaxErr(b, i, "literal "+lit+" expected")
	}
	return i + len(lit), nil
}

// scanString returns the offset past the string starting at b[i] (a '"'),
// and whether it contains escapes or bytes that need encoding/json's care
// (escapes, non-ASCII).
func scanString(b []byte, i int) (end int, complex bool, err error) {
	if i >= len(b) || b[i] != '"' {
		return 0, false, syntaxErr(b, i, "string expected")
	}
	for i++; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			return i + 1, complex, nil
		case c < 0x20:
			return 0, false, syntaxErr(b, i, "control character in string")
		case c >= 0x80:
			complex = true
		case c == '\\':
			complex = true
			i++
			if i >= len(b) {
				return 0, false, syntaxErr(b, i, "unterminated string")
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(b)-i < 5 {
					return 0, false, syntaxErr(b, i, "malformed \\u escape")
				}
				for _, h := range b[i+1 : i+5] {
					if !isHex(h) {
						return 0, false, syntaxErr(b, i, "malformed \\u escape")
					}
				}
				i += 4
			default:
				return 0, false, syntaxErr(b, i, "malformed escape")
			}
		}
	}
	return 0, false, syntaxErr(b, i, "unterminated string")
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// scanNumber scans the JSON number starting at b[i]:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// It returns the end, whether the number is an integer (no fraction or
// exponent), and whether it is well formed.
func scanNumber(b []byte, i int) (end int, integer bool, ok bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i++; i < len(b) && isDigit(b[i]); i++ {
		}
	default:
		return i, false, false
	}
	integer = true
	if i < len(b) && b[i] == '.' {
		integer = false
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return i, false, false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		integer = false
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return i, false, false
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	return i, integer, true
}

// Object iterates over the members of a JSON object without decoding them;
// code generated by siogen uses it to decode simple structs field by field.
// The zero value is ready; call Start, then Next until it returns false, then
// Err.
//
//	var o runtime.Object
//	if !o.Start(raw) {
//		return runtime.Unmarshal(raw, v) // null or not an object
//	}
//	for o.Next() {
//		switch runtime.FieldIndex(o.Key(), names) { ... o.Value() ... }
//	}
//	return o.Err()
type Object struct {
	b   []byte
	i   int
	key []byte
	val []byte
	err error
}

// Start begins iterating over raw. It returns false, leaving the iteration
// empty, when raw is not a JSON object (null included): callers then leave
// the value to encoding/json, which reports exactly what is wrong.
func (o *Object) Start(raw []byte) bool {
	*o = Object{}
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '{' {
		return false
	}
	o.b = raw
	o.i = skipSpace(raw, i+1)
	if o.i < len(raw) && raw[o.i] == '}' {
		o.i = skipSpace(raw, o.i+1)
		o.b = nil
		if o.i != len(raw) {
			o.err = syntaxErr(raw, o.i, "end of value expected")
		}
	}
	return true
}

// Next advances to the next member; it returns false at the end of the
// object or on malformed JSON (see Err).
func (o *Object) Next() bool {
	if o.b == nil || o.err != nil {
		return false
	}
	b := o.b
	i := o.i
	end, complex, err := scanString(b, i)
	if err != nil {
		o.fail(err)
		return false
	}
	if complex {
		var k string
		if err := json.Unmarshal(b[i:end], &k); err != nil {
			o.fail(err)
			return false
		}
		o.key = []byte(k)
	} else {
		o.key = b[i+1 : end-1]
	}
	i = skipSpace(b, end)
	if i >= len(b) || b[i] != ':' {
		o.fail(syntaxErr(b, i, "':' expected"))
		return false
	}
	i = skipSpace(b, i+1)
	end, err = scanValue(b, i, 1)
	if err != nil {
		o.fail(err)
		return false
	}
	o.val = b[i:end]
	i = skipSpace(b, end)
	switch {
	case i < len(b) && b[i] == ',':
		o.i = skipSpace(b, i+1)
	case i < len(b) && b[i] == '}':
		o.b = nil // the next call ends the iteration
		if j := skipSpace(b, i+1); j != len(b) {
			o.fail(syntaxErr(b, j, "end of value expected"))
			return false
		}
	default:
		o.fail(syntaxErr(b, i, "',' or '}' expected"))
		return false
	}
	return true
}

func (o *Object) fail(err error) {
	o.err = err
	o.b = nil
}

// Key returns the current member's name, unescaped. It aliases the input
// unless the name contains escapes.
func (o *Object) Key() []byte { return o.key }

// Value returns the current member's raw JSON value.
func (o *Object) Value() []byte { return o.val }

// Err returns the first syntax error met, or nil.
func (o *Object) Err() error { return o.err }

// FieldIndex returns the index in names of the field that key selects,
// matching as encoding/json does: an exact match first, then a
// case-insensitive one; -1 when none matches.
func FieldIndex(key []byte, names []string) int {
	for i, n := range names {
		if string(key) == n {
			return i
		}
	}
	for i, n := range names {
		if foldEqual(key, n) {
			return i
		}
	}
	return -1
}

// foldEqual reports whether key and name are equal under Unicode
// case-folding, as encoding/json compares names.
func foldEqual(key []byte, name string) bool {
	ascii := true
	for _, c := range key {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	for i := 0; i < len(name) && ascii; i++ {
		if name[i] >= 0x80 {
			ascii = false
		}
	}
	if !ascii {
		return foldEqualUnicode(key, name)
	}
	if len(key) != len(name) {
		return false
	}
	for i, c := range key {
		d := name[i]
		if c == d {
			continue
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

func foldEqualUnicode(key []byte, name string) bool {
	return bytes.EqualFold(key, []byte(name))
}
