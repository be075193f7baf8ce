package engineio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/websocket"
)

// TestClusterEcho runs clients through three servers in a cluster, every
// request to the next server: messages (text and binary) echo back in
// order, the heartbeat keeps the session open over many intervals, and a
// close packet from the client closes the session on its owner.
func TestClusterEcho(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		synctest.Test(t, func(t *testing.T) {
			ce := newClusterEnv(t, 3, Options{PingInterval: time.Second, PingTimeout: time.Second}, true)
			c := ce.dial(m)
			sess := ce.session()
			const n = 40
			for i := range n {
				c.send(Message{Data: []byte(fmt.Sprint("m", i)), Binary: i%3 == 0})
			}
			for i := range n {
				got := c.nextMessage()
				if want := fmt.Sprint("m", i); string(got.Data) != want || got.Binary != (i%3 == 0) {
					t.Fatalf("message %d: got %q (binary %v), want %q", i, got.Data, got.Binary, want)
				}
			}
			time.Sleep(10 * time.Second) // ten heartbeats
			if sess.Transport() != map[mode]string{modePolling: TransportPolling, modeWebSocket: TransportWebSocket, modeUpgrade: TransportWebSocket}[m] {
				t.Fatalf("transport %s", sess.Transport())
			}
			select {
			case ev := <-ce.closes:
				t.Fatalf("session closed: %s %v", ev.reason, ev.err)
			default:
			}
			c.send(Message{Data: []byte("after")})
			if got := c.nextMessage(); string(got.Data) != "after" {
				t.Fatalf("got %q after the heartbeats", got.Data)
			}
			// The requests were forwarded: over polling, GETs (DRAIN) and
			// POSTs (PACKET); in upgrade mode the WebSocket, which lands
			// on another server than the handshake, is streamed.
			h := &ce.hub.counts
			switch m {
			case modePolling:
				if h[ClusterMsgDrain].Load() == 0 || h[ClusterMsgPacket].Load() == 0 || h[ClusterMsgPacketAck].Load() != h[ClusterMsgPacket].Load() {
					t.Fatalf("drains %d, packets %d, acks %d", h[ClusterMsgDrain].Load(), h[ClusterMsgPacket].Load(), h[ClusterMsgPacketAck].Load())
				}
			case modeWebSocket:
				if n := ce.hub.total(); n != 0 {
					t.Fatalf("%d cluster messages for a WebSocket-only session", n)
				}
			case modeUpgrade:
				if h[ClusterMsgUpgrade].Load() != 1 || h[ClusterMsgUpgradeResponse].Load() != 1 {
					t.Fatalf("upgrades %d, responses %d", h[ClusterMsgUpgrade].Load(), h[ClusterMsgUpgradeResponse].Load())
				}
			}
			if err := c.sendPacket(packet{typ: typeClose}); err != nil {
				t.Fatal(err)
			}
			if ev := ce.closed(); ev.sid != sess.ID() || ev.reason != ReasonTransportClose {
				t.Fatalf("closed %s with %s %v", ev.sid, ev.reason, ev.err)
			}
		})
	})
}

// TestClusterServerSends checks that what the owner sends reaches a client
// whose requests land on the other servers, a close included.
func TestClusterServerSends(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		synctest.Test(t, func(t *testing.T) {
			ce := newClusterEnv(t, 2, Options{}, true)
			c := ce.dial(m)
			sess := ce.session()
			for i := range 100 {
				if err := sess.Send(Message{Data: []byte(fmt.Sprint(i))}); err != nil {
					t.Fatal(err)
				}
			}
			for i := range 100 {
				if got := c.nextMessage(); string(got.Data) != fmt.Sprint(i) {
					t.Fatalf("got %q, want %d", got.Data, i)
				}
			}
			sess.Close()
			if p := c.next(); p.typ != typeClose {
				t.Fatalf("got packet %c, want close", p.typ)
			}
			if ev := ce.closed(); ev.reason != ReasonForcedClose {
				t.Fatalf("closed with %s", ev.reason)
			}
		})
	})
}

// refusal is the JSON body of a refused request.
type refusal struct {
	Code    ErrorCode `json:"code"`
	Message string    `json:"message"`
}

