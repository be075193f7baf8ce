package loadgen

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeServer is an in-process Socket.IO server over WebSocket that answers
// the handshake with connectReply and every later message m with
// reply(m), when not nil.
func fakeServer(t *testing.T, connectReply string, reply func(m []byte) []byte) string {
	t.Helper()
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		if ws.WriteMessage(websocket.TextMessage, []byte(`0{"sid":"x","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`)) != nil {
			return
		}
		if _, m, err := ws.ReadMessage(); err != nil || string(m) != "40" {
			return
		}
		if ws.WriteMessage(websocket.TextMessage, []byte(connectReply)) != nil {
			return
		}
		for {
			_, m, err := ws.ReadMessage()
			if err != nil {
				return
			}
			if out := reply(m); out != nil {
				if ws.WriteMessage(websocket.TextMessage, out) != nil {
					return
				}
			}
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// TestWrongReplies: the generator counts only the replies the app sends,
// and fails on any other.
func TestWrongReplies(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the load generator reads /proc: Linux only")
	}
	ackWith := func(body string) func(m []byte) []byte {
		return func(m []byte) []byte {
			id := bytes.TrimPrefix(m[:bytes.IndexByte(m, '[')], []byte("42"))
			return append(append([]byte("43"), id...), body...)
		}
	}
	tests := []struct {
		name     string
		connect  string
		reply    func(m []byte) []byte
		scenario func(context.Context, Target, *Config) ([]Value, error)
		want     string
	}{
		{"connect refused", `44{"message":"no"}`, nil, runAck, `got "44{\"message\":\"no\"}", want the Socket.IO CONNECT reply`},
		{"ack with another argument", `40{"sid":"s"}`, ackWith(`["other"]`), runAck, `unexpected message "430[\"other\"]"`},
		{"ack for an echo not sent", `40{"sid":"s"}`, func([]byte) []byte { return []byte("4399" + string(ackTail)) }, runAck, "acknowledgement 99 of an echo not sent"},
		{"ack out of turn at one in flight", `40{"sid":"s"}`, func([]byte) []byte { return []byte("430" + string(ackTail)) }, runLatency, "acknowledgement 0, want 1"},
		{"broadcast of another event", `40{"sid":"s"}`, func([]byte) []byte { return []byte(`42["tock"]`) }, runFanout, `unexpected message "42[\"tock\"]"`},
		{"no broadcast", `40{"sid":"s"}`, func([]byte) []byte { return nil }, runFanout, "broadcast 0 has not reached all 5 connections in 300ms"},
		{"no acknowledgement", `40{"sid":"s"}`, func([]byte) []byte { return nil }, runAck, "no acknowledgement in the measured window"},
		{"idle, nothing to answer", `40{"sid":"s"}`, nil, runIdle, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply := tt.reply
			if reply == nil {
				reply = func([]byte) []byte { return nil }
			}
			addr := fakeServer(t, tt.connect, reply)
			c := tiny
			c.Duration = 100 * time.Millisecond
			c.Patience = 300 * time.Millisecond
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			vals, err := tt.scenario(ctx, Target{Addr: addr, PID: os.Getpid(), CPU: -1}, &c)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("scenario: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("scenario: %v, %v; want an error with %q", vals, err, tt.want)
			}
		})
	}
}
