package siotest

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"time"
)

// pipeBuffer bounds the bytes in transit in each direction of a connection,
// as a socket buffer would: a writer waits while its peer has this many
// bytes unread.
const pipeBuffer = 256 << 10

// addr is the address of one end of an in-memory connection.
type addr string

func (a addr) Network() string { return "siotest" }
func (a addr) String() string  { return string(a) }

// serverAddr is the address every connection is made to.
const serverAddr = addr("siotest:80")

// network is the kit's in-memory network: dial makes a connected pair of
// conns and hands the server's end to Accept. It is the net.Listener the
// kit's http.Server serves.
type network struct {
	accept chan net.Conn
	done   chan struct{} // closed by Close
	once   sync.Once

	mu    sync.Mutex // guards the fields below
	links map[*link]struct{}
	port  int // the client port of the last connection
}

func newNetwork() *network {
	return &network{
		accept: make(chan net.Conn),
		done:   make(chan struct{}),
		links:  make(map[*link]struct{}),
	}
}

// Accept returns the server's end of the next connection.
func (n *network) Accept() (net.Conn, error) {
	select {
	case c := <-n.accept:
		return c, nil
	case <-n.done:
		return nil, net.ErrClosed
	}
}

// Close stops accepting and closes every connection, both ends.
func (n *network) Close() error {
	n.once.Do(func() { close(n.done) })
	n.mu.Lock()
	links := make([]*link, 0, len(n.links))
	for l := range n.links {
		links = append(links, l)
	}
	n.mu.Unlock()
	for _, l := range links {
		_ = l.ends[0].Close()
		_ = l.ends[1].Close()
	}
	return nil
}

// Addr returns the server's address.
func (n *network) Addr() net.Addr { return serverAddr }

// dial makes a connection for g (whose Suspend holds its traffic) and
// returns the client's end once the server accepted it.
func (n *network) dial(ctx context.Context, g *gate) (net.Conn, error) {
	n.mu.Lock()
	n.port++
	local := addr("127.0.0.1:" + strconv.Itoa(n.port))
	l := newLink(n, g, local)
	n.links[l] = struct{}{}
	n.mu.Unlock()
	g.add(l)
	select {
	case n.accept <- l.ends[1]:
		return l.ends[0], nil
	case <-ctx.Done():
		err := ctx.Err()
		_ = l.ends[0].Close()
		_ = l.ends[1].Close()
		return nil, err
	case <-n.done:
		_ = l.ends[0].Close()
		_ = l.ends[1].Close()
		return nil, net.ErrClosed
	}
}

func (n *network) remove(l *link) {
	n.mu.Lock()
	delete(n.links, l)
	n.mu.Unlock()
}

// gate suspends the traffic of one client's connections (see
// Client.Suspend).
type gate struct {
	mu        sync.Mutex // guards the fields below
	suspended bool
	links     map[*link]struct{}
}

func (g *gate) add(l *link) {
	g.mu.Lock()
	if g.links == nil {
		g.links = make(map[*link]struct{})
	}
	g.links[l] = struct{}{}
	suspended := g.suspended
	g.mu.Unlock()
	l.setSuspended(suspended)
}

func (g *gate) remove(l *link) {
	g.mu.Lock()
	delete(g.links, l)
	g.mu.Unlock()
}

// set suspends or resumes every connection of the gate, and those made
// later.
func (g *gate) set(suspended bool) {
	g.mu.Lock()
	g.suspended = suspended
	links := make([]*link, 0, len(g.links))
	for l := range g.links {
		links = append(links, l)
	}
	g.mu.Unlock()
	for _, l := range links {
		l.setSuspended(suspended)
	}
}

// link is one connection: two ends, each writing into a buffer its peer
// reads from. Waiting is on channels and timers only, so that a goroutine
// waiting for input inside a testing/synctest bubble is durably blocked.
type link struct {
	n    *network
	g    *gate
	ends [2]*conn // 0 the client's, 1 the server's

	mu sync.Mutex // guards the fields below
	// buf[i] holds what end i wrote and end 1-i has not read yet.
	buf    [2][]byte
	closed [2]bool
	// suspended holds everything in transit: reads see neither data nor
	// the peer's close, and writes fill the buffer, then wait.
	suspended bool
	// wake, when not nil, is closed at the next change, for the waiters.
	wake chan struct{}
}

func newLink(n *network, g *gate, client addr) *link {
	l := &link{n: n, g: g}
	l.ends[0] = &conn{l: l, side: 0, local: client, remote: serverAddr}
	l.ends[1] = &conn{l: l, side: 1, local: serverAddr, remote: client}
	for _, c := range l.ends {
		c.rd.init()
		c.wd.init()
	}
	return l
}

