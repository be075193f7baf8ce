// Package redistest starts throwaway redis-server processes for tests.
//
// Each server listens on a free loopback port, keeps no data on disk and is
// stopped when the test ends. A missing redis-server skips the test, or
// fails it when CI=true.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// startTimeout bounds how long a server may take to answer PING.
const startTimeout = 15 * time.Second

// Server is one redis-server process.
type Server struct {
	// Addr is host:port, for redis.Options.Addr.
	Addr string

	t   testing.TB
	dir string

	mu  sync.Mutex
	cmd *exec.Cmd
}

// Require skips t (fails it when CI=true) when redis-server is not on PATH.
func Require(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err == nil {
		return
	}
	msg := "redistest: redis-server is not on PATH (apt-get install redis-server)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// Start starts a redis-server on a free port of 127.0.0.1 and stops it when
// the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	Require(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	s := &Server{Addr: addr, t: t, dir: t.TempDir()}
	s.Restart()
	t.Cleanup(s.Stop)
	return s
}

// Stop kills the server (as a crash would) and waits for it to exit. Stop
// on a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGCONT)
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
}

// Pause stops the server process (SIGSTOP) without closing anything: the
// kernel still accepts connections and buffers what clients write, but
// nothing is answered until Resume, as with a stalled Redis. Stop and
// the end of the test resume it first.
func (s *Server) Pause() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		s.t.Fatal("redistest: Pause on a stopped server")
	}
	if err := s.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		s.t.Fatalf("redistest: pause: %v", err)
	}
}

// Resume continues a paused server (SIGCONT); on a running server it does
// nothing.
func (s *Server) Resume() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		_ = s.cmd.Process.Signal(syscall.SIGCONT)
	}
}

// Restart stops the server if it runs and starts it again, empty, on the
// same port, returning once it answers PING. It must be called from the
// test's goroutine; elsewhere use Stop and Run.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.Run(); err != nil {
		s.t.Fatal(err)
	}
}

// Run starts the server, empty, if it is not running, and returns once it
// answers PING. It is safe from any goroutine.
func (s *Server) Run() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return nil
	}
	_, port, _ := net.SplitHostPort(s.Addr)
	if _, err := strconv.Atoi(port); err != nil {
		return fmt.Errorf("redistest: bad address %q", s.Addr)
	}
	cmd := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir, "--loglevel", "warning")
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("redistest: start redis-server: %w", err)
	}
	s.cmd = cmd
	return waitPing(s.Addr)
}

// ping sends PING and wants +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("*1\r\n$4\r\nPING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line != "+PONG\r\n" {
		return fmt.Errorf("PING answered %q", line)
	}
	return nil
}

// StartCluster starts a Redis Cluster of n masters (n >= 3, no replicas) on
// free ports of 127.0.0.1 and returns their addresses once the cluster
// answers CLUSTER INFO with cluster_state:ok. The servers stop when the test
// ends.
func StartCluster(t testing.TB, n int) []string {
	t.Helper()
	Require(t)
	if _, err := exec.LookPath("redis-cli"); err != nil {
		t.Fatal("redistest: redis-cli is not on PATH (apt-get install redis-tools)")
	}
	addrs := make([]string, n)
	for i := range addrs {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("redistest: %v", err)
		}
		addrs[i] = l.Addr().String()
		_ = l.Close()
	}
	for _, addr := range addrs {
		_, port, _ := net.SplitHostPort(addr)
		dir := t.TempDir()
		cmd := exec.Command("redis-server", "--port", port, "--bind", "127.0.0.1",
			"--save", "", "--appendonly", "no", "--dir", dir, "--loglevel", "warning",
			"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf")
		if err := cmd.Start(); err != nil {
			t.Fatalf("redistest: start redis-server: %v", err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
		if err := waitPing(addr); err != nil {
			t.Fatal(err)
		}
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		t.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
	}
	deadline := time.Now().Add(startTimeout)
	for {
		ok := true
		for _, addr := range addrs {
			host, port, _ := net.SplitHostPort(addr)
			out, err := exec.Command("redis-cli", "-h", host, "-p", port, "cluster", "info").Output()
			if err != nil || !strings.Contains(string(out), "cluster_state:ok") {
				ok = false
			}
		}
		if ok {
			return addrs
		}
		if time.Now().After(deadline) {
			t.Fatalf("redistest: the cluster on %v did not reach cluster_state:ok", addrs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitPing waits until the server at addr answers PING.
func waitPing(addr string) error {
	deadline := time.Now().Add(startTimeout)
	for {
		err := ping(addr)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redistest: redis-server on %s did not answer PING: %w", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
