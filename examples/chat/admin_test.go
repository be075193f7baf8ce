package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/siogo/sio/socketio/admin"
)

// TestParseAdminFlags: -admin and its companions become admin.Options, a
// malformed one is refused with what would be right.
func TestParseAdminFlags(t *testing.T) {
	h, err := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	hash := string(h)
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		user     string // "" for NoAuth
		mode     admin.Mode
		readOnly bool
		origins  []string
		uiDir    string
		err      string // a substring of the error; "" for none
	}{
		{"basic auth", []string{"-admin", "ops:" + hash}, nil, "ops", admin.Development, false, []string{"https://admin.socket.io"}, "", ""},
		{"from the environment", nil, map[string]string{"SIO_ADMIN": "ops:" + hash}, "ops", admin.Development, false, []string{"https://admin.socket.io"}, "", ""},
		{"none, production, read-only, own origins, UI folder",
			[]string{"-admin", "none", "-admin-mode", "production", "-admin-readonly", "-admin-origin", "http://a.test, http://b.test", "-admin-ui", "/srv/ui"}, nil,
			"", admin.Production, true, []string{"http://a.test", "http://b.test"}, "/srv/ui", ""},
		{"no origin", []string{"-admin", "none", "-admin-origin", ""}, nil, "", admin.Development, false, nil, "", ""},
		{"no user", []string{"-admin", hash}, nil, "", "", false, nil, "", "wants user:bcrypt-hash"},
		{"empty user", []string{"-admin", ":" + hash}, nil, "", "", false, nil, "", "wants user:bcrypt-hash"},
		{"not a hash", []string{"-admin", "ops:secret"}, nil, "", "", false, nil, "", "bcrypt hash"},
		{"unknown mode", []string{"-admin", "none", "-admin-mode", "staging"}, nil, "", "", false, nil, "", "staging"},
		{"UI without admin", []string{"-admin-ui", "/srv/ui"}, nil, "", "", false, nil, "", "-admin-ui needs -admin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := parseConfig(tt.args, func(k string) string { return tt.env[k] }, &bytes.Buffer{})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			o := cfg.admin
			if o == nil {
				t.Fatal("no admin options")
			}
			user := ""
			if o.Auth != nil {
				user = o.Auth.Username
			}
			if user != tt.user || o.NoAuth != (tt.user == "") || o.Mode != tt.mode || o.ReadOnly != tt.readOnly ||
				!slices.Equal(cfg.adminOrigins, tt.origins) || cfg.adminUIDir != tt.uiDir {
				t.Errorf("got %+v, origins %v, UI %q", o, cfg.adminOrigins, cfg.adminUIDir)
			}
		})
	}
}
