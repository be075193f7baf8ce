package engineio

import (
	"testing"

	"github.com/gorilla/websocket"
)

// TestProtocolSuite replays, in Go, the cases of the engine.io-protocol
// test suite whose exact answers matter (the suite itself runs against
// examples/conformance).
func TestProtocolSuite(t *testing.T) {
	t.Run("client close over polling releases the GET with a noop", func(t *testing.T) {
		e := newEnv(t, envOptions{})
		op := e.handshake("")
		sess := e.session()
		got := make(chan string)
		go func() {
			_, body := e.get("EIO=4&transport=polling&sid=" + op.SID)
			got <- string(body)
		}()
		e.waitFor("a waiting GET", func() bool { return pollPending(sess) })
		if status, body := e.do("POST", "EIO=4&transport=polling&sid="+op.SID, []byte("1"), nil); status != 200 || string(body) != "ok" {
			t.Errorf("POST close: %d %q", status, body)
		}
		if body := <-got; body != "6" {
			t.Errorf("GET answered %q, want noop", body)
		}
		if status, _ := e.get("EIO=4&transport=polling&sid=" + op.SID); status != 400 {
			t.Errorf("GET after close: %d, want 400", status)
		}
	})
	t.Run("invalid packet format over polling", func(t *testing.T) {
		e := newEnv(t, envOptions{})
		op := e.handshake("")
		e.session()
		if status, _ := e.do("POST", "EIO=4&transport=polling&sid="+op.SID, []byte("abc"), nil); status != 400 {
			t.Errorf("POST abc: %d, want 400", status)
		}
		if status, _ := e.get("EIO=4&transport=polling&sid=" + op.SID); status != 400 {
			t.Errorf("GET after parse error: %d, want 400", status)
		}
	})
	t.Run("probe then upgrade without waiting, then polling is refused", func(t *testing.T) {
		e := newEnv(t, envOptions{})
		op := e.handshake("")
		e.session()
		ws := e.dialWebSocket(t, op.SID)
		_ = ws.WriteMessage(websocket.TextMessage, []byte("2probe"))
		_ = ws.WriteMessage(websocket.TextMessage, []byte("5"))
		if _, data, _ := ws.ReadMessage(); string(data) != "3probe" {
			t.Fatalf("got %q, want 3probe", data)
		}
		e.waitFor("the upgrade", func() bool { return e.srv.session(op.SID).Transport() == TransportWebSocket })
		if status, _ := e.get("EIO=4&transport=polling&sid=" + op.SID); status != 400 {
			t.Errorf("polling after upgrade: %d, want 400", status)
		}
		// A second WebSocket for the same session is accepted, then closed.
		ws2, _, err := e.dialer.Dial(e.wsURL("EIO=4&transport=websocket&sid="+op.SID), nil)
		if err != nil {
			t.Fatalf("second WebSocket: %v", err)
		}
		_, _, err = ws2.ReadMessage()
		ws2.Close()
		if !websocket.IsCloseError(err, websocket.CloseNoStatusReceived) {
			t.Errorf("second WebSocket read: %v, want a close frame without status", err)
		}
		_ = ws.WriteMessage(websocket.TextMessage, []byte("4hello"))
		if _, data, _ := ws.ReadMessage(); string(data) != "4hello" {
			t.Errorf("got %q, want the echo", data)
		}
	})
	t.Run("probe releases the waiting GET with a noop", func(t *testing.T) {
		e := newEnv(t, envOptions{})
		op := e.handshake("")
		e.session()
		ws := e.dialWebSocket(t, op.SID)
		exchangeProbe(t, ws)
		if status, body := e.get("EIO=4&transport=polling&sid=" + op.SID); status != 200 || string(body) != "6" {
			t.Errorf("GET during upgrade: %d %q, want noop", status, body)
		}
		_ = ws.WriteMessage(websocket.TextMessage, []byte("5"))
		_ = ws.WriteMessage(websocket.TextMessage, []byte("4hello"))
		if _, data, _ := ws.ReadMessage(); string(data) != "4hello" {
			t.Errorf("got %q, want the echo", data)
		}
	})
}
