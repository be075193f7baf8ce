package engineio

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

// handshake performs a raw polling handshake and returns the open packet.
func (e *env) handshake(query string) openPacket {
	e.t.Helper()
	status, body := e.get("EIO=4&transport=polling" + query)
	if status != 200 || len(body) == 0 || body[0] != '0' {
		e.t.Fatalf("handshake: %d %q", status, body)
	}
	var op openPacket
	if err := json.Unmarshal(body[1:], &op); err != nil {
		e.t.Fatal(err)
	}
	return op
}

func TestOpenPacket(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{opts: &Options{PingInterval: 1234 * time.Millisecond, PingTimeout: 567 * time.Millisecond, MaxPayload: 4321}})
		c := e.dial(m)
		op := c.open
		if len(op.SID) < 22 {
			t.Errorf("sid %q shorter than 128 bits of base64", op.SID)
		}
		if strings.Trim(op.SID, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
			t.Errorf("sid %q is not URL-safe", op.SID)
		}
		wantUp := []string{"websocket"}
		if m == modeWebSocket {
			wantUp = []string{}
		}
		if fmt.Sprint(op.Upgrades) != fmt.Sprint(wantUp) || op.Upgrades == nil {
			t.Errorf("upgrades %v, want %v", op.Upgrades, wantUp)
		}
		if op.PingInterval != 1234 || op.PingTimeout != 567 || op.MaxPayload != 4321 {
			t.Errorf("open packet %+v", op)
		}
	})
	// Unique ids.
	e := newEnv(t, envOptions{})
	seen := map[string]bool{}
	for range 50 {
		c := e.dial(modeWebSocket)
		if seen[c.sid] {
			t.Fatalf("duplicate sid %s", c.sid)
		}
		seen[c.sid] = true
	}
}

func TestTransportsOption(t *testing.T) {
	e := newEnv(t, envOptions{opts: &Options{Transports: []string{"polling"}}})
	if op := e.dial(modePolling).open; len(op.Upgrades) != 0 {
		t.Errorf("upgrades %v with websocket disabled", op.Upgrades)
	}
	if _, res, err := e.dialer.Dial(e.wsURL("EIO=4&transport=websocket"), nil); err == nil || res.StatusCode != 400 {
		t.Errorf("websocket accepted while disabled")
	}
	no := false
	e2 := newEnv(t, envOptions{opts: &Options{AllowUpgrades: &no}})
	c := e2.dial(modePolling)
	if len(c.open.Upgrades) != 0 {
		t.Errorf("upgrades %v with AllowUpgrades false", c.open.Upgrades)
	}
	if _, _, err := e2.dialer.Dial(e2.wsURL("EIO=4&transport=websocket&sid="+c.sid), nil); err == nil {
		t.Errorf("upgrade accepted with AllowUpgrades false")
	}
	e3 := newEnv(t, envOptions{opts: &Options{Transports: []string{"websocket"}}})
	if status, body := e3.get("EIO=4&transport=polling"); status != 400 || !bytes.Contains(body, []byte(`"code":0`)) {
		t.Errorf("polling with only websocket allowed: %d %s", status, body)
	}
	e3.dial(modeWebSocket)
}

