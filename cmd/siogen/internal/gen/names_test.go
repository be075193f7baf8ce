package gen

import (
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
	} {
		if got := snakeCase(tt.in); got != tt.want {
			t.Errorf("snakeCase(%q) = %q, want %q", tt.in, got, tt.want)
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
