package admin

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// BenchmarkCount is the cost the Engine.IO observer adds to each message
// read: without a UI connected, and with one (a lock and a map update).
func BenchmarkCount(b *testing.B) {
	for _, tc := range []struct {
		name string
		uis  int64
	}{{"no UI", 0}, {"UI", 1}} {
		b.Run(tc.name, func(b *testing.B) {
			a, err := New(&Options{NoAuth: true})
			if err != nil {
				b.Fatal(err)
			}
			a.uis.Store(tc.uis)
			received := a.EngineObserver().BytesReceived
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					received("websocket", 100)
				}
			})
		})
	}
}

// BenchmarkLogin is a login with the user name and password, at bcrypt's
// default cost (10).
func BenchmarkLogin(b *testing.B) {
	h, err := bcrypt.GenerateFromPassword([]byte("pw"), bcrypt.DefaultCost)
	if err != nil {
		b.Fatal(err)
	}
	au := newAuthenticator(BasicAuth{Username: "u", PasswordHash: string(h)}, newSessions(DefaultMaxSessions, time.Hour))
	raw, _ := json.Marshal(loginAuth{Username: "u", Password: "pw"})
	for b.Loop() {
		if _, err := au.login(context.Background(), raw); err != nil {
			b.Fatal(err)
		}
	}
}