// TestNoDrop: more packets than one GET response holds arrive, in order,
// over several GETs, each response bounded by MaxPayload.
func TestNoDrop(t *testing.T) {
	const maxPayload = 100
	e := newEnv(t, envOptions{opts: &Options{MaxPayload: maxPayload}, onConn: func(*Session) {}})
	op := e.handshake("")
	sess := e.session()
	const n = 300
	for i := range n {
		m := Message{Data: fmt.Appendf(nil, "message-%03d", i)}
		if i%4 == 0 {
			m.Binary = true
		}
		if err := sess.Send(m); err != nil {
			t.Fatal(err)
		}
	}
	big := bytes.Repeat([]byte("B"), 3*maxPayload) // alone larger than MaxPayload
	if err := sess.Send(Message{Data: big}); err != nil {
		t.Fatal(err)
	}
	var got []packet
	gets := 0
	for len(got) < n+1 {
		status, body := e.get("EIO=4&transport=polling&sid=" + op.SID)
		if status != 200 {
			t.Fatalf("GET: %d %s", status, body)
		}
		gets++
		if err := decodePayload(body, func(p packet) error {
			p.data = bytes.Clone(p.data)
			got = append(got, p)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(body) > maxPayload && !bytes.Equal(body, append([]byte{'4'}, big...)) {
			t.Errorf("GET response of %d bytes > MaxPayload %d", len(body), maxPayload)
		}
	}
	if gets < 10 {
		t.Errorf("%d GETs: the responses were not bounded", gets)
	}
	for i := range n {
		p := got[i]
		if want := fmt.Sprintf("message-%03d", i); p.typ != typeMessage || string(p.data) != want || p.binary != (i%4 == 0) {
			t.Fatalf("packet %d = %c %q binary=%v, want %q", i, p.typ, p.data, p.binary, want)
		}
	}
	if !bytes.Equal(got[n].data, big) {
		t.Error("the oversized packet was not delivered alone")
	}
	sess.closeNow(ReasonForcedClose, nil)
}

func TestOverlappingGET(t *testing.T) {
	e := newEnv(t, envOptions{})
	op := e.handshake("")
	sess := e.session()
	first := make(chan []byte)
	go func() {
		_, body := e.get("EIO=4&transport=polling&sid=" + op.SID)
		first <- body
	}()
	e.waitFor("a waiting GET", func() bool { return pollPending(sess) })
	if status, _ := e.get("EIO=4&transport=polling&sid=" + op.SID); status != 400 {
		t.Errorf("second GET: status %d, want 400", status)
	}
	if body := <-first; string(body) != "1" {
		t.Errorf("first GET answered %q, want the close packet", body)
	}
	if ce := e.closed(); ce.reason != ReasonTransportError || !errors.Is(ce.err, ErrProtocol) {
		t.Errorf("OnClose(%q, %v), want transport error", ce.reason, ce.err)
	}
}

func TestOverlappingPOST(t *testing.T) {
	e := newEnv(t, envOptions{})
	op := e.handshake("")
	sess := e.session()
	pr, pw := io.Pipe()
	firstDone := make(chan struct{})
	go func() {
		defer close(firstDone)
		req, _ := http.NewRequest("POST", e.url("EIO=4&transport=polling&sid="+op.SID), pr)
		if res, err := e.http.Do(req); err == nil {
			res.Body.Close()
		}
	}()
	_, _ = pw.Write([]byte("4hel")) // the first POST's body is not complete
	e.waitFor("a POST in progress", func() bool {
		sess.mu.Lock()
		defer sess.mu.Unlock()
		return sess.posting
	})
	if status, _ := e.do("POST", "EIO=4&transport=polling&sid="+op.SID, []byte("4x"), nil); status != 400 {
		t.Errorf("second POST: status %d, want 400", status)
	}
	if ce := e.closed(); ce.reason != ReasonTransportError || !errors.Is(ce.err, ErrProtocol) {
		t.Errorf("OnClose(%q, %v), want transport error", ce.reason, ce.err)
	}
	pw.Close()
	<-firstDone
}

// TestRequestForClosedSession: a GET or POST that found its session just
// before the session closed (for a GET, the previous GET's connection
// dropped by a proxy that then retried it) is answered as Node answers a
// session it no longer has, 400 "Session ID unknown", not with a close
// packet, which the client would take for a graceful close ("transport
// close" instead of "transport error"). interop's TestProxyReadTimeout
// met it behind nginx.
func TestRequestForClosedSession(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		t.Run(method, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			op := e.handshake("")
			sess := e.session()
			sess.closeNow(ReasonTransportError, protocolError("poll request closed prematurely"))
			e.closed()
			// The request was looked up before the close: served by the
			// session it found.
			r := httptest.NewRequest(method, e.srv.cfg.path+"?EIO=4&transport=polling&sid="+op.SID, strings.NewReader("4late"))
			r.Header.Set("Content-Type", "text/plain;charset=UTF-8")
			w := httptest.NewRecorder()
			sess.servePolling(w, r)
			if w.Code != http.StatusBadRequest || w.Body.String() != `{"code":1,"message":"Session ID unknown"}` {
				t.Errorf("%s answered %d %q, want 400 Session ID unknown", method, w.Code, w.Body)
			}
		})
	}
}

