package tests

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/siogo/sio/socketio"
)

// Fixture is a consumer declared by the package's tests, generated into
// sio_gen_test.go.
//
//sio:consumer namespace=/fixture
type Fixture struct{}

// EventAdd handles "add", acknowledged with the sum.
func (f *Fixture) EventAdd(ctx context.Context, s *socketio.Socket, p Point, ack func(int) error) error {
	return ack(p.X + p.Y)
}

// TestFixtureOverServer connects to the generated /fixture namespace
// through a socketio.Server over Engine.IO long-polling and sends "add".
func TestFixtureOverServer(t *testing.T) {
	srv := socketio.NewServer(nil)
	RegisterFixture(srv, func() *Fixture { return &Fixture{} })
	RegisterRoom(srv, func() *Room { return &Room{} }) // from sio_gen.go
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}()

	do := func(method, url, body string) string {
		t.Helper()
		req, err := http.NewRequest(method, url, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %q %v", method, url, resp.StatusCode, b, err)
		}
		return string(b)
	}
	open := do(http.MethodGet, hs.URL+"/socket.io/?EIO=4&transport=polling", "")
	var hello struct {
		SID string `json:"sid"`
	}
	if err := json.Unmarshal([]byte(strings.TrimPrefix(open, "0")), &hello); err != nil {
		t.Fatalf("handshake %q: %v", open, err)
	}
	base := hs.URL + "/socket.io/?EIO=4&transport=polling&sid=" + hello.SID
	// Reads Socket.IO packets until one starts with prefix.
	until := func(prefix string) string {
		t.Helper()
		for {
			for _, p := range strings.Split(do(http.MethodGet, base, ""), "\x1e") {
				if strings.HasPrefix(p, "4"+prefix) {
					return p[1:]
				}
			}
		}
	}
	do(http.MethodPost, base, "40/fixture,")
	until("0/fixture,")
	do(http.MethodPost, base, `42/fixture,7["add",{"x":1,"y":2}]`)
	if got, want := until("3/fixture,"), "3/fixture,7[3]"; got != want {
		t.Errorf("ack = %q, want %q", got, want)
	}
	do(http.MethodPost, base, "41/fixture,\x1e1")
}
