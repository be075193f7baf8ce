package engineio

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// recordConn is a net.Conn that records what is written to it, one entry
// per Write call, keeping the slices as passed (to tell a copy from the
// caller's own bytes). Writes fail with err once it is set.
type recordConn struct {
	net.Conn // nil: only Write is used
	mu       sync.Mutex
	writes   [][]byte // copies
	firsts   []*byte  // the address of each write's first byte
	err      error
}

func (r *recordConn) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return 0, r.err
	}
	r.writes = append(r.writes, bytes.Clone(p))
	r.firsts = append(r.firsts, &p[0])
	return len(p), nil
}

// frame returns a server data frame (unmasked, FIN set) with opcode op and
// n payload bytes of b.
func frame(op byte, n int, b byte) []byte {
	f := []byte{0x80 | op}
	switch {
	case n < 126:
		f = append(f, byte(n))
	case n < 1<<16:
		f = append(f, 126, byte(n>>8), byte(n))
	default:
		f = append(f, 127, 0, 0, 0, 0, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(f, bytes.Repeat([]byte{b}, n)...)
}

// TestCorkedConnWrites drives a corkedConn the way gorilla and the flusher
// do and checks the Write calls that reach the connection: their number,
// their bytes in order, and that a large frame is passed on, not copied.
func TestCorkedConnWrites(t *testing.T) {
	small := frame(websocket.TextMessage, 30, 'a')
	big := frame(websocket.BinaryMessage, corkSize, 'b')
	closeFrame := frame(websocket.CloseMessage, 2, 'c')
	type step struct {
		op   string // "cork", "release", "discard", or "write"
		data []byte
	}
	w := func(p []byte) step { return step{"write", p} }
	for _, tc := range []struct {
		name  string
		steps []step
		want  [][]byte // the Write calls that reach the connection
		same  int      // index of a Write that must be the big frame itself (-1: none)
	}{
		{
			name:  "not corked: every frame at once",
			steps: []step{w(small), w(small)},
			want:  [][]byte{small, small},
			same:  -1,
		},
		{
			name:  "a batch that fits: one write, with the last frame",
			steps: []step{{op: "cork"}, w(small), w(small), {op: "release"}, w(small)},
			want:  [][]byte{bytes.Repeat(small, 3)},
			same:  -1,
		},
		{
			name: "a batch larger than the buffer: a write each time it fills",
			steps: func() []step {
				s := []step{{op: "cork"}}
				for range corkSize / len(small) {
					s = append(s, w(small))
				}
				return append(s, w(small), w(small), step{op: "release"}, w(small))
			}(),
			// The frame that does not fit goes with the held ones (a
			// writev, two Write calls on a connection without one).
			want: [][]byte{bytes.Repeat(small, corkSize/len(small)), small, bytes.Repeat(small, 2)},
			same: -1,
		},
		{
			name:  "a big frame: what is held, then the frame itself",
			steps: []step{{op: "cork"}, w(small), w(big), w(small), {op: "release"}, w(small)},
			want:  [][]byte{small, big, bytes.Repeat(small, 2)},
			same:  1,
		},
		{
			name:  "a big frame first: written at once, nothing held",
			steps: []step{{op: "cork"}, w(big), {op: "release"}, w(small)},
			want:  [][]byte{big, small},
			same:  0,
		},
		{
			name:  "a control frame is not held: it goes at once, after the held frames",
			steps: []step{{op: "cork"}, w(small), w(closeFrame), w(small), {op: "release"}, w(small)},
			want:  [][]byte{append(bytes.Clone(small), closeFrame...), bytes.Repeat(small, 2)},
			same:  -1,
		},
		{
			name:  "discard drops what is held",
			steps: []step{{op: "cork"}, w(small), {op: "discard"}, w(closeFrame)},
			want:  [][]byte{closeFrame},
			same:  -1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := &recordConn{}
			cc := &corkedConn{Conn: rc}
			for _, s := range tc.steps {
				switch s.op {
				case "cork":
					cc.cork()
				case "release":
					cc.release()
				case "discard":
					cc.discard()
				default:
					if n, err := cc.Write(s.data); n != len(s.data) || err != nil {
						t.Fatalf("Write = %d, %v; want %d, nil", n, err, len(s.data))
					}
				}
			}
			if len(rc.writes) != len(tc.want) {
				t.Fatalf("%d writes (%d bytes), want %d", len(rc.writes), len(bytes.Join(rc.writes, nil)), len(tc.want))
			}
			for i := range tc.want {
				if !bytes.Equal(rc.writes[i], tc.want[i]) {
					t.Errorf("write %d: %d bytes %.20q, want %d bytes %.20q", i, len(rc.writes[i]), rc.writes[i], len(tc.want[i]), tc.want[i])
				}
			}
			if tc.same >= 0 && rc.firsts[tc.same] != &big[0] {
				t.Errorf("write %d is a copy of the big frame", tc.same)
			}
			if cc.held != nil {
				t.Errorf("a buffer is still held after the batch")
			}
		})
	}
}

// TestCorkedConnWriteError: a failed write reports the error and drops
// what was held.
func TestCorkedConnWriteError(t *testing.T) {
	fail := errors.New("broken")
	rc := &recordConn{err: fail}
	cc := &corkedConn{Conn: rc}
	cc.cork()
	small := frame(websocket.TextMessage, 10, 'a')
	if _, err := cc.Write(small); err != nil {
		t.Fatalf("held write failed: %v", err)
	}
	cc.release()
	if _, err := cc.Write(small); !errors.Is(err, fail) {
		t.Fatalf("Write = %v, want %v", err, fail)
	}
	if cc.held != nil {
		t.Errorf("a buffer is still held after the failure")
	}
}

// countConn counts the Write calls to a connection (a writev counts one
// per buffer: countConn has none) in n.
type countConn struct {
	net.Conn
	n *atomic.Int64
}

func (c countConn) Write(p []byte) (int, error) {
	c.n.Add(1)
	return c.Conn.Write(p)
}

// countListener makes the connections it accepts count their writes in n.
type countListener struct {
	net.Listener
	n *atomic.Int64
}

func (l countListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countConn{c, l.n}, nil
}

// corkedOf returns the corkedConn of s's WebSocket transport.
func corkedOf(t testing.TB, s *Session) *corkedConn {
	t.Helper()
	s.mu.Lock()
	ws := s.ws
	s.mu.Unlock()
	if ws == nil {
		t.Fatal("the session has no WebSocket")
	}
	cc, ok := ws.NetConn().(*corkedConn)
	if !ok {
		t.Fatalf("the WebSocket writes to a %T, not a corkedConn", ws.NetConn())
	}
	return cc
}

// wsSession dials a client in mode m (WebSocket or upgrade) and returns it
// with its session once the session's transport is the WebSocket.
func wsSession(e *env, m mode) (*client, *Session) {
	c := e.dial(m)
	s := e.session()
	e.waitFor("the WebSocket transport", func() bool { return s.Transport() == TransportWebSocket })
	return c, s
}

// idleWS returns s's WebSocket once no flusher writes to it (the one that
// wrote the open packet has stopped), for a test to write to it.
func idleWS(e *env, s *Session) *websocket.Conn {
	var conn *websocket.Conn
	e.waitFor("the flusher to stop", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		conn = s.ws
		return !s.flushing
	})
	return conn
}