func TestBadInput(t *testing.T) {
	long := strings.Repeat("x", 200)
	tests := []struct {
		name   string
		modes  []mode
		send   func(c *client) error
		reason CloseReason
		err    error
	}{
		{"unknown packet type", allModes, func(c *client) error { return c.sendRaw([]byte("9hello")) }, ReasonParseError, ErrMalformed},
		{"empty packet", allModes, func(c *client) error { return c.sendRaw([]byte("")) }, ReasonParseError, ErrMalformed},
		{"bad base64", []mode{modePolling}, func(c *client) error { return c.sendRaw([]byte("b!!!")) }, ReasonParseError, ErrMalformed},
		{"ping from client", allModes, func(c *client) error { return c.sendPacket(packet{typ: typePing}) }, ReasonTransportError, ErrProtocol},
		{"message too large", allModes, func(c *client) error { return c.sendRaw([]byte("4" + long)) }, ReasonTransportError, ErrPayloadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			run(t, func(t *testing.T, m mode) {
				e := newEnv(t, envOptions{opts: &Options{MaxPayload: 100}})
				c := e.dial(m)
				e.session()
				_ = tt.send(c) // the POST may be refused (413), the WebSocket closed
				ce := e.closed()
				if ce.reason != tt.reason || !errors.Is(ce.err, tt.err) {
					t.Errorf("OnClose(%q, %v), want %q, %v", ce.reason, ce.err, tt.reason, tt.err)
				}
			}, tt.modes...)
		})
	}
}

func TestHTTPCompression(t *testing.T) {
	big := strings.Repeat("compress me ", 200)
	tests := []struct {
		name, accept, encoding string
		opts                   *CompressionOptions
		size                   int
	}{
		{"gzip", "gzip, deflate, br", "gzip", nil, len(big)},
		{"deflate", "deflate", "deflate", nil, len(big)},
		{"deflate preferred", "gzip;q=0.5, deflate", "deflate", nil, len(big)},
		{"wildcard", "*", "gzip", nil, len(big)},
		{"not accepted", "br", "", nil, len(big)},
		{"gzip refused", "gzip;q=0", "", nil, len(big)},
		{"below threshold", "gzip", "", nil, 1000},
		{"custom threshold", "gzip", "gzip", &CompressionOptions{Threshold: 100}, 1000},
		{"disabled", "gzip", "", &CompressionOptions{Disable: true}, len(big)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{opts: &Options{HTTPCompression: tt.opts}, onConn: func(*Session) {}})
			op := e.handshake("")
			sess := e.session()
			msg := big[:tt.size-1] // + the type byte
			_ = sess.Send(Message{Data: []byte(msg)})
			req, _ := http.NewRequest("GET", e.url("EIO=4&transport=polling&sid="+op.SID), nil)
			req.Header.Set("Accept-Encoding", tt.accept)
			res, err := e.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			if got := res.Header.Get("Content-Encoding"); got != tt.encoding {
				t.Fatalf("Content-Encoding %q, want %q", got, tt.encoding)
			}
			var r io.Reader = res.Body
			switch tt.encoding {
			case "gzip":
				r, err = gzip.NewReader(res.Body)
			case "deflate":
				r, err = zlib.NewReader(res.Body)
			}
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(r)
			if err != nil || string(body) != "4"+msg {
				t.Errorf("body %d bytes (%v), want the message", len(body), err)
			}
			sess.closeNow(ReasonForcedClose, nil)
		})
	}
}

