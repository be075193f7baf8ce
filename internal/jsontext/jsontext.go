// Package jsontext finds the boundaries of JSON values in raw text without
// decoding them: the small scanning steps that the packet decoder
// (socketio/parser), the argument splitter (socketio.Args) and the generated
// code's decoders (runtime) share.
//
// The functions check structure only (strings, brackets and braces), not
// the spelling of numbers and literals; callers that need full validation
// do it once, elsewhere (json.Valid, or runtime's strict scanner).
package jsontext

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