// quietOptions: no heartbeat during the test, no echo; the server's
// writes (on all its connections) are counted in writes when not nil.
func quietOptions(o Options, writes ...*atomic.Int64) envOptions {
	o.PingInterval, o.PingTimeout = time.Hour, time.Hour
	eo := envOptions{opts: &o, onConn: func(*Session) {}}
	if len(writes) > 0 {
		eo.listener = func(l net.Listener) net.Listener { return countListener{l, writes[0]} }
	}
	return eo
}

// TestWebSocketBatch: the packets of a batch (one Send) arrive as separate
// frames, in order, intact, whatever they are (plain or shared, text or
// binary, small or large, compressed or not), over a WebSocket from the
// start or after an upgrade; a batch that fits in the cork buffer is one
// write, a larger one a few.
func TestWebSocketBatch(t *testing.T) {
	small := func(i int) Message { return Message{Data: fmt.Appendf(nil, "message %d", i)} }
	sized := func(i, n int) Message {
		return Message{Data: bytes.Repeat([]byte{'a' + byte(i%26)}, n)}
	}
	for _, tc := range []struct {
		name    string
		opts    Options
		deflate bool // the client accepts permessage-deflate
		msgs    []Message
		// maxWrites bounds the writes of the batch: 1 when it fits.
		maxWrites int
	}{
		{
			name:      "small text",
			msgs:      []Message{small(0), small(1), small(2), small(3), small(4)},
			maxWrites: 1,
		},
		{
			name: "binary and text",
			msgs: []Message{small(0), {Data: []byte{0, 1, 2}, Binary: true}, small(2),
				{Data: []byte{3}, Binary: true}},
			maxWrites: 1,
		},
		{
			name: "shared and plain",
			msgs: []Message{NewSharedMessage([]byte("shared 0"), false), small(1),
				NewSharedMessage([]byte{9, 9}, true), small(3), NewSharedMessage([]byte("shared 4"), false)},
			maxWrites: 1,
		},
		{
			name: "larger than the buffer",
			msgs: func() []Message {
				var ms []Message
				for i := range 40 {
					ms = append(ms, sized(i, 1000))
				}
				return ms
			}(),
			// 40 frames of about 1 KB: at least three buffers, each
			// written with the frame that did not fit (two Write calls).
			maxWrites: 2 * (40*1005/corkSize + 1),
		},
		{
			name:      "a big message among small ones",
			msgs:      []Message{small(0), sized(1, 3*corkSize), small(2)},
			maxWrites: 6, // gorilla writes a big text message as two frames (three Write calls)
		},
		{
			name:    "permessage-deflate",
			opts:    Options{PerMessageDeflate: true},
			deflate: true,
			msgs: []Message{small(0), sized(1, 2*DefaultPerMessageDeflateSize), small(2),
				NewSharedMessage(bytes.Repeat([]byte("shared "), 500), false), small(4)},
			maxWrites: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run(t, func(t *testing.T, m mode) {
				var writes atomic.Int64
				e := newEnv(t, quietOptions(tc.opts, &writes))
				e.dialer.EnableCompression = tc.deflate
				c, s := wsSession(e, m)
				corkedOf(t, s)
				before := writes.Load() // the server writes nothing else meanwhile
				if err := s.Send(tc.msgs...); err != nil {
					t.Fatal(err)
				}
				for i, want := range tc.msgs {
					got := c.nextMessage()
					if got.Binary != want.Binary || !bytes.Equal(got.Data, want.Data) {
						t.Fatalf("message %d: %.30q (binary %v), want %.30q (binary %v)", i, got.Data, got.Binary, want.Data, want.Binary)
					}
				}
				if n := writes.Load() - before; n < 1 || n > int64(tc.maxWrites) {
					t.Errorf("%d messages took %d writes, want 1 to %d", len(tc.msgs), n, tc.maxWrites)
				}
			}, modeWebSocket, modeUpgrade)
		})
	}
}

