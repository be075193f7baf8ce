package loadgen

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Peer is a server under test: a program serving the benchmark's app.
type Peer struct {
	// Name labels the peer in the report: "sio" and "node" are shown as
	// "sio" and "Node", and the ratio column compares them.
	Name string
	// Command is the program and its arguments. It serves on 127.0.0.1
	// at a port of its choosing and prints "listening HOST:PORT" on its
	// standard output once it accepts connections.
	Command []string
	// Dir is its working directory; empty means this process's.
	Dir string
}

// startTimeout bounds the wait for a peer's "listening" line.
const startTimeout = 30 * time.Second

// running is a started peer.
type running struct {
	Target
	cmd *exec.Cmd
	// done is closed when the process has exited; err is then its Wait
	// error.
	done chan struct{}
	err  error
}

// start runs p, on the CPUs cpus (a taskset list) unless cpus is empty, and
// waits until it listens. Its standard error goes to stderr.
func start(ctx context.Context, p Peer, cpus string, stderr io.Writer) (*running, error) {
	argv := p.Command
	if cpus != "" {
		argv = append([]string{"taskset", "-c", cpus}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = p.Dir
	cmd.Stderr = stderr
	lw := &lineWriter{line: make(chan string, 1)}
	cmd.Stdout = lw
	// A peer's children may keep its standard output open after it
	// exited: Wait does not wait for them longer than this.
	cmd.WaitDelay = 2 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", p.Name, err)
	}
	r := &running{cmd: cmd, done: make(chan struct{})}
	r.PID = cmd.Process.Pid // taskset execs the command: the same process
	go func() {
		r.err = cmd.Wait()
		close(r.done)
	}()
	t := time.NewTimer(startTimeout)
	defer t.Stop()
	select {
	case line := <-lw.line:
		addr, ok := strings.CutPrefix(line, "listening ")
		if !ok || addr == "" {
			r.stop()
			return nil, fmt.Errorf("%s printed %q, want \"listening HOST:PORT\"", p.Name, line)
		}
		r.Addr = addr
		return r, nil
	case <-r.done:
		return nil, fmt.Errorf("%s exited before listening: %v", p.Name, r.err)
	case <-t.C:
		r.stop()
		return nil, fmt.Errorf("%s did not print \"listening HOST:PORT\" in %v", p.Name, startTimeout)
	case <-ctx.Done():
		r.stop()
		return nil, ctx.Err()
	}
}

// exited returns an error when the process has exited already.
func (r *running) exited() error {
	select {
	case <-r.done:
		return fmt.Errorf("the server exited during the scenario: %v", r.err)
	default:
		return nil
	}
}

// stop ends the process: SIGTERM, then SIGKILL after 10 s.
func (r *running) stop() {
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case <-r.done:
	case <-t.C:
		_ = r.cmd.Process.Kill()
		<-r.done
	}
}

// lineWriter sends the first line written to it on line and discards the
// rest.
type lineWriter struct {
	// mu guards buf and sent.
	mu   sync.Mutex
	buf  []byte
	sent bool
	line chan string
}

// maxLine bounds what lineWriter keeps while waiting for a newline.
const maxLine = 4096

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.sent {
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	i := bytes.IndexByte(w.buf, '\n')
	if i < 0 && len(w.buf) < maxLine {
		return len(p), nil
	}
	if i < 0 {
		i = len(w.buf)
	}
	w.sent = true
	w.line <- strings.TrimSpace(string(w.buf[:i]))
	w.buf = nil
	return len(p), nil
}

// PinSelf runs this process, all its threads, on the CPUs cpus (a taskset
// list).
func PinSelf(cpus string) error {
	out, err := exec.Command("taskset", "-a", "-p", "-c", cpus, fmt.Sprint(os.Getpid())).CombinedOutput()
	if err != nil {
		return fmt.Errorf("taskset -a -p -c %s: %w: %s", cpus, err, bytes.TrimSpace(out))
	}
	return nil
}