// serve runs one request on srv and returns the response.
func serve(srv *Server, method, query string, body []byte, hdr http.Header) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, DefaultPath+"?"+query, bytes.NewReader(body))
	for k, v := range hdr {
		r.Header[k] = v
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, r)
	return w
}

// TestClusterUnknownSession checks that a session no node owns is still
// refused with HTTP 400, code 1, once ResponseTimeout passed without an
// owner's answer.
func TestClusterUnknownSession(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ce := newClusterEnv(t, 2, Options{Cluster: &ClusterOptions{ResponseTimeout: 3 * time.Second}}, true)
				start := time.Now()
				w := serve(ce.srvs[1], method, "EIO=4&transport=polling&sid=AAAAAAAAAAAAAAAAAAAAAAAA", []byte("4x"), http.Header{"Content-Type": {"text/plain"}})
				if d := time.Since(start); d != 3*time.Second {
					t.Errorf("answered after %v, want the ResponseTimeout (3s)", d)
				}
				var body refusal
				_ = json.Unmarshal(w.Body.Bytes(), &body)
				if w.Code != 400 || body != (refusal{CodeUnknownSID, "Session ID unknown"}) {
					t.Fatalf("got %d %s", w.Code, w.Body)
				}
			})
		})
	}
	t.Run("malformed id", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ce := newClusterEnv(t, 2, Options{}, true)
			start := time.Now()
			w := serve(ce.srvs[1], http.MethodGet, "EIO=4&transport=polling&sid=short", nil, nil)
			if w.Code != 400 || time.Since(start) != 0 || ce.hub.total() != 0 {
				t.Fatalf("got %d %s after %v and %d cluster messages, want 400 at once and none", w.Code, w.Body, time.Since(start), ce.hub.total())
			}
		})
	})
	t.Run("websocket", func(t *testing.T) {
		ce := newClusterEnv(t, 2, Options{Cluster: &ClusterOptions{ResponseTimeout: 50 * time.Millisecond}}, false)
		_, res, err := ce.dialer.Dial(ce.wsURL("EIO=4&transport=websocket&sid=AAAAAAAAAAAAAAAAAAAAAAAA"), nil)
		if err == nil || res == nil || res.StatusCode != 400 {
			t.Fatalf("got %v, %v", res, err)
		}
		b, _ := io.ReadAll(res.Body)
		if string(b) != "Session ID unknown" {
			t.Fatalf("body %q", b)
		}
	})
}

// pollingSession opens a polling session on srv and returns its id.
func pollingSession(t *testing.T, srv *Server) string {
	t.Helper()
	w := serve(srv, http.MethodGet, "EIO=4&transport=polling", nil, nil)
	var open openPacket
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes()[1:], &open) != nil {
		t.Fatalf("handshake: %d %s", w.Code, w.Body)
	}
	return open.SID
}

