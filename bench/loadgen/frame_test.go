package loadgen

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// TestAppendFrame: gorilla's server reads the generator's frames, of every
// length encoding, as the messages written, one write holding several.
func TestAppendFrame(t *testing.T) {
	got := make(chan []byte, 8)
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		ws.SetReadLimit(1 << 20)
		for {
			typ, m, err := ws.ReadMessage()
			if err != nil {
				close(got)
				return
			}
			if typ != websocket.TextMessage {
				m = []byte("not text")
			}
			got <- m
		}
	}))
	defer srv.Close()
	ws, _, err := newDialer().DialContext(context.Background(), "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := &session{ws: ws}
	tests := []int{0, 1, 125, 126, 0xffff, 0x10000, 300_000}
	var frames []byte
	for _, n := range tests {
		frames = appendFrame(frames, bytes.Repeat([]byte{'a' + byte(n%26)}, n))
	}
	if err := s.writeFrames(frames); err != nil {
		t.Fatal(err)
	}
	for _, n := range tests {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			m := <-got
			if want := bytes.Repeat([]byte{'a' + byte(n%26)}, n); !bytes.Equal(m, want) {
				t.Fatalf("server read %d bytes %.20q…, want %d bytes of %q", len(m), m, n, want[:min(n, 1)])
			}
		})
	}
	s.close()
	if m, ok := <-got; ok {
		t.Fatalf("server read one more message: %.20q", m)
	}
}