func TestCookie(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{opts: &Options{Cookie: &CookieOptions{}}})
		var hdr http.Header
		var sid string
		if m == modePolling {
			res, err := e.http.Get(e.url("EIO=4&transport=polling"))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			var op openPacket
			_ = json.Unmarshal(body[1:], &op)
			hdr, sid = res.Header, op.SID
		} else {
			conn, res, err := e.dialer.Dial(e.wsURL("EIO=4&transport=websocket"), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_, data, _ := conn.ReadMessage()
			var op openPacket
			_ = json.Unmarshal(data[1:], &op)
			hdr, sid = res.Header, op.SID
		}
		want := "io=" + sid + "; Path=/; HttpOnly; SameSite=Lax"
		if got := hdr.Get("Set-Cookie"); got != want {
			t.Errorf("Set-Cookie %q, want %q", got, want)
		}
		e.session().closeNow(ReasonForcedClose, nil)
	}, modePolling, modeWebSocket)
}

func TestCORS(t *testing.T) {
	tests := []struct {
		name    string
		cors    *CORSOptions
		method  string
		origin  string
		reqHdrs string
		status  int
		want    map[string]string
	}{
		{"any origin", &CORSOptions{}, "GET", "https://a.example", "", 200,
			map[string]string{"Access-Control-Allow-Origin": "*", "Vary": ""}},
		{"listed origin", &CORSOptions{Origins: []string{"https://a.example"}, Credentials: true}, "GET", "https://a.example", "", 200,
			map[string]string{"Access-Control-Allow-Origin": "https://a.example", "Access-Control-Allow-Credentials": "true", "Vary": "Origin"}},
		{"unlisted origin", &CORSOptions{Origins: []string{"https://a.example"}}, "GET", "https://b.example", "", 200,
			map[string]string{"Access-Control-Allow-Origin": "", "Vary": "Origin"}},
		{"preflight", &CORSOptions{Origins: []string{"https://a.example"}, MaxAge: time.Hour}, "OPTIONS", "https://a.example", "content-type", 204,
			map[string]string{"Access-Control-Allow-Origin": "https://a.example", "Access-Control-Allow-Methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
				"Access-Control-Allow-Headers": "content-type", "Access-Control-Max-Age": "3600"}},
		{"preflight fixed headers", &CORSOptions{AllowedHeaders: []string{"x-a", "x-b"}, Methods: []string{"GET", "POST"}, ExposedHeaders: []string{"x-c"}}, "OPTIONS", "https://a.example", "x-z", 204,
			map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET,POST",
				"Access-Control-Allow-Headers": "x-a,x-b", "Access-Control-Expose-Headers": "x-c"}},
		{"func", &CORSOptions{AllowOrigin: func(o string) bool { return strings.HasSuffix(o, ".example") }}, "GET", "https://c.example", "", 200,
			map[string]string{"Access-Control-Allow-Origin": "https://c.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{opts: &Options{CORS: tt.cors}})
			req, _ := http.NewRequest(tt.method, e.url("EIO=4&transport=polling"), nil)
			req.Header.Set("Origin", tt.origin)
			if tt.reqHdrs != "" {
				req.Header.Set("Access-Control-Request-Method", "POST")
				req.Header.Set("Access-Control-Request-Headers", tt.reqHdrs)
			}
			res, err := e.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
			for k, v := range tt.want {
				if got := strings.Join(res.Header.Values(k), ", "); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if tt.status == 200 {
				e.session().closeNow(ReasonForcedClose, nil)
			}
		})
	}
}

func TestWebSocketOrigin(t *testing.T) {
	tests := []struct {
		name   string
		opts   *Options
		origin string
		ok     bool
	}{
		{"no origin", nil, "", true},
		{"same origin", nil, "http://HOST", true},
		{"cross origin", nil, "https://evil.example", false},
		{"cors any", &Options{CORS: &CORSOptions{Origins: []string{"*"}}}, "https://a.example", true},
		{"cors listed", &Options{CORS: &CORSOptions{Origins: []string{"https://a.example"}}}, "https://a.example", true},
		{"cors unlisted", &Options{CORS: &CORSOptions{Origins: []string{"https://a.example"}}}, "https://b.example", false},
		{"CheckOrigin", &Options{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "https://z.example" }}, "https://z.example", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{opts: tt.opts})
			hdr := http.Header{}
			if tt.origin != "" {
				hdr.Set("Origin", strings.Replace(tt.origin, "HOST", strings.TrimPrefix(strings.Split(e.base, "/engine.io")[0], "http://"), 1))
			}
			conn, _, err := e.dialer.Dial(e.wsURL("EIO=4&transport=websocket"), hdr)
			if (err == nil) != tt.ok {
				t.Fatalf("accepted = %v, want %v (%v)", err == nil, tt.ok, err)
			}
			if conn != nil {
				conn.Close()
				e.closed()
			}
			// The upgrade of a polling session follows the same policy.
			c := e.dial(modePolling)
			conn, _, err = e.dialer.Dial(e.wsURL("EIO=4&transport=websocket&sid="+c.sid), hdr)
			if (err == nil) != tt.ok {
				t.Fatalf("upgrade accepted = %v, want %v (%v)", err == nil, tt.ok, err)
			}
			if conn != nil {
				conn.Close()
			}
		})
	}
}

