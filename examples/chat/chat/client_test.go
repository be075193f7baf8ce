package chat_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// pollClient is a minimal Socket.IO client over Engine.IO long-polling
// that shows exactly what the server writes, byte for byte and in order
// with the acknowledgements: TestAcks checks the chat's wire format with
// it. The other tests use sio's Go client (chatter_test.go); the browser
// test (e2e/) runs the real socket.io-client.
type pollClient struct {
	t       *testing.T
	base    string // .../socket.io/?EIO=4&transport=polling&sid=...
	queue   []string
	nextAck int
}

// step bounds each request of a test.
const step = 10 * time.Second

// dial opens a session and connects to the main namespace with auth
// (raw JSON, or "" for none); it returns the CONNECT answer packet.
func dial(t *testing.T, hs *httptest.Server, auth string) (*pollClient, string) {
	t.Helper()
	c := &pollClient{t: t}
	body := c.do(http.MethodGet, hs.URL+"/socket.io/?EIO=4&transport=polling", "")
	if !strings.HasPrefix(body, "0") {
		t.Fatalf("handshake: %q", body)
	}
	var hello struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal([]byte(body[1:]), &hello); err != nil {
		t.Fatalf("handshake %q: %v", body, err)
	}
	c.base = hs.URL + "/socket.io/?EIO=4&transport=polling&sid=" + hello.SID
	c.send("0" + auth)
	t.Cleanup(c.close)
	return c, c.next()
}

func (c *pollClient) do(method, url, body string) string {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), step)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		c.t.Fatalf("%s %s: %d %q %v", method, url, resp.StatusCode, b, err)
	}
	return string(b)
}

// send POSTs one Engine.IO message packet holding the Socket.IO packet p.
func (c *pollClient) send(p string) {
	c.t.Helper()
	if got := c.do(http.MethodPost, c.base, "4"+p); got != "ok" {
		c.t.Fatalf("POST answered %q", got)
	}
}

// emit sends an event; with ack it asks for an acknowledgement and returns
// the ack packet's id.
func (c *pollClient) emit(ack bool, args ...any) int {
	c.t.Helper()
	b, err := json.Marshal(args)
	if err != nil {
		c.t.Fatal(err)
	}
	if !ack {
		c.send("2" + string(b))
		return -1
	}
	id := c.nextAck
	c.nextAck++
	c.send(fmt.Sprintf("2%d%s", id, b))
	return id
}

// call emits with an acknowledgement and returns the packets received
// before the ack, and the ack's arguments.
func (c *pollClient) call(args ...any) (before []string, ack string) {
	c.t.Helper()
	id := c.emit(true, args...)
	prefix := fmt.Sprintf("3%d", id)
	for {
		p := c.next()
		if strings.HasPrefix(p, prefix+"[") {
			return before, p[len(prefix):]
		}
		before = append(before, p)
	}
}

// next returns the next Socket.IO packet the server sent (answering pings
// on the way).
func (c *pollClient) next() string {
	c.t.Helper()
	for len(c.queue) == 0 {
		for _, p := range strings.Split(c.do(http.MethodGet, c.base, ""), "\x1e") {
			switch {
			case p == "2":
				if got := c.do(http.MethodPost, c.base, "3"); got != "ok" {
					c.t.Fatalf("pong answered %q", got)
				}
			case strings.HasPrefix(p, "4"):
				c.queue = append(c.queue, p[1:])
			default:
				c.t.Fatalf("unexpected Engine.IO packet %q", p)
			}
		}
	}
	p := c.queue[0]
	c.queue = c.queue[1:]
	return p
}

// close disconnects: a Socket.IO DISCONNECT, then an Engine.IO close. It
// may be called more than once; the server's answer is not checked, as the
// session may be gone already.
func (c *pollClient) close() {
	ctx, cancel := context.WithTimeout(context.Background(), step)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base, strings.NewReader("41\x1e1"))
	if err != nil {
		return
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}
