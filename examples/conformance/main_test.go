package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// longHeartbeat keeps sessions alive however slowly the test runs: the
// behaviour tests below must not depend on wall-clock speed.
var longHeartbeat = heartbeat{interval: time.Minute, timeout: time.Minute}

func startFixtures(t *testing.T, hb heartbeat) string {
	t.Helper()
	mux, shutdown := newMux(hb)
	ts := httptest.NewServer(mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shutdown(ctx)
		ts.Close()
	})
	return ts.URL
}

// poller is a minimal Engine.IO long-polling client.
type poller struct {
	t   *testing.T
	url string // with EIO, transport and sid
}

func (p *poller) do(method, body string) (int, string) {
	p.t.Helper()
	req, err := http.NewRequest(method, p.url, strings.NewReader(body))
	if err != nil {
		p.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// open performs the handshake at path and returns the client and the open
// packet's fields.
func open(t *testing.T, base, path string) (*poller, map[string]any) {
	t.Helper()
	p := &poller{t: t, url: base + path + "?EIO=4&transport=polling"}
	status, body := p.do(http.MethodGet, "")
	if status != http.StatusOK || !strings.HasPrefix(body, "0") {
		t.Fatalf("handshake: %d %q", status, body)
	}
	var hs map[string]any
	if err := json.Unmarshal([]byte(body[1:]), &hs); err != nil {
		t.Fatalf("open packet %q: %v", body, err)
	}
	p.url += "&sid=" + hs["sid"].(string)
	t.Cleanup(func() { p.do(http.MethodPost, "1") }) // close, as a client does
	return p, hs
}

func (p *poller) send(packets ...string) {
	p.t.Helper()
	if status, body := p.do(http.MethodPost, strings.Join(packets, "\x1e")); status != http.StatusOK || body != "ok" {
		p.t.Fatalf("POST: %d %q", status, body)
	}
}

// receive polls until it has n packets and returns them.
func (p *poller) receive(n int) []string {
	p.t.Helper()
	var got []string
	for len(got) < n {
		status, body := p.do(http.MethodGet, "")
		if status != http.StatusOK {
			p.t.Fatalf("GET: %d %q (after %q)", status, body, got)
		}
		got = append(got, strings.Split(body, "\x1e")...)
	}
	return got
}

func TestHandshakes(t *testing.T) {
	base := startFixtures(t, suiteHeartbeat)
	for _, path := range []string{"/engine.io/", "/socket.io/"} {
		t.Run(path, func(t *testing.T) {
			_, hs := open(t, base, path)
			want := map[string]any{"pingInterval": 300.0, "pingTimeout": 200.0, "maxPayload": 1e6, "upgrades": []any{"websocket"}}
			for k, v := range want {
				if got, _ := json.Marshal(hs[k]); string(got) != mustJSON(t, v) {
					t.Errorf("%s = %s, want %s", k, got, mustJSON(t, v))
				}
			}
		})
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEngineIOEcho(t *testing.T) {
	base := startFixtures(t, longHeartbeat)
	p, _ := open(t, base, "/engine.io/")
	p.send("4hello", "bAQIDBA==")
	if got := strings.Join(p.receive(2), "|"); got != "4hello|bAQIDBA==" {
		t.Fatalf("echo = %q", got)
	}
}

func TestSocketIOFixture(t *testing.T) {
	base := startFixtures(t, longHeartbeat)
	tests := []struct {
		name string
		send []string // after the namespace CONNECT and its replies
		want []string
	}{
		{"message-back", []string{`42["message",1,"two",{"three":3}]`}, []string{`42["message-back",1,"two",{"three":3}]`}},
		{"message-back-binary", []string{`451-["message",{"_placeholder":true,"num":0}]`, "bAQIDBA=="}, []string{`451-["message-back",{"_placeholder":true,"num":0}]`, "bAQIDBA=="}},
		{"message-with-ack", []string{`427["message-with-ack",1,"two"]`}, []string{`437[1,"two"]`}},
		{"message-with-ack-binary", []string{`451-13["message-with-ack",{"_placeholder":true,"num":0}]`, "bAQIDBA=="}, []string{`461-13[{"_placeholder":true,"num":0}]`, "bAQIDBA=="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := open(t, base, "/socket.io/")
			p.send(`40{"token":"abc"}`)
			got := p.receive(2)
			if !strings.HasPrefix(got[0], `40{"sid":"`) || got[1] != `42["auth",{"token":"abc"}]` {
				t.Fatalf("connect replies = %q", got)
			}
			p.send(tt.send...)
			if got := p.receive(len(tt.want)); strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("custom-namespace-without-auth", func(t *testing.T) {
		p, _ := open(t, base, "/socket.io/")
		p.send(`40/custom,`)
		got := p.receive(2)
		if !strings.HasPrefix(got[0], `40/custom,{"sid":"`) || got[1] != `42/custom,["auth",{}]` {
			t.Fatalf("connect replies = %q", got)
		}
	})
}