// TestClusterBounds checks the bounds on forwarded requests: the POST
// body's size (MaxPayload, as a local one), the forwarded requests of a
// node (MaxForwarded) and of a session (one GET, one POST at once).
func TestClusterBounds(t *testing.T) {
	text := http.Header{"Content-Type": {"text/plain;charset=UTF-8"}}
	t.Run("payload", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ce := newClusterEnv(t, 2, Options{MaxPayload: 100}, true)
			sid := pollingSession(t, ce.srvs[0])
			<-ce.sessions
			w := serve(ce.srvs[1], http.MethodPost, "EIO=4&transport=polling&sid="+sid, []byte("4"+strings.Repeat("x", 100)), text)
			if w.Code != http.StatusRequestEntityTooLarge {
				t.Fatalf("got %d %s, want 413", w.Code, w.Body)
			}
			if ev := ce.closed(); ev.sid != sid || ev.reason != ReasonTransportError {
				t.Fatalf("closed %s with %s", ev.sid, ev.reason)
			}
		})
	})
	t.Run("per-node", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ce := newClusterEnv(t, 2, Options{Cluster: &ClusterOptions{MaxForwarded: 1}}, true)
			sid1, sid2 := pollingSession(t, ce.srvs[0]), pollingSession(t, ce.srvs[0])
			ctx, cancel := context.WithCancel(context.Background())
			held := make(chan int)
			go func() {
				r := httptest.NewRequestWithContext(ctx, http.MethodGet, DefaultPath+"?EIO=4&transport=polling&sid="+sid1, nil)
				w := httptest.NewRecorder()
				ce.srvs[1].ServeHTTP(w, r)
				held <- w.Code
			}()
			synctest.Wait() // the GET waits for sid1's packets
			if w := serve(ce.srvs[1], http.MethodGet, "EIO=4&transport=polling&sid="+sid2, nil, nil); w.Code != http.StatusServiceUnavailable {
				t.Fatalf("second forwarded request: %d %s, want 503", w.Code, w.Body)
			}
			cancel()
			<-held
			if ev := ce.closed(); ev.sid != sid1 || ev.reason != ReasonTransportError {
				t.Fatalf("closed %s with %s, want sid1 with transport error (GET closed prematurely)", ev.sid, ev.reason)
			}
		})
	})
	t.Run("per-session", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ce := newClusterEnv(t, 3, Options{}, true)
			sid := pollingSession(t, ce.srvs[0])
			sess := <-ce.sessions
			got := make(chan *httptest.ResponseRecorder)
			go func() { got <- serve(ce.srvs[1], http.MethodGet, "EIO=4&transport=polling&sid="+sid, nil, nil) }()
			synctest.Wait()
			if w := serve(ce.srvs[1], http.MethodGet, "EIO=4&transport=polling&sid="+sid, nil, nil); w.Code != http.StatusBadRequest {
				t.Fatalf("second GET on the same node: %d, want 400", w.Code)
			}
			// On another node the owner refuses the second read lock.
			if w := serve(ce.srvs[2], http.MethodGet, "EIO=4&transport=polling&sid="+sid, nil, nil); w.Code != http.StatusBadRequest {
				t.Fatalf("second GET on another node: %d, want 400", w.Code)
			}
			_ = sess.Send(Message{Data: []byte("hi")})
			if w := <-got; w.Code != 200 || w.Body.String() != "4hi" {
				t.Fatalf("held GET: %d %q", w.Code, w.Body)
			}
		})
	})
}

// TestClusterOwnerGone checks what a forwarded request does when the owner
// is cut off: a GET waiting for packets gives up after PingInterval +
// PingTimeout + ResponseTimeout with 400 "Session ID unknown", and a new
// request gets the same after ResponseTimeout; the client reconnects.
func TestClusterOwnerGone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ce := newClusterEnv(t, 2, Options{PingInterval: 2 * time.Second, PingTimeout: time.Second}, true)
		sid := pollingSession(t, ce.srvs[0])
		got := make(chan *httptest.ResponseRecorder)
		go func() { got <- serve(ce.srvs[1], http.MethodGet, "EIO=4&transport=polling&sid="+sid, nil, nil) }()
		synctest.Wait()
		start := time.Now()
		ce.buses[0].detach()
		w := <-got
		if d := time.Since(start); d != 4*time.Second {
			t.Errorf("GET answered after %v, want 4s", d)
		}
		var body refusal
		_ = json.Unmarshal(w.Body.Bytes(), &body)
		if w.Code != 400 || body.Code != CodeUnknownSID {
			t.Fatalf("GET: %d %s", w.Code, w.Body)
		}
		start = time.Now()
		w = serve(ce.srvs[1], http.MethodPost, "EIO=4&transport=polling&sid="+sid, []byte("4x"), http.Header{"Content-Type": {"text/plain"}})
		if d := time.Since(start); w.Code != 400 || d != DefaultClusterResponseTimeout {
			t.Fatalf("POST: %d %s after %v", w.Code, w.Body, d)
		}
	})
}