// rawPost opens a connection to the server and sends the request line and
// headers of a POST to the session sid announcing contentLength bytes of
// text/plain; the caller writes the body and reads the response.
func (e *env) rawPost(sid string, contentLength int) net.Conn {
	e.t.Helper()
	conn, err := e.rawDial()
	if err != nil {
		e.t.Fatal(err)
	}
	u, _ := url.Parse(e.url("EIO=4&transport=polling&sid=" + url.QueryEscape(sid)))
	if _, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: %d\r\n\r\n",
		u.RequestURI(), u.Host, contentLength); err != nil {
		e.t.Fatal(err)
	}
	return conn
}

// readResponse reads an HTTP response from conn, with its body.
func readResponse(t testing.TB, conn net.Conn) (*http.Response, []byte) {
	t.Helper()
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the response: %v", err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, body
}

// TestPOSTInvalidUTF8: a text packet of a POST that is not UTF-8 is the
// session's parse error (the packets before it are delivered); binary
// packets carry any bytes.
func TestPOSTInvalidUTF8(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []Message // delivered to OnMessage
		bad  bool
	}{
		{"invalid bytes in an event", "4ok\x1e42[\"relay\",\"\xff\xfe\"]", []Message{{Data: []byte("ok")}}, true},
		{"truncated sequence", "4\xe2\x82", nil, true},
		{"overlong encoding", "4\xc0\xaf", nil, true},
		{"surrogate", "4\xed\xa0\x80", nil, true},
		{"valid multi-byte text", "4héllo ✓ 😀", []Message{{Data: []byte("héllo ✓ 😀")}}, false},
		{"binary packet with any bytes", "b//4=\x1e4x", []Message{{Data: []byte{0xff, 0xfe}, Binary: true}, {Data: []byte("x")}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := make(chan Message, 10)
			e := newEnv(t, envOptions{onConn: func(s *Session) { s.OnMessage(func(m Message) { msgs <- m }) }})
			c := e.dial(modePolling)
			sess := e.session()
			e.waitFor("a waiting GET", func() bool { return pollPending(sess) })
			err := c.sendRaw([]byte(tt.body))
			if tt.bad != (err != nil) {
				t.Fatalf("POST: %v, want refused = %v", err, tt.bad)
			}
			for _, want := range tt.want {
				if got := <-msgs; !bytes.Equal(got.Data, want.Data) || got.Binary != want.Binary {
					t.Errorf("OnMessage(%q binary=%v), want %q binary=%v", got.Data, got.Binary, want.Data, want.Binary)
				}
			}
			if !tt.bad {
				sess.closeNow(ReasonForcedClose, nil)
				return
			}
			if p := c.next(); p.typ != typeClose {
				t.Errorf("got packet %c, want the close packet", p.typ)
			}
			if ce := e.closed(); ce.reason != ReasonParseError || !errors.Is(ce.err, ErrMalformed) {
				t.Errorf("OnClose(%q, %v), want parse error", ce.reason, ce.err)
			}
		})
	}
}

