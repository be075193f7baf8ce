package engineio

import (
	"net"
	"sync"
	"time"
)

// Coalesced WebSocket writes. gorilla/websocket writes every frame to its
// net.Conn as soon as the frame is complete, so a flusher writing a batch
// of N packets (one frame each, as Engine.IO requires) made N write(2)
// calls. gorilla writes to a corkedConn instead (hijacker hands it over at
// Upgrade): while the flusher writes a batch, the frames are held in a
// pooled buffer and go out together with the batch's last frame, in one
// write. A new session's handshake response is held the same way, and goes
// out with its open packet (see acceptWebSocket).
//
// Every write to the connection still happens inside gorilla's own write
// lock, as before: the held bytes are written by the Write call of a later
// frame (the batch's last one, a control frame, or one that does not fit),
// never by the flusher on its own. So a write deadline gorilla sets
// (WriteControl's) applies to the bytes it writes, and nothing blocks on
// the network outside gorilla's lock.

// corkSize bounds the bytes a corked connection holds: the pooled buffer's
// size. A frame that does not fit is written at once, together with what
// is held (one writev, no copy of the frame); a batch of small packets
// larger than this takes one write per corkSize bytes. Beyond a few KiB
// the cost of a write is the copy, not the system call, so a larger
// buffer would only hold more memory per busy connection.
const corkSize = 16 << 10

// corkPool holds the buffers of corked connections (*[]byte of capacity
// corkSize); a connection holds one only while a batch is written, so an
// idle connection holds none.
var corkPool = sync.Pool{New: func() any {
	b := make([]byte, 0, corkSize)
	return &b
}}

// corkedConn is the net.Conn gorilla writes a WebSocket to. Its methods
// other than Write are the connection's own.
type corkedConn struct {
	net.Conn

	// mu guards corked, held and deadline. It is held across the writes
	// to Conn, all of which run inside gorilla's write lock (see above):
	// only the flusher's cork and release wait for it besides gorilla's
	// writers.
	mu       sync.Mutex
	corked   bool      // a batch is being written: hold the frames
	held     *[]byte   // the frames held (from corkPool); nil when none
	deadline time.Time // the write deadline set on Conn (see SetWriteDeadline)

	// Input read ahead by the reader's wait (see waitInput), handed out
	// by Read before anything else. Only the connection's reader uses
	// them.
	ahead    *[]byte // from readAheadPool; nil when none
	aheadOff int     // the bytes of ahead already read
}

// readAheadPool holds the buffers of the input read by a waking reader
// (*[]byte of capacity wsReadBufferSize), held until gorilla has read them
// into the connection's own read buffer: at most one read buffer's worth,
// so one Read takes all of it.
var readAheadPool = sync.Pool{New: func() any {
	b := make([]byte, 0, wsReadBufferSize)
	return &b
}}

// Read hands out the input read ahead, then reads the connection.
func (c *corkedConn) Read(p []byte) (int, error) {
	if c.ahead == nil {
		return c.Conn.Read(p)
	}
	n := copy(p, (*c.ahead)[c.aheadOff:])
	if c.aheadOff += n; c.aheadOff == len(*c.ahead) {
		*c.ahead = (*c.ahead)[:0]
		readAheadPool.Put(c.ahead)
		c.ahead = nil
	}
	return n, nil
}

// cork makes the connection hold the frames written from now on, until
// release.
func (c *corkedConn) cork() {
	c.mu.Lock()
	c.corked = true
	c.mu.Unlock()
}

// release ends the batch: the next Write (the batch's last frame) writes
// what is held with it.
func (c *corkedConn) release() {
	c.mu.Lock()
	c.corked = false
	c.mu.Unlock()
}

// discard ends the batch after a failed write: what is held is dropped
// (the session is closing).
func (c *corkedConn) discard() {
	c.mu.Lock()
	c.corked = false
	c.putLocked()
	c.mu.Unlock()
}

// isControlFrame reports whether p may start a control frame (FIN set,
// opcode 8 to 15): gorilla writes a control frame whole in one Write. The
// payload of a data frame written on its own may match too; that only
// writes the held bytes earlier than needed.
func isControlFrame(p []byte) bool { return len(p) > 0 && p[0]&0x88 == 0x88 }

// Write holds p while the connection is corked and p fits; otherwise it
// writes what is held and p, in one write (one copy of p when both fit in
// corkSize, a writev otherwise). A control frame (a close frame written by
// another goroutine during a batch) is never held: it goes out at once,
// after the frames held before it.
func (c *corkedConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.corked && !isControlFrame(p) {
		if c.held == nil && len(p) < corkSize {
			c.held = corkPool.Get().(*[]byte)
		}
		if c.held != nil && len(*c.held)+len(p) <= corkSize {
			*c.held = append(*c.held, p...)
			return len(p), nil
		}
	}
	if c.held == nil {
		return c.Conn.Write(p)
	}
	var err error
	if b := *c.held; len(b)+len(p) <= corkSize {
		_, err = c.Conn.Write(append(b, p...))
	} else {
		bufs := net.Buffers{b, p}
		_, err = bufs.WriteTo(c.Conn)
	}
	c.putLocked()
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// putLocked gives the held buffer back to the pool.
func (c *corkedConn) putLocked() {
	if c.held != nil {
		*c.held = (*c.held)[:0]
		corkPool.Put(c.held)
		c.held = nil
	}
}

// SetWriteDeadline sets the connection's write deadline unless it is t
// already: gorilla sets it before every frame it writes, nearly always to
// the zero time, and setting it costs a call into the runtime's poller.
func (c *corkedConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.Equal(c.deadline) {
		return nil
	}
	if err := c.Conn.SetWriteDeadline(t); err != nil {
		return err
	}
	c.deadline = t
	return nil
}

// SetDeadline sets the connection's read and write deadlines, keeping
// track of the write deadline for SetWriteDeadline.
func (c *corkedConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.Conn.SetDeadline(t); err != nil {
		return err
	}
	c.deadline = t
	return nil
}
