package engineio

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// TestOnMessageBlockingPushesBack: a handler slower than the client holds
// the client's transport (the reader reads nothing while it runs), and
// the session lives on although the client's pongs wait behind its
// messages, as long as the handler keeps taking messages.
func TestOnMessageBlockingPushesBack(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		synctest.Test(t, func(t *testing.T) {
			var mu sync.Mutex
			var got []string
			e := newEnv(t, envOptions{opts: heartbeatOpts, inMemory: true, onConn: func(s *Session) {
				s.OnMessageBlocking(func(msg Message) {
					time.Sleep(10 * time.Second) // slower than PingInterval/2
					mu.Lock()
					got = append(got, string(msg.Data))
					mu.Unlock()
				})
			}})
			c := e.dial(m)
			sess := e.session()
			start := time.Now()
			const n = 20
			msgs := make([]Message, n)
			for i := range msgs {
				msgs[i] = Message{Data: fmt.Appendf(nil, "m%d", i)}
			}
			sent := make(chan struct{})
			go func() {
				defer close(sent)
				c.send(msgs...)
			}()
			<-sent
			if d := time.Since(start); m == modePolling && d < (n-1)*10*time.Second {
				t.Errorf("the POST was answered after %v, before the handler took its messages", d)
			}
			time.Sleep(time.Minute) // some idle heartbeats after the burst
			synctest.Wait()
			mu.Lock()
			defer mu.Unlock()
			if len(got) != n {
				t.Fatalf("%d messages handled, want %d", len(got), n)
			}
			for i, g := range got {
				if g != fmt.Sprintf("m%d", i) {
					t.Fatalf("message %d = %s: out of order", i, g)
				}
			}
			if e.srv.session(sess.ID()) == nil {
				t.Fatalf("session closed after %v of backpressure with progress", time.Since(start))
			}
		})
	})
}

// TestOnMessageBlockingStalled: a handler that takes no message for a
// whole PingTimeout while the client's pong is due ends the session with
// ReasonPingTimeout; the handler is released by Closing, and OnClose runs
// after it returned.
func TestOnMessageBlockingStalled(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		synctest.Test(t, func(t *testing.T) {
			var mu sync.Mutex
			var order []string
			note := func(s string) { mu.Lock(); order = append(order, s); mu.Unlock() }
			e := newEnv(t, envOptions{opts: heartbeatOpts, inMemory: true, onConn: func(s *Session) {
				s.OnMessageBlocking(func(Message) {
					note("blocked")
					<-s.Closing()
					note("released")
				})
			}})
			start := time.Now() // the heartbeat starts at the handshake
			c := e.dial(m)      // (an upgrade takes up to 100 ms more)
			e.session()
			go func() {
				_ = c.sendPacket(packet{typ: typeMessage, data: []byte("a")}, packet{typ: typeMessage, data: []byte("b")})
			}()
			ce := e.closed()
			note("closed")
			if ce.reason != ReasonPingTimeout {
				t.Errorf("OnClose(%q, %v), want ping timeout", ce.reason, ce.err)
			}
			if d := time.Since(start); d != 45*time.Second {
				t.Errorf("closed after %v, want PingInterval+PingTimeout = 45s", d)
			}
			synctest.Wait()
			mu.Lock()
			defer mu.Unlock()
			if fmt.Sprint(order) != "[blocked released closed]" {
				t.Errorf("order %q, want the handler released, then OnClose", order)
			}
		})
	})
}

// TestSendWait: SendWait paces a sender to the client instead of closing
// the session at SendQueueSize; it gives up when ctx is done or the
// session closes.
func TestSendWait(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{opts: &Options{SendQueueSize: 4}, onConn: func(*Session) {}})
		c := e.dial(m)
		sess := e.session()
		const n = 300
		errc := make(chan error, 1)
		go func() {
			for i := range n {
				if err := sess.SendWait(context.Background(), Message{Data: fmt.Appendf(nil, "%d", i)}, Message{Data: []byte("x")}); err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}()
		for i := range n {
			if got := c.nextMessage(); string(got.Data) != fmt.Sprint(i) {
				t.Fatalf("message %d = %q", i, got.Data)
			}
			if got := c.nextMessage(); string(got.Data) != "x" {
				t.Fatalf("message %d bis = %q", i, got.Data)
			}
		}
		if err := <-errc; err != nil {
			t.Fatalf("SendWait: %v", err)
		}
		if err := sess.SendWait(context.Background(), make([]Message, 5)...); !errors.Is(err, ErrSendQueueFull) {
			t.Errorf("SendWait of more than SendQueueSize: %v", err)
		}
		// A full queue and a client that does not read: ctx ends the wait.
		c.close()
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		var err error
		for err == nil {
			err = sess.SendWait(ctx, Message{Data: []byte("y")})
		}
		if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, ErrClosed) {
			t.Errorf("SendWait to a gone client: %v", err)
		}
		// Over polling the session waits for a GET that will not come.
		sess.closeNow(ReasonTransportClose, nil)
	})
}

// TestChattyClientWithoutPongs: a client whose messages are taken at once
// (no push-back) but that never answers pings is closed with
// ReasonPingTimeout at PingInterval+PingTimeout: the heartbeat waits on a
// late pong only while the reader is held behind the application.
func TestChattyClientWithoutPongs(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		synctest.Test(t, func(t *testing.T) {
			e := newEnv(t, envOptions{opts: heartbeatOpts, inMemory: true, onConn: func(s *Session) {
				s.OnMessageBlocking(func(Message) {})
			}})
			start := time.Now()
			c := e.dial(m, true)
			e.session()
			stop := make(chan struct{})
			defer close(stop)
			go func() {
				for {
					select {
					case <-stop:
						return
					case <-time.After(time.Second):
						_ = c.sendPacket(packet{typ: typeMessage, data: []byte("chat")})
					}
				}
			}()
			ce := e.closed()
			if ce.reason != ReasonPingTimeout {
				t.Errorf("OnClose(%q, %v), want ping timeout", ce.reason, ce.err)
			}
			if d := time.Since(start); d != 45*time.Second {
				t.Errorf("closed after %v, want PingInterval+PingTimeout = 45s", d)
			}
		})
	})
}
