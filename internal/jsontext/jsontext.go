// Package jsontext finds the boundaries of JSON values in raw text without
// decoding them, writes JSON strings, and spells numbers and orders object
// keys as JavaScript does: the small steps that the packet encoder and
// decoder (socketio/parser), the argument splitter (socketio.Args), the
// generated code's decoders and encoder (runtime) and the Redis adapter's
// wire codec share.
//
// The functions check structure only (strings, brackets and braces), not
// the spelling of numbers and literals; callers that need full validation
// do it once, elsewhere (json.Valid, or runtime's strict scanner).
package jsontext

import "unicode/utf8"

// IsSpace reports whether c is JSON white space.
func IsSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// SkipSpace returns the offset of the first byte at or after i that is not
// JSON white space, or len(b).
func SkipSpace(b []byte, i int) int {
	for i < len(b) && IsSpace(b[i]) {
		i++
	}
	return i
}

// StringEnd returns the offset just past the JSON string that starts with
// the quote at b[i], and false when the string is unterminated.
func StringEnd(b []byte, i int) (int, bool) {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1, true
		}
	}
	return 0, false
}

// ValueEnd returns the offset just past the JSON value that starts at b[i]
// (no leading space), and false when there is no value there or it is
// unterminated. A number or literal ends at the first delimiter.
func ValueEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch b[i] {
	case '"':
		return StringEnd(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				end, ok := StringEnd(b, i)
				if !ok {
					return 0, false
				}
				i = end
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1, true
				}
			}
			i++
		}
		return 0, false
	case ',', ']', '}', ':':
		return 0, false
	}
	start := i
	for i < len(b) && !IsSpace(b[i]) && b[i] != ',' && b[i] != ']' && b[i] != '}' {
		i++
	}
	return i, i > start
}

// AppendString appends s as a JSON string, byte for byte as encoding/json
// writes it with HTML escaping off (json.Encoder.SetEscapeHTML(false), as
// socketio's parser and the runtime's Encoder write): quotes, backslashes and control characters escaped
// (\b, \f, \n, \r, \t by name), invalid UTF-8 as \ufffd, and U+2028 and
// U+2029 escaped.
func AppendString(dst []byte, s string) []byte { return appendString(dst, s, true) }

// AppendStringJS appends s as JavaScript's JSON.stringify writes a string
// decoded from valid UTF-8: as AppendString does, but with U+2028 and U+2029
// as they are. (Invalid UTF-8 is written as \ufffd, as AppendString does;
// JavaScript strings hold none.)
func AppendStringJS(dst []byte, s string) []byte { return appendString(dst, s, false) }

// appendString writes s as a JSON string, U+2028 and U+2029 escaped when
// escapeSeparators is set.
func appendString(dst []byte, s string, escapeSeparators bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if escapeSeparators && (r == '\u2028' || r == '\u2029') {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// AppendToArray returns a copy of the JSON array array (ending with ']',
// maybe followed by spaces) with the JSON string s appended as its last
// element, as Node's Socket.IO appends a connection state recovery offset
// to an event's arguments.
func AppendToArray(array []byte, s string) []byte {
	end := len(array) - 1
	for end > 0 && array[end] != ']' {
		end--
	}
	last := end - 1 // the last byte before ']' that is not a space
	for last > 0 && IsSpace(array[last]) {
		last--
	}
	out := make([]byte, 0, len(array)+len(s)+4)
	out = append(out, array[:end]...)
	if last > 0 {
		out = append(out, ',')
	}
	out = AppendString(out, s)
	return append(out, ']')
}
