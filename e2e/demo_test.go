package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestDemoStopsCleanly runs `make demo` in a process group of its own, as a
// terminal does, and interrupts the group as Ctrl-C does once the chat
// serves: the chat stops gracefully and exits 0, so make must not report an
// error.
func TestDemoStopsCleanly(t *testing.T) {
	requireTools(t, "make", "go")
	root := repoRoot(t)
	cmd := exec.Command("make", "-C", root, "demo", "DEMO_ADDR=127.0.0.1:0")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out bytes.Buffer
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	serving := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if strings.HasPrefix(sc.Text(), "chat: open http://") {
				close(serving)
			}
		}
	}()
	select {
	case <-serving:
	case <-done:
		_ = cmd.Wait()
		t.Fatalf("make demo ended before serving:\n%s", out.String())
	case <-time.After(3 * time.Minute):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		t.Fatalf("make demo did not serve in time:\n%s", out.String())
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	werr := make(chan error, 1)
	go func() { werr <- cmd.Wait() }()
	select {
	case err = <-werr:
	case <-time.After(30 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		t.Fatalf("make demo did not stop after SIGINT")
	}
	<-done
	// make itself received the SIGINT too: GNU make waits for the recipe,
	// then ends by the signal it received (the shell shows 130, with no
	// message), as every interrupted command does. What must not happen is
	// make reporting the recipe as failed ("make: *** [...] Error 1") or
	// killed ("Interrupt"): the chat catches SIGINT and exits 0.
	if err != nil {
		var ee *exec.ExitError
		interrupted := errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled() &&
			ee.Sys().(syscall.WaitStatus).Signal() == syscall.SIGINT
		if !interrupted {
			t.Errorf("make demo after Ctrl-C: %v, want exit 0 or make's own SIGINT:\n%s", err, out.String())
		}
	}
	if strings.Contains(out.String(), "make: *** ") {
		t.Errorf("make reported a failed recipe after a clean stop:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "chat: stopped") {
		t.Errorf("the chat did not report a clean stop:\n%s", out.String())
	}
}
