package gen

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// snakeCase turns a Go identifier fragment into the snake_case event name
// siogen derives from an Event<Name> method: ChatMessage → chat_message,
// GetURL → get_url, HTTPRequest → http_request, GetURLs → get_urls,
// Move2D → move2_d.
//
// Words start at an upper-case letter that follows a lower-case letter or a
// digit, and at the last upper-case letter of an acronym that a lower-case
// word follows (HTTPRequest), except for a plural "s" closing an acronym
// (URLs).
func snakeCase(s string) string {
	runes := []rune(s)
	var b strings.Builder
	for i, r := range runes {
		if i > 0 && unicode.IsUpper(r) {
			prev := runes[i-1]
			switch {
			case unicode.IsLower(prev) || unicode.IsDigit(prev):
				b.WriteByte('_')
			case unicode.IsUpper(prev) && i+1 < len(runes) && unicode.IsLower(runes[i+1]) && !pluralS(runes, i+1):
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// pluralS reports whether runes[i] is an "s" that ends a word (the end of
// the name, or an upper-case letter or digit follows).
func pluralS(runes []rune, i int) bool {
	if runes[i] != 's' {
		return false
	}
	return i+1 == len(runes) || unicode.IsUpper(runes[i+1]) || unicode.IsDigit(runes[i+1])
}

// eventSuffix reports whether name is Event<Name> (an upper-case letter or a
// digit follows "Event") and returns <Name>.
func eventSuffix(name, prefix string) (string, bool) {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || rest == "" {
		return "", false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return "", false
	}
	return rest, true
}

// reservedEvents are the event names that Socket.IO reserves: a client
// cannot emit them, so a handler for one would never run.
var reservedEvents = map[string]bool{
	"connect":        true,
	"connect_error":  true,
	"disconnect":     true,
	"disconnecting":  true,
	"newListener":    true,
	"removeListener": true,
}

// upperFirst returns s with its first letter in upper case.
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// validNamespace reports what is wrong with a namespace name, or "".
func validNamespace(ns string) string {
	switch {
	case ns == "":
		return "is empty"
	case ns[0] != '/':
		return "does not start with /"
	}
	for _, r := range ns {
		switch {
		case r == ',':
			return "contains a comma, which ends the namespace in a Socket.IO packet"
		case r == '?' || r == '#':
			return "contains " + string(r) + ", which a client URL would treat as a query or fragment"
		case unicode.IsSpace(r) || unicode.IsControl(r):
			return "contains white space or a control character"
		case r == utf8.RuneError:
			return "is not valid UTF-8"
		}
	}
	return ""
}
