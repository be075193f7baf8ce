package tcpswitch

import (
	"bufio"
	"net"
	"testing"

	"go.uber.org/goleak"
)

// echoServer answers each line with its name and the line.
func echoServer(t *testing.T, name string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewScanner(c)
				for r.Scan() {
					if _, err := c.Write([]byte(name + ":" + r.Text() + "\n")); err != nil {
						return
					}
				}
			}()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); <-done })
	return ln.Addr().String()
}

// TestSwitch: connections go to the target of the moment; a cut closes
// them; "" refuses; Close leaves no goroutine.
func TestSwitch(t *testing.T) {
	a, b := echoServer(t, "a"), echoServer(t, "b")
	servers := goleak.IgnoreCurrent()
	s, err := Listen(a)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		s.Close()
		goleak.VerifyNone(t, servers)
	}()
	ask := func(want string) net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", s.Addr())
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.Write([]byte("hi\n"))
		line, err := bufio.NewReader(c).ReadString('\n')
		if want == "" {
			if err == nil {
				t.Errorf("refused switch answered %q", line)
			}
			return c
		}
		if err != nil || line != want+"\n" {
			t.Fatalf("answer %q, %v; want %q", line, err, want)
		}
		return c
	}
	tests := []struct {
		name, target, want string
	}{
		{"first target", a, "a:hi"},
		{"switched", b, "b:hi"},
		{"refusing", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.To(tt.target)
			c := ask(tt.want)
			defer c.Close()
			if tt.want == "" {
				return
			}
			s.Cut()
			if _, err := bufio.NewReader(c).ReadString('\n'); err == nil {
				t.Error("a cut connection still reads")
			}
		})
	}
}