// TestClusterUpgradeStreamed upgrades a polling session with a WebSocket
// that lands on another server: the owner streams the session through it,
// with the packets queued before the switch first, in order, and the
// heartbeat going on.
func TestClusterUpgradeStreamed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var mu sync.Mutex   // guards wsIn, wsOut
		var wsIn, wsOut int // WebSocket bytes counted by the Observer
		obs := &Observer{
			BytesReceived: func(tr string, n int) {
				mu.Lock()
				defer mu.Unlock()
				if tr == TransportWebSocket {
					wsIn += n
				}
			},
			BytesSent: func(tr string, n int) {
				mu.Lock()
				defer mu.Unlock()
				if tr == TransportWebSocket {
					wsOut += n
				}
			},
		}
		ce := newClusterEnv(t, 2, Options{PingInterval: time.Second, PingTimeout: time.Second, Observer: obs}, true)
		sid := pollingSession(t, ce.srvs[0])
		sess := <-ce.sessions
		// The handler alternates: the first request (the WebSocket) goes
		// to srvs[0]; skip it so that the WebSocket lands on srvs[1].
		ce.srvs[0], ce.srvs[1] = ce.srvs[1], ce.srvs[0]
		defer func() { ce.srvs[0], ce.srvs[1] = ce.srvs[1], ce.srvs[0] }()
		ws, _, err := ce.dialer.Dial(ce.wsURL("EIO=4&transport=websocket&sid="+url.QueryEscape(sid)), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		exchangeProbe(t, ws)
		// A GET waiting on the owner is released with a noop.
		if w := serve(ce.srvs[1], http.MethodGet, "EIO=4&transport=polling&sid="+sid, nil, nil); w.Body.String() != "6" {
			t.Fatalf("GET during the probe: %q, want a noop", w.Body)
		}
		for i := range 5 {
			_ = sess.Send(Message{Data: []byte(fmt.Sprint("q", i))}) // queued before the switch
		}
		if err := ws.WriteMessage(websocket.TextMessage, []byte("5")); err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			if _, b, err := ws.ReadMessage(); err != nil || string(b) != fmt.Sprint("4q", i) {
				t.Fatalf("got %q, %v, want 4q%d", b, err, i)
			}
		}
		if tr := sess.Transport(); tr != TransportWebSocket {
			t.Fatalf("owner's transport %s", tr)
		}
		// Heartbeat: three pings, each answered.
		for range 3 {
			if _, b, err := ws.ReadMessage(); err != nil || string(b) != "2" {
				t.Fatalf("got %q, %v, want a ping", b, err)
			}
			_ = ws.WriteMessage(websocket.TextMessage, []byte("3"))
		}
		_ = ws.WriteMessage(websocket.TextMessage, []byte("4echo"))
		if _, b, err := ws.ReadMessage(); err != nil || string(b) != "4echo" {
			t.Fatalf("echo: %q, %v", b, err)
		}
		// The streaming server counts what it reads and writes.
		synctest.Wait()
		mu.Lock()
		if in, out := len("2probe5"+"333"+"4echo"), len("3probe"+"4q0"+"4q1"+"4q2"+"4q3"+"4q4"+"222"+"4echo"); wsIn != in || wsOut != out {
			t.Errorf("WebSocket bytes counted: %d in, %d out; want %d, %d", wsIn, wsOut, in, out)
		}
		mu.Unlock()
		// The session closing closes the streamed WebSocket after the
		// close packet and a close frame; the stream lingers, dropping
		// what the client still sends, until the client's close frame
		// (see TestCloseLingers).
		sess.Close()
		if _, b, err := ws.ReadMessage(); err != nil || string(b) != "1" {
			t.Fatalf("got %q, %v, want the close packet", b, err)
		}
		ws.SetCloseHandler(func(int, string) error { return nil }) // answered below
		if _, _, err := ws.ReadMessage(); !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
			t.Fatalf("after the close packet: %v, want a close frame (1000)", err)
		}
		if ev := ce.closed(); ev.reason != ReasonForcedClose {
			t.Fatalf("closed with %s", ev.reason)
		}
		synctest.Wait()
		closedAt := time.Now()
		if err := ws.WriteMessage(websocket.TextMessage, []byte("4late")); err != nil {
			t.Fatalf("write after the close frame: %v", err)
		}
		synctest.Wait()
		if err := ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		if _, err := ws.NetConn().Read(make([]byte, 1)); err != io.EOF || time.Since(closedAt) != 0 {
			t.Fatalf("after the client's close frame: %v after %v, want EOF at once", err, time.Since(closedAt))
		}
	})
}

// TestClusterUpgradeClientGoes checks that a streamed WebSocket's end is
// reported to the owner, which closes the session with "transport close".
func TestClusterUpgradeClientGoes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ce := newClusterEnv(t, 2, Options{}, true)
		c := ce.dial(modePolling)
		<-ce.sessions
		c.upgrade()
		c.send(Message{Data: []byte("x")})
		if got := c.nextMessage(); string(got.Data) != "x" {
			t.Fatalf("got %q", got.Data)
		}
		_ = c.ws.Close()
		if ev := ce.closed(); ev.reason != ReasonTransportClose {
			t.Fatalf("closed with %s %v", ev.reason, ev.err)
		}
	})
}

