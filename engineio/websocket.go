package engineio

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// WebSocket transport: one goroutine per connection reads; writing is done
// by a flusher goroutine that exists only while the send queue is non-empty
// (an idle session has no writer goroutine). Text packets travel as text
// frames (type digit + data), binary messages as binary frames.

const (
	// wsReadBufferSize is the read buffer per connection, kept small
	// because every idle connection holds one (larger reads bypass it).
	wsReadBufferSize = 512
	// wsWriteBufferSize is the size of the pooled write buffers, held only
	// while a frame is written.
	wsWriteBufferSize = 4096
)

// wsWritePool holds the WebSocket write buffers shared by all connections.
var wsWritePool sync.Pool

// wsCloseWait bounds how long closeWebSocket waits for the client to
// answer the close frame.
const wsCloseWait = time.Second

// closeWebSocket closes conn cleanly, as Node's ws does: a close frame
// with code (websocket.CloseNoStatusReceived: a frame without a status
// code; 0: none, gorilla already sent one), then the TCP connection once
// the client answered or after wsCloseWait. Waiting keeps the close frame
// from being lost to a TCP reset when input is still unread. The caller
// must be conn's only reader.
func closeWebSocket(conn *websocket.Conn, code int) {
	deadline := time.Now().Add(wsCloseWait)
	if code == 0 {
		// gorilla's reader failed after its close frame: discard the
		// raw input until the client closes, or the deadline.
		nc := conn.NetConn()
		if nc.SetReadDeadline(deadline) == nil {
			_, _ = io.Copy(io.Discard, nc)
		}
	} else if err := conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), deadline); err == nil {
		_ = conn.SetReadDeadline(deadline)
		for {
			if _, _, err := conn.NextReader(); err != nil {
				break // the client's close frame, or any failure
			}
		}
	}
	_ = conn.Close()
}

// lingerWebSocket ends conn, the transport of a session that just closed,
// as Node's ws does: it sends a close frame, and the session's reader goes
// on reading, dropping what it reads, until the client answers with its
// own close frame (or closes) or wsCloseWait passed; the reader then closes
// conn (see webSocketFailed). Closing the TCP connection at once would
// reset it while frames the client sent are unread here, and the reset can
// destroy what the client had not read yet: the close packet, and so the
// reason the client reports. The frame is written on a goroutine of its
// own (ended by the same deadline): the caller may be a handler, and a
// slow client's write lock must not hold it.
func lingerWebSocket(conn *websocket.Conn) {
	deadline := time.Now().Add(wsCloseWait)
	_ = conn.SetReadDeadline(deadline)
	go func() {
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), deadline)
	}()
}

// wsConn is an accepted WebSocket with the read buffer gorilla reads from,
// so that the reader can wait for input while holding a shallow stack.
type wsConn struct {
	*websocket.Conn
	br   *bufio.Reader
	cc   *corkedConn        // what gorilla reads from and writes to
	raw  syscall.RawConn    // nil when the connection has no file descriptor
	wait func(uintptr) bool // cc.readAhead, made once (a method value per wait would allocate)
	// handedOver is when the reader last moved to a fresh goroutine (see
	// handOver), in Unix nanoseconds; only the reader uses it.
	handedOver int64
}

// wsIdleReadBufferSize is the read buffer of a connection whose reader
// handed over and waits for input: bufio's smallest.
const wsIdleReadBufferSize = 16

// shrinkBuffer swaps the read buffer for one of wsIdleReadBufferSize bytes
// while the reader waits after a hand-over, so that an idle connection
// does not hold wsReadBufferSize bytes; growBuffer swaps it back once
// input arrived. Only the reader calls them, with nothing buffered;
// gorilla reads through the same *bufio.Reader.
func (c *wsConn) shrinkBuffer() {
	if c.br != nil && c.br.Buffered() == 0 {
		*c.br = *bufio.NewReaderSize(c.NetConn(), wsIdleReadBufferSize)
	}
}

