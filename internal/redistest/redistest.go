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
	"sync"
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
	_ = s.cmd.Process.Kill()
	_ = s.cmd.Wait()
	s.cmd = nil
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
	deadline := time.Now().Add(startTimeout)
	for {
		err := ping(s.Addr)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redistest: redis-server on %s did not answer PING: %w", s.Addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
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