// slowReader returns its data only after a delay.
type slowReader struct {
	delay time.Duration
	data  []byte
}

func (r *slowReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	time.Sleep(r.delay)
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// TestClusterPostRefused checks that a forwarded POST is refused as a
// local one would be, and that the owner closes the session for it.
func TestClusterPostRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ct     string
		body   io.Reader
		status int
		reason CloseReason
	}{
		{"too large", "text/plain", strings.NewReader("4" + strings.Repeat("x", 200)), 413, ReasonTransportError},
		{"binary body", "application/octet-stream", strings.NewReader("4x"), 400, ReasonTransportError},
		{"form", "application/x-www-form-urlencoded", strings.NewReader("4x"), 400, ReasonTransportError},
		{"malformed", "text/plain", strings.NewReader("9x"), 400, ReasonParseError},
		{"slow", "text/plain", &slowReader{delay: 31 * time.Second, data: []byte("4x")}, 408, ReasonTransportError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ce := newClusterEnv(t, 2, Options{MaxPayload: 100}, true)
				sid := pollingSession(t, ce.srvs[0])
				<-ce.sessions
				r := httptest.NewRequest(http.MethodPost, DefaultPath+"?EIO=4&transport=polling&sid="+sid, tc.body)
				r.ContentLength = -1 // as a chunked body: the bound is checked while reading
				r.Header.Set("Content-Type", tc.ct)
				w := httptest.NewRecorder()
				ce.srvs[1].ServeHTTP(w, r)
				if w.Code != tc.status {
					t.Fatalf("got %d, want %d", w.Code, tc.status)
				}
				if ev := ce.closed(); ev.sid != sid || ev.reason != tc.reason {
					t.Fatalf("closed %s with %s, want %s", ev.sid, ev.reason, tc.reason)
				}
			})
		})
	}
}

// TestClusterPostBackpressure checks that a forwarded POST is answered
// once the owner's handler took its messages, as a local one.
func TestClusterPostBackpressure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ce := newClusterEnv(t, 2, Options{}, true)
		sid := pollingSession(t, ce.srvs[0])
		sess := <-ce.sessions
		release := make(chan struct{})
		var got []string
		sess.OnMessageBlocking(func(m Message) {
			<-release
			got = append(got, string(m.Data))
		})
		done := make(chan *httptest.ResponseRecorder)
		go func() {
			done <- serve(ce.srvs[1], http.MethodPost, "EIO=4&transport=polling&sid="+sid, []byte("4a\x1e4b"), http.Header{"Content-Type": {"text/plain"}})
		}()
		synctest.Wait()
		select {
		case w := <-done:
			t.Fatalf("answered %d before the handler took the messages", w.Code)
		default:
		}
		close(release)
		if w := <-done; w.Code != 200 || w.Body.String() != "ok" {
			t.Fatalf("got %d %q", w.Code, w.Body)
		}
		if strings.Join(got, ",") != "a,b" {
			t.Fatalf("handler got %v", got)
		}
	})
}

// TestClusterForwarderShutdown checks that a node shutting down ends the
// GET it holds for another node's session (503) and that the owner closes
// that session.
func TestClusterForwarderShutdown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ce := newClusterEnv(t, 2, Options{}, true)
		sid := pollingSession(t, ce.srvs[0])
		<-ce.sessions
		done := make(chan *httptest.ResponseRecorder)
		go func() { done <- serve(ce.srvs[1], http.MethodGet, "EIO=4&transport=polling&sid="+sid, nil, nil) }()
		synctest.Wait()
		if err := ce.srvs[1].Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		if w := <-done; w.Code != http.StatusServiceUnavailable {
			t.Fatalf("held GET: %d", w.Code)
		}
		if ev := ce.closed(); ev.sid != sid || ev.reason != ReasonTransportError {
			t.Fatalf("closed %s with %s", ev.sid, ev.reason)
		}
	})
}

