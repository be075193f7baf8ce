package gen

import (
	"strings"
	"testing"
)

func TestClientEventMethod(t *testing.T) {
	for _, tt := range []struct{ handler, want string }{
		{"EventChatMessage", "ChatMessage"},
		{"EventX", "X"},
		{"Event2D", "Event2D"}, // a method cannot start with a digit
		{"Event", "Event"},
		{"Eventually", "Eventually"},
		{"Ping", "Ping"}, // named with //sio:event
		{"OnPing", "OnPing"},
	} {
		t.Run(tt.handler, func(t *testing.T) {
			if got := clientEventMethod(tt.handler); got != tt.want {
				t.Errorf("clientEventMethod(%q) = %q, want %q", tt.handler, got, tt.want)
			}
		})
	}
}

func TestInternalOK(t *testing.T) {
	for _, tt := range []struct {
		pkg, importer string
		want          bool
	}{
		{"example.com/a/internal/wire", "example.com/a/client", true},
		{"example.com/a/internal/wire", "example.com/a", true},
		{"example.com/a/internal", "example.com/a/b/c", true},
		{"example.com/a/internal/wire", "example.com/b/client", false},
		{"example.com/a/internal/wire", "example.com/ab/client", false},
		{"example.com/a/b/internal/x/internal/y", "example.com/a/b/internal/x/z", true},
		{"example.com/a/b/internal/x/internal/y", "example.com/a/b/z", false},
		{"example.com/a/wire", "example.com/b", true},
	} {
		t.Run(tt.pkg+" from "+tt.importer, func(t *testing.T) {
			if got := internalOK(tt.pkg, tt.importer); got != tt.want {
				t.Errorf("internalOK(%q, %q) = %v, want %v", tt.pkg, tt.importer, got, tt.want)
			}
		})
	}
}

func TestWrapComment(t *testing.T) {
	long := strings.Repeat("x", 90)
	for _, tt := range []struct{ name, text, want string }{
		{"short", "a b c", "a b c"},
		{"wrapped", strings.Repeat("word ", 20), strings.TrimSpace(strings.Repeat("word ", 15)) + "\n" + strings.TrimSpace(strings.Repeat("word ", 5))},
		{"a long word alone", "a " + long + " b", "a\n" + long + "\nb"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := wrapComment(tt.text)
			if got != tt.want {
				t.Errorf("wrapComment = %q, want %q", got, tt.want)
			}
			for _, line := range strings.Split(got, "\n") {
				if len(line) > 76 && strings.Contains(line, " ") {
					t.Errorf("line of %d columns: %q", len(line), line)
				}
			}
		})
	}
}
