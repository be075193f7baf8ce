package engineio

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/websocket"
)

// TestUpgradeKeepsPollingWhileProbing: as with Node.js, packets sent
// while the upgrade is probed go out over polling at once, with no noop
// before them; a GET waiting with nothing to send gets a noop from the
// 100 ms check only; what is sent after the client's last GET waits for
// the WebSocket and arrives there once, in order.
func TestUpgradeKeepsPollingWhileProbing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envOptions{onConn: func(*Session) {}, inMemory: true})
		op := e.handshake("")
		sid := "EIO=4&transport=polling&sid=" + op.SID
		sess := e.session()
		_ = sess.Send(Message{Data: []byte("before")})
		if _, body := e.get(sid); string(body) != "4before" {
			t.Fatalf("first GET = %q", body)
		}
		ws := e.dialWebSocket(t, op.SID)
		type answer struct {
			body string
			at   time.Duration
		}
		var t0 time.Time
		poll := func() <-chan answer {
			ch := make(chan answer, 1)
			go func() {
				_, body := e.get(sid)
				ch <- answer{string(body), time.Since(t0)}
			}()
			synctest.Wait() // the GET waits
			return ch
		}
		// A GET waits while the probe is exchanged.
		t0 = time.Now()
		get := poll()
		exchangeProbe(t, ws)
		time.Sleep(50 * time.Millisecond)
		for i := range 2 {
			_ = sess.Send(Message{Data: fmt.Appendf(nil, "during%d", i)})
		}
		if a := <-get; a.body != "4during0\x1e4during1" || a.at != 50*time.Millisecond {
			t.Fatalf("GET during the probe: %q after %v, want the messages after 50ms", a.body, a.at)
		}
		// Nothing to send: the check answers with a noop at 100 ms.
		if a := <-poll(); a.body != "6" || a.at != 100*time.Millisecond {
			t.Fatalf("idle GET during the probe: %q after %v, want a noop after 100ms", a.body, a.at)
		}
		// A volatile message is written too while a GET waits.
		get = poll()
		if !sess.SendVolatile(Message{Data: []byte("volatile")}) {
			t.Fatal("SendVolatile during the probe with a GET waiting = false")
		}
		if a := <-get; a.body != "4volatile" {
			t.Fatalf("GET = %q, want the volatile message", a.body)
		}
		// The client paused polling: packets wait for the WebSocket.
		_ = sess.Send(Message{Data: []byte("queued")})
		_ = sess.Send(Message{Data: []byte{1, 2}, Binary: true})
		time.Sleep(time.Second)
		_ = ws.WriteMessage(websocket.TextMessage, []byte("5"))
		_ = sess.Send(Message{Data: []byte("after")})
		for i, w := range []string{"4queued", "\x01\x02", "4after"} {
			if _, data, err := ws.ReadMessage(); err != nil || string(data) != w {
				t.Fatalf("frame %d = %q (%v), want %q", i, data, err, w)
			}
		}
		if sess.Transport() != TransportWebSocket {
			t.Fatal("not upgraded")
		}
		if status, _ := e.get(sid); status != 400 {
			t.Errorf("GET after the upgrade: %d, want 400", status)
		}
	})
}

// TestUpgradeLosesNothing: a stream of messages sent while a client
// upgrades arrives whole and in order, part over polling, part over the
// WebSocket, whatever the moment of the switch.
func TestUpgradeLosesNothing(t *testing.T) {
	for round := range 5 {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			e := newEnv(t, envOptions{onConn: func(*Session) {}})
			c := e.dial(modePolling)
			sess := e.session()
			const n = 300
			done := make(chan struct{})
			go func() {
				defer close(done)
				for i := range n {
					if err := sess.Send(Message{Data: fmt.Appendf(nil, "%d", i)}); err != nil {
						t.Errorf("Send %d: %v", i, err)
						return
					}
					if i%10 == 0 {
						time.Sleep(time.Millisecond)
					}
				}
			}()
			c.upgrade()
			<-done
			for i := range n {
				if got := c.nextMessage(); string(got.Data) != fmt.Sprint(i) {
					t.Fatalf("message %d = %q", i, got.Data)
				}
			}
			select {
			case p := <-c.pkts:
				t.Fatalf("extra packet %c%q", p.typ, p.data)
			case <-time.After(50 * time.Millisecond):
			}
		})
	}
}

