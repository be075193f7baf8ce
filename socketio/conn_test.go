package socketio

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/siogo/sio/engineio"
)

// fakeConn is an in-memory Engine.IO session: it records what the server
// sends, and reports its closing to the client like the engine does.
type fakeConn struct {
	id string
	c  *client

	mu      sync.Mutex
	sent    []engineio.Message
	closed  bool
	closing chan struct{} // closed by closeWith
	busy    bool          // SendVolatile drops while set
	discard bool          // Send only counts
	count   int
	onSend  func([]engineio.Message) // called after Send recorded msgs, without f.mu
	// limit, when set, bounds the messages sent and not taken, like the
	// engine's send queue: Send beyond it closes the connection with
	// ReasonSendQueueFull, SendWait waits for take.
	limit int
	room  chan struct{} // non-nil while SendWait waits
	// reason is the reason the connection closed with.
	reason engineio.CloseReason
}

func (f *fakeConn) ID() string { return f.id }

func (f *fakeConn) Transport() string { return "polling" }

func (f *fakeConn) Handshake() *engineio.Handshake {
	r := httptest.NewRequest("GET", "/socket.io/?EIO=4&transport=polling&x=1", nil)
	r.Header.Set("Origin", "http://example.com")
	return engineio.NewHandshake(r)
}

func (f *fakeConn) Send(msgs ...engineio.Message) error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return engineio.ErrClosed
	}
	if f.limit > 0 && len(f.sent)+len(msgs) > f.limit {
		f.mu.Unlock()
		f.closeWith(engineio.ReasonSendQueueFull)
		return engineio.ErrSendQueueFull
	}
	return f.appendUnlock(msgs)
}

// appendUnlock records msgs, unlocks f.mu and calls onSend.
func (f *fakeConn) appendUnlock(msgs []engineio.Message) error {
	f.count += len(msgs)
	if !f.discard {
		f.sent = append(f.sent, msgs...)
	}
	onSend := f.onSend
	f.mu.Unlock()
	if onSend != nil {
		onSend(msgs)
	}
	return nil
}

func (f *fakeConn) SendWait(ctx context.Context, msgs ...engineio.Message) error {
	f.mu.Lock()
	for !f.closed && f.limit > 0 && len(f.sent)+len(msgs) > f.limit {
		if f.room == nil {
			f.room = make(chan struct{})
		}
		ch := f.room
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		f.mu.Lock()
	}
	if f.closed {
		f.mu.Unlock()
		return engineio.ErrClosed
	}
	return f.appendUnlock(msgs)
}

func (f *fakeConn) Closing() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closing == nil {
		f.closing = make(chan struct{})
		if f.closed {
			close(f.closing)
		}
	}
	return f.closing
}

func (f *fakeConn) SendVolatile(msgs ...engineio.Message) bool {
	f.mu.Lock()
	busy := f.busy
	f.mu.Unlock()
	if busy {
		return false
	}
	return f.Send(msgs...) == nil
}

func (f *fakeConn) Close() { f.closeWith(engineio.ReasonForcedClose) }

// closeWith closes the session as the engine would, reporting reason to the
// client on another goroutine.
func (f *fakeConn) closeWith(reason engineio.CloseReason) {
	f.mu.Lock()
	was := f.closed
	f.closed = true
	if !was {
		f.reason = reason
		if f.closing != nil {
			close(f.closing)
		}
		if f.room != nil {
			close(f.room)
			f.room = nil
		}
	}
	c := f.c
	f.mu.Unlock()
	if was {
		return
	}
	c.srv.wg.Add(1)
	go func() {
		defer c.srv.wg.Done()
		c.onEngineClose(DisconnectReason(reason), nil)
	}()
}

func (f *fakeConn) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}

// take returns the messages sent since the last take, as text (binary ones
// prefixed with "bin:").
func (f *fakeConn) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.sent))
	for i, m := range f.sent {
		if m.Binary {
			out[i] = "bin:" + string(m.Data)
		} else {
			out[i] = string(m.Data)
		}
	}
	f.sent = nil
	if f.room != nil {
		close(f.room)
		f.room = nil
	}
	return out
}

// testClient is a client connection of a test server over a fakeConn.
type testClient struct {
	t    testing.TB
	conn *fakeConn
	c    *client
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

// newTestServer returns a server for opts (nil means defaults, with a
// silent logger), shut down when the test ends.
func newTestServer(t testing.TB, opts *Options) *Server {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	if opts.Logger == nil {
		opts.Logger = quietLog
	}
	s := NewServer(opts)
	t.Cleanup(func() {
		if err := s.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return s
}

var connSeq struct {
	sync.Mutex
	n int
}

func dial(t testing.TB, s *Server) *testClient {
	connSeq.Lock()
	connSeq.n++
	id := "eio" + strings.Repeat("x", connSeq.n%3) + string(rune('a'+connSeq.n%26))
	connSeq.Unlock()
	f := &fakeConn{id: id}
	c := s.attach(f)
	f.mu.Lock()
	f.c = c
	f.mu.Unlock()
	return &testClient{t: t, conn: f, c: c}
}

// send feeds the server one text message and binary attachments.
func (tc *testClient) send(text string, attachments ...string) {
	tc.c.onMessage(engineio.Message{Data: []byte(text)})
	for _, a := range attachments {
		tc.c.onMessage(engineio.Message{Data: []byte(a), Binary: true})
	}
}

// settle waits until every goroutine of the bubble is blocked, then
// returns what the server sent meanwhile.
func (tc *testClient) settle() []string {
	synctest.Wait()
	return tc.conn.take()
}

// connect joins nsp and returns the socket, dropping the CONNECT reply.
func (tc *testClient) connect(nsp string) *Socket {
	tc.t.Helper()
	if nsp == "/" {
		tc.send("0")
	} else {
		tc.send("0" + nsp + ",")
	}
	synctest.Wait()
	tc.c.mu.Lock()
	s := tc.c.socketLocked(nsp)
	tc.c.mu.Unlock()
	if s == nil || !s.Connected() {
		tc.t.Fatalf("connect %s: not connected; sent %q", nsp, tc.conn.take())
	}
	tc.conn.take()
	return s
}