// TestPOSTContentType: a POST is refused (400, the session closed) unless
// its Content-Type is one that clients send.
func TestPOSTContentType(t *testing.T) {
	tests := []struct {
		contentType string // "-": no header
		ok          bool
	}{
		{"-", true},
		{"", true},
		{"text/plain;charset=UTF-8", true}, // engine.io-client (XHR and fetch)
		{"text/plain; charset=UTF-8", true},
		{"text/plain", true}, // python-engineio
		{"TEXT/PLAIN; CHARSET=\"utf-8\"", true},
		{"application/octet-stream", false}, // protocol v3 binary, as Node
		{"application/x-www-form-urlencoded", false},
		{"multipart/form-data; boundary=x", false},
		{"text/plain;charset=ISO-8859-1", false},
		{"application/json", false},
		{"text/html", false},
		{"text/plain;;", false},
	}
	for _, tt := range tests {
		t.Run(tt.contentType, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			op := e.handshake("")
			sess := e.session()
			hdr := http.Header{}
			if tt.contentType != "-" {
				hdr["Content-Type"] = []string{tt.contentType}
			}
			status, body := e.do("POST", "EIO=4&transport=polling&sid="+op.SID, []byte("4hi"), hdr)
			if tt.ok {
				if status != 200 || string(body) != "ok" {
					t.Errorf("POST: %d %q, want 200 ok", status, body)
				}
				sess.closeNow(ReasonForcedClose, nil)
				return
			}
			if status != 400 || len(body) != 0 {
				t.Errorf("POST: %d %q, want 400 with no body (as Node)", status, body)
			}
			if ce := e.closed(); ce.reason != ReasonTransportError || !errors.Is(ce.err, ErrProtocol) {
				t.Errorf("OnClose(%q, %v), want transport error", ce.reason, ce.err)
			}
		})
	}
}

// TestNoSniff: every HTTP response carries X-Content-Type-Options: nosniff.
func TestNoSniff(t *testing.T) {
	e := newEnv(t, envOptions{onConn: func(s *Session) { _ = s.Send(Message{Data: []byte("hi")}) }})
	do := func(method, query string, body string) (http.Header, []byte) {
		req, _ := http.NewRequest(method, e.url(query), strings.NewReader(body))
		res, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res.Header, b
	}
	hdr, body := do("GET", "EIO=4&transport=polling", "")
	var op openPacket
	if err := json.Unmarshal(body[1:], &op); err != nil {
		t.Fatal(err)
	}
	sess := e.session()
	defer sess.closeNow(ReasonForcedClose, nil)
	for _, tt := range []struct{ name, method, query, body string }{
		{"handshake", "", "", ""},
		{"GET", "GET", "EIO=4&transport=polling&sid=" + op.SID, ""},
		{"POST", "POST", "EIO=4&transport=polling&sid=" + op.SID, "4x"},
		{"refusal", "GET", "EIO=4&transport=polling&sid=unknown", ""},
	} {
		if tt.method != "" {
			hdr, _ = do(tt.method, tt.query, tt.body)
		}
		if got := hdr.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q, want nosniff", tt.name, got)
		}
	}
}

// TestPOSTTooLarge: a POST over MaxPayload is answered 413 and closes the
// session, as engine.io 6.6.13 does (onError "payload too large"): the
// waiting GET gets the close packet and the connection of the POST is
// closed (Node destroys the request).
func TestPOSTTooLarge(t *testing.T) {
	tests := []struct {
		name string
		body func(n int) io.Reader
	}{
		{"Content-Length over MaxPayload", func(n int) io.Reader { return bytes.NewReader(bytes.Repeat([]byte("4"), n)) }},
		{"chunked body over MaxPayload", func(n int) io.Reader { return io.MultiReader(strings.NewReader(strings.Repeat("4", n))) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{opts: &Options{MaxPayload: 100}})
			c := e.dial(modePolling)
			sess := e.session()
			e.waitFor("a waiting GET", func() bool { return pollPending(sess) })
			req, _ := http.NewRequest("POST", e.url("EIO=4&transport=polling&sid="+c.sid), tt.body(101))
			res, err := e.http.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 413 || !res.Close {
				t.Errorf("POST: %d (Connection: close %v), want 413 and the connection closed", res.StatusCode, res.Close)
			}
			if p := c.next(); p.typ != typeClose {
				t.Errorf("waiting GET got %c, want the close packet", p.typ)
			}
			if ce := e.closed(); ce.reason != ReasonTransportError || !errors.Is(ce.err, ErrPayloadTooLarge) {
				t.Errorf("OnClose(%q, %v), want transport error, ErrPayloadTooLarge", ce.reason, ce.err)
			}
			if status, _ := e.get("EIO=4&transport=polling&sid=" + c.sid); status != 400 {
				t.Errorf("GET after: %d, want 400", status)
			}
		})
	}
}