// TestWebSocketCloseFrameNotHeld: a close frame gorilla writes while the
// flusher holds frames (the reader closing the connection during a batch)
// goes out at once, after the held frames: the client reads them, then the
// close frame, without waiting for the batch's end.
func TestWebSocketCloseFrameNotHeld(t *testing.T) {
	e := newEnv(t, quietOptions(Options{}))
	c, s := wsSession(e, modeWebSocket)
	cc := corkedOf(t, s)
	conn := idleWS(e, s)
	// Stand in for the flusher in the middle of a batch.
	cc.cork()
	defer cc.discard()
	for i := range 3 {
		if err := conn.WriteMessage(websocket.TextMessage, fmt.Appendf(nil, "4held %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan error, 1)
	go func() { // another goroutine, as the reader's closeWebSocket
		done <- conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseGoingAway, ""), time.Now().Add(time.Minute))
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if got := c.nextMessage(); string(got.Data) != fmt.Sprintf("held %d", i) {
			t.Fatalf("got %q, want held %d", got.Data, i)
		}
	}
	c.waitEnded()
	if !websocket.IsCloseError(c.wsErr, websocket.CloseGoingAway) {
		t.Errorf("client read %v, want the close frame", c.wsErr)
	}
}

// TestWebSocketConcurrentClose: the client breaks the protocol while the
// flusher writes large batches, so that the reader writes its close frame
// concurrently with the flusher: the client reads whole messages in order,
// then the close frame, and the session closes with a parse error.
func TestWebSocketConcurrentClose(t *testing.T) {
	const batches = 50
	e := newEnv(t, quietOptions(Options{SendQueueSize: 1 << 16}))
	c, s := wsSession(e, modeWebSocket)
	msgs := make([]Message, 200)
	for i := range msgs {
		msgs[i] = Message{Data: fmt.Appendf(nil, "message %d", i)}
	}
	sent := make(chan struct{})
	go func() {
		defer close(sent)
		for range batches {
			if s.Send(msgs...) != nil {
				return // closed
			}
			runtime.Gosched()
		}
	}()
	if err := c.sendRaw([]byte("9x")); err != nil { // an unknown packet type
		t.Fatal(err)
	}
	want := 0
	check := func(p packet) {
		t.Helper()
		if p.typ != typeMessage || string(p.data) != fmt.Sprintf("message %d", want) {
			t.Fatalf("got %c %q, want message %d", p.typ, p.data, want)
		}
		want = (want + 1) % len(msgs)
	}
	for ended := false; !ended; {
		select {
		case p := <-c.pkts:
			check(p)
		case <-c.ended: // every packet read is in c.pkts
			for len(c.pkts) > 0 {
				check(<-c.pkts)
			}
			ended = true
		case <-time.After(e.wait):
			t.Fatal("the client's reader did not end")
		}
	}
	<-sent
	if !websocket.IsCloseError(c.wsErr, websocket.CloseProtocolError) {
		t.Errorf("client read %v, want a close frame with code %d", c.wsErr, websocket.CloseProtocolError)
	}
	if ce := e.closed(); ce.reason != ReasonParseError {
		t.Errorf("OnClose(%q, %v), want %q", ce.reason, ce.err, ReasonParseError)
	}
}

// TestWebSocketWriteDeadline: a write deadline that passed makes the
// batch's write fail (the held frames included), and the session closes
// with a transport error, as when any write fails.
func TestWebSocketWriteDeadline(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, quietOptions(Options{}))
		_, s := wsSession(e, m)
		conn := idleWS(e, s)
		// gorilla sets the deadline on the connection before each write.
		if err := conn.SetWriteDeadline(time.Now().Add(-time.Second)); err != nil {
			t.Fatal(err)
		}
		if err := s.Send(Message{Data: []byte("a")}, Message{Data: []byte("b")}, Message{Data: []byte("c")}); err != nil {
			t.Fatal(err)
		}
		ce := e.closed()
		var ne net.Error
		if ce.reason != ReasonTransportError || !errors.As(ce.err, &ne) || !ne.Timeout() {
			t.Errorf("OnClose(%q, %v), want (%q, a timeout)", ce.reason, ce.err, ReasonTransportError)
		}
	}, modeWebSocket, modeUpgrade)
}

