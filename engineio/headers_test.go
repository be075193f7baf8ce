package engineio

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

// hookOptions returns options with the session cookie and both header
// hooks: InitialHeaders adds an affinity cookie and checks that the session
// cookie is already there; Headers records the method and whether
// InitialHeaders ran before it.
func hookOptions() *Options {
	return &Options{
		Cookie: &CookieOptions{},
		InitialHeaders: func(h http.Header, r *http.Request) {
			if !strings.HasPrefix(h.Get("Set-Cookie"), "io=") {
				h.Set("X-Error", "no session cookie before InitialHeaders")
			}
			h.Add("Set-Cookie", "affinity=node-1; Path=/")
			h.Set("X-Initial", "yes")
		},
		Headers: func(h http.Header, r *http.Request) {
			h.Set("X-Seen", r.Method+" after initial="+h.Get("X-Initial"))
		},
	}
}

// checkHookHeaders checks the headers of a response for the hooks of
// hookOptions: initial tells whether it answers a handshake.
func checkHookHeaders(t *testing.T, what string, h http.Header, sid, method string, initial bool) {
	t.Helper()
	var wantCookies []string
	wantSeen, wantInitial := method+" after initial=", ""
	if initial {
		wantCookies = []string{"io=" + sid + "; Path=/; HttpOnly; SameSite=Lax", "affinity=node-1; Path=/"}
		wantSeen, wantInitial = wantSeen+"yes", "yes"
	}
	if got := h.Values("Set-Cookie"); !slices.Equal(got, wantCookies) {
		t.Errorf("%s: Set-Cookie %q, want %q", what, got, wantCookies)
	}
	if got := h.Get("X-Initial"); got != wantInitial {
		t.Errorf("%s: X-Initial %q, want %q", what, got, wantInitial)
	}
	if got := h.Get("X-Seen"); got != wantSeen {
		t.Errorf("%s: X-Seen %q, want %q", what, got, wantSeen)
	}
	if got := h.Get("X-Error"); got != "" {
		t.Errorf("%s: %s", what, got)
	}
}

// TestHeaderHooks: InitialHeaders runs for the handshake response, after
// the session cookie is set; Headers for every response of a session, over
// polling (GET, POST), WebSocket and the upgrade, never for refusals.
func TestHeaderHooks(t *testing.T) {
	do := func(e *env, method, query, body string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, e.url(query), strings.NewReader(body))
		res, err := e.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, b
	}
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{opts: hookOptions(), onConn: func(s *Session) {
			s.OnMessage(func(msg Message) { _ = s.Send(msg) })
		}})
		var sid string
		if m == modeWebSocket {
			conn, res, err := e.dialer.Dial(e.wsURL("EIO=4&transport=websocket"), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_, data, _ := conn.ReadMessage()
			var op openPacket
			_ = json.Unmarshal(data[1:], &op)
			checkHookHeaders(t, "WebSocket handshake", res.Header, op.SID, "GET", true)
			e.session()
			return
		}
		res, body := do(e, "GET", "EIO=4&transport=polling", "")
		var op openPacket
		_ = json.Unmarshal(body[1:], &op)
		sid = op.SID
		checkHookHeaders(t, "polling handshake", res.Header, sid, "GET", true)
		sess := e.session()
		q := "EIO=4&transport=polling&sid=" + url.QueryEscape(sid)
		res, body = do(e, "POST", q, "4hi")
		checkHookHeaders(t, "POST", res.Header, sid, "POST", false)
		if string(body) != "ok" {
			t.Fatalf("POST: %q", body)
		}
		res, body = do(e, "GET", q, "")
		checkHookHeaders(t, "GET", res.Header, sid, "GET", false)
		if string(body) != "4hi" {
			t.Fatalf("GET: %q", body)
		}
		res, _ = do(e, "GET", "EIO=4&transport=polling&sid=unknown", "")
		if res.StatusCode != 400 || res.Header.Get("X-Seen") != "" {
			t.Errorf("refusal: %d, X-Seen %q: the hook ran", res.StatusCode, res.Header.Get("X-Seen"))
		}
		if m == modeUpgrade {
			conn, res, err := e.dialer.Dial(e.wsURL("EIO=4&transport=websocket&sid="+url.QueryEscape(sid)), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			checkHookHeaders(t, "upgrade", res.Header, sid, "GET", false)
		}
		sess.closeNow(ReasonForcedClose, nil)
	})
}

// TestHeaderHookPanic: a panicking hook is logged and the response goes
// out.
func TestHeaderHookPanic(t *testing.T) {
	var logMu sync.Mutex
	var logBuf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&lockedWriter{mu: &logMu, w: &logBuf}, nil))
	run(t, func(t *testing.T, m mode) {
		e := newEnv(t, envOptions{opts: &Options{
			Logger:         logger,
			InitialHeaders: func(http.Header, *http.Request) { panic("initial hook") },
			Headers:        func(http.Header, *http.Request) { panic("hook") },
		}})
		c := e.dial(m)
		e.session()
		c.send(Message{Data: []byte("still works")})
		if got := c.nextMessage(); string(got.Data) != "still works" {
			t.Errorf("echo %q", got.Data)
		}
	})
	logMu.Lock()
	defer logMu.Unlock()
	if !strings.Contains(logBuf.String(), "header hook panicked") {
		t.Errorf("no panic logged: %s", logBuf.String())
	}
}

// lockedWriter serializes writes to w.
type lockedWriter struct {
	mu *sync.Mutex // guards w
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
