package engineio

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

func TestEcho(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{})
		c := e.dial(m)
		sess := e.session()
		if sess.ID() != c.sid {
			t.Errorf("ID() = %q, want %q", sess.ID(), c.sid)
		}
		msgs := []Message{
			{Data: []byte("hello")},
			{Data: []byte("€ utf-8 ✓")},
			{Data: []byte{0, 1, 2, 0xff}, Binary: true},
			{Data: []byte{}, Binary: true},
			{Data: []byte("")},
		}
		c.send(msgs...)
		for i, want := range msgs {
			got := c.nextMessage()
			if got.Binary != want.Binary || !bytes.Equal(got.Data, want.Data) {
				t.Errorf("message %d: got %+v, want %+v", i, got, want)
			}
		}
		// The echoes came over the client's transport, so the upgrade is
		// complete on the server too.
		if got, want := sess.Transport(), c.transport(); got != want {
			t.Errorf("Transport() = %q, want %q", got, want)
		}
	})
}

func TestServerSendOrder(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{onConn: func(s *Session) {}})
		c := e.dial(m)
		sess := e.session()
		const n = 200
		for i := range n {
			msg := Message{Data: fmt.Appendf(nil, "m%d", i)}
			if i%3 == 0 {
				msg.Binary = true
			}
			if err := sess.Send(msg); err != nil {
				t.Fatalf("Send: %v", err)
			}
		}
		for i := range n {
			got := c.nextMessage()
			if want := fmt.Sprintf("m%d", i); string(got.Data) != want || got.Binary != (i%3 == 0) {
				t.Fatalf("message %d = %q (binary %v), want %q", i, got.Data, got.Binary, want)
			}
		}
	})
}

func TestCloseFromServer(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{})
		c := e.dial(m)
		sess := e.session()
		if err := sess.Send(Message{Data: []byte("last")}); err != nil {
			t.Fatal(err)
		}
		sess.Close()
		if err := sess.Send(Message{Data: []byte("too late")}); !errors.Is(err, ErrClosed) {
			t.Errorf("Send after Close = %v, want ErrClosed", err)
		}
		if got := c.nextMessage(); string(got.Data) != "last" {
			t.Errorf("got %q, want the message queued before Close", got.Data)
		}
		if p := c.next(); p.typ != typeClose {
			t.Errorf("got packet %c, want close", p.typ)
		}
		ce := e.closed()
		if ce.reason != ReasonForcedClose || ce.err != nil || ce.sid != c.sid {
			t.Errorf("OnClose(%q, %v) for %s, want forced close", ce.reason, ce.err, ce.sid)
		}
		c.waitEnded()
		if n := e.srv.Count(); n != 0 {
			t.Errorf("Count() = %d after close", n)
		}
		if status, body := e.get("EIO=4&transport=polling&sid=" + c.sid); status != 400 || !strings.Contains(string(body), `"code":1`) {
			t.Errorf("request after close: %d %s, want unknown sid", status, body)
		}
	})
}

func TestCloseFromClient(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{})
		c := e.dial(m)
		e.session()
		c.send(Message{Data: []byte("a")})
		if got := c.nextMessage(); string(got.Data) != "a" {
			t.Fatalf("echo %q", got.Data)
		}
		if err := c.sendPacket(packet{typ: typeClose}); err != nil {
			t.Fatal(err)
		}
		ce := e.closed()
		if ce.reason != ReasonTransportClose || ce.err != nil {
			t.Errorf("OnClose(%q, %v), want transport close", ce.reason, ce.err)
		}
	})
}

func TestClientDisconnects(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{})
		c := e.dial(m)
		sess := e.session()
		if m == modePolling {
			e.waitFor("a waiting GET", func() bool { return pollPending(sess) })
		}
		c.close() // no close packet: the connection (or the GET) just ends
		ce := e.closed()
		want := ReasonTransportClose
		if m == modePolling {
			want = ReasonTransportError // "poll connection closed prematurely"
		}
		if ce.reason != want {
			t.Errorf("OnClose(%q, %v), want %q", ce.reason, ce.err, want)
		}
	}, modeWebSocket, modeUpgrade, modePolling)
}

func TestSendQueueFull(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{opts: &Options{SendQueueSize: 4}, onConn: func(*Session) {}})
		e.dial(m)
		sess := e.session()
		msgs := make([]Message, 5)
		for i := range msgs {
			msgs[i] = Message{Data: []byte("x")}
		}
		if err := sess.Send(msgs...); !errors.Is(err, ErrSendQueueFull) {
			t.Fatalf("Send(5 messages) with SendQueueSize 4 = %v, want ErrSendQueueFull", err)
		}
		ce := e.closed()
		if ce.reason != ReasonSendQueueFull || !errors.Is(ce.err, ErrSendQueueFull) {
			t.Errorf("OnClose(%q, %v), want send queue full", ce.reason, ce.err)
		}
		if err := sess.Send(Message{Data: []byte("x")}); !errors.Is(err, ErrClosed) {
			t.Errorf("Send after close = %v, want ErrClosed", err)
		}
	})
}

