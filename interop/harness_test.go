package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// nodeTimeout bounds one Node.js script run.
const nodeTimeout = 60 * time.Second

// requireNode skips the test (or fails it in CI) when Node.js or the npm
// packages are missing.
func requireNode(t testing.TB) {
	t.Helper()
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not on PATH"
	} else if _, err := os.Stat(filepath.Join("node_modules", "socket.io-client")); err != nil {
		missing = "interop/node_modules is missing (run: cd interop && npm ci)"
	}
	if missing == "" {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("interop: %s", missing)
	}
	t.Skipf("interop: %s", missing)
}

// runNode runs `node js/<script> args...` in this folder and returns the
// lines it prints on stdout. The test fails, showing stderr, when the script
// exits non-zero or runs longer than nodeTimeout.
func runNode(t testing.TB, script string, args ...string) []string {
	t.Helper()
	lines, _ := runNodeFor(t, nodeTimeout, script, args...)
	return lines
}

// runNodeFor is runNode with a timeout of its own; it also returns the
// finished process's state (its CPU times, for benchmarks).
func runNodeFor(t testing.TB, timeout time.Duration, script string, args ...string) ([]string, *os.ProcessState) {
	t.Helper()
	requireNode(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{filepath.Join("js", script)}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("node %s %s: timed out after %v\nstdout:\n%s\nstderr:\n%s", script, strings.Join(args, " "), timeout, stdout.String(), stderr.String())
	}
	if err != nil {
		t.Fatalf("node %s %s: %v\nstdout:\n%s\nstderr:\n%s", script, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	var lines []string
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines, cmd.ProcessState
}

// startNodeServer runs `node js/<script> args...` as a long-lived server:
// the script prints its URL as its first stdout line and exits when its
// stdin closes. It returns the URL; at cleanup it closes stdin and kills
// the process if it has not exited 10 s later.
func startNodeServer(tb testing.TB, script string, args ...string) string {
	tb.Helper()
	requireNode(tb)
	cmd := exec.Command("node", append([]string{filepath.Join("js", script)}, args...)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	lines := make(chan string, 1)
	scanned := make(chan struct{})
	go func() {
		defer close(scanned)
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		for sc.Scan() {
		}
	}()
	tb.Cleanup(func() {
		_ = stdin.Close()
		done := make(chan struct{})
		go func() { <-scanned; _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		if tb.Failed() && stderr.String() != "" {
			tb.Logf("%s %s stderr:\n%s", script, strings.Join(args, " "), stderr.String())
		}
	})
	select {
	case url, ok := <-lines:
		if !ok || !strings.HasPrefix(url, "http://") {
			tb.Fatalf("%s did not start: %q\nstderr:\n%s", script, url, stderr.String())
		}
		return url
	case <-time.After(nodeTimeout):
		tb.Fatalf("%s did not start\nstderr:\n%s", script, stderr.String())
	}
	return ""
}

// lockedBuffer is a bytes.Buffer safe for a writer goroutine and a reader.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// checkScenarios reads the JSON lines a Node.js script printed, one object
// per scenario ({"scenario", "ok", "error", "detail"}), and runs a subtest
// per scenario that fails unless the script reported it ok; a "detail" is
// logged.
func checkScenarios(t *testing.T, lines, scenarios []string) {
	t.Helper()
	results := make(map[string]map[string]any)
	for _, l := range lines {
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("node printed %q: %v", l, err)
		}
		name, _ := r["scenario"].(string)
		results[name] = r
	}
	for _, sc := range scenarios {
		t.Run(sc, func(t *testing.T) {
			r, ok := results[sc]
			switch {
			case !ok:
				t.Fatal("scenario did not run")
			case r["ok"] != true:
				t.Fatalf("failed: %v", r["error"])
			}
			if d, ok := r["detail"]; ok {
				t.Logf("%v", d)
			}
		})
	}
}
