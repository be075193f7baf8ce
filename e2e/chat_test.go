package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/siogo/sio/examples/chat/chat"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, goleak.Cleanup(func(code int) {
		if modDownload.proxy != "" {
			os.RemoveAll(modDownload.proxy)
		}
		os.Exit(code)
	}))
}

// chromium is the browser the test drives; CHROMIUM overrides it.
func chromium() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// requireBrowser skips the test, or fails it when CI=true, when node,
// Chromium or the npm packages are missing.
func requireBrowser(t *testing.T) {
	t.Helper()
	var missing []string
	if _, err := exec.LookPath("node"); err != nil {
		missing = append(missing, "node is not on PATH")
	}
	if _, err := os.Stat(chromium()); err != nil {
		missing = append(missing, chromium()+" is missing (apt-get install chromium, or make e2e-deps)")
	}
	if _, err := os.Stat(filepath.Join("node_modules", "playwright-core")); err != nil {
		missing = append(missing, "e2e/node_modules is missing (make e2e-deps, or npm ci in e2e)")
	}
	if _, err := os.Stat(filepath.Join("..", "examples", "chat", "web", "node_modules", "socket.io-client")); err != nil {
		missing = append(missing, "examples/chat/web/node_modules is missing (make e2e-deps, or npm ci there)")
	}
	if len(missing) == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("e2e: %s", strings.Join(missing, "; "))
	}
	t.Skipf("e2e: %s", strings.Join(missing, "; "))
}

// outDir returns where screenshots go: $E2E_OUT, else e2e/out (ignored by
// git), which outlives the test.
func outDir(t *testing.T, name string) string {
	t.Helper()
	base := os.Getenv("E2E_OUT")
	if base == "" {
		base = "out"
	}
	dir, err := filepath.Abs(filepath.Join(base, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// serveChat serves the chat example with opts until the test ends, and
// returns its URL.
func serveChat(t *testing.T, opts *chat.Options) string {
	t.Helper()
	srv, err := chat.NewServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("chat shutdown: %v", err)
		}
		hs.Close()
	})
	return hs.URL
}

// runBrowser runs the browser script (browser.mjs's users) with args,
// within two minutes, and returns what it printed; it fails the test with
// the script's output and the server's log when the script fails.
func runBrowser(t *testing.T, logs *lockedBuffer, script string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{script}, args...)...)
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s: %v\nstdout:\n%s\nstderr:\n%s\nserver log:\n%s", script, err, stdout.String(), stderr.String(), logs.String())
	}
	if s := strings.TrimSpace(stderr.String()); s != "" {
		t.Logf("%s stderr:\n%s", script, s)
	}
	return stdout.Bytes()
}

// lockedBuffer is a bytes.Buffer that the server's goroutines write to
// while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// runResult is one line of chat.mjs's output.
type runResult struct {
	Run    string `json:"run"`
	A      string `json:"a"`
	B      string `json:"b"`
	Checks struct {
		TransportA      string          `json:"transportA"`
		TransportB      string          `json:"transportB"`
		JoinNotice      bool            `json:"joinNotice"`
		TypingShown     string          `json:"typingShown"`
		AckA            string          `json:"ackA"`
		SeenByB         string          `json:"seenByB"`
		TypingCleared   bool            `json:"typingCleared"`
		SeenByA         bool            `json:"seenByA"`
		LiveAtB         []string        `json:"liveAtB"`
		HistoryAtB      []string        `json:"historyAtB"`
		Refused         json.RawMessage `json:"refused"`
		DisconnectState string          `json:"disconnectState"`
	} `json:"checks"`
}

// TestChatBrowser serves the chat example and has two Chromium pages chat
// through it (e2e/chat.mjs): join, typing indicator, message and its
// acknowledgement, leave, refusal, disconnect reason. It runs twice: a page
// upgraded from polling to WebSocket with a page forced onto polling, then
// a page on polling with a page forced onto WebSocket.
func TestChatBrowser(t *testing.T) {
	requireBrowser(t)
	var logs lockedBuffer
	url := serveChat(t, &chat.Options{
		WebDir: filepath.Join("..", "examples", "chat", "web"),
		Logger: slog.New(slog.NewTextHandler(&logs, nil)),
	})
	out := outDir(t, "chat")
	stdout := runBrowser(t, &logs, "chat.mjs", url, out)

	var runs []runResult
	for _, line := range strings.Split(strings.TrimSpace(string(stdout)), "\n") {
		var r runResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("chat.mjs printed %q: %v", line, err)
		}
		runs = append(runs, r)
	}
	want := []struct{ run, a, b, transportA, transportB string }{
		{"upgrade+polling", "upgrade", "polling", "websocket", "polling"},
		{"polling+websocket", "polling", "websocket", "polling", "websocket"},
	}
	if len(runs) != len(want) {
		t.Fatalf("chat.mjs reported %d runs, want %d:\n%s", len(runs), len(want), stdout)
	}
	for i, w := range want {
		r := runs[i]
		t.Run(w.run, func(t *testing.T) {
			c := r.Checks
			if r.Run != w.run || r.A != w.a || r.B != w.b {
				t.Errorf("run %q (%s, %s), want %q (%s, %s)", r.Run, r.A, r.B, w.run, w.a, w.b)
			}
			if c.TransportA != w.transportA || c.TransportB != w.transportB {
				t.Errorf("transports %s/%s, want %s/%s", c.TransportA, c.TransportB, w.transportA, w.transportB)
			}
			if !c.JoinNotice || !c.SeenByA || !c.TypingCleared {
				t.Errorf("joinNotice=%v seenByA=%v typingCleared=%v, want all true", c.JoinNotice, c.SeenByA, c.TypingCleared)
			}
			if c.TypingShown != "alice is typing…" {
				t.Errorf("typing indicator %q", c.TypingShown)
			}
			if !strings.HasPrefix(c.AckA, "✓ acked #") {
				t.Errorf("ack label %q", c.AckA)
			}
			if c.SeenByB != "alice: hello from alice" {
				t.Errorf("bob saw %q", c.SeenByB)
			}
			if got, want := strings.Join(c.LiveAtB, "|"), "hello from alice|hi alice, bob here"; got != want {
				t.Errorf("bob's live messages %q, want %q (nothing after he left)", got, want)
			}
			if got, want := strings.Join(c.HistoryAtB, "|"), "hello from alice|hi alice, bob here|after bob left"; got != want {
				t.Errorf("bob's history on rejoining %q, want %q", got, want)
			}
			if got, want := string(c.Refused), `{"ok":false,"error":"not in this room; join it first"}`; got != want {
				t.Errorf("message to a room left: %s, want %s", got, want)
			}
			if c.DisconnectState != "disconnected (io client disconnect)" {
				t.Errorf("state after disconnect %q", c.DisconnectState)
			}
		})
	}
	for _, w := range want {
		for _, shot := range []string{"alice", "bob", "bob-typing", "bob-disconnected"} {
			p := filepath.Join(out, w.run+"-"+shot+".png")
			if st, err := os.Stat(p); err != nil || st.Size() == 0 {
				t.Errorf("screenshot %s missing: %v", p, err)
			}
		}
	}
	t.Logf("screenshots in %s", out)
}
