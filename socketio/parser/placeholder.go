package parser

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"

	"github.com/siogo/sio/internal/jsontext"
	"github.com/siogo/sio/internal/placeholder"
)

// checkPlaceholders applies Node's reconstruction rule to the JSON text data
// of a binary packet carrying n attachments: every object whose
// "_placeholder" member is true must have a "num" member naming one of the
// attachments. Unlike Node, which accepts any number there, num must be an
// integer literal, as the server's lazy resolution requires. The contents of
// a valid placeholder are not examined, as Node does not examine them
// either. Attachments no placeholder refers to are accepted, as in Node.
func checkPlaceholders(data []byte, n int) error {
	if data == nil {
		return nil
	}
	_, bad := walkPlaceholders(data, jsontext.SkipSpace(data, 0), n)
	if bad >= 0 {
		return parseErr(bad, "illegal attachments: placeholder does not refer to one of the "+strconv.Itoa(n)+" attachments")
	}
	return nil
}

// walkPlaceholders walks the JSON value at data[i], which json.Valid has
// accepted, and returns the offset past it and the offset of the first
// invalid placeholder in it (-1 when there is none).
func walkPlaceholders(data []byte, i, n int) (end, bad int) {
	bad = -1
	if i >= len(data) {
		return i, bad
	}
	switch data[i] {
	case '"':
		end, ok := jsontext.StringEnd(data, i)
		if !ok {
			return len(data), bad
		}
		return end, bad
	case '[':
		i = jsontext.SkipSpace(data, i+1)
		for i < len(data) && data[i] != ']' {
			var b int
			prev := i
			i, b = walkPlaceholders(data, i, n)
			if i <= prev { // not valid JSON; cannot happen after json.Valid
				return len(data), bad
			}
			if bad < 0 {
				bad = b
			}
			i = jsontext.SkipSpace(data, i)
			if i < len(data) && data[i] == ',' {
				i = jsontext.SkipSpace(data, i+1)
			}
		}
		return min(i+1, len(data)), bad
	case '{':
		start := i
		var isPlaceholder bool
		var num []byte
		i = jsontext.SkipSpace(data, i+1)
		for i < len(data) && data[i] == '"' {
			keyEnd, ok := jsontext.StringEnd(data, i)
			if !ok {
				return len(data), bad
			}
			key := data[i:keyEnd]
			i = jsontext.SkipSpace(data, keyEnd)
			i = jsontext.SkipSpace(data, i+1) // the colon
			valStart := i
			var b int
			i, b = walkPlaceholders(data, i, n)
			if bad < 0 {
				bad = b
			}
			switch keyName(key) {
			case "_placeholder":
				isPlaceholder = string(data[valStart:i]) == "true"
			case "num":
				num = data[valStart:i]
			}
			i = jsontext.SkipSpace(data, i)
			if i < len(data) && data[i] == ',' {
				i = jsontext.SkipSpace(data, i+1)
			}
		}
		if isPlaceholder {
			// Node replaces a valid placeholder without looking inside it.
			if _, ok := placeholder.Index(num, n); ok {
				bad = -1
			} else {
				bad = start
			}
		}
		return min(i+1, len(data)), bad
	default:
		for i < len(data) && !strings.ContainsRune(",]} \t\r\n", rune(data[i])) {
			i++
		}
		return i, bad
	}
}

// keyName returns the member name that the JSON string key stands for, or ""
// when it is neither "_placeholder" nor "num" (whose spelling with escapes
// is decoded too).
func keyName(key []byte) string {
	body := key[1 : len(key)-1]
	if !hasEscape(body) {
		switch string(body) {
		case "_placeholder":
			return "_placeholder"
		case "num":
			return "num"
		}
		return ""
	}
	var s string
	if json.Unmarshal(key, &s) != nil {
		return ""
	}
	return s
}

// jsNumberString returns the JSON number raw spelled as JavaScript's
// String(Number) spells it, which is the event name Node's server sees for a
// numeric first element.
func jsNumberString(raw []byte) (string, error) {
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil && !math.IsInf(f, 0) {
		return "", parseErr(-1, "bad numeric event name")
	}
	return string(jsontext.AppendNumber(nil, f)), nil
}
