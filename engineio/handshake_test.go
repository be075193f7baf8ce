package engineio

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/websocket"
)

// TestSessionHandshake checks what a session keeps of its handshake
// request, and the request Session.Request rebuilds from it: code reading
// cookies, headers and the query of an *http.Request keeps working.
func TestSessionHandshake(t *testing.T) {
	tests := []struct {
		name string
		open func(t *testing.T, url string, hdr http.Header)
	}{
		{"polling", func(t *testing.T, url string, hdr http.Header) {
			req, err := http.NewRequest("GET", url+"&transport=polling", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header = hdr
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_ = resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("handshake: %s", resp.Status)
			}
		}},
		{"websocket", func(t *testing.T, url string, hdr http.Header) {
			ws, _, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(url, "http")+"&transport=websocket", hdr)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = ws.Close() })
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := NewServer(nil)
			sessions := make(chan *Session, 1)
			srv.OnConnection(func(s *Session) { sessions <- s })
			hs := httptest.NewServer(srv)
			t.Cleanup(func() {
				_ = srv.Shutdown(t.Context())
				hs.Close()
			})
			host := strings.TrimPrefix(hs.URL, "http://")
			hdr := http.Header{"Cookie": {"a=1; b=2"}, "X-Custom": {"v1", "v2"}}
			tt.open(t, hs.URL+"/engine.io/?EIO=4&x=1&x=2&y=z", hdr)
			var s *Session
			select {
			case s = <-sessions:
			case <-time.After(10 * time.Second):
				t.Fatal("no session")
			}

			h := s.Handshake()
			if s.Handshake() != h {
				t.Error("Handshake returns a different value on each call")
			}
			if got := h.Header().Get("Host"); got != host {
				t.Errorf("Handshake().Header Host = %q, want %q", got, host)
			}
			if got := h.Header()["X-Custom"]; !slices.Equal(got, []string{"v1", "v2"}) {
				t.Errorf("Handshake().Header X-Custom = %q", got)
			}
			if !strings.HasPrefix(h.RemoteAddr(), "127.0.0.1:") || h.Proto() != "HTTP/1.1" || h.TLS() != nil {
				t.Errorf("Handshake() = %+v", h)
			}
			if want := "/engine.io/?EIO=4&x=1&x=2&y=z&transport=" + tt.name; h.RequestURI() != want {
				t.Errorf("RequestURI = %q, want %q", h.RequestURI(), want)
			}

			r := s.Request()
			if r.Method != http.MethodGet || r.Host != host || r.RemoteAddr != h.RemoteAddr() || r.RequestURI != h.RequestURI() || r.ProtoMajor != 1 || r.ProtoMinor != 1 {
				t.Errorf("Request() = %+v", r)
			}
			if c, err := r.Cookie("b"); err != nil || c.Value != "2" {
				t.Errorf(`Request().Cookie("b") = %v, %v`, c, err)
			}
			if got := r.URL.Query()["x"]; !slices.Equal(got, []string{"1", "2"}) {
				t.Errorf("Request().URL.Query() x = %q", got)
			}
			if r.URL.Path != "/engine.io/" || r.FormValue("y") != "z" {
				t.Errorf("Request().URL = %v", r.URL)
			}
			if _, ok := r.Header["Host"]; ok {
				t.Error("Request().Header has Host; a server request has it in Request.Host only")
			}
			if r.Body != http.NoBody || r.Context().Done() != nil {
				t.Errorf("Request() body %v, context %v", r.Body, r.Context())
			}
			// Each call is a new request: changing one changes nothing else.
			r.Header.Set("X-Custom", "changed")
			if again := s.Request(); again == r || again.Header.Get("X-Custom") != "v1" || h.Header().Get("X-Custom") != "v1" {
				t.Error("a change to Request()'s header shows in the session's handshake")
			}
		})
	}
}

