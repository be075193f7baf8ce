package engineio

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
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

func TestPOSTTooLargeStatus(t *testing.T) {
	e := newEnv(t, envOptions{opts: &Options{MaxPayload: 100}})
	op := e.handshake("")
	e.session()
	if status, _ := e.do("POST", "EIO=4&transport=polling&sid="+op.SID, bytes.Repeat([]byte("4"), 101), nil); status != 413 {
		t.Errorf("status %d, want 413", status)
	}
	if ce := e.closed(); !errors.Is(ce.err, ErrPayloadTooLarge) {
		t.Errorf("OnClose(%q, %v)", ce.reason, ce.err)
	}
	op = e.handshake("")
	e.session()
	if status, _ := e.do("POST", "EIO=4&transport=polling&sid="+op.SID, []byte("4x"), http.Header{"Content-Type": {"application/octet-stream"}}); status != 400 {
		t.Errorf("binary body: status %d, want 400", status)
	}
	if ce := e.closed(); ce.reason != ReasonTransportError {
		t.Errorf("OnClose(%q, %v)", ce.reason, ce.err)
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
