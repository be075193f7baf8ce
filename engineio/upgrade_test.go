package engineio

import (
	"fmt"
	"testing"

	"github.com/gorilla/websocket"
)

// TestUpgradeDeliversQueuedPackets: packets sent while the upgrade is in
// progress wait for the WebSocket and arrive there once, in order.
func TestUpgradeDeliversQueuedPackets(t *testing.T) {
	e := newEnv(t, envOptions{onConn: func(*Session) {}})
	op := e.handshake("")
	sess := e.session()
	_ = sess.Send(Message{Data: []byte("before")}) // queued before the probe
	ws, _, err := e.dialer.Dial(e.wsURL("EIO=4&transport=websocket&sid="+op.SID), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	_ = ws.WriteMessage(websocket.TextMessage, []byte("2probe"))
	if _, data, _ := ws.ReadMessage(); string(data) != "3probe" {
		t.Fatalf("got %q, want 3probe", data)
	}
	for i := range 3 {
		_ = sess.Send(Message{Data: fmt.Appendf(nil, "during%d", i)})
	}
	_ = sess.Send(Message{Data: []byte{1, 2}, Binary: true})
	// Polling only gets a noop now.
	if status, body := e.get("EIO=4&transport=polling&sid=" + op.SID); status != 200 || string(body) != "6" {
		t.Fatalf("GET during upgrade: %d %q, want noop", status, body)
	}
	_ = ws.WriteMessage(websocket.TextMessage, []byte("5"))
	want := []string{"4before", "4during0", "4during1", "4during2", "\x01\x02"}
	for i, w := range want {
		_, data, err := ws.ReadMessage()
		if err != nil || string(data) != w {
			t.Fatalf("frame %d = %q (%v), want %q", i, data, err, w)
		}
	}
	_ = sess.Send(Message{Data: []byte("after")})
	if _, data, _ := ws.ReadMessage(); string(data) != "4after" {
		t.Errorf("got %q", data)
	}
}

// TestUpgradeAbortedByBadPacket: anything but the probe and upgrade packets
// on the probing WebSocket cancels the upgrade; polling goes on.
func TestUpgradeAbortedByBadPacket(t *testing.T) {
	e := newEnv(t, envOptions{})
	c := e.dial(modePolling)
	sess := e.session()
	ws, _, err := e.dialer.Dial(e.wsURL("EIO=4&transport=websocket&sid="+c.sid), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
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
