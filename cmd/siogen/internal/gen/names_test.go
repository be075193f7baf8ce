package gen

import (
	"regexp"
	"strings"
	"testing"
)

func TestSnakeCase(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"ChatMessage", "chat_message"},
		{"Move", "move"},
		{"GetURL", "get_url"},
		{"URL", "url"},
		{"HTTPRequest", "http_request"},
		{"GetURLs", "get_urls"},
		{"URLsFor", "urls_for"},
		{"UserID", "user_id"},
		{"IDs", "ids"},
		{"Move2D", "move2_d"},
		{"V2", "v2"},
		{"A", "a"},
		{"ÜberCool", "über_cool"},
		{"X_y", "x_y"},
		{"2", "2"},
		{"2D", "2_d"},
	} {
		if got := snakeCase(tt.in); got != tt.want {
			t.Errorf("snakeCase(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEventSuffix(t *testing.T) {
	tests := []struct {
		method, rest string
		ok           bool
		event        string // snakeCase(rest)
		hint         string // eventNameHint of what follows "Event" when not ok
	}{
		{"EventChatMessage", "ChatMessage", true, "chat_message", ""},
		{"EventX_y", "X_y", true, "x_y", ""},
		{"EventHTTPRequest", "HTTPRequest", true, "http_request", ""},
		{"Event2", "2", true, "2", ""},
		{"EventÜber", "Über", true, "über", ""},
		{"Event_x", "", false, "", `EventX handles "x"`},
		{"Eventx", "", false, "", `EventX handles "x"`},
		{"Event_chat_message", "", false, "", `EventChatMessage handles "chat_message"`},
		{"Event_", "", false, "", `EventChatMessage handles "chat_message"`},
		{"Eventually", "", false, "", `EventUally handles "ually"`},
		{"Event", "", false, "", ""},
		{"Events", "", false, "", `EventS handles "s"`},
		{"Move", "", false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.method, func(t *testing.T) {
			rest, ok := eventSuffix(tt.method, "Event")
			if rest != tt.rest || ok != tt.ok {
				t.Fatalf("eventSuffix(%q) = %q, %t; want %q, %t", tt.method, rest, ok, tt.rest, tt.ok)
			}
			if ok {
				if got := snakeCase(rest); got != tt.event {
					t.Errorf("snakeCase(%q) = %q, want %q", rest, got, tt.event)
				}
				return
			}
			if after, isEvent := strings.CutPrefix(tt.method, "Event"); isEvent && after != "" {
				if got := eventNameHint(after); got != tt.hint {
					t.Errorf("eventNameHint(%q) = %q, want %q", after, got, tt.hint)
				}
			}
		})
	}
}

func TestDirectiveTypo(t *testing.T) {
	tests := []struct {
		comment string
		want    string // "" when the comment is left alone
	}{
		{"// sio:consumer", `"// sio:consumer" is not a directive: write //sio:consumer with no space after //`},
		{"// sio:consumer namespace=/chat", `"// sio:consumer" is not a directive: write //sio:consumer with no space after //`},
		{"//  sio:event x", `"//  sio:event" is not a directive: write //sio:event with no space after //`},
		{"//\tsio:event \"user joined\"", `"//\tsio:event" is not a directive: write //sio:event with no space after //`},
		{"//sio: consumer", `"//sio: consumer" is not a directive: write //sio:consumer with no space after the colon`},
		{"// sio: consumer namespace=/x", `"// sio: consumer" is not a directive: write //sio:consumer with no space after // or after the colon`},
		{"//sio:Consumer", "unknown directive //sio:Consumer; did you mean //sio:consumer?"},
		{"//sio:Consumers namespace=/x", "unknown directive //sio:Consumers; did you mean //sio:consumer?"},
		{"//sio:Zebra", "unknown directive //sio:Zebra; siogen knows //sio:consumer (on a struct type), //sio:event (on a handler method or an emitted event's method) and //sio:emits (on an interface type)"},
		{"//sio:", `"//sio:" names no directive; siogen knows //sio:consumer (on a struct type), //sio:event (on a handler method or an emitted event's method) and //sio:emits (on an interface type)`},
		{"//SIO:consumer", `"//SIO:consumer" is not a directive: write //sio:consumer in lower case`},
		{"// Sio:Event x", `"// Sio:Event" is not a directive: write //sio:event with no space after //, in lower case`},
		{"/* sio:consumer */", `"/* sio:consumer" is not a directive: write //sio:consumer as a // line comment`},
		{"/*sio:event x*/", `"/*sio:event" is not a directive: write //sio:event as a // line comment`},
		{"/* sio:consumer namespace=/a */", `"/* sio:consumer" is not a directive: write //sio:consumer as a // line comment`},
		// Prose and other comments.
		{"// sio: this file has the consumers", ""},
		{"// sio: event handlers are methods", ""},
		{"// sio:consumer types are structs", ""},
		{"// sio:event handlers are methods", ""},
		{"// sio:consumers are structs", ""},
		{"// sio:eventual", ""},
		{"// siogen: consumer", ""},
		{"// The sio:consumer directive marks a type.", ""},
		{"//go:generate go tool siogen", ""},
		{"/* a block */", ""},
		{"// sio", ""},
	}
	for _, tt := range tests {
		t.Run(tt.comment, func(t *testing.T) {
			if got := directiveTypo(tt.comment); got != tt.want {
				t.Errorf("directiveTypo(%q)\n got %s\nwant %s", tt.comment, got, tt.want)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"consumer", "consumer", 0}, {"consumers", "consumer", 1}, {"cnosumer", "consumer", 1},
		{"evnet", "event", 1}, {"evt", "event", 2}, {"", "event", 5}, {"zebra", "event", 5},
	} {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestNamespaceRegexp(t *testing.T) {
	tests := []struct {
		pattern    string
		start, end bool
		never      bool // neverMatches reports it
	}{
		{`^/room-\d+$`, true, true, false},
		{`\A/room\z`, true, true, false},
		{`^/a$|^/b$`, true, true, false},
		{`(^/a$)`, true, true, false},
		{`^/a|/b$`, false, false, false},
		{`^/room-`, true, false, false},
		{`/room$`, false, true, false},
		{`room`, false, false, false},
		{`(?m)^/room$`, false, false, false},
		{`^room-\d+$`, true, true, true},
		{`room-\d+`, false, false, false},
		{`^(?i)/Room$`, true, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			re := regexp.MustCompile(tt.pattern)
			start, end := anchors(re)
			if start != tt.start || end != tt.end {
				t.Errorf("anchors = %t, %t; want %t, %t", start, end, tt.start, tt.end)
			}
			if got := unanchored(re) != ""; got != !(tt.start && tt.end) {
				t.Errorf("unanchored = %q", unanchored(re))
			}
			if got := neverMatches(re) != ""; got != tt.never {
				t.Errorf("neverMatches = %q", neverMatches(re))
			}
		})
	}
	for in, want := range map[string]string{`/^room-\d+$`: `^/room-\d+$`, `/room-\d+`: `^/room-\d+$`, `^/a$`: `^/a$`} {
		if got := regexpHint(in); got != want {
			t.Errorf("regexpHint(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidNamespace(t *testing.T) {
	for _, tt := range []struct {
		ns string
		ok bool
	}{
		{"/", true}, {"/chat", true}, {"/a/b-c_d.é", true},
		{"", false}, {"chat", false}, {"/a,b", false}, {"/a?b", false}, {"/a#b", false}, {"/a b", false}, {"/a\x00", false}, {"/\xff", false},
	} {
		if got := validNamespace(tt.ns) == ""; got != tt.ok {
			t.Errorf("validNamespace(%q) ok = %t, want %t", tt.ns, got, tt.ok)
		}
	}
}

func TestUnifiedDiff(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"new file", "", "a\nb\n", "--- old\n+++ new\n@@ -0,0 +1,2 @@\n+a\n+b\n"},
		{"deleted", "a\n", "", "--- old\n+++ new\n@@ -1 +0,0 @@\n-a\n"},
		{"change in the middle", "1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n",
			"--- old\n+++ new\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "one\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ntwelve\n",
			"--- old\n+++ new\n@@ -1,4 +1,4 @@\n-1\n+one\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+twelve\n"},
		{"no newline at end", "a", "b", "--- old\n+++ new\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := UnifiedDiff("old", "new", []byte(tt.old), []byte(tt.new)); got != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

// FuzzUnifiedDiff checks that applying the diff to old gives new.
func FuzzUnifiedDiff(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nc\nd\n")
	f.Add("", "x\n")
	f.Add("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nfive\n6\n7\n8\n9\n")
	f.Fuzz(func(t *testing.T, old, new string) {
		if !strings.HasSuffix(old, "\n") || !strings.HasSuffix(new, "\n") {
			return // patch keeps it simple: whole lines only
		}
		d := UnifiedDiff("a", "b", []byte(old), []byte(new))
		if got := applyDiff(t, old, d); got != new {
			t.Fatalf("patched %q with\n%s\ngot %q, want %q", old, d, got, new)
		}
	})
}

// applyDiff applies a unified diff of whole lines to old.
func applyDiff(t *testing.T, old, d string) string {
	if d == "" {
		return old
	}
	lines := splitLines(old)
	var out []string
	pos := 0 // next line of old to copy
	for _, l := range splitLines(d)[2:] {
		switch {
		case strings.HasPrefix(l, "@@ "):
			var a, b int
			rng := strings.Fields(l)[1][1:]
			start, _, _ := strings.Cut(rng, ",")
			for _, c := range start {
				a = a*10 + int(c-'0')
			}
			_ = b
			if strings.Contains(rng, ",0") {
				a++ // an empty range names the line before
			}
			for pos < a-1 {
				out = append(out, lines[pos])
				pos++
			}
		case l[0] == ' ':
			out = append(out, lines[pos])
			pos++
		case l[0] == '-':
			pos++
		case l[0] == '+':
			out = append(out, l[1:])
		default:
			t.Fatalf("bad diff line %q", l)
		}
	}
	out = append(out, lines[pos:]...)
	return strings.Join(out, "")
}