// changedLocked wakes the waiters. l.mu is held.
func (l *link) changedLocked() {
	if l.wake != nil {
		close(l.wake)
		l.wake = nil
	}
}

// waitLocked returns a channel closed at the next change. l.mu is held.
func (l *link) waitLocked() <-chan struct{} {
	if l.wake == nil {
		l.wake = make(chan struct{})
	}
	return l.wake
}

func (l *link) setSuspended(s bool) {
	l.mu.Lock()
	l.suspended = s
	l.changedLocked()
	l.mu.Unlock()
}

// conn is one end of a link.
type conn struct {
	l      *link
	side   int
	local  addr
	remote addr
	rd, wd deadline
}

var errPeerClosed = errors.New("siotest: connection closed by peer")

func (c *conn) Read(b []byte) (int, error) {
	l, in := c.l, 1-c.side
	for {
		l.mu.Lock()
		switch {
		case l.closed[c.side]:
			l.mu.Unlock()
			return 0, net.ErrClosed
		case c.rd.expired():
			l.mu.Unlock()
			return 0, os.ErrDeadlineExceeded
		case len(b) == 0:
			l.mu.Unlock()
			return 0, nil
		case !l.suspended && len(l.buf[in]) > 0:
			n := copy(b, l.buf[in])
			l.buf[in] = l.buf[in][n:]
			if len(l.buf[in]) == 0 {
				l.buf[in] = nil
			}
			l.changedLocked()
			l.mu.Unlock()
			return n, nil
		case !l.suspended && l.closed[in]:
			l.mu.Unlock()
			return 0, io.EOF
		}
		wake := l.waitLocked()
		l.mu.Unlock()
		select {
		case <-wake:
		case <-c.rd.wait():
		}
	}
}

func (c *conn) Write(b []byte) (int, error) {
	l, out := c.l, c.side
	written := 0
	for {
		l.mu.Lock()
		switch {
		case l.closed[c.side]:
			l.mu.Unlock()
			return written, net.ErrClosed
		case !l.suspended && l.closed[1-c.side]:
			l.mu.Unlock()
			return written, errPeerClosed
		case c.wd.expired():
			l.mu.Unlock()
			return written, os.ErrDeadlineExceeded
		case len(b) == 0:
			l.mu.Unlock()
			return written, nil
		}
		if room := pipeBuffer - len(l.buf[out]); room > 0 {
			n := min(room, len(b))
			l.buf[out] = append(l.buf[out], b[:n]...)
			b = b[n:]
			written += n
			l.changedLocked()
			l.mu.Unlock()
			continue
		}
		wake := l.waitLocked()
		l.mu.Unlock()
		select {
		case <-wake:
		case <-c.wd.wait():
		}
	}
}

// Close closes this end: its peer reads what was written before, then
// io.EOF, and its writes fail.
func (c *conn) Close() error {
	l := c.l
	l.mu.Lock()
	if l.closed[c.side] {
		l.mu.Unlock()
		return nil
	}
	l.closed[c.side] = true
	l.buf[1-c.side] = nil // what this end did not read is gone
	both := l.closed[1-c.side]
	l.changedLocked()
	l.mu.Unlock()
	c.rd.set(time.Time{})
	c.wd.set(time.Time{})
	if both {
		l.n.remove(l)
		l.g.remove(l)
	}
	return nil
}

func (c *conn) LocalAddr() net.Addr  { return c.local }
func (c *conn) RemoteAddr() net.Addr { return c.remote }

func (c *conn) SetDeadline(t time.Time) error {
	c.rd.set(t)
	c.wd.set(t)
	return nil
}
func (c *conn) SetReadDeadline(t time.Time) error  { c.rd.set(t); return nil }
func (c *conn) SetWriteDeadline(t time.Time) error { c.wd.set(t); return nil }

// deadline is a read or write deadline: a channel closed when it passes.
type deadline struct {
	mu     sync.Mutex // guards the fields below
	timer  *time.Timer
	passed chan struct{} // closed once the deadline passed
}

func (d *deadline) init() { d.passed = make(chan struct{}) }

// set arms the deadline for t; the zero t means none.
func (d *deadline) set(t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil && !d.timer.Stop() {
		<-d.passed // the timer fired: wait for its close
	}
	d.timer = nil
	select {
	case <-d.passed:
		d.passed = make(chan struct{})
	default:
	}
	if t.IsZero() {
		return
	}
	if dur := time.Until(t); dur > 0 {
		passed := d.passed
		d.timer = time.AfterFunc(dur, func() { close(passed) })
		return
	}
	close(d.passed)
}

// wait returns the channel closed when the deadline passes.
func (d *deadline) wait() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.passed
}

func (d *deadline) expired() bool {
	select {
	case <-d.wait():
		return true
	default:
		return false
	}
}
