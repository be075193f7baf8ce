package chat_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"github.com/siogo/sio/examples/chat/chat"
	"github.com/siogo/sio/socketio/admin"
)

// sidJSON finds the session id in an Engine.IO handshake.
var sidJSON = regexp.MustCompile(`"sid":"([^"]+)"`)

// TestAdminOptions: with Admin, the chat serves the UI's files from
// AdminUIDir at /admin-ui/, lets the AdminOrigins reach Socket.IO with
// credentials (polling's CORS, WebSocket's Origin check) while its own
// page keeps working, and refuses other origins' WebSockets.
func TestAdminOptions(t *testing.T) {
	ui := t.TempDir()
	if err := os.WriteFile(filepath.Join(ui, "index.html"), []byte("<title>Socket.IO Admin UI</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	hs := startWith(t, &chat.Options{
		Admin:        &admin.Options{NoAuth: true},
		AdminOrigins: []string{"https://admin.socket.io"},
		AdminUIDir:   ui,
	})

	res, err := http.Get(hs.URL + chat.AdminUIPath)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Admin UI") {
		t.Errorf("GET %s: %d %q", chat.AdminUIPath, res.StatusCode, body)
	}

	for _, tc := range []struct {
		name, origin string
		cors         bool // polling answers with the CORS headers
		websocket    bool // the WebSocket upgrade is accepted
	}{
		{"hosted UI", "https://admin.socket.io", true, true},
		{"own page", hs.URL, false, true},
		{"no origin", "", false, true},
		{"other site", "https://evil.example", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, hs.URL+"/socket.io/?EIO=4&transport=polling", nil)
			if tc.origin != "" {
				req.Header.Set("Origin", tc.origin)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			hsBody, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusOK {
				t.Errorf("polling handshake from %q: %d %q", tc.origin, res.StatusCode, hsBody)
			}
			// Close the session, so that the chat's shutdown does not wait
			// for it.
			if m := sidJSON.FindSubmatch(hsBody); m != nil {
				if res, err := http.Post(hs.URL+"/socket.io/?EIO=4&transport=polling&sid="+string(m[1]), "text/plain", strings.NewReader("1")); err == nil {
					res.Body.Close()
				}
			}
			allow, cred := res.Header.Get("Access-Control-Allow-Origin"), res.Header.Get("Access-Control-Allow-Credentials")
			if got := allow != "" && allow == tc.origin && cred == "true"; got != tc.cors {
				t.Errorf("polling from %q: Allow-Origin %q, Allow-Credentials %q; want CORS %v", tc.origin, allow, cred, tc.cors)
			}
			h := http.Header{}
			if tc.origin != "" {
				h.Set("Origin", tc.origin)
			}
			c, res, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(hs.URL, "http")+"/socket.io/?EIO=4&transport=websocket", h)
			if err == nil {
				c.Close()
			}
			if res != nil {
				res.Body.Close()
			}
			if (err == nil) != tc.websocket {
				t.Errorf("WebSocket from %q: err %v, want accepted %v", tc.origin, err, tc.websocket)
			}
		})
	}
}
