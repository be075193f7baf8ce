package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/siogo/sio/examples/chat/web"
)

// tsc returns the path of the TypeScript compiler installed here (npm ci:
// typescript is a devDependency), or skips the test when node or the
// packages are missing; it fails the test instead when CI=true.
func tsc(t *testing.T) string {
	t.Helper()
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not installed"
	} else {
		for _, p := range []string{"typescript", "socket.io-client"} {
			if _, err := os.Stat(filepath.Join("node_modules", p)); err != nil {
				missing = "examples/chat/web/node_modules lacks " + p + " (run: make deps, or npm ci in examples/chat/web)"
				break
			}
		}
	}
	if missing != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s", missing)
		}
		t.Skipf("%s", missing)
	}
	return filepath.Join("node_modules", "typescript", "bin", "tsc")
}

// runTSC runs tsc with args in this folder and returns its output and
// whether it exited 0.
func runTSC(t *testing.T, args ...string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{tsc(t), "--pretty", "false"}, args...)...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("tsc %s: %v\n%s", strings.Join(args, " "), ctx.Err(), out)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("tsc %s: %v", strings.Join(args, " "), err)
	}
	return string(out), err == nil
}

// TestCompiledClient checks that the committed app.js and events.js are
// what tsc compiles from src/ now (tsconfig.json), and that it compiles
// them without an error: the page the Go server embeds is the TypeScript
// client, checked against the types siogen generates from the consumer.
func TestCompiledClient(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	if msg, ok := runTSC(t, "-p", "tsconfig.json", "--outDir", out); !ok {
		t.Fatalf("tsc -p tsconfig.json fails:\n%s", msg)
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	var emitted []string
	for _, e := range entries {
		emitted = append(emitted, e.Name())
	}
	if want := []string{"app.js", "events.js"}; !slices.Equal(emitted, want) {
		t.Errorf("tsc emits %q, want %q (the files web.go embeds and the server serves)", emitted, want)
	}
	for _, name := range emitted {
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(out, name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := web.Files.ReadFile(name)
			if err != nil {
				t.Fatalf("%s is not embedded: %v", name, err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s is not what tsc compiles from src/ now; run make chat-web (or make generate)\n%s", name, firstDifference(got, want))
			}
		})
	}
}

// firstDifference describes the first line at which got and want differ.
func firstDifference(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl || i >= len(g) || i >= len(w) {
			return fmt.Sprintf("line %d:\n  committed: %q\n  tsc:       %q", i+1, gl, wl)
		}
	}
	return "same lines"
}

// tscError is the first line of one of tsc's diagnostics (--pretty false);
// the lines that elaborate on it are indented.
var tscError = regexp.MustCompile(`^(\S+?)\(\d+,\d+\): error TS\d+: `)

// TestTypesBite compiles clients of the chat (testdata/*.ts) against the
// TypeScript declarations siogen generated from its Go consumer
// (src/events.ts) and the socket.io-client typings, with tsc --noEmit
// (strict): the one that uses every event as the Go code declares it
// compiles; each that sends or expects a wrong type fails, with tsc's
// error naming the type the Go code gives.
func TestTypesBite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		want string // tsc's diagnostics for the file, "" for none
	}{
		{"good.ts", ""},
		{"bad_emit_arg.ts", `testdata/bad_emit_arg.ts(6,32): error TS2345: Argument of type 'string' is not assignable to parameter of type 'boolean'.`},
		{"bad_emit_event.ts", `testdata/bad_emit_event.ts(6,13): error TS2345: Argument of type '"send"' is not assignable to parameter of type '"join" | "message" | "leave" | "typing"'.`},
		{"bad_listen.ts", `testdata/bad_listen.ts(7,22): error TS2345: Argument of type '(room: string, text: string) => void' is not assignable to parameter of type '(room: string, msg: Message) => void'.
  Types of parameters 'text' and 'msg' are incompatible.
    Type 'Message' is not assignable to type 'string'.`},
		{"bad_ack.ts", `testdata/bad_ack.ts(6,14): error TS2322: Type 'Promise<Result>' is not assignable to type 'Promise<number>'.
  Type 'Result' is not assignable to type 'number'.`},
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*.ts"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	var listed []string
	for _, tt := range tests {
		listed = append(listed, tt.file)
	}
	slices.Sort(listed)
	if !slices.Equal(names, listed) {
		t.Fatalf("testdata holds %q, the test lists %q", names, listed)
	}

	// One tsc run for all the files (a few seconds each): its diagnostics
	// are sorted out by file.
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	var quoted []string
	for _, f := range files {
		quoted = append(quoted, fmt.Sprintf("%q", filepath.ToSlash(filepath.Join(dir, f))))
	}
	config := fmt.Sprintf(`{
  "compilerOptions": {
    "strict": true, "noEmit": true, "target": "es2022", "module": "es2022",
    "moduleResolution": "bundler", "verbatimModuleSyntax": true,
    "lib": ["es2022", "dom"], "types": []
  },
  "files": [%s]
}`, strings.Join(quoted, ", "))
	cfg := filepath.Join(t.TempDir(), "tsconfig.json")
	if err := os.WriteFile(cfg, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	out, ok := runTSC(t, "-p", cfg)
	if ok {
		t.Errorf("tsc accepts every client, the bad ones too:\n%s", out)
	}
	got := map[string][]string{}
	file := ""
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if m := tscError.FindStringSubmatch(line); m != nil {
			file = filepath.Base(m[1])
		} else if !strings.HasPrefix(line, " ") {
			t.Errorf("tsc: %s", line)
			continue
		}
		got[file] = append(got[file], line)
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if g := strings.Join(got[tt.file], "\n"); g != tt.want {
				t.Errorf("tsc on %s:\n%s\nwant:\n%s", tt.file, g, tt.want)
			}
		})
	}
}
