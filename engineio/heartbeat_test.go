package engineio

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/websocket"
)

// The heartbeat tests run the whole stack (net/http server and client,
// gorilla WebSocket) over in-memory pipes inside a synctest bubble, so the
// timers run on the bubble's fake clock.

var heartbeatOpts = &Options{PingInterval: 25 * time.Second, PingTimeout: 20 * time.Second}

func TestPingPongKeepsSessionOpen(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		synctest.Test(t, func(t *testing.T) {
			e := newEnv(t, envOptions{opts: heartbeatOpts, inMemory: true})
			c := e.dial(m)
			e.session()
			start := time.Now()
			// Ten heartbeats answered: still open.
			time.Sleep(10 * (25*time.Second + 20*time.Second))
			synctest.Wait()
			if n := e.srv.Count(); n != 1 {
				t.Fatalf("Count() = %d after %v of answered pings, want 1", n, time.Since(start))
			}
			c.send(Message{Data: []byte("alive")})
			if got := c.nextMessage(); string(got.Data) != "alive" {
				t.Errorf("got %q", got.Data)
			}
		})
	})
}

func TestPingTimeout(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		synctest.Test(t, func(t *testing.T) {
			e := newEnv(t, envOptions{opts: heartbeatOpts, inMemory: true})
			start := time.Now()
			c := e.dial(m, true) // never answers pings
			e.session()
			p := c.next()
			if p.typ != typePing {
				t.Fatalf("got packet %c, want a ping", p.typ)
			}
			if d := time.Since(start); d != 25*time.Second {
				t.Errorf("first ping after %v, want PingInterval 25s", d)
			}
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

func TestPingTimeoutFiresOnTimeNotEarlier(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envOptions{opts: heartbeatOpts, inMemory: true})
		e.dial(modeWebSocket, true)
		e.session()
		time.Sleep(45*time.Second - time.Millisecond)
		synctest.Wait()
		if n := e.srv.Count(); n != 1 {
			t.Fatalf("session closed before PingInterval+PingTimeout")
		}
		time.Sleep(time.Millisecond)
		synctest.Wait()
		if n := e.srv.Count(); n != 0 {
			t.Fatalf("session still open after PingInterval+PingTimeout")
		}
	})
}

func TestUpgradeTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envOptions{opts: &Options{UpgradeTimeout: 10 * time.Second}, inMemory: true})
		c := e.dial(modePolling)
		sess := e.session()
		start := time.Now()
		probe, _, err := e.dialer.Dial(e.wsURL("EIO=4&transport=websocket&sid="+c.sid), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer probe.Close()
		// The client never sends "2probe": the server closes the probe,
		// with a close frame (no status code, as Node.js).
		if _, _, err := probe.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNoStatusReceived) {
			t.Fatalf("probe read %v, want a close frame", err)
		}
		if d := time.Since(start); d != 10*time.Second {
			t.Errorf("probe closed after %v, want UpgradeTimeout 10s", d)
		}
		if got := sess.Transport(); got != TransportPolling {
			t.Errorf("Transport() = %q after a failed upgrade", got)
		}
		// Polling goes on, and a new upgrade works.
		c.send(Message{Data: []byte("still polling")})
		if got := c.nextMessage(); string(got.Data) != "still polling" {
			t.Errorf("got %q", got.Data)
		}
		c.upgrade()
		c.send(Message{Data: []byte("upgraded")})
		if got := c.nextMessage(); string(got.Data) != "upgraded" {
			t.Errorf("got %q", got.Data)
		}
	})
}

// TestGracefulCloseTimeout: a polling client that never polls again does
// not keep a closing session forever.
func TestGracefulCloseTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envOptions{opts: heartbeatOpts, inMemory: true})
		status, body := e.get("EIO=4&transport=polling") // handshake, then silence
		if status != 200 {
			t.Fatalf("handshake: %d %s", status, body)
		}
		sess := e.session()
		start := time.Now()
		sess.Close()
		ce := e.closed()
		if ce.reason != ReasonForcedClose {
			t.Errorf("OnClose(%q, %v), want forced close", ce.reason, ce.err)
		}
		if d := time.Since(start); d != 30*time.Second {
			t.Errorf("closed after %v, want the 30s close timeout", d)
		}
		if status, _ := e.get("EIO=4&transport=polling&sid=" + sess.ID()); status != 400 {
			t.Errorf("GET after close: status %d, want 400", status)
		}
	})
}

// TestGracefulCloseTimeoutAfterMessages: over polling, the messages queued
// before Close come in one GET response and the close packet waits for the
// next one; a client that never sends it does not keep the session.
func TestGracefulCloseTimeoutAfterMessages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envOptions{opts: heartbeatOpts, inMemory: true, onConn: func(*Session) {}})
		status, body := e.get("EIO=4&transport=polling")
		if status != 200 {
			t.Fatalf("handshake: %d %s", status, body)
		}
		sess := e.session()
		start := time.Now()
		for _, m := range []string{"a", "b"} {
			if err := sess.Send(Message{Data: []byte(m)}); err != nil {
				t.Fatal(err)
			}
		}
		sess.Close()
		if status, body := e.get("EIO=4&transport=polling&sid=" + sess.ID()); status != 200 || string(body) != "4a\x1e4b" {
			t.Fatalf("GET after Close: %d %q, want the queued messages without the close packet", status, body)
		}
		ce := e.closed() // no further GET: the close timeout ends it
		if ce.reason != ReasonForcedClose {
			t.Errorf("OnClose(%q, %v), want forced close", ce.reason, ce.err)
		}
		if d := time.Since(start); d != 30*time.Second {
			t.Errorf("closed after %v, want the 30s close timeout", d)
		}
	})
}
