package gen

import (
	"fmt"
	"regexp"
	"regexp/syntax"
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

// eventNameHint returns an example for a method Event<rest> whose rest does
// not start with an upper-case letter or a digit: Event_x → EventX handles
// "x", Event_chat_message → EventChatMessage handles "chat_message".
func eventNameHint(rest string) string {
	var fixed string
	for _, w := range strings.Split(rest, "_") {
		if w != "" {
			fixed += upperFirst(w)
		}
	}
	if fixed == "" {
		return `EventChatMessage handles "chat_message"`
	}
	return fmt.Sprintf("Event%s handles %q", fixed, snakeCase(fixed))
}

// directiveNames are the directives siogen knows, //sio:NAME.
var directiveNames = []string{"consumer", "event", "emits"}

// directiveTypo reports what is wrong with a comment that looks like a
// directive but is not one, or "" for any other comment. A comment looks
// like a directive when, after // or /* and any white space, it starts with
// "sio:" in any case (white space allowed around the colon), then a name
// siogen knows in any case as a whole word, then arguments as that directive
// takes them: for consumer none or key=value first, for event at most one
// word or a quoted string. So "// sio: this file…", "// sio:consumer types
// are…" and "// sio: event handlers are…" are prose, while gofmt's
// rewriting of //sio:Consumer and //sio: consumer (into // sio:Consumer and
// // sio: consumer, as they are not directives to it) is still caught. A
// comment that starts exactly with "//sio:" is meant for siogen whatever
// follows, so an unknown name there is reported too.
func directiveTypo(text string) string {
	var body string
	block := false
	switch {
	case strings.HasPrefix(text, "//"):
		body = text[2:]
	case strings.HasPrefix(text, "/*"):
		body = strings.TrimSuffix(text[2:], "*/")
		block = true
	default:
		return ""
	}
	rest := strings.TrimLeft(body, " \t")
	spaceBefore := len(rest) < len(body)
	if len(rest) < 4 || !strings.EqualFold(rest[:4], "sio:") {
		return ""
	}
	tool := rest[:3]
	after := rest[4:]
	word := strings.TrimLeft(after, " \t")
	spaceAfter := len(word) < len(after)
	n := 0
	for n < len(word) && isNameByte(word[n]) {
		n++
	}
	name := word[:n]
	whole := n == len(word) || strings.ContainsRune(" \t\r\n", rune(word[n])) || block && strings.HasPrefix(word[n:], "*")
	known := ""
	for _, k := range directiveNames {
		if whole && strings.EqualFold(name, k) {
			known = k
		}
	}
	args := strings.Fields(strings.TrimSuffix(strings.TrimSpace(word[n:]), "*/"))
	switch {
	case known == "consumer" && len(args) > 0 && !strings.Contains(args[0], "="):
		known = "" // prose: "sio:consumer types are…"; the directive takes key=value
	case known == "event" && len(args) > 1 && !strings.HasPrefix(args[0], `"`) && !strings.HasPrefix(args[0], "`"):
		known = "" // prose: "sio: event handlers are…"; the directive takes one name
	case known == "emits" && len(args) > 0:
		known = "" // prose: "sio: emits are…"; the directive takes no arguments
	}
	exact := !block && !spaceBefore && tool == "sio" // "//sio:", meant for siogen
	quoted := text[:2+len(body)-len(word)+n]
	switch {
	case exact && !spaceAfter && name != "":
		return unknownDirectiveMsg(name)
	case exact && !spaceAfter:
		return `"//sio:" names no directive; siogen knows //sio:consumer (on a struct type), //sio:event (on a handler method or an emitted event's method) and //sio:emits (on an interface type)`
	case known == "":
		return ""
	}
	var how []string
	switch {
	case block:
		how = append(how, "as a // line comment")
	case spaceBefore && spaceAfter:
		how = append(how, "with no space after // or after the colon")
	case spaceBefore:
		how = append(how, "with no space after //")
	case spaceAfter:
		how = append(how, "with no space after the colon")
	}
	if tool != "sio" || name != known {
		how = append(how, "in lower case")
	}
	return fmt.Sprintf("%q is not a directive: write //sio:%s %s", quoted, known, strings.Join(how, ", "))
}

// isNameByte reports whether b may be part of a directive name.
func isNameByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_' || b == '-' || b == '.'
}

// unknownDirectiveMsg is the message for //sio:name with a name siogen does
// not know, with a suggestion when name is close to a known one.
func unknownDirectiveMsg(name string) string {
	for _, k := range directiveNames {
		if strings.EqualFold(name, k) || editDistance(strings.ToLower(name), k) <= 2 {
			return fmt.Sprintf("unknown directive //sio:%s; did you mean //sio:%s?", name, k)
		}
	}
	return fmt.Sprintf("unknown directive //sio:%s; siogen knows //sio:consumer (on a struct type), //sio:event (on a handler method or an emitted event's method) and //sio:emits (on an interface type)", name)
}

// editDistance returns the optimal string alignment distance of a and b:
// insertions, deletions, substitutions and transpositions of adjacent
// bytes.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// regexpHint turns a namespace written as a regular expression into an
// anchored regexp= value: /^room-\d+$ → ^/room-\d+$.
func regexpHint(v string) string {
	if rest, ok := strings.CutPrefix(v, "/^"); ok {
		v = "^/" + rest
	}
	if !strings.HasPrefix(v, "^") {
		v = "^" + v
	}
	if !strings.HasSuffix(v, "$") {
		v += "$"
	}
	return v
}

// anchors reports whether every match of the regular expression re starts
// at the beginning of the text (^, \A) and ends at its end ($, \z).
func anchors(re *regexp.Regexp) (start, end bool) {
	t, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return false, false
	}
	return anchored(t, syntax.OpBeginText, 0), anchored(t, syntax.OpEndText, -1)
}

// anchored reports whether every match of t begins (at 0) or ends (at -1)
// with op.
func anchored(t *syntax.Regexp, op syntax.Op, at int) bool {
	switch t.Op {
	case op:
		return true
	case syntax.OpConcat:
		if len(t.Sub) == 0 {
			return false
		}
		if at < 0 {
			return anchored(t.Sub[len(t.Sub)-1], op, at)
		}
		return anchored(t.Sub[0], op, at)
	case syntax.OpCapture:
		return anchored(t.Sub[0], op, at)
	case syntax.OpAlternate:
		for _, s := range t.Sub {
			if !anchored(s, op, at) {
				return false
			}
		}
		return true
	}
	return false
}

// unanchored says how a namespace regexp matches more than whole names, or
// "": socketio matches it with MatchString, anywhere in a name.
func unanchored(re *regexp.Regexp) string {
	start, end := anchors(re)
	var what string
	switch {
	case start && end:
		return ""
	case start:
		what = "is not anchored at the end, so it also serves every name that merely starts with a match"
	case end:
		what = "is not anchored at the start, so it also serves every name that merely ends with a match"
	default:
		what = "is not anchored, so it also serves every name that merely contains a match"
	}
	return fmt.Sprintf(`%s (socketio matches a dynamic namespace with MatchString); anchor it with ^ and $ to match whole names, e.g. regexp=^/room-\d+$`, what)
}

// neverMatches says why re cannot match a namespace name, or "": names
// start with /.
func neverMatches(re *regexp.Regexp) string {
	prefix, _ := re.LiteralPrefix()
	if start, _ := anchors(re); !start || prefix == "" || prefix[0] == '/' {
		return ""
	}
	return fmt.Sprintf("never matches: a namespace name starts with /, and a match of it starts with %q; write regexp=^/%s", prefix, strings.TrimPrefix(re.String(), "^"))
}
