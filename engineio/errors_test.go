package engineio

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestRequestErrors checks every refusal against what the Node.js engine.io
// server answers: status and JSON body.
func TestRequestErrors(t *testing.T) {
	e := newEnv(t, envOptions{opts: &Options{AllowRequest: func(r *http.Request) error {
		if r.URL.Query().Get("token") == "bad" {
			return errors.New("invalid token")
		}
		if r.URL.Query().Get("token") == "empty" {
			return errors.New("")
		}
		return nil
	}}})
	c := e.dial(modePolling)
	wsSession := e.dial(modeWebSocket)
	tests := []struct {
		name    string
		method  string
		query   string
		hdr     http.Header
		status  int
		code    int
		message string
	}{
		{"no transport", "GET", "EIO=4", nil, 400, 0, "Transport unknown"},
		{"unknown transport", "GET", "EIO=4&transport=carrier-pigeon", nil, 400, 0, "Transport unknown"},
		{"webtransport", "GET", "EIO=4&transport=webtransport", nil, 400, 0, "Transport unknown"},
		{"unknown sid", "GET", "EIO=4&transport=polling&sid=nope", nil, 400, 1, "Session ID unknown"},
		{"unknown sid POST", "POST", "EIO=4&transport=polling&sid=nope", nil, 400, 1, "Session ID unknown"},
		{"POST handshake", "POST", "EIO=4&transport=polling", nil, 400, 2, "Bad handshake method"},
		{"PUT handshake", "PUT", "EIO=4&transport=polling", nil, 400, 2, "Bad handshake method"},
		{"OPTIONS without CORS", "OPTIONS", "EIO=4&transport=polling", nil, 400, 2, "Bad handshake method"},
		{"websocket without upgrade", "GET", "EIO=4&transport=websocket", nil, 400, 3, "Bad request"},
		{"polling on a websocket session", "GET", "EIO=4&transport=polling&sid=" + wsSession.sid, nil, 400, 3, "Bad request"},
		{"websocket GET on a polling session", "GET", "EIO=4&transport=websocket&sid=" + c.sid, nil, 400, 3, "Bad request"},
		{"EIO=3 GET on a session", "GET", "EIO=3&transport=polling&sid=" + c.sid, nil, 400, 3, "Bad request"},
		{"EIO=3 POST on a session", "POST", "EIO=3&transport=polling&sid=" + c.sid, nil, 400, 3, "Bad request"},
		{"no EIO on a session", "GET", "transport=polling&sid=" + c.sid, nil, 400, 3, "Bad request"},
		{"forbidden with message", "GET", "EIO=4&transport=polling&token=bad", nil, 403, 4, "invalid token"},
		{"forbidden", "GET", "EIO=4&transport=polling&token=empty", nil, 403, 4, "Forbidden"},
		{"EIO=3", "GET", "EIO=3&transport=polling", nil, 400, 5, "Unsupported protocol version"},
		{"no EIO", "GET", "transport=polling", nil, 400, 5, "Unsupported protocol version"},
		{"EIO=5", "GET", "EIO=5&transport=polling", nil, 400, 5, "Unsupported protocol version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do(tt.method, tt.query, nil, tt.hdr)
			if status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
			var got struct {
				Code    *int    `json:"code"`
				Message *string `json:"message"`
			}
			if err := json.Unmarshal(body, &got); err != nil || got.Code == nil || got.Message == nil {
				t.Fatalf("body %q: %v", body, err)
			}
			if *got.Code != tt.code || *got.Message != tt.message {
				t.Errorf("body %s, want code %d message %q", body, tt.code, tt.message)
			}
		})
	}
	// The sessions named above are not harmed by refused requests.
	c.send(Message{Data: []byte("ok")})
	if got := c.nextMessage(); string(got.Data) != "ok" {
		t.Errorf("got %q", got.Data)
	}
}