// BenchmarkWebSocketBatch measures a batch of N small messages sent with
// one Send and written by the flusher: ns/msg, and the Write calls to the
// connection per batch.
func BenchmarkWebSocketBatch(b *testing.B) {
	data := []byte(`2["chat_message",{"text":"hi","room":"lobby"}]`)
	for _, n := range []int{1, 4, 16, 64} {
		b.Run(fmt.Sprintf("msgs=%d", n), func(b *testing.B) {
			sessions := make(chan *Session, 1)
			srv := NewServer(&Options{Transports: []string{TransportWebSocket}, PingInterval: time.Hour, PingTimeout: time.Hour})
			srv.OnConnection(func(s *Session) { sessions <- s })
			var writes atomic.Int64
			hs := httptest.NewUnstartedServer(srv)
			hs.Listener = countListener{hs.Listener, &writes}
			hs.Start()
			defer hs.Close()
			defer func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = srv.Shutdown(ctx)
			}()
			conn, err := rawWebSocketDial(strings.TrimPrefix(hs.URL, "http://"), "/engine.io/?EIO=4&transport=websocket")
			if err != nil {
				b.Fatal(err)
			}
			defer conn.Close()
			sess := <-sessions
			before := writes.Load()
			var read atomic.Int64
			go func() {
				buf := make([]byte, 64<<10)
				for {
					n, err := conn.Read(buf)
					read.Add(int64(n))
					if err != nil {
						return
					}
				}
			}()
			msgs := make([]Message, n)
			for i := range msgs {
				msgs[i] = Message{Data: data}
			}
			frame := int64(2 + 1 + len(data))
			var batches int64
			b.ReportAllocs()
			for b.Loop() {
				if err := sess.Send(msgs...); err != nil {
					b.Fatal(err)
				}
				batches++
				// One batch at a time, so that each Send is one batch.
				for read.Load() < batches*int64(n)*frame {
					runtime.Gosched()
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(batches*int64(n)), "ns/msg")
			b.ReportMetric(float64(writes.Load()-before)/float64(batches), "writes/batch")
		})
	}
}

