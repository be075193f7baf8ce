package loadgen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Payload is the argument of every "echo" and "fanout" the generator sends:
// the same bytes for every server.
const Payload = `{"text":"hello, world","n":42}`

// maxMessage bounds the size of a message the generator reads: the servers'
// messages here are a few dozen bytes.
const maxMessage = 64 << 10

// handshakeTimeout bounds a connection's whole handshake: WebSocket upgrade,
// Engine.IO open packet, Socket.IO CONNECT reply.
const handshakeTimeout = 10 * time.Second

// The packets the generator writes and expects, in Engine.IO v4 / Socket.IO
// v5 text encoding: Engine.IO type then Socket.IO type, namespace "/"
// implied.
var (
	pingPacket    = []byte("2")
	pongPacket    = []byte("3")
	connectPacket = []byte("40")
	// fanoutPacket asks for a broadcast of tickPacket to every socket.
	fanoutPacket = []byte(`42["fanout",` + Payload + `]`)
	tickPacket   = []byte(`42["tick",` + Payload + `]`)
	// echoTail follows "42<id>" in an echo; ackTail follows "43<id>" in
	// its acknowledgement.
	echoTail = []byte(`["echo",` + Payload + `]`)
	ackTail  = []byte(`[` + Payload + `]`)
)

// newDialer returns the WebSocket dialer of every connection. Connections
// are closed with a TCP reset (SO_LINGER 0), so that tens of thousands of
// short connections leave no TIME_WAIT sockets holding the generator's
// ephemeral ports. Write buffers are pooled so that idle connections hold
// none.
func newDialer() *websocket.Dialer {
	return &websocket.Dialer{
		NetDialContext:   dialNoLinger,
		HandshakeTimeout: handshakeTimeout,
		ReadBufferSize:   2048,
		WriteBufferSize:  2048,
		WriteBufferPool:  &sync.Pool{},
	}
}

// dialNoLinger dials a TCP connection that closes with a reset. TCP
// keep-alive is off (four system calls fewer per connection: the servers
// ping), and Go turns Nagle's algorithm off by default.
func dialNoLinger(ctx context.Context, network, addr string) (net.Conn, error) {
	d := net.Dialer{KeepAlive: -1}
	c, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	return c, nil
}

// session is one Socket.IO connection to "/" over WebSocket. gorilla reads
// its messages; the generator writes its frames itself, straight to the
// TCP connection, so that several messages go out in one write(2) (see
// appendFrame).
type session struct {
	ws *websocket.Conn
	// buf holds the last message read; reused by the next read.
	buf []byte
	// wmu guards writes to the connection and out: a session's read loop
	// answers pings while another goroutine may send on it (the fan-out
	// trigger, the ack scenario's writer).
	wmu sync.Mutex
	out []byte
}

// handshake opens a WebSocket to the server at addr (host:port), reads
// Engine.IO's open packet, connects to the namespace "/" with no auth and
// waits for the CONNECT reply.
func handshake(ctx context.Context, d *websocket.Dialer, addr string) (*session, error) {
	ws, resp, err := d.DialContext(ctx, "ws://"+addr+"/socket.io/?EIO=4&transport=websocket", nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return nil, err
	}
	s := &session{ws: ws, buf: make([]byte, 0, 256)}
	ws.SetReadLimit(maxMessage)
	// gorilla would answer a close frame itself, a write of its own
	// among the generator's: the read loop ends on it instead.
	ws.SetCloseHandler(func(int, string) error { return nil })
	if err := s.connect(); err != nil {
		ws.Close()
		return nil, err
	}
	return s, nil
}

