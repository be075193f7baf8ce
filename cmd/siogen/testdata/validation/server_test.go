package main

// server_test.go runs the generated code on a real socketio.Server, over
// long-polling and WebSocket, with a raw Socket.IO client: what a client
// sees when Validate fails or panics, with and without a DecodeError hook.

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogo/sio/socketio"
)

// client speaks Engine.IO 4 packets (strings) over one transport.
type client interface {
	send(packet string)
	recv() string // the next packet; fails the test after a timeout
	close()
}

// pollClient is an Engine.IO long-polling client.
type pollClient struct {
	t       *testing.T
	url     string
	pending []string
}

func (c *pollClient) do(method, body string) string {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.url, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b)
}

func (c *pollClient) send(p string) { c.t.Helper(); c.do("POST", p) }

func (c *pollClient) recv() string {
	c.t.Helper()
	for len(c.pending) == 0 {
		c.pending = strings.Split(c.do("GET", ""), "\x1e")
	}
	p := c.pending[0]
	c.pending = c.pending[1:]
	return p
}

func (c *pollClient) close() { c.do("POST", "1") }

func dialPolling(t *testing.T, base string) client {
	c := &pollClient{t: t, url: base + "/socket.io/?EIO=4&transport=polling"}
	open := c.recv()
	_, sid, _ := strings.Cut(open, `"sid":"`)
	sid, _, _ = strings.Cut(sid, `"`)
	c.url += "&sid=" + sid
	return c
}

// wsClient is an Engine.IO WebSocket client.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
}

func (c *wsClient) send(p string) {
	c.t.Helper()
	if err := c.conn.WriteMessage(websocket.TextMessage, []byte(p)); err != nil {
		c.t.Fatal(err)
	}
}

func (c *wsClient) recv() string {
	c.t.Helper()
	if err := c.conn.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		c.t.Fatal(err)
	}
	_, b, err := c.conn.ReadMessage()
	if err != nil {
		c.t.Fatal(err)
	}
	return string(b)
}

func (c *wsClient) close() { c.conn.Close() }

func dialWebSocket(t *testing.T, base string) client {
	conn, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/socket.io/?EIO=4&transport=websocket", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c := &wsClient{t: t, conn: conn}
	c.recv() // the open packet
	return c
}

// syncBuffer is a log destination safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestValidationOverTransports(t *testing.T) {
	// Each step sends packets and expects the next non-ping packet. An
	// event whose validation fails gets no acknowledgement (without a
	// hook), so the acknowledgement of the valid event sent after it is
	// the next packet.
	steps := []struct {
		name string
		send []string
		want string
	}{
		{"auth invalid", []string{`40/strict,{"token":""}`}, `44/strict,{"message":"sio: invalid auth payload of connect: token is empty"}`},
		{"auth missing is validated", []string{`40/strict,`}, `44/strict,{"message":"sio: invalid auth payload of connect: token is empty"}`},
		{"auth Validate panics", []string{`40/strict,{"token":"panic"}`}, `44/strict,{"message":"Internal server error"}`},
		{"auth valid", []string{`40/strict,{"token":"t"}`}, `40/strict,{"sid":"`},
		{"invalid event, no ack", []string{`42/strict,1["rename",""]`, `42/strict,2["rename","ok"]`}, `43/strict,2["renamed ok"]`},
		{"invalid optional, no ack", []string{`42/strict,3["maybe",{"X":5,"Y":0}]`, `42/strict,4["maybe",null]`}, `43/strict,4["ok"]`},
		{"Validate panics, no ack", []string{`42/strict,5["boom",{"text":"t"}]`, `42/strict,6["rename","z"]`}, `43/strict,6["renamed z"]`},
		{"hooked, no auth", []string{`40/hooked,`}, `40/hooked,{"sid":"`},
		{"hook answers", []string{`42/hooked,7["rename",""]`}, `43/hooked,7[{"error":"name is empty"}]`},
		{"hook answers decode error", []string{`42/hooked,8["rename",1]`}, `43/hooked,8[{"error":"bad request"}]`},
		{"hooked Validate panics, no ack", []string{`42/hooked,9["boom",{"text":"t"}]`, `42/hooked,10["rename","y"]`}, `43/hooked,10["renamed y"]`},
	}
	for _, transport := range []struct {
		name string
		dial func(*testing.T, string) client
	}{{"polling", dialPolling}, {"websocket", dialWebSocket}} {
		t.Run(transport.name, func(t *testing.T) {
			var logs syncBuffer
			srv := socketio.NewServer(&socketio.Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			RegisterStrict(srv, func() *Strict { return &Strict{log: &strings.Builder{}} })
			RegisterHooked(srv, func() *Hooked { return &Hooked{log: &strings.Builder{}} })
			hs := httptest.NewServer(srv)
			defer hs.Close()
			defer func() {
				if err := srv.Shutdown(context.Background()); err != nil {
					t.Error(err)
				}
			}()
			c := transport.dial(t, hs.URL)
			defer c.close()
			var wire []string
			for _, st := range steps {
				for _, p := range st.send {
					c.send(p)
				}
				got := c.recv()
				for got == "2" { // a ping
					c.send("3")
					got = c.recv()
				}
				wire = append(wire, got)
				if !strings.HasPrefix(got, st.want) {
					t.Fatalf("%s: got %q, want %q…", st.name, got, st.want)
				}
			}
			if w := strings.Join(wire, "\n"); strings.Contains(w, "secret") {
				t.Errorf("a panic's text reached the client:\n%s", w)
			}
			// The panics were logged as a handler's are; the failed
			// validations without a hook were logged as handler errors.
			log := logs.String()
			for _, want := range []string{
				"socketio: handler panicked",
				"secret-validate-panic: t",
				"secret-auth-panic",
				`event handler failed" event=rename`,
				`sio: invalid argument 0 of event \"rename\": name is empty`,
			} {
				if !strings.Contains(log, want) {
					t.Errorf("the log lacks %q:\n%s", want, log)
				}
			}
		})
	}
}