// TestWebSocketBatchThenClose: messages and the close packet queued
// together go out in order, the close packet last, followed by the close
// frame; the session closes as forced.
func TestWebSocketBatchThenClose(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, quietOptions(Options{}))
		c, s := wsSession(e, m)
		s.mu.Lock() // queue both before the flusher runs: one batch
		s.enqueueLocked([]Message{{Data: []byte("a")}, {Data: []byte("b")}, {Data: []byte{1, 2}, Binary: true}})
		s.mu.Unlock()
		s.Close()
		for _, want := range []string{"a", "b", "\x01\x02"} {
			if got := c.nextMessage(); string(got.Data) != want {
				t.Fatalf("got %q, want %q", got.Data, want)
			}
		}
		if p := c.next(); p.typ != typeClose {
			t.Fatalf("got packet %c %q, want the close packet", p.typ, p.data)
		}
		c.waitEnded() // the client's reader stops at the close packet
		if _, _, err := c.ws.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
			t.Errorf("client read %v, want a normal close frame", err)
		}
		if ce := e.closed(); ce.reason != ReasonForcedClose {
			t.Errorf("OnClose(%q, %v), want %q", ce.reason, ce.err, ReasonForcedClose)
		}
	}, modeWebSocket, modeUpgrade)
}

// TestWebSocketHandshakeWrites: a new WebSocket session's handshake
// response goes out with its open packet, in one write; an upgrade's probe
// connection is answered at once (its client waits for the response before
// it sends the probe), so the upgrade completes.
func TestWebSocketHandshakeWrites(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    mode
		// want is the server's writes once the client has the open
		// packet and the session its WebSocket transport (0: not
		// checked).
		want int64
	}{
		{name: "websocket", m: modeWebSocket, want: 1},
		{name: "upgrade", m: modeUpgrade},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var writes atomic.Int64
			e := newEnv(t, quietOptions(Options{}, &writes))
			c, s := wsSession(e, tc.m)
			idleWS(e, s)
			if n := writes.Load(); tc.want != 0 && n != tc.want {
				t.Errorf("the handshake took %d writes, want %d", n, tc.want)
			}
			if err := s.Send(Message{Data: []byte("after")}); err != nil {
				t.Fatal(err)
			}
			if got := c.nextMessage(); string(got.Data) != "after" {
				t.Fatalf("got %q, want after", got.Data)
			}
		})
	}
}

// deadlineConn records the write deadlines set on it.
type deadlineConn struct {
	net.Conn // nil: only the deadline setters are used
	set      []time.Time
}

func (d *deadlineConn) SetWriteDeadline(t time.Time) error {
	d.set = append(d.set, t)
	return nil
}

func (d *deadlineConn) SetDeadline(t time.Time) error {
	d.set = append(d.set, t)
	return nil
}

// TestCorkedConnDeadlines: a write deadline reaches the connection only
// when it changes (gorilla sets one before every frame, nearly always the
// zero time a new connection has); SetDeadline is tracked too.
func TestCorkedConnDeadlines(t *testing.T) {
	d1 := time.Unix(1000, 0)
	d2 := time.Unix(2000, 0)
	type call struct {
		both bool // SetDeadline rather than SetWriteDeadline
		t    time.Time
	}
	for _, tc := range []struct {
		name  string
		calls []call
		want  []time.Time
	}{
		{name: "zero on a new connection", calls: []call{{t: time.Time{}}, {t: time.Time{}}}, want: nil},
		{name: "set and reset", calls: []call{{t: d1}, {t: d1}, {t: time.Time{}}, {t: time.Time{}}}, want: []time.Time{d1, {}}},
		{name: "changes", calls: []call{{t: d1}, {t: d2}, {t: d1}}, want: []time.Time{d1, d2, d1}},
		{name: "SetDeadline tracked", calls: []call{{both: true, t: d1}, {t: d1}, {t: time.Time{}}}, want: []time.Time{d1, {}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dc := &deadlineConn{}
			c := &corkedConn{Conn: dc}
			for _, cl := range tc.calls {
				var err error
				if cl.both {
					err = c.SetDeadline(cl.t)
				} else {
					err = c.SetWriteDeadline(cl.t)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if !slices.EqualFunc(dc.set, tc.want, time.Time.Equal) {
				t.Errorf("deadlines set %v, want %v", dc.set, tc.want)
			}
		})
	}
}
