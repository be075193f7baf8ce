// Package tcpswitch is a TCP forwarder for tests whose target can be
// switched and whose connections can be cut: a client that reconnects after
// a cut reaches another server at the same address, as behind a load
// balancer that took a server out.
package tcpswitch

import (
	"io"
	"net"
	"sync"
)

// Switch forwards the connections it accepts on a loopback port to its
// target.
type Switch struct {
	ln net.Listener
	wg sync.WaitGroup // the accept loop and the copies

	mu     sync.Mutex // guards target and conns
	target string     // "" refuses connections
	conns  map[net.Conn]struct{}
}

// Listen starts a Switch on 127.0.0.1, a free port, forwarding to target
// (host:port).
func Listen(target string) (*Switch, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Switch{ln: ln, target: target, conns: make(map[net.Conn]struct{})}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is the address the Switch listens on (host:port).
func (s *Switch) Addr() string { return s.ln.Addr().String() }

// To sends the next connections to target; "" refuses them.
func (s *Switch) To(target string) {
	s.mu.Lock()
	s.target = target
	s.mu.Unlock()
}

// Cut closes every connection made so far.
func (s *Switch) Cut() {
	s.mu.Lock()
	conns := s.conns
	s.conns = make(map[net.Conn]struct{})
	s.mu.Unlock()
	for c := range conns {
		_ = c.Close()
	}
}

// Close stops listening, cuts the connections and waits for its goroutines.
func (s *Switch) Close() {
	_ = s.ln.Close()
	s.Cut()
	s.wg.Wait()
}

func (s *Switch) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		target := s.target
		s.mu.Unlock()
		if target == "" {
			_ = c.Close()
			continue
		}
		u, err := net.Dial("tcp", target)
		if err != nil {
			_ = c.Close()
			continue
		}
		s.mu.Lock()
		s.conns[c], s.conns[u] = struct{}{}, struct{}{}
		s.mu.Unlock()
		s.wg.Add(2)
		go s.pipe(u, c)
		go s.pipe(c, u)
	}
}

// pipe copies src to dst until either ends, then closes both.
func (s *Switch) pipe(dst, src net.Conn) {
	defer s.wg.Done()
	_, _ = io.Copy(dst, src)
	_ = dst.Close()
	_ = src.Close()
}