// TestUpgradeAbortedByBadPacket: anything but the probe and upgrade packets
// on the probing WebSocket cancels the upgrade; polling goes on.
func TestUpgradeAbortedByBadPacket(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.dial(modePolling)
	sess := e.session()
	ws := e.dialWebSocket(t, c.sid)
	_ = ws.WriteMessage(websocket.TextMessage, []byte("4not a probe"))
	if _, _, err := ws.ReadMessage(); err == nil {
		t.Fatal("probe WebSocket not closed")
	}
	if sess.Transport() != TransportPolling {
		t.Fatal("transport changed")
	}
	c.send(Message{Data: []byte("still here")})
	if got := c.nextMessage(); string(got.Data) != "still here" {
		t.Errorf("got %q", got.Data)
	}
	// And a proper upgrade works afterwards.
	c.upgrade()
	c.send(Message{Data: []byte("ws")})
	if got := c.nextMessage(); string(got.Data) != "ws" {
		t.Errorf("got %q", got.Data)
	}
}

// TestPerMessageDeflate: with the option on, large messages are
// compressed and still arrive intact.
func TestPerMessageDeflate(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{opts: &Options{PerMessageDeflate: true}})
		e.dialer.EnableCompression = true
		c := e.dial(m)
		big := make([]byte, 5000)
		for i := range big {
			big[i] = 'a' + byte(i%7)
		}
		c.send(Message{Data: big}, Message{Data: []byte("small")})
		if got := c.nextMessage(); string(got.Data) != string(big) {
			t.Errorf("big message corrupted")
		}
		if got := c.nextMessage(); string(got.Data) != "small" {
			t.Errorf("got %q", got.Data)
		}
	}, modeWebSocket, modeUpgrade)
}

// TestUpgradeCheckWaitsForHandler: when the periodic check finds a
// message being handled, it gives the handler's reply one more interval
// before answering the waiting GET with a noop (with Node.js, handlers
// run to completion before the check can run).
func TestUpgradeCheckWaitsForHandler(t *testing.T) {
	for _, tt := range []struct {
		name  string
		reply bool
		want  string
		at    time.Duration // after the probe
	}{
		{"reply", true, "4reply", 150 * time.Millisecond},
		{"no reply", false, "6", 2 * upgradeCheckInterval},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				release := make(chan struct{})
				e := newEnv(t, envOptions{inMemory: true, onConn: func(s *Session) {
					s.OnMessage(func(Message) {
						<-release
						if tt.reply {
							_ = s.Send(Message{Data: []byte("reply")})
						}
					})
				}})
				op := e.handshake("")
				sid := "EIO=4&transport=polling&sid=" + op.SID
				e.session()
				ws := e.dialWebSocket(t, op.SID)
				exchangeProbe(t, ws)
				t0 := time.Now()
				got := make(chan string, 1)
				go func() {
					_, body := e.get(sid)
					got <- string(body)
				}()
				time.Sleep(90 * time.Millisecond)
				if status, _ := e.do("POST", sid, []byte("4x"), nil); status != 200 {
					t.Fatalf("POST: %d", status)
				}
				time.Sleep(60 * time.Millisecond) // past the first check
				close(release)
				if body := <-got; body != tt.want || time.Since(t0) != tt.at {
					t.Errorf("GET = %q after %v, want %q after %v", body, time.Since(t0), tt.want, tt.at)
				}
			})
		})
	}
}

// TestSecondWebSocketClosed: a WebSocket carrying the sid of a session
// that is upgrading or has upgraded completes its handshake and is then
// closed with a close frame (as Node.js's onWebSocket), not refused with
// HTTP 400; the session goes on.
func TestSecondWebSocketClosed(t *testing.T) {
	for _, stage := range []string{"probing", "probed", "upgraded", "websocket session"} {
		t.Run(stage, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			var c *client
			var probe *websocket.Conn
			switch stage {
			case "websocket session":
				c = e.dial(modeWebSocket)
			case "upgraded":
				c = e.dial(modeUpgrade)
			default:
				c = e.dial(modePolling)
				ws := e.dialWebSocket(t, c.sid)
				probe = ws
				if stage == "probed" {
					exchangeProbe(t, ws)
				}
			}
			sess := e.session()
			ws2, res, err := e.dialer.Dial(e.wsURL("EIO=4&transport=websocket&sid="+c.sid), nil)
			if err != nil {
				t.Fatalf("second WebSocket: %v (%v)", err, res)
			}
			_, _, err = ws2.ReadMessage()
			ws2.Close()
			if !websocket.IsCloseError(err, websocket.CloseNoStatusReceived) {
				t.Errorf("second WebSocket read: %v, want a close frame without status", err)
			}
			if e.srv.session(c.sid) != sess {
				t.Fatal("session closed")
			}
			if probe != nil { // the first upgrade goes on
				if stage == "probing" {
					exchangeProbe(t, probe)
				}
			}
			c.send(Message{Data: []byte("still")})
			if got := c.nextMessage(); string(got.Data) != "still" {
				t.Errorf("got %q, want the echo", got.Data)
			}
		})
	}
}
