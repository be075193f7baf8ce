//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package engineio

import (
	"bytes"
	"io"
	"net"
	"syscall"
	"testing"
	"time"
)

// tcpPair returns the two ends of a loopback TCP connection, closed when
// the test ends.
func tcpPair(t *testing.T) (server, client net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err = ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		server.Close()
		client.Close()
	})
	return server, client
}

// TestReadAhead: the reader's wait reads the input once, into the
// read-ahead buffer, and Read hands it out before reading the socket
// again; EOF is left for the next read.
func TestReadAhead(t *testing.T) {
	for _, tc := range []struct {
		name   string
		input  []byte // written before the wait
		later  []byte // written while the reader waits
		eof    bool   // the client closes after writing
		reads  []int  // the sizes of the Reads after the wait (each one Read)
		ahead  int    // bytes read ahead by the wait
		wantRd []byte // the bytes the Reads return, in order
	}{
		{name: "small input, one read", input: []byte("hello"), reads: []int{512}, ahead: 5, wantRd: []byte("hello")},
		{name: "read ahead in pieces", input: []byte("hello"), reads: []int{2, 2, 1}, ahead: 5, wantRd: []byte("hello")},
		{name: "at most a read buffer ahead, the rest from the socket", input: bytes.Repeat([]byte("x"), wsReadBufferSize+100),
			reads: []int{wsReadBufferSize, 100}, ahead: wsReadBufferSize, wantRd: bytes.Repeat([]byte("x"), wsReadBufferSize+100)},
		{name: "the wait parks until input arrives", later: []byte("late"), reads: []int{512}, ahead: 4, wantRd: []byte("late")},
		{name: "EOF is left for the read", eof: true, reads: nil, ahead: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			server, client := tcpPair(t)
			cc := &corkedConn{Conn: server}
			raw, err := server.(syscall.Conn).SyscallConn()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := client.Write(tc.input); err != nil {
				t.Fatal(err)
			}
			if tc.eof {
				client.Close()
			}
			waitQueued(t, raw, len(tc.input))
			if tc.later != nil {
				go func() {
					// Usually after the reader parked (the test holds
					// either way).
					time.Sleep(10 * time.Millisecond)
					_, _ = client.Write(tc.later)
				}()
			}
			if err := raw.Read(cc.readAhead); err != nil {
				t.Fatal(err)
			}
			got := 0
			if cc.ahead != nil {
				got = len(*cc.ahead)
			}
			if got != tc.ahead {
				t.Errorf("read ahead %d bytes, want %d", got, tc.ahead)
			}
			var all []byte
			for _, n := range tc.reads {
				p := make([]byte, n)
				m, err := cc.Read(p)
				if err != nil {
					t.Fatalf("Read: %v", err)
				}
				all = append(all, p[:m]...)
			}
			if !bytes.Equal(all, tc.wantRd) {
				t.Errorf("read %q, want %q", all, tc.wantRd)
			}
			if cc.ahead != nil {
				t.Errorf("the read-ahead buffer is still held")
			}
			if tc.eof {
				if n, err := cc.Read(make([]byte, 1)); n != 0 || err != io.EOF {
					t.Errorf("Read after EOF = %d, %v; want 0, EOF", n, err)
				}
			}
		})
	}
}

// waitQueued waits until the socket of raw has n bytes of input queued.
func waitQueued(t *testing.T, raw syscall.RawConn, n int) {
	t.Helper()
	if n == 0 {
		return
	}
	b := make([]byte, n)
	for {
		var got int
		err := raw.Control(func(fd uintptr) {
			got, _, _ = syscall.Recvfrom(int(fd), b, syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		})
		if err != nil {
			t.Fatal(err)
		}
		if got == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
}
