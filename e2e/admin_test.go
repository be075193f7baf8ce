package e2e

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/siogo/sio/examples/chat/chat"
	"github.com/siogo/sio/socketio/admin"
)

// adminUIDir is the official Admin UI's built files, from the npm package
// @socket.io/admin-ui (e2e/package.json).
var adminUIDir = filepath.Join("node_modules", "@socket.io", "admin-ui", "ui", "dist")

// TestAdminUIBrowser serves the chat example with the Admin UI's
// namespace behind a user name and a bcrypt-hashed password, and the UI's
// built files from the npm package at /admin-ui/; e2e/admin.mjs logs the
// UI in from headless Chromium and checks that the chat's server, its two
// sockets (one upgraded to WebSocket, one on polling) and their room
// appear, that a disconnect from the UI disconnects the chat page, and
// that a reload logs in again with the session id. Screenshots of each
// page are written to the test's output folder (logged).
func TestAdminUIBrowser(t *testing.T) {
	requireBrowser(t)
	if _, err := os.Stat(filepath.Join(adminUIDir, "index.html")); err != nil {
		msg := "e2e: " + adminUIDir + " is missing (make e2e-deps, or npm ci in e2e)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	const user, password, serverID = "ops", "correct horse battery staple", "sio-chat-e2e"
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	url := serveChat(t, &chat.Options{
		WebDir: filepath.Join("..", "examples", "chat", "web"),
		Logger: logger,
		Admin: &admin.Options{
			Auth:     &admin.BasicAuth{Username: user, PasswordHash: string(hash)},
			ServerID: serverID,
			Logger:   logger,
		},
		AdminUIDir: adminUIDir,
	})
	out := outDir(t, "admin")
	t.Logf("screenshots in %s", out)
	stdout := runBrowser(t, &logs, "admin.mjs", url, out, user, password, serverID)
	var checks struct {
		LoggedIn     bool     `json:"loggedIn"`
		Server       string   `json:"server"`
		Sockets      []string `json:"sockets"`
		Room         string   `json:"room"`
		AliceState   string   `json:"aliceState"`
		BobState     string   `json:"bobState"`
		SessionLogin bool     `json:"sessionLogin"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(stdout), &checks); err != nil {
		t.Fatalf("admin.mjs printed %q: %v", stdout, err)
	}
	if !checks.LoggedIn || checks.Server != serverID || len(checks.Sockets) != 2 || checks.Room != "ops-room" {
		t.Errorf("the UI showed %+v", checks)
	}
	if checks.AliceState != "disconnected (io server disconnect)" {
		t.Errorf("alice's page after the UI's disconnect: %q", checks.AliceState)
	}
	if checks.BobState != "connected" {
		t.Errorf("bob's page: %q, want connected", checks.BobState)
	}
	if !checks.SessionLogin {
		t.Error("the reloaded UI asked for the password again")
	}
	if !strings.Contains(logs.String(), "admin: disconnect") {
		t.Errorf("the server log has no admin disconnect:\n%s", logs.String())
	}
	for _, shot := range []string{"login", "dashboard", "servers", "sockets", "rooms", "socket", "alice-disconnected", "sockets-after-disconnect", "servers-after-reload"} {
		p := filepath.Join(out, shot+".png")
		if st, err := os.Stat(p); err != nil || st.Size() == 0 {
			t.Errorf("screenshot %s missing: %v", p, err)
		} else {
			t.Logf("screenshot: %s", p)
		}
	}
}
