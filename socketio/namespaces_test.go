package socketio_test

import (
	"context"
	"regexp"
	"slices"
	"testing"

	"github.com/siogo/sio/siotest"
	"github.com/siogo/sio/socketio"
)

// TestNamespacesLookup: Namespaces lists "/", those made by Of and the
// live children of dynamic namespaces, sorted; Lookup finds them and never
// makes one.
func TestNamespacesLookup(t *testing.T) {
	srv := socketio.NewServer(nil)
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	srv.Of("/b")
	srv.Of("a")
	srv.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`))
	kit := siotest.New(t, srv, nil)
	kit.Connect(t, "/dyn-1", nil)

	names := func() []string {
		var out []string
		for _, n := range srv.Namespaces() {
			out = append(out, n.Name())
		}
		return out
	}
	if got, want := names(), []string{"/", "/a", "/b", "/dyn-1"}; !slices.Equal(got, want) {
		t.Errorf("Namespaces = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"/", true},
		{"/a", true},
		{"a", false}, // names are looked up as given
		{"/dyn-1", true},
		{"/dyn-2", false}, // would match, but does not exist
		{"/nope", false},
	} {
		n, ok := srv.Lookup(tc.name)
		if ok != tc.ok || (ok && n.Name() != tc.name) {
			t.Errorf("Lookup(%q) = %v, %v; want ok %v", tc.name, n, ok, tc.ok)
		}
	}
	if got := names(); len(got) != 4 {
		t.Errorf("Lookup made namespaces: %v", got)
	}
}