// TestSendQueueFullStalledPoller: a polling client that stops polling is
// closed once the queue is full, instead of the queue growing.
func TestSendQueueFullStalledPoller(t *testing.T) {
	e := newEnv(t, envOptions{opts: &Options{SendQueueSize: 8}, onConn: func(*Session) {}})
	c := e.dial(modePolling)
	sess := e.session()
	e.waitFor("a waiting GET", func() bool { return pollPending(sess) })
	c.close() // stops polling; the waiting GET ends
	var err error
	for i := 0; i < 100 && err == nil; i++ {
		err = sess.Send(Message{Data: []byte("x")})
	}
	if !errors.Is(err, ErrSendQueueFull) && !errors.Is(err, ErrClosed) {
		t.Fatalf("Send kept succeeding: %v", err)
	}
	if ce := e.closed(); ce.reason != ReasonSendQueueFull && ce.reason != ReasonTransportError {
		t.Errorf("OnClose(%q, %v)", ce.reason, ce.err)
	}
}

func TestSendVolatile(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{onConn: func(*Session) {}})
		c := e.dial(m)
		sess := e.session()
		// Wait until the transport is writable: a GET waits, or the
		// WebSocket is idle.
		e.waitFor("SendVolatile to succeed", func() bool { return sess.SendVolatile(Message{Data: []byte("v")}) })
		if got := c.nextMessage(); string(got.Data) != "v" {
			t.Errorf("got %q", got.Data)
		}
		// With packets queued, volatile messages are dropped.
		sess.mu.Lock()
		sess.queue = append(sess.queue, packet{typ: typeNoop})
		ok := len(sess.queue) > 0
		sess.mu.Unlock()
		if ok && sess.SendVolatile(Message{Data: []byte("dropped")}) {
			t.Error("SendVolatile succeeded with a non-empty queue")
		}
		sess.mu.Lock()
		sess.kickLocked()
		sess.mu.Unlock()
		if err := sess.Send(Message{Data: []byte("after")}); err != nil {
			t.Fatal(err)
		}
		if got := c.nextMessage(); string(got.Data) != "after" {
			t.Errorf("got %q, want the message after the dropped one", got.Data)
		}
	})
}

func TestHandlerPanicRecovered(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{onConn: func(s *Session) {
			s.OnMessage(func(msg Message) {
				if string(msg.Data) == "panic" {
					panic("handler bug")
				}
				_ = s.Send(msg)
			})
		}, opts: &Options{Logger: discardLogger()}})
		c := e.dial(m)
		e.session()
		c.send(Message{Data: []byte("panic")}, Message{Data: []byte("still alive")})
		if got := c.nextMessage(); string(got.Data) != "still alive" {
			t.Errorf("got %q", got.Data)
		}
	})
}

func TestOnMessageSequential(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		var mu chan struct{} = make(chan struct{}, 1)
		var got []string
		done := make(chan struct{})
		const n = 300
		e := newEnv(t, envOptions{onConn: func(s *Session) {
			s.OnMessage(func(msg Message) {
				select {
				case mu <- struct{}{}:
				default:
					t.Error("OnMessage called concurrently")
				}
				got = append(got, string(msg.Data))
				<-mu
				if len(got) == n {
					close(done)
				}
			})
		}, opts: &Options{ReceiveQueueSize: 4}})
		c := e.dial(m)
		e.session()
		for i := 0; i < n; i += 10 {
			batch := make([]Message, 10)
			for j := range batch {
				batch[j] = Message{Data: fmt.Appendf(nil, "%d", i+j)}
			}
			c.send(batch...)
		}
		<-done
		for i, s := range got {
			if s != fmt.Sprint(i) {
				t.Fatalf("message %d = %s: out of order", i, s)
			}
		}
	})
}

// TestCloseFlushesQueue checks that a server-initiated close first writes
// every message queued before it, in order, then the close packet; over
// polling the close packet comes alone in the last response (a client
// acts on a close before handling the messages decoded with it).
func TestCloseFlushesQueue(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		// A small MaxPayload spreads the messages over several polling
		// responses.
		e := newEnv(t, envOptions{opts: &Options{MaxPayload: 200}, onConn: func(*Session) {}})
		c := e.dial(m)
		sess := e.session()
		const n = 100
		for i := range n {
			msg := Message{Data: fmt.Appendf(nil, "queued %d", i), Binary: i%4 == 1}
			if err := sess.Send(msg); err != nil {
				t.Fatalf("Send %d: %v", i, err)
			}
		}
		sess.Close()
		for i := range n {
			got := c.nextMessage()
			if want := fmt.Sprintf("queued %d", i); string(got.Data) != want || got.Binary != (i%4 == 1) {
				t.Fatalf("message %d = %q (binary %v), want %q", i, got.Data, got.Binary, want)
			}
		}
		if p := c.next(); p.typ != typeClose {
			t.Fatalf("got packet %c after the messages, want close", p.typ)
		}
		if m == modePolling {
			if got := c.closeBatch.Load(); got != 1 {
				t.Errorf("the close packet came in a response of %d packets, want alone", got)
			}
		}
		if ce := e.closed(); ce.reason != ReasonForcedClose || ce.err != nil {
			t.Errorf("OnClose(%q, %v), want forced close", ce.reason, ce.err)
		}
		c.waitEnded()
	})
}