// growBuffer restores the read buffer shrinkBuffer swapped out.
func (c *wsConn) growBuffer() {
	if c.br != nil && c.br.Size() < wsReadBufferSize && c.br.Buffered() == 0 {
		*c.br = *bufio.NewReaderSize(c.NetConn(), wsReadBufferSize)
	}
}

// wsHandOverEvery bounds how often a connection's reader moves to a fresh
// goroutine to wait for input (see handOver).
const wsHandOverEvery = time.Second

// handOver reports whether the reader, which read a message on its
// goroutine, is to wait for the next one on a fresh goroutine instead. A
// goroutine's stack grows while it reads and handles a message (gorilla's
// read path, the handlers), and the runtime does not shrink a stack below
// 4 KiB while a goroutine waits in the network poller: a fresh goroutine
// waits on the 2 KiB it started with. That halves the stack an idle
// connection holds; at most once per wsHandOverEvery, so that a busy
// connection does not pay a goroutine start and the stack's regrowth per
// message. Only a reader with no buffered input hands over, and while the
// fresh goroutine waits, the read buffer is the smallest (see
// shrinkBuffer).
func (c *wsConn) handOver() bool {
	if c.br != nil && c.br.Buffered() > 0 {
		return false
	}
	now := time.Now().UnixNano()
	if c.handedOver != 0 && now-c.handedOver < int64(wsHandOverEvery) {
		return false
	}
	c.handedOver = now
	return true
}

// hijacker hands gorilla's Upgrade our own small read buffer instead of
// the server's 4 KiB one, and a corkedConn to write to (see corked.go).
// With hold, the corkedConn holds the handshake's response (see
// acceptWebSocket).
type hijacker struct {
	http.ResponseWriter
	hold bool
	br   *bufio.Reader
	cc   *corkedConn
}

func (h *hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := h.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("engineio: response does not implement http.Hijacker")
	}
	conn, brw, err := hj.Hijack()
	if err != nil || brw.Reader.Buffered() > 0 {
		return conn, brw, err // gorilla refuses early data itself
	}
	h.cc = &corkedConn{Conn: conn, corked: h.hold}
	h.br = bufio.NewReaderSize(h.cc, wsReadBufferSize)
	return h.cc, bufio.NewReadWriter(h.br, brw.Writer), nil
}

// acceptWebSocket upgrades the request. With hold, the handshake's
// response is held and goes out with the first frame the server writes, in
// one write: for a new session, whose open packet follows at once (a
// probing connection must answer at once: its client waits for the
// response before it sends anything).
func (s *Server) acceptWebSocket(w http.ResponseWriter, r *http.Request, hdr http.Header, hold bool) (*wsConn, error) {
	hj := &hijacker{ResponseWriter: w, hold: hold}
	conn, err := s.upgrader.Upgrade(hj, r, s.cfg.upgradeHeaders(hdr, r))
	if err != nil {
		return nil, err
	}
	if hold {
		hj.cc.release() // the response stays held until the next write
	}
	conn.SetReadLimit(int64(s.cfg.maxPayload))
	wc := &wsConn{Conn: conn, br: hj.br, cc: hj.cc}
	if sc, ok := hj.cc.Conn.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			wc.raw, wc.wait = raw, hj.cc.readAhead
		}
	}
	return wc, nil
}

// waitInput blocks until the connection has input (or fails), without
// gorilla's deeper read path on the stack: an idle session's reader
// goroutine parks here, and its stack can shrink to the minimum. The
// input is read there, once (see readAhead), and gorilla's read takes it
// from the read-ahead buffer: one system call per wake-up. Without a file
// descriptor, it waits in bufio's Peek.
func (c *wsConn) waitInput() {
	if c.br == nil || c.br.Buffered() > 0 || c.cc.ahead != nil {
		return
	}
	if c.raw == nil {
		_, _ = c.br.Peek(1)
		return
	}
	_ = c.raw.Read(c.wait)
}