// TestPOSTBodyTimeout: a POST body not complete after
// HTTPRequestBodyTimeout is answered 408 and closes the session, on time.
func TestPOSTBodyTimeout(t *testing.T) {
	tests := []struct {
		name string
		opt  time.Duration
		want time.Duration
	}{
		{"default", 0, DefaultHTTPRequestBodyTimeout},
		{"option", 5 * time.Second, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t, envOptions{opts: &Options{HTTPRequestBodyTimeout: tt.opt, PingInterval: time.Hour, PingTimeout: time.Hour}, inMemory: true})
				op := e.handshake("")
				e.session()
				start := time.Now()
				conn := e.rawPost(op.SID, 100)
				defer conn.Close()
				if _, err := conn.Write([]byte("4hello")); err != nil {
					t.Fatal(err)
				}
				time.Sleep(tt.want - time.Millisecond)
				synctest.Wait()
				if e.srv.Count() != 1 {
					t.Fatalf("session closed before the body timeout")
				}
				res, _ := readResponse(t, conn)
				if d := time.Since(start); d != tt.want {
					t.Errorf("answered after %v, want %v", d, tt.want)
				}
				if res.StatusCode != http.StatusRequestTimeout || !res.Close {
					t.Errorf("POST: %d (Connection: close %v), want 408 and the connection closed", res.StatusCode, res.Close)
				}
				if ce := e.closed(); ce.reason != ReasonTransportError || !errors.Is(ce.err, ErrProtocol) {
					t.Errorf("OnClose(%q, %v), want transport error", ce.reason, ce.err)
				}
			})
		})
	}
}

// TestPOSTBodyChunks: a POST body may arrive in at most MaxBufferedChunks
// pieces; one more is answered 413 and closes the session. In-memory pipes
// make each write one read of the server.
func TestPOSTBodyChunks(t *testing.T) {
	tests := []struct {
		name   string
		pieces []string
		status int
	}{
		{"at the bound", []string{"4h", "e", "l", "l", "o"}, 200},
		{"one piece more", []string{"4h", "e", "l", "l", "o", "!"}, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				e := newEnv(t, envOptions{opts: &Options{MaxBufferedChunks: 5}, inMemory: true})
				c := e.dial(modePolling)
				e.session()
				conn := e.rawPost(c.sid, len(strings.Join(tt.pieces, "")))
				defer conn.Close()
				for _, p := range tt.pieces {
					if _, err := conn.Write([]byte(p)); err != nil {
						break // the server closed the connection
					}
				}
				res, _ := readResponse(t, conn)
				if res.StatusCode != tt.status {
					t.Fatalf("POST: %d, want %d", res.StatusCode, tt.status)
				}
				if tt.status == 200 {
					if got := c.nextMessage(); string(got.Data) != strings.Join(tt.pieces, "")[1:] {
						t.Errorf("echo %q", got.Data)
					}
					return
				}
				if ce := e.closed(); ce.reason != ReasonTransportError || !errors.Is(ce.err, ErrPayloadTooLarge) {
					t.Errorf("OnClose(%q, %v), want transport error, ErrPayloadTooLarge", ce.reason, ce.err)
				}
			})
		})
	}
}

