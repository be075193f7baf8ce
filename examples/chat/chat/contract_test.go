package chat_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/siogo/sio/examples/chat/chat"
)

// The chat's contract, which `make generate` writes with `siogen -ts
// ... -asyncapi ...` and `make check-generate` checks: its TypeScript
// declarations, for the page's client, and its AsyncAPI document.
const (
	eventsTS    = "../web/src/events.ts"
	asyncAPIDoc = "../asyncapi.yaml"
)

// validator returns the folder of siogen's output checker, whose
// validate.mjs parses AsyncAPI documents with the official
// @asyncapi/parser (installed by make deps), or skips the test when node
// or the packages are missing; it fails the test instead when CI=true.
func validator(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "cmd", "siogen", "internal", "gen", "testdata", "npm"))
	if err != nil {
		t.Fatal(err)
	}
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not installed"
	} else if _, err := os.Stat(filepath.Join(dir, "node_modules", "@asyncapi", "parser")); err != nil {
		missing = "cmd/siogen/internal/gen/testdata/npm/node_modules lacks @asyncapi/parser (run: make deps)"
	}
	if missing != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s", missing)
		}
		t.Skipf("%s", missing)
	}
	return dir
}

// validate runs @asyncapi/parser on the document at path and returns its
// diagnostics and whether it found no error.
func validate(t *testing.T, npm, path string) (string, bool) {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", "validate.mjs", abs)
	cmd.Dir = npm
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("validate.mjs %s: %v\n%s", path, ctx.Err(), out)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("validate.mjs %s: %v", path, err)
	}
	return string(out), err == nil
}

// TestAsyncAPI checks the chat's AsyncAPI document: the official parser
// accepts it (and rejects a broken copy, so the check can fail), and it
// describes every event the chat receives and sends, on namespace "/".
func TestAsyncAPI(t *testing.T) {
	doc, err := os.ReadFile(asyncAPIDoc)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("events", func(t *testing.T) {
		want := []string{"address: /\n", "connect:\n"}
		for _, ev := range []string{chat.ChatJoinEvent, chat.ChatLeaveEvent, chat.ChatMessageEvent, chat.ChatTypingEvent} {
			want = append(want, "client."+ev+":\n")
		}
		for _, ev := range []string{chat.EventsJoinedEvent, chat.EventsMessageEvent, chat.EventsTypingEvent, chat.EventsUserJoinedEvent, chat.EventsUserLeftEvent} {
			want = append(want, "server."+ev+":\n")
		}
		for _, w := range want {
			if !bytes.Contains(doc, []byte(w)) {
				t.Errorf("%s has no %q", asyncAPIDoc, strings.TrimSpace(w))
			}
		}
	})
	npm := validator(t)
	t.Run("parser", func(t *testing.T) {
		out, ok := validate(t, npm, asyncAPIDoc)
		if !ok {
			t.Fatalf("@asyncapi/parser rejects %s:\n%s", asyncAPIDoc, out)
		}
		t.Logf("@asyncapi/parser:\n%s", out)
	})
	t.Run("parser rejects a broken copy", func(t *testing.T) {
		broken := bytes.Replace(doc, []byte("type: array"), []byte("type: 5"), 1)
		if bytes.Equal(broken, doc) {
			t.Fatal("the document has no array schema to break")
		}
		p := filepath.Join(t.TempDir(), "broken.yaml")
		if err := os.WriteFile(p, broken, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, ok := validate(t, npm, p); ok {
			t.Errorf("@asyncapi/parser accepts a document with type: 5:\n%s", out)
		}
	})
}

// TestContractDrift runs siogen -check as make check-generate does for the
// chat, on copies of the committed contract files: the copies as
// committed are clean (exit 0), and a copy edited by hand is drift (exit 1,
// with a diff that shows the edit), so that make check-generate fails
// when the page's types or the AsyncAPI document are not what the Go code
// says.
func TestContractDrift(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go is not on PATH: %v", err)
	}
	siogen := filepath.Join(t.TempDir(), "siogen")
	if out, err := exec.Command(goCmd, "build", "-o", siogen, "github.com/siogo/sio/cmd/siogen").CombinedOutput(); err != nil {
		t.Fatalf("go build siogen: %v\n%s", err, out)
	}
	tests := []struct {
		name       string
		file       string // the file to edit, "" for none
		old, new   string
		wantDrift  bool
		wantInDiff string
	}{
		{name: "as committed"},
		{"events.ts edited", eventsTS, "typing: (room: string, isTyping: boolean) => void;", "typing: (room: string, isTyping: string) => void;",
			true, "-  typing: (room: string, isTyping: string) => void;\n+  typing: (room: string, isTyping: boolean) => void;"},
		{"asyncapi.yaml edited", asyncAPIDoc, "address: /\n", "address: /chat\n", true, "-    address: /chat\n+    address: /"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range []string{eventsTS, asyncAPIDoc} {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if f == tt.file {
					edited := strings.Replace(string(b), tt.old, tt.new, 1)
					if edited == string(b) {
						t.Fatalf("%s has no %q to edit", f, tt.old)
					}
					b = []byte(edited)
				}
				if err := os.WriteFile(filepath.Join(dir, filepath.Base(f)), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			cmd := exec.Command(siogen, "-check", "-ts", filepath.Join(dir, "events.ts"), "-asyncapi", filepath.Join(dir, "asyncapi.yaml"), ".")
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			switch {
			case !tt.wantDrift && err != nil:
				t.Fatalf("siogen -check: %v\n%s", err, out)
			case tt.wantDrift && (!errors.As(err, &exit) || exit.ExitCode() != 1):
				t.Fatalf("siogen -check: %v, want exit status 1 (drift)\n%s", err, out)
			case !strings.Contains(string(out), tt.wantInDiff):
				t.Errorf("siogen -check printed\n%s\nwant it to show\n%s", out, tt.wantInDiff)
			}
		})
	}
}