// TestSendRefusesInvalidUTF8: the server never writes text that is not
// UTF-8: Send refuses a text message that is not (ErrInvalidUTF8, none
// of the call's messages sent, the session open), a shared message
// included; binary data is not text and goes through.
func TestSendRefusesInvalidUTF8(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{onConn: func(*Session) {}})
		c := e.dial(m)
		sess := e.session()
		bad := []byte("42[\"relay\",\"\xff\xfe\"]")
		refused := []struct {
			name string
			msgs []Message
		}{
			{"text", []Message{{Data: bad}}},
			{"after a valid one", []Message{{Data: []byte("ok")}, {Data: bad}}},
			{"truncated", []Message{{Data: []byte("caf\xc3")}}},
			{"shared", []Message{NewSharedMessage(bad, false)}},
		}
		for _, tt := range refused {
			if err := sess.Send(tt.msgs...); !errors.Is(err, ErrInvalidUTF8) {
				t.Errorf("Send(%s) = %v, want ErrInvalidUTF8", tt.name, err)
			}
			if sess.SendVolatile(tt.msgs...) {
				t.Errorf("SendVolatile(%s) = true, want false", tt.name)
			}
		}
		good := []Message{
			{Data: []byte("caf\xc3\xa9 \xe2\x82\xac")},
			NewSharedMessage([]byte("shared \xf0\x9f\x98\x80"), false),
			{Data: bad, Binary: true},
			NewSharedMessage(bad, true),
		}
		if err := sess.Send(good...); err != nil {
			t.Fatalf("Send(valid) = %v", err)
		}
		for i, w := range good {
			if got := c.nextMessage(); !bytes.Equal(got.Data, w.Data) || got.Binary != w.Binary {
				t.Errorf("message %d = %q binary=%v, want %q binary=%v", i, got.Data, got.Binary, w.Data, w.Binary)
			}
		}
	})
}

// TestCloseDuringOnConnection: a close caused inside OnConnection (a Send
// beyond the queue, Close) reaches OnClose only after OnConnection
// returned, as the handler order promises.
func TestCloseDuringOnConnection(t *testing.T) {
	tests := []struct {
		name  string
		close func(*Session)
	}{
		{"send queue full", func(s *Session) {
			for range 3 {
				_ = s.Send(Message{Data: []byte("x")})
			}
		}},
		{"Close", func(s *Session) { s.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var (
					mu    sync.Mutex
					order []string
				)
				note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
				e := newEnv(t, envOptions{opts: &Options{SendQueueSize: 2}, inMemory: true, onConn: func(s *Session) {
					s.OnClose(func(CloseReason, error) { note("OnClose") })
					tt.close(s)
					time.Sleep(time.Second) // OnClose must not run meanwhile
					note("OnConnection returned")
				}})
				e.dial(modePolling)
				synctest.Wait()
				time.Sleep(time.Minute)
				synctest.Wait()
				mu.Lock()
				defer mu.Unlock()
				if fmt.Sprint(order) != "[OnConnection returned OnClose]" {
					t.Errorf("order %q, want OnConnection to return before OnClose", order)
				}
			})
		})
	}
}

// TestClientCloseWhileClosing: a client's close packet that follows, in
// the same POST or frame, a message whose handler closed the session
// gracefully ends the session at once (the client will not poll for the
// server's close packet), with both kinds of message handler.
func TestClientCloseWhileClosing(t *testing.T) {
	handlers := []struct {
		name string
		set  func(*Session, func(Message))
	}{
		{"OnMessage", func(s *Session, fn func(Message)) { s.OnMessage(fn) }},
		{"OnMessageBlocking", func(s *Session, fn func(Message)) { s.OnMessageBlocking(fn) }},
	}
	for _, h := range handlers {
		t.Run(h.name, func(t *testing.T) {
			run(t, func(t *testing.T, m mode) {
				synctest.Test(t, func(t *testing.T) {
					e := newEnv(t, envOptions{opts: heartbeatOpts, inMemory: true, onConn: func(s *Session) {
						h.set(s, func(Message) { s.Close() })
					}})
					c := e.dial(m)
					e.session()
					start := time.Now()
					go func() {
						_ = c.sendPacket(packet{typ: typeMessage, data: []byte("bye")}, packet{typ: typeClose})
					}()
					e.closed()
					if d := time.Since(start); d != 0 {
						t.Errorf("session closed after %v, want at once", d)
					}
				})
			})
		})
	}
}