// TestClusterRemoteInboxBound checks the bound on forwarded packets a
// session holds before its handler takes them: a node that sends more
// than 2 × MaxPayload (plus a little per message) closes the session.
func TestClusterRemoteInboxBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ce := newClusterEnv(t, 1, Options{MaxPayload: 100}, true)
		sid := pollingSession(t, ce.srvs[0])
		sess := <-ce.sessions
		block := make(chan struct{})
		defer close(block)
		sess.OnMessageBlocking(func(Message) {
			select {
			case <-block:
			case <-sess.Closing():
			}
		})
		fake := ce.hub.join(t)
		answers := make(chan *ClusterMessage, 100)
		fake.Handle(func(m *ClusterMessage) { answers <- m })
		_ = fake.Publish(context.Background(), &ClusterMessage{Type: ClusterMsgAcquireLock, SenderID: fake.id, RequestID: 1, SID: sid, TransportName: TransportPolling, LockType: "write"})
		if m := <-answers; m.Type != ClusterMsgAcquireLockResponse || !m.Success {
			t.Fatalf("lock: %+v", m)
		}
		data := []byte(strings.Repeat("x", 100))
		for range 20 {
			_ = fake.Publish(context.Background(), &ClusterMessage{Type: ClusterMsgPacket, SenderID: fake.id, RecipientID: ce.buses[0].id, RequestID: 1, SID: sid,
				Packets: []ClusterPacket{{Type: "message", Data: data}}})
		}
		if ev := ce.closed(); ev.reason != ReasonTransportError || !errors.Is(ev.err, ErrPayloadTooLarge) {
			t.Fatalf("closed with %s %v", ev.reason, ev.err)
		}
	})
}

// TestClusterStreamOwnerGone checks that a WebSocket streamed for an owner
// that is cut off is closed once no ping came for PingInterval +
// PingTimeout + ResponseTimeout, so that the client reconnects (and a
// client that would not does not hold the stream).
func TestClusterStreamOwnerGone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ce := newClusterEnv(t, 2, Options{PingInterval: 2 * time.Second, PingTimeout: time.Second}, true)
		sid := pollingSession(t, ce.srvs[0])
		<-ce.sessions
		ce.srvs[0], ce.srvs[1] = ce.srvs[1], ce.srvs[0] // the WebSocket lands on the other server
		defer func() { ce.srvs[0], ce.srvs[1] = ce.srvs[1], ce.srvs[0] }()
		ws, _, err := ce.dialer.Dial(ce.wsURL("EIO=4&transport=websocket&sid="+url.QueryEscape(sid)), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		exchangeProbe(t, ws)
		_ = ws.WriteMessage(websocket.TextMessage, []byte("5"))
		if _, b, err := ws.ReadMessage(); err != nil || string(b) != "2" {
			t.Fatalf("got %q, %v, want a ping", b, err)
		}
		start := time.Now()
		ce.buses[0].detach() // the owner is cut off
		if _, b, err := ws.ReadMessage(); err == nil {
			t.Fatalf("got %q from a stream whose owner is gone", b)
		}
		if d := time.Since(start); d != 4*time.Second {
			t.Fatalf("closed after %v, want 4s (PingInterval + PingTimeout + ResponseTimeout after the last ping)", d)
		}
	})
}

