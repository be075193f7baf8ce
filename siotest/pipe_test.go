package siotest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"testing/synctest"
	"time"
)

// pair returns the two ends of a new connection of n through g.
func pair(t *testing.T, n *network, g *gate) (client, server net.Conn) {
	t.Helper()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := n.Accept()
		if err != nil {
			t.Error(err)
		}
		accepted <- c
	}()
	c, err := n.dial(context.Background(), g)
	if err != nil {
		t.Fatal(err)
	}
	return c, <-accepted
}

func TestPipe(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, c, s net.Conn, g *gate)
	}{
		{"data both ways, in order", func(t *testing.T, c, s net.Conn, g *gate) {
			for _, w := range []struct {
				from, to net.Conn
				data     string
			}{{c, s, "GET /"}, {s, c, "HTTP/1.1 200"}, {c, s, "more"}} {
				if _, err := w.from.Write([]byte(w.data)); err != nil {
					t.Fatal(err)
				}
				buf := make([]byte, 64)
				n, err := w.to.Read(buf)
				if err != nil || string(buf[:n]) != w.data {
					t.Fatalf("read %q, %v; want %q", buf[:n], err, w.data)
				}
			}
		}},
		{"close: peer reads the rest, then EOF", func(t *testing.T, c, s net.Conn, g *gate) {
			_, _ = c.Write([]byte("bye"))
			_ = c.Close()
			b, err := io.ReadAll(s)
			if err != nil || string(b) != "bye" {
				t.Fatalf("ReadAll %q, %v", b, err)
			}
			if _, err := s.Write([]byte("x")); !errors.Is(err, errPeerClosed) {
				t.Errorf("write to a closed peer: %v", err)
			}
			if _, err := c.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
				t.Errorf("read after Close: %v", err)
			}
			if _, err := c.Write([]byte("x")); !errors.Is(err, net.ErrClosed) {
				t.Errorf("write after Close: %v", err)
			}
		}},
		{"read deadline", func(t *testing.T, c, s net.Conn, g *gate) {
			start := time.Now()
			_ = s.SetReadDeadline(start.Add(time.Second))
			if _, err := s.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("read past the deadline: %v", err)
			}
			if got := time.Since(start); got != time.Second {
				t.Errorf("deadline passed after %v, want 1s", got)
			}
			_ = s.SetReadDeadline(time.Time{})
			_, _ = c.Write([]byte("x"))
			if _, err := s.Read(make([]byte, 1)); err != nil {
				t.Errorf("read after clearing the deadline: %v", err)
			}
		}},
		{"write waits while the buffer is full", func(t *testing.T, c, s net.Conn, g *gate) {
			big := bytes.Repeat([]byte("x"), pipeBuffer+10)
			done := make(chan error, 1)
			go func() {
				_, err := c.Write(big)
				done <- err
			}()
			synctest.Wait()
			select {
			case err := <-done:
				t.Fatalf("a write over the buffer returned (%v) before the peer read", err)
			default:
			}
			got := make([]byte, 0, len(big))
			buf := make([]byte, 4096)
			for len(got) < len(big) {
				n, err := s.Read(buf)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, buf[:n]...)
			}
			if err := <-done; err != nil || !bytes.Equal(got, big) {
				t.Fatalf("write: %v; read %d bytes, want %d", err, len(got), len(big))
			}
		}},
		{"write deadline while full", func(t *testing.T, c, s net.Conn, g *gate) {
			_ = c.SetWriteDeadline(time.Now().Add(time.Second))
			n, err := c.Write(make([]byte, pipeBuffer+1))
			if !errors.Is(err, os.ErrDeadlineExceeded) || n != pipeBuffer {
				t.Fatalf("write: %d, %v; want %d, deadline exceeded", n, err, pipeBuffer)
			}
		}},
		{"suspend holds data and close", func(t *testing.T, c, s net.Conn, g *gate) {
			g.set(true)
			_, _ = s.Write([]byte("held"))
			_ = s.Close()
			_ = c.SetReadDeadline(time.Now().Add(time.Minute))
			if _, err := c.Read(make([]byte, 8)); !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Fatalf("read while suspended: %v, want the deadline", err)
			}
			if _, err := c.Write([]byte("into the void")); err != nil {
				t.Errorf("write while suspended to a closed peer: %v, want none (the close is held)", err)
			}
			_ = c.SetReadDeadline(time.Time{})
			g.set(false)
			b, err := io.ReadAll(c)
			if err != nil || string(b) != "held" {
				t.Fatalf("after Resume: %q, %v", b, err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				n := newNetwork()
				defer n.Close()
				g := &gate{}
				c, s := pair(t, n, g)
				tt.run(t, c, s, g)
			})
		})
	}
}

// TestNetworkClose: closing the network ends Accept, dials and every
// connection.
func TestNetworkClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNetwork()
		c, s := pair(t, n, &gate{})
		_ = n.Close()
		if _, err := n.Accept(); !errors.Is(err, net.ErrClosed) {
			t.Errorf("Accept: %v", err)
		}
		if _, err := n.dial(context.Background(), &gate{}); !errors.Is(err, net.ErrClosed) {
			t.Errorf("dial: %v", err)
		}
		for _, conn := range []net.Conn{c, s} {
			if _, err := conn.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
				t.Errorf("read: %v", err)
			}
		}
		n.mu.Lock()
		defer n.mu.Unlock()
		if len(n.links) != 0 {
			t.Errorf("%d links left", len(n.links))
		}
	})
}
