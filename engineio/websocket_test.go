package engineio

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/websocket"
)

// wsCloseCases are frames that end a WebSocket, with the close code the
// client must read (RFC 6455 section 7.4.1) and what OnClose reports.
var wsCloseCases = []struct {
	name   string
	frame  []byte
	code   int
	reason CloseReason
	err    error // matched with errors.Is
}{
	{"invalid UTF-8", []byte("42[\"relay\",\"\xff\xfe\"]"), websocket.CloseInvalidFramePayloadData, ReasonParseError, ErrMalformed},
	{"truncated UTF-8", []byte("4caf\xc3"), websocket.CloseInvalidFramePayloadData, ReasonParseError, ErrMalformed},
	{"invalid b payload", []byte("b!!!"), websocket.CloseProtocolError, ReasonParseError, ErrMalformed},
	{"empty frame", []byte{}, websocket.CloseProtocolError, ReasonParseError, ErrMalformed},
	{"unknown packet type", []byte("9x"), websocket.CloseProtocolError, ReasonParseError, ErrMalformed},
	{"ping from the client", []byte("2"), websocket.CloseProtocolError, ReasonTransportError, ErrProtocol},
	{"too big", bytes.Repeat([]byte("x"), 1<<20), websocket.CloseMessageTooBig, ReasonTransportError, ErrPayloadTooLarge},
	{"close packet", []byte("1"), websocket.CloseNormalClosure, ReasonTransportClose, nil},
}

// TestWebSocketCloseCodes: a frame that breaks the protocol closes its
// WebSocket with a close frame whose code says why (1007 for text that
// is not UTF-8 and 1009 for a message over MaxPayload, as Node's ws;
// 1002 for a packet that engine.io cannot take), never with a bare TCP
// close (1006 for the client); only that session closes.
func TestWebSocketCloseCodes(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		for _, tt := range wsCloseCases {
			t.Run(tt.name, func(t *testing.T) {
				e := newEnv(t, envOptions{opts: &Options{MaxPayload: 1000}})
				bystander := e.dial(modeWebSocket)
				e.session()
				c := e.dial(m)
				sess := e.session()
				// The write may fail once the server's close frame arrived
				// (gorilla's client answers it and refuses further writes).
				_ = c.sendRaw(tt.frame)
				c.waitEnded()
				if !websocket.IsCloseError(c.wsErr, tt.code) {
					t.Errorf("client read %v, want close code %d", c.wsErr, tt.code)
				}
				ce := e.closed()
				if ce.sid != sess.ID() || ce.reason != tt.reason || (tt.err == nil) != (ce.err == nil) || !errors.Is(ce.err, tt.err) {
					t.Errorf("OnClose(%s, %q, %v), want (%s, %q, %v)", ce.sid, ce.reason, ce.err, sess.ID(), tt.reason, tt.err)
				}
				bystander.send(Message{Data: []byte("fine")})
				if got := bystander.nextMessage(); string(got.Data) != "fine" {
					t.Errorf("bystander got %q", got.Data)
				}
			})
		}
	}, modeWebSocket, modeUpgrade)
}

// TestProbeCloseCodes: the same frames on a probing WebSocket close it
// with the same codes (a close packet, not allowed while probing, is a
// protocol error); the upgrade is abandoned and polling goes on.
func TestProbeCloseCodes(t *testing.T) {
	for _, tt := range wsCloseCases {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{opts: &Options{MaxPayload: 1000}})
			c := e.dial(modePolling)
			sess := e.session()
			ws, _, err := e.dialer.Dial(e.wsURL("EIO=4&transport=websocket&sid="+c.sid), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer ws.Close()
			_ = ws.WriteMessage(websocket.TextMessage, tt.frame)
			want := tt.code
			if want == websocket.CloseNormalClosure {
				want = websocket.CloseProtocolError
			}
			if _, _, err := ws.ReadMessage(); !websocket.IsCloseError(err, want) {
				t.Errorf("probe read %v, want close code %d", err, want)
			}
			if e.srv.session(c.sid) != sess || sess.Transport() != TransportPolling {
				t.Fatal("the session did not stay on polling")
			}
			c.send(Message{Data: []byte("still here")})
			if got := c.nextMessage(); string(got.Data) != "still here" {
				t.Errorf("got %q", got.Data)
			}
		})
	}
}

// TestCloseLingers: a WebSocket session the server closes ends at once
// (OnClose), but its connection stays open, read and dropped, until the
// client's close frame or wsCloseWait. Closing it as soon as the close
// frame went out resets a client that is still writing (its writes fail,
// and it reports a transport error instead of the close packet's reason).
func TestCloseLingers(t *testing.T) {
	tests := []struct {
		name   string
		answer bool // the client sends its close frame
		want   time.Duration
	}{
		{"client answers", true, 0},
		{"client silent", false, wsCloseWait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(t, func(t *testing.T, m mode) {
				synctest.Test(t, func(t *testing.T) {
					e := newEnv(t, envOptions{inMemory: true})
					c := e.dial(m)
					s := e.session()
					start := time.Now()
					s.Close()
					if p := c.next(); p.typ != typeClose {
						t.Fatalf("got packet %c, want close", p.typ)
					}
					c.waitEnded()
					if ce := e.closed(); ce.reason != ReasonForcedClose || time.Since(start) != 0 {
						t.Errorf("OnClose(%q) after %v, want %q at once", ce.reason, time.Since(start), ReasonForcedClose)
					}
					c.ws.SetCloseHandler(func(int, string) error { return nil }) // no automatic answer
					if _, _, err := c.ws.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
						t.Fatalf("after the close packet: %v, want a close frame (1000)", err)
					}
					synctest.Wait()
					for i := range 3 {
						if err := c.sendPacket(packet{typ: typeMessage, data: []byte("late")}); err != nil {
							t.Fatalf("write %d after the close frame: %v", i, err)
						}
						synctest.Wait()
					}
					if tt.answer {
						if err := c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second)); err != nil {
							t.Fatal(err)
						}
					}
					if n, err := c.ws.NetConn().Read(make([]byte, 1)); err != io.EOF {
						t.Fatalf("read %d bytes, %v; want the server's close (EOF)", n, err)
					}
					if got := time.Since(start); got != tt.want {
						t.Errorf("connection closed after %v, want %v", got, tt.want)
					}
				})
			}, modeWebSocket, modeUpgrade)
		})
	}
}