// attachWebSocket makes conn the transport of a new session whose first
// packet is open.
func (s *Session) attachWebSocket(conn *wsConn, open packet) {
	s.mu.Lock()
	s.ws = conn.Conn
	s.queue = append([]packet{open}, s.queue...)
	s.mu.Unlock()
}

// startWebSocket starts reading conn and writing the queue.
func (s *Session) startWebSocket(conn *wsConn) {
	s.mu.Lock()
	s.kickLocked()
	s.mu.Unlock()
	go s.readWebSocket(conn, false)
}

// readWebSocket reads conn until it fails. A probing connection (an
// upgrade in progress) becomes the session's transport when the client
// sends the upgrade packet. Input that breaks the protocol ends the
// connection with a close frame whose code says why (see closeWebSocket).
func (s *Session) readWebSocket(wc *wsConn, probing bool) {
	conn := wc.Conn
	read := false // a message was read on this goroutine
	for {
		if read && wc.handOver() {
			wc.shrinkBuffer()
			go s.readWebSocket(wc, probing)
			return
		}
		wc.waitInput()
		wc.growBuffer()
		mt, data, err := conn.ReadMessage()
		if err != nil {
			s.webSocketFailed(conn, err, probing)
			return
		}
		read = true
		if f := s.cfg.obs.BytesReceived; f != nil {
			f(TransportWebSocket, len(data))
		}
		var p packet
		if mt == websocket.BinaryMessage {
			p = packet{typ: typeMessage, binary: true, data: data}
		} else {
			code := websocket.CloseProtocolError
			if !utf8.Valid(data) {
				// RFC 6455 8.1, as Node's ws: a text frame is UTF-8.
				code, err = websocket.CloseInvalidFramePayloadData, &ParseError{Reason: "text frame is not valid UTF-8"}
			} else {
				p, err = decodeText(data)
			}
			if err != nil {
				if probing {
					s.abortProbe(conn, code)
				} else {
					s.failWebSocket(conn, code, ReasonParseError, err)
				}
				return
			}
		}
		if probing {
			if probing = s.handleProbePacket(conn, p); !probing && !s.isTransport(conn) {
				return
			}
			continue
		}
		switch p.typ {
		case typePing:
			s.failWebSocket(conn, websocket.CloseProtocolError, ReasonTransportError,
				protocolError("ping from the client (invalid heartbeat direction)"))
			return
		case typeClose:
			s.failWebSocket(conn, websocket.CloseNormalClosure, ReasonTransportClose, nil)
			return
		}
		// false: the session closed, and what arrives is dropped; reads
		// go on until the client's close frame or lingerWebSocket's
		// deadline ends them.
		_ = s.handlePacket(p)
	}
}

// failWebSocket closes the session, if conn is its transport, because of
// what conn's reader read, then closes conn with a close frame carrying
// code (0: gorilla already sent one). Only conn's reader calls it.
func (s *Session) failWebSocket(conn *websocket.Conn, code int, reason CloseReason, err error) {
	after := func() {}
	s.mu.Lock()
	if s.ws == conn {
		s.ws = nil // closed below, after the close frame
		after = s.finishLocked(reason, err)
	}
	s.mu.Unlock()
	after()
	closeWebSocket(conn, code)
}

// isTransport reports whether conn is the session's current transport.
func (s *Session) isTransport(conn *websocket.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ws == conn && s.transport == TransportWebSocket
}

// webSocketFailed handles the end of a connection's reads; probing says
// whether conn was read as a probe.
func (s *Session) webSocketFailed(conn *websocket.Conn, err error, probing bool) {
	if errors.Is(err, websocket.ErrReadLimit) {
		// gorilla sent the close frame (1009, message too big).
		if probing {
			s.abortProbe(conn, 0)
		} else {
			s.failWebSocket(conn, 0, ReasonTransportError, ErrPayloadTooLarge)
		}
		return
	}
	s.mu.Lock()
	if s.probeWS == conn {
		s.cancelUpgradeLocked()
		s.mu.Unlock()
		_ = conn.Close()
		return
	}
	if s.ws != conn || s.state == stateClosed {
		s.mu.Unlock()
		_ = conn.Close()
		return
	}
	reason, rerr := ReasonTransportError, err
	var ce *websocket.CloseError
	switch {
	case errors.As(err, &ce), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		reason, rerr = ReasonTransportClose, nil
	}
	s.ws = nil // the client closed or conn broke: nothing to linger for
	after := s.finishLocked(reason, rerr)
	s.mu.Unlock()
	after()
	_ = conn.Close()
}

