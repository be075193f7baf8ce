package admin

import (
	"context"
	"testing"

	"github.com/siogo/sio/socketio"
)

// FuzzCommandArgs feeds the argument decoding of the UI's commands any
// JSON text: it never panics, never makes a namespace, and what it accepts
// is within the bounds.
func FuzzCommandArgs(f *testing.F) {
	for _, seed := range []string{
		`["/", null, "news", 1]`,
		`["/", "room", "ev"]`,
		`["/nope", false]`,
		`[42, {"a":1}, ["x"]]`,
		`["/", "\u00e9\ud83d\ude00", ""]`,
		`[`,
		`["/", "` + string(make([]byte, 300)) + `"]`,
	} {
		f.Add(seed)
	}
	a, err := New(&Options{NoAuth: true, MaxNameLength: 16})
	if err != nil {
		f.Fatal(err)
	}
	srv := socketio.NewServer(nil)
	f.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	if err := a.Attach(srv); err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = a.Close() })
	f.Fuzz(func(t *testing.T, raw string) {
		args := socketio.NewArgs([]byte(raw), nil)
		if op, nsp, err := a.target(args, 1); err == nil {
			if op == nil || len(nsp) > 16 {
				t.Fatalf("target accepted %q", nsp)
			}
		}
		for i := range 3 {
			if v, err := a.name(args, i, "name", i == 1); err == nil && len(v) > 16 {
				t.Fatalf("name %d accepted %d bytes", i, len(v))
			}
		}
		if n := len(srv.Namespaces()); n != 2 { // "/" and "/admin"
			t.Fatalf("%d namespaces", n)
		}
	})
}