// TestUpgradeRequestErrors: refused WebSocket upgrades get status 400 and
// the message as text, like Node's abortUpgrade.
func TestUpgradeRequestErrors(t *testing.T) {
	e := newEnv(t, envOptions{opts: &Options{AllowRequest: func(r *http.Request) error {
		if r.URL.Query().Get("token") == "bad" {
			return errors.New("invalid token")
		}
		return nil
	}}})
	ws := e.dial(modeWebSocket)
	pc := e.dial(modePolling)
	tests := []struct {
		name, query, origin, body string
	}{
		{"upgrade with another protocol version", "EIO=3&transport=websocket&sid=" + pc.sid, "", "Bad request"},
		{"unknown sid", "EIO=4&transport=websocket&sid=nope", "", "Session ID unknown"},
		{"forbidden", "EIO=4&transport=websocket&token=bad", "", "invalid token"},
		{"protocol version", "EIO=3&transport=websocket", "", "Unsupported protocol version"},
		// A second WebSocket for a session is accepted, then closed (see
		// TestSecondWebSocketClosed), unless its EIO differs (engine.io
		// 6.6.13's PROTOCOL_MISMATCH).
		{"protocol version of the session", "EIO=3&transport=websocket&sid=" + ws.sid, "", "Bad request"},
		{"no protocol version with a sid", "transport=websocket&sid=" + ws.sid, "", "Bad request"},
		{"cross origin", "EIO=4&transport=websocket", "https://evil.example", "Forbidden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := http.Header{}
			if tt.origin != "" {
				hdr.Set("Origin", tt.origin)
			}
			conn, res, err := e.dialer.Dial(e.wsURL(tt.query), hdr)
			if err == nil {
				conn.Close()
				t.Fatal("upgrade accepted")
			}
			if res == nil {
				t.Fatalf("no response: %v", err)
			}
			if res.StatusCode != 400 {
				t.Errorf("status %d, want 400", res.StatusCode)
			}
			buf := make([]byte, 256)
			n, _ := res.Body.Read(buf)
			if got := string(buf[:n]); got != tt.body {
				t.Errorf("body %q, want %q", got, tt.body)
			}
		})
	}
	// The sessions named above are not harmed by refused upgrades.
	for _, c := range []*client{ws, pc} {
		c.send(Message{Data: []byte("ok")})
		if got := c.nextMessage(); string(got.Data) != "ok" {
			t.Errorf("%s: got %q", c.transport(), got.Data)
		}
	}
}

func TestPathAndMethods(t *testing.T) {
	e := newEnv(t, envOptions{opts: &Options{Path: "/custom"}})
	if !strings.HasSuffix(e.base, "/custom/") {
		t.Fatalf("base %s", e.base)
	}
	e.dial(modePolling)
	sess := e.session()
	if status, _ := e.do("PUT", "EIO=4&transport=polling&sid="+sess.ID(), nil, nil); status != 500 {
		t.Errorf("PUT on a session: status %d, want 500 as Node", status)
	}
	res, err := e.http.Get(strings.TrimSuffix(e.base, "custom/") + "other/?EIO=4&transport=polling")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Errorf("request outside the path: %d, want 404", res.StatusCode)
	}
}

func TestErrorTypes(t *testing.T) {
	var pe error = &ParseError{Reason: "x"}
	if !errors.Is(pe, ErrMalformed) {
		t.Error("ParseError is not ErrMalformed")
	}
	if !strings.HasPrefix(pe.Error(), "engineio: ") {
		t.Errorf("message %q lacks the prefix", pe.Error())
	}
	var re *RequestError
	if !errors.As(error(refuse(CodeUnknownSID)), &re) || re.Code != CodeUnknownSID || re.status() != 400 {
		t.Error("RequestError")
	}
	if refuse(CodeForbidden).status() != 403 {
		t.Error("Forbidden is not 403")
	}
	if !errors.Is(protocolError("x"), ErrProtocol) {
		t.Error("protocolError is not ErrProtocol")
	}
	for c := CodeUnknownTransport; c <= CodeUnsupportedProtocolVersion; c++ {
		if c.String() == "" || strings.HasPrefix(c.String(), "ErrorCode") {
			t.Errorf("code %d has no message", c)
		}
	}
}