// TestNewHandshake checks the facts taken from requests that a server does
// not make itself: no RequestURI, or an absolute one.
func TestNewHandshake(t *testing.T) {
	tests := []struct {
		name    string
		req     func() *http.Request
		wantURI string
	}{
		{"made in the process", func() *http.Request {
			r, _ := http.NewRequest("GET", "http://example.com/engine.io/?EIO=4&transport=polling", nil)
			return r
		}, "/engine.io/?EIO=4&transport=polling"},
		{"absolute request-target", func() *http.Request {
			r, _ := http.ReadRequest(bufio.NewReader(strings.NewReader("GET http://example.com/engine.io/?EIO=4 HTTP/1.1\r\nHost: example.com\r\n\r\n")))
			return r
		}, "/engine.io/?EIO=4"},
		{"server request", func() *http.Request {
			return httptest.NewRequest("GET", "/engine.io/?EIO=4&a=%20", nil)
		}, "/engine.io/?EIO=4&a=%20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := NewHandshake(tt.req())
			if h.RequestURI() != tt.wantURI {
				t.Errorf("RequestURI = %q, want %q", h.RequestURI(), tt.wantURI)
			}
			if got := h.Header().Get("Host"); got != "example.com" {
				t.Errorf("Host header %q", got)
			}
			if r := h.Request(); r.URL.RequestURI() != tt.wantURI || r.Host != "example.com" {
				t.Errorf("Request() URL %v, Host %q", r.URL, r.Host)
			}
		})
	}
}

// TestHandOver checks when a WebSocket reader moves to a fresh goroutine:
// not with input buffered, at most once per wsHandOverEvery.
func TestHandOver(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := &wsConn{br: bufio.NewReaderSize(strings.NewReader("buffered input"), 16)}
		steps := []struct {
			name  string
			after time.Duration
			input bool // the reader has input buffered
			want  bool
		}{
			{"first", 0, false, true},
			{"again at once", 0, false, false},
			{"just before the period", wsHandOverEvery - time.Nanosecond, false, false},
			{"input buffered", time.Second, true, false},
			{"a period later", 0, false, true},
		}
		for _, st := range steps {
			time.Sleep(st.after)
			if st.input {
				if _, err := c.br.Peek(1); err != nil {
					t.Fatal(err)
				}
			} else if n := c.br.Buffered(); n > 0 {
				_, _ = c.br.Discard(n)
			}
			if got := c.handOver(); got != st.want {
				t.Errorf("%s: handOver() = %v, want %v", st.name, got, st.want)
			}
		}
	})
}

// TestHandshakePacking checks that the facts packed into a Handshake come
// back as they went in: repeated and empty values, long ones (lengths of
// several bytes), any bytes.
func TestHandshakePacking(t *testing.T) {
	long := strings.Repeat("x", 300)
	tests := []struct {
		name   string
		header http.Header
		addr   string
	}{
		{"no headers", http.Header{}, ""},
		{"repeated and empty values", http.Header{"A": {"1", "2", ""}, "B": {}, "Cookie": {"k=v"}}, "[::1]:1"},
		{"long values", http.Header{"Long": {long, long + long}, "X-" + long: {"v"}}, long},
		{"any bytes", http.Header{"Odd": {"é\x00\n\xff"}}, "1.2.3.4:5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/engine.io/?EIO=4&q="+long, nil)
			r.Header = tt.header.Clone()
			r.RemoteAddr = tt.addr
			h := NewHandshake(r)
			want := tt.header.Clone()
			want["Host"] = []string{"example.com"}
			if got := h.Header(); !reflect.DeepEqual(got, want) {
				t.Errorf("Header() = %q, want %q", got, want)
			}
			if h.RemoteAddr() != tt.addr || h.RequestURI() != "/engine.io/?EIO=4&q="+long {
				t.Errorf("RemoteAddr() = %q, RequestURI() = %q", h.RemoteAddr(), h.RequestURI())
			}
		})
	}
}

// TestReaderHandOver sends messages of several sizes to a WebSocket
// session with pauses between them, so that the reader hands over to a
// fresh goroutine and waits on the smallest read buffer in between: every
// message arrives whole, in order.
func TestReaderHandOver(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := newEnv(t, envOptions{inMemory: true})
		c := e.dial(modeWebSocket)
		for i, n := range []int{1, 15, 16, 17, 600, 5000} {
			data := []byte(strings.Repeat(string(rune('a'+i)), n))
			c.send(Message{Data: data})
			if got := c.nextMessage(); string(got.Data) != string(data) {
				t.Fatalf("message of %d bytes echoed as %d bytes", n, len(got.Data))
			}
			time.Sleep(wsHandOverEvery + time.Millisecond)
		}
	})
}