// wsSpareQueue bounds the capacity of the queue array an idle WebSocket
// session keeps (packets). While busy, a flusher swaps two queue arrays
// (the one it writes and the one Send appends to) instead of allocating a
// new one on the next push; both are bounded by Options.SendQueueSize.
// When it stops, it keeps one array of at most this capacity.
const wsSpareQueue = 8

// flushWebSocket writes the queue to the session's WebSocket until it is
// empty. It takes no argument, so that starting it allocates nothing (see
// kickLocked).
func (s *Session) flushWebSocket() {
	s.mu.Lock()
	conn := s.ws
	for {
		if s.state == stateClosed || s.ws != conn || len(s.queue) == 0 {
			s.flushing = false
			// Keep one small array for the next pushes; drop the rest.
			if s.state != stateClosed && (cap(s.queue) == 0 || cap(s.queue) > wsSpareQueue) {
				s.queue = s.spare
			}
			s.spare = nil
			s.mu.Unlock()
			return
		}
		batch := s.queue
		s.queue, s.spare = s.spare[:0], nil
		s.tookLocked()
		s.mu.Unlock()
		// The frames of a batch go out together (see corked.go): held
		// until the last one, which writes them all.
		cc, _ := conn.NetConn().(*corkedConn)
		if len(batch) < 2 {
			cc = nil
		}
		if cc != nil {
			cc.cork()
		}
		for i := range batch {
			p := &batch[i]
			if cc != nil && i == len(batch)-1 {
				cc.release()
			}
			if err := s.writeWebSocket(conn, p); err != nil {
				if cc != nil {
					cc.discard()
				}
				s.closeNow(ReasonTransportError, err)
				return
			}
			if f := s.cfg.obs.BytesSent; f != nil {
				f(TransportWebSocket, p.frameSize())
			}
			if p.typ == typeClose {
				// The close frame follows (lingerWebSocket).
				s.closeNow(ReasonTransportClose, nil) // keeps the closing reason
				return
			}
		}
		clear(batch)
		s.mu.Lock()
		s.spare = batch[:0] // kept while busy, dropped on exit when large
	}
}

// typeDigits holds the packet type digits, so that a frame's first byte is
// written from a static slice.
var typeDigits = []byte{typeOpen, typeClose, typePing, typePong, typeMessage, typeUpgrade, typeNoop}

// writeWebSocket writes one packet as one frame.
func (s *Session) writeWebSocket(conn *websocket.Conn, p *packet) error {
	return s.cfg.writeWebSocket(conn, p)
}

// writeWebSocket writes one packet as one frame (of a local session, or
// streamed for another node's).
func (c *config) writeWebSocket(conn *websocket.Conn, p *packet) error {
	if c.perMessageDeflate {
		conn.EnableWriteCompression(len(p.data) >= DefaultPerMessageDeflateSize)
	}
	if p.shared != nil {
		pm, err := p.shared.prepared(p)
		if err != nil {
			return err
		}
		return conn.WritePreparedMessage(pm)
	}
	if p.binary {
		return conn.WriteMessage(websocket.BinaryMessage, p.data)
	}
	w, err := conn.NextWriter(websocket.TextMessage)
	if err != nil {
		return err
	}
	d := p.typ - typeOpen
	if _, err := w.Write(typeDigits[d : d+1]); err != nil {
		return err
	}
	if _, err := w.Write(p.data); err != nil {
		return err
	}
	return w.Close()
}
