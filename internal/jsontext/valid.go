package jsontext

import "unicode/utf8"

// MaxDepth is the nesting of arrays and objects Valid accepts, as
// encoding/json: 10000 levels.
const MaxDepth = 10000

// Valid reports whether b is one JSON value, white space around it
// allowed, exactly as json.Valid does (RFC 8259's grammar, nesting at most
// MaxDepth deep), and, with checkUTF8, whether its strings are valid UTF-8
// as well (json.Valid(b) && utf8.Valid(b), outside strings JSON is ASCII).
// It reads b once, without allocating for nesting up to 64 levels; the
// packet decoder checks a payload with it, and the encoder a
// json.RawMessage argument.
func Valid(b []byte, checkUTF8 bool) bool {
	var inline [64]byte
	stack := inline[:0] // the open brackets, '{' or '['
	i := SkipSpace(b, 0)
value:
	if i >= len(b) {
		return false
	}
	switch c := b[i]; {
	case c == '"':
		end, ok := validString(b, i, checkUTF8)
		if !ok {
			return false
		}
		i = end
	case c == '{' || c == '[':
		if len(stack) == MaxDepth {
			return false
		}
		stack = append(stack, c)
		i = SkipSpace(b, i+1)
		if i < len(b) && b[i] == c+2 { // '}' is '{'+2, ']' is '['+2
			stack = stack[:len(stack)-1]
			i++
			break
		}
		if c == '{' {
			goto key
		}
		goto value
	case c == '-' || (c >= '0' && c <= '9'):
		end, _, ok := ScanNumber(b, i)
		if !ok {
			return false
		}
		i = end
	case c == 't':
		if !hasLiteral(b, i, "true") {
			return false
		}
		i += 4
	case c == 'f':
		if !hasLiteral(b, i, "false") {
			return false
		}
		i += 5
	case c == 'n':
		if !hasLiteral(b, i, "null") {
			return false
		}
		i += 4
	default:
		return false
	}
	// After a value.
	for {
		i = SkipSpace(b, i)
		if len(stack) == 0 {
			return i == len(b)
		}
		if i >= len(b) {
			return false
		}
		open := stack[len(stack)-1]
		switch b[i] {
		case ',':
			i = SkipSpace(b, i+1)
			if open == '{' {
				goto key
			}
			goto value
		case open + 2:
			stack = stack[:len(stack)-1]
			i++
		default:
			return false
		}
	}
key:
	if i >= len(b) || b[i] != '"' {
		return false
	}
	if end, ok := validString(b, i, checkUTF8); ok {
		i = SkipSpace(b, end)
	} else {
		return false
	}
	if i >= len(b) || b[i] != ':' {
		return false
	}
	i = SkipSpace(b, i+1)
	goto value
}

func hasLiteral(b []byte, i int, lit string) bool {
	return len(b)-i >= len(lit) && string(b[i:i+len(lit)]) == lit
}

// validString returns the offset just past the string that starts with the
// quote at b[i], and whether it is well formed: no control characters,
// known escapes only, and, with checkUTF8, valid UTF-8.
func validString(b []byte, i int, checkUTF8 bool) (int, bool) {
	for i++; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			return i + 1, true
		case c == '\\':
			if i+1 >= len(b) {
				return 0, false
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if len(b)-i < 6 || !IsHex(b[i+2]) || !IsHex(b[i+3]) || !IsHex(b[i+4]) || !IsHex(b[i+5]) {
					return 0, false
				}
				i += 6
			default:
				return 0, false
			}
		case c < 0x20:
			return 0, false
		case c < utf8.RuneSelf || !checkUTF8:
			i++
		default:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size == 1 {
				return 0, false
			}
			i += size
		}
	}
	return 0, false
}

// IsHex reports whether c is a hexadecimal digit.
func IsHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ScanNumber scans the JSON number starting at b[i]:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
// It returns the end, whether the number is an integer (no fraction or
// exponent), and whether it is well formed.
func ScanNumber(b []byte, i int) (end int, integer bool, ok bool) {
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