// TestClusterTakeOver checks the take-over: an upgrade that lands on
// another server within the take-over window moves the session there
// before OnConnection ran anywhere; the messages the client sent before
// come first, and the former owner forgets the session without an
// OnClose.
func TestClusterTakeOver(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ce := newClusterEnv(t, 2, Options{PingInterval: time.Second, PingTimeout: time.Second}, true)
		owner, other := ce.srvs[0], ce.srvs[1]
		start := time.Now()
		sid := pollingSession(t, owner)
		if w := serve(owner, http.MethodPost, "EIO=4&transport=polling&sid="+sid, []byte("4early"), http.Header{"Content-Type": {"text/plain"}}); w.Code != 200 {
			t.Fatalf("POST: %d", w.Code)
		}
		select {
		case <-ce.sessions:
			t.Fatal("OnConnection ran within the take-over window")
		default:
		}
		ce.srvs[0], ce.srvs[1] = other, owner // the WebSocket lands on the other server
		defer func() { ce.srvs[0], ce.srvs[1] = owner, other }()
		ws, _, err := ce.dialer.Dial(ce.wsURL("EIO=4&transport=websocket&sid="+url.QueryEscape(sid)), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer ws.Close()
		exchangeProbe(t, ws)
		_ = ws.WriteMessage(websocket.TextMessage, []byte("5"))
		sess := ce.session()
		if d := time.Since(start); d >= DefaultClusterTakeOverWindow {
			t.Fatalf("OnConnection after %v, not within the window", d)
		}
		if sess.ID() != sid || owner.Count() != 0 || other.Count() != 1 || other.session(sid) != sess {
			t.Fatalf("sessions: owner %d, other %d", owner.Count(), other.Count())
		}
		if _, b, err := ws.ReadMessage(); err != nil || string(b) != "4early" {
			t.Fatalf("got %q, %v, want the message sent before the move", b, err)
		}
		_ = ws.WriteMessage(websocket.TextMessage, []byte("4later"))
		if _, b, err := ws.ReadMessage(); err != nil || string(b) != "4later" {
			t.Fatalf("got %q, %v", b, err)
		}
		for range 3 { // the new owner's heartbeat
			if _, b, err := ws.ReadMessage(); err != nil || string(b) != "2" {
				t.Fatalf("got %q, %v, want a ping", b, err)
			}
			_ = ws.WriteMessage(websocket.TextMessage, []byte("3"))
		}
		if n := ce.hub.counts[ClusterMsgDrain].Load() + ce.hub.counts[ClusterMsgPacket].Load(); n != 0 {
			t.Fatalf("%d DRAIN/PACKET messages after a take-over", n)
		}
		select {
		case ev := <-ce.closes:
			t.Fatalf("OnClose %s for a session that moved", ev.reason)
		default:
		}
		sess.Close()
		if ev := ce.closed(); ev.reason != ReasonForcedClose {
			t.Fatalf("closed with %s", ev.reason)
		}
	})
}

// TestClusterDelayedConnection checks the take-over window without an
// upgrade: OnConnection runs when it ends, then the messages received
// meanwhile are delivered, in order; with a negative window it runs at
// once.
func TestClusterDelayedConnection(t *testing.T) {
	for _, tc := range []struct {
		window, want time.Duration
	}{{0, DefaultClusterTakeOverWindow}, {time.Second, time.Second}, {-1, 0}} {
		t.Run(tc.window.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ce := newClusterEnv(t, 2, Options{Cluster: &ClusterOptions{TakeOverWindow: tc.window}}, true)
				start := time.Now()
				c := ce.dial(modePolling)
				c.send(Message{Data: []byte("a")}, Message{Data: []byte("b")})
				<-ce.sessions
				if d := time.Since(start); d != tc.want {
					t.Fatalf("OnConnection after %v, want %v", d, tc.want)
				}
				for _, want := range []string{"a", "b"} {
					if got := c.nextMessage(); string(got.Data) != want {
						t.Fatalf("got %q, want %q", got.Data, want)
					}
				}
			})
		})
	}
}

// TestClusterBytesCounted: bytes a server reads or writes for a session
// another server owns (a forwarded POST, a streamed WebSocket, a forwarded
// GET's answer) are counted by that server's Observer: across the cluster,
// at least every message's bytes in each direction.
func TestClusterBytesCounted(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		synctest.Test(t, func(t *testing.T) {
			var mu sync.Mutex // guards got
			got := map[string]int{}
			count := func(dir string) func(string, int) {
				return func(_ string, n int) {
					mu.Lock()
					got[dir] += n
					mu.Unlock()
				}
			}
			obs := &Observer{BytesReceived: count("in"), BytesSent: count("out")}
			ce := newClusterEnv(t, 3, Options{Observer: obs}, true)
			c := ce.dial(m)
			ce.session()
			mu.Lock()
			clear(got) // the handshake, and in upgrade mode the probe
			mu.Unlock()
			const n, size = 12, 100
			for i := range n {
				c.send(Message{Data: bytes.Repeat([]byte{'a' + byte(i)}, size)})
			}
			for range n {
				c.nextMessage()
			}
			synctest.Wait()
			mu.Lock()
			defer mu.Unlock()
			if got["in"] < n*size || got["out"] < n*size {
				t.Errorf("counted %d bytes in, %d out; want at least %d each way", got["in"], got["out"], n*size)
			}
		})
	})
}