// TestSessionCloseAbortsPOST: a session that closes, or starts closing,
// while the body of one of its POSTs is still arriving ends that POST at
// once (as Node destroys the request): nothing of it is kept.
func TestSessionCloseAbortsPOST(t *testing.T) {
	tests := []struct {
		name  string
		close func(*Session)
	}{
		{"closed", func(s *Session) { s.closeNow(ReasonForcedClose, nil) }},
		{"closing gracefully", (*Session).Close},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			op := e.handshake("")
			sess := e.session()
			received := make(chan int, 1)
			testHookBodyRead = func(n int) {
				select {
				case received <- n:
				default:
				}
			}
			t.Cleanup(func() { testHookBodyRead = nil })
			conn := e.rawPost(op.SID, 100)
			defer conn.Close()
			_, _ = conn.Write([]byte("4hello"))
			<-received
			tt.close(sess)
			_ = conn.SetReadDeadline(time.Now().Add(e.wait))
			if res, _ := readResponse(t, conn); res.StatusCode != 400 || !res.Close {
				t.Errorf("POST: %d (Connection: close %v), want 400 and the connection closed", res.StatusCode, res.Close)
			}
			if e.srv.Count() == 1 { // closing: the close packet is still to be polled
				if _, body := e.get("EIO=4&transport=polling&sid=" + op.SID); string(body) != "1" {
					t.Errorf("GET: %q, want the close packet", body)
				}
			}
			if ce := e.closed(); ce.reason != ReasonForcedClose {
				t.Errorf("OnClose(%q, %v), want forced close", ce.reason, ce.err)
			}
		})
	}
}

// slowPOSTClients is how many slow POSTs TestSlowPOSTMemory holds open.
const slowPOSTClients = 50

// TestSlowPOSTMemory: POSTs announcing nearly MaxPayload bytes and sending
// a few hold memory in proportion to what they sent, not to what they
// announced, and release it when their sessions close. Run with -v for the
// figures.
func TestSlowPOSTMemory(t *testing.T) {
	const announced, sent = 999_999, 10
	e := newEnv(t, envOptions{onConn: func(*Session) {}})
	sessions := make([]*Session, slowPOSTClients)
	sids := make([]string, slowPOSTClients)
	for i := range sessions {
		sids[i] = e.handshake("").SID
		sessions[i] = e.session()
	}
	var reached atomic.Int32
	testHookBodyRead = func(n int) {
		if n == sent {
			reached.Add(1)
		}
	}
	t.Cleanup(func() { testHookBodyRead = nil })
	before := heapAndStack()
	conns := make([]net.Conn, slowPOSTClients)
	for i, sid := range sids {
		conns[i] = e.rawPost(sid, announced)
		defer conns[i].Close()
		if _, err := conns[i].Write([]byte("4" + strings.Repeat("x", sent-1))); err != nil {
			t.Fatal(err)
		}
	}
	e.waitFor("every body read", func() bool { return reached.Load() == slowPOSTClients })
	during := heapAndStack()
	per := (int64(during) - int64(before)) / slowPOSTClients
	t.Logf("%d POSTs announcing %d bytes, %d sent: heap+stack %.1f MB -> %.1f MB, %d bytes per POST",
		slowPOSTClients, announced, sent, float64(before)/1e6, float64(during)/1e6, per)
	if per > 64<<10 {
		t.Errorf("a POST that sent %d bytes holds %d bytes, want at most 64 KiB", sent, per)
	}
	for _, s := range sessions {
		s.closeNow(ReasonForcedClose, nil)
	}
	for _, conn := range conns {
		_ = conn.SetReadDeadline(time.Now().Add(e.wait))
		if res, _ := readResponse(t, conn); res.StatusCode != 400 {
			t.Errorf("POST of a closed session: %d, want 400", res.StatusCode)
		}
	}
}

// TestReadBodyGrowsWithData: the buffer of a body follows the bytes
// received, whatever the Content-Length announced.
func TestReadBodyGrowsWithData(t *testing.T) {
	for _, n := range []int{0, 10, 511, 512, 513, 5000, 100_000} {
		b, err := readBody(io.MultiReader(bytes.NewReader(bytes.Repeat([]byte("x"), n))), 1_000_000, 10_000, time.Now().Add(time.Hour))
		if err != nil || len(b) != n {
			t.Fatalf("%d bytes: got %d, %v", n, len(b), err)
		}
		if c := cap(b); c > 2*n+512 {
			t.Errorf("%d bytes read into a buffer of %d", n, c)
		}
	}
}