func (s *session) connect() error {
	if err := s.ws.SetReadDeadline(time.Now().Add(handshakeTimeout)); err != nil {
		return err
	}
	m, err := s.next()
	if err != nil {
		return fmt.Errorf("waiting for the Engine.IO open packet: %w", err)
	}
	if len(m) == 0 || m[0] != '0' {
		return fmt.Errorf("got %q, want the Engine.IO open packet", m)
	}
	if err := s.write(connectPacket); err != nil {
		return err
	}
	for {
		m, err := s.next()
		if err != nil {
			return fmt.Errorf("waiting for the Socket.IO CONNECT reply: %w", err)
		}
		switch {
		case bytes.Equal(m, pingPacket):
			if err := s.write(pongPacket); err != nil {
				return err
			}
		case bytes.HasPrefix(m, connectPacket):
			return s.ws.SetReadDeadline(time.Time{})
		default:
			return fmt.Errorf("got %q, want the Socket.IO CONNECT reply", m)
		}
	}
}

// next reads a whole message into s.buf and returns it; it is valid until
// the next call.
func (s *session) next() ([]byte, error) {
	_, r, err := s.ws.NextReader()
	if err != nil {
		return nil, err
	}
	b := s.buf[:0]
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if errors.Is(err, io.EOF) {
			s.buf = b
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// write sends one text message.
func (s *session) write(m []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.out = appendFrame(s.out[:0], m)
	_, err := s.ws.NetConn().Write(s.out)
	return err
}

// writeFrames writes frames (appendFrame's) in one write.
func (s *session) writeFrames(frames []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, err := s.ws.NetConn().Write(frames)
	return err
}

// appendEcho appends the frame of "echo" with Payload and acknowledgement
// id to b; scratch is reused for the message.
func appendEcho(b, scratch []byte, id uint64) (frames, message []byte) {
	scratch = append(scratch[:0], '4', '2')
	scratch = strconv.AppendUint(scratch, id, 10)
	scratch = append(scratch, echoTail...)
	return appendFrame(b, scratch), scratch
}

// appendFrame appends to b a client's WebSocket text frame holding m
// (RFC 6455 section 5.2): final, masked as a client's frames must be, with
// the all-zero masking key, which leaves the payload as it is. A key is
// meant to be unpredictable against proxy cache poisoning; the servers
// under test do not check it, and the generator saves the XOR.
func appendFrame(b, m []byte) []byte {
	const fin, text, masked = 0x80, 0x1, 0x80
	b = append(b, fin|text)
	switch n := len(m); {
	case n < 126:
		b = append(b, masked|byte(n))
	case n <= 0xffff:
		b = append(b, masked|126, byte(n>>8), byte(n))
	default:
		b = append(b, masked|127, 0, 0, 0, 0, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	b = append(b, 0, 0, 0, 0) // the masking key
	return append(b, m...)
}

// loop reads messages until an error, answering Engine.IO pings, and hands
// every other message to handle.
func (s *session) loop(handle func(m []byte) error) error {
	for {
		m, err := s.next()
		if err != nil {
			return err
		}
		if bytes.Equal(m, pingPacket) {
			if err := s.write(pongPacket); err != nil {
				return err
			}
			continue
		}
		if err := handle(m); err != nil {
			return err
		}
	}
}

// close closes the connection at once (a TCP reset, no closing handshake).
func (s *session) close() { s.ws.Close() }

// parseAck returns the id of an acknowledgement of an echo: "43<id>" then
// ackTail. ok is false for any other message.
func parseAck(m []byte) (id uint64, ok bool) {
	if len(m) < 3+len(ackTail) || m[0] != '4' || m[1] != '3' || !bytes.HasSuffix(m, ackTail) {
		return 0, false
	}
	digits := m[2 : len(m)-len(ackTail)]
	if len(digits) == 0 || len(digits) > 19 {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
		id = id*10 + uint64(c-'0')
	}
	return id, true
}

// unexpected is the error for a message a scenario has no use for.
func unexpected(m []byte) error {
	const max = 80
	if len(m) > max {
		return fmt.Errorf("unexpected message %q…", m[:max])
	}
	return fmt.Errorf("unexpected message %q", m)
}
