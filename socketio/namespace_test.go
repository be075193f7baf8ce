package socketio

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
)

func TestDynamicNamespaces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, &Options{CleanupEmptyChildNamespaces: true})
		parent := s.OfFunc(func(name string, auth []byte) bool {
			return strings.HasPrefix(name, "/team-") && string(auth) != `{"deny":true}`
		})
		var connected []string
		parent.Use(func(_ context.Context, so *Socket) error {
			if so.Namespace().Name() == "/team-banned" {
				return errors.New("banned")
			}
			return nil
		})
		parent.OnConnection(func(_ context.Context, so *Socket, _ []byte) error {
			connected = append(connected, so.Namespace().Name())
			return nil
		})
		parent.On("who", func(_ context.Context, so *Socket, _ *Args, ack AckFunc) error {
			return ack(so.Namespace().Name())
		})

		a, b := dial(t, s), dial(t, s)
		sa := a.connect("/team-a")
		b.connect("/team-b")
		if sa.Namespace().Parent() != parent || s.Of("/team-a") != sa.Namespace() {
			t.Fatal("child namespace not registered under its parent")
		}
		a.send(`2/team-a,1["who"]`)
		if got := a.settle(); !slices.Equal(got, []string{`3/team-a,1["/team-a"]`}) {
			t.Fatalf("shared handler: %q", got)
		}
		if !slices.Equal(connected, []string{"/team-a", "/team-b"}) {
			t.Fatalf("connection handler ran for %q", connected)
		}

		// A broadcast on the parent reaches every child.
		if err := parent.Emit("all"); err != nil {
			t.Fatal(err)
		}
		if got, want := a.settle(), []string{`2/team-a,["all"]`}; !slices.Equal(got, want) {
			t.Fatalf("a got %q, want %q", got, want)
		}
		if got, want := b.settle(), []string{`2/team-b,["all"]`}; !slices.Equal(got, want) {
			t.Fatalf("b got %q, want %q", got, want)
		}
		if _, err := parent.EmitWithAck(context.Background(), "x"); !errors.Is(err, ErrParentNamespace) {
			t.Fatalf("parent EmitWithAck: %v", err)
		}
		fetched, err := parent.FetchSockets(context.Background())
		if err != nil || len(fetched) != 2 {
			t.Fatalf("FetchSockets: %d, %v", len(fetched), err)
		}

		c := dial(t, s)
		c.send(`0/team-c,{"deny":true}`)
		if got := c.settle(); !slices.Equal(got, []string{`4/team-c,{"message":"Invalid namespace"}`}) {
			t.Fatalf("denied by the match function: %q", got)
		}
		c.send(`0/team-banned,`)
		if got := c.settle(); !slices.Equal(got, []string{`4/team-banned,{"message":"banned"}`}) {
			t.Fatalf("shared middleware: %q", got)
		}

		// CleanupEmptyChildNamespaces forgets a child once its last socket left.
		a.send("1/team-a,")
		synctest.Wait()
		s.mu.RLock()
		_, kept := s.nsps["/team-a"]
		_, other := s.nsps["/team-b"]
		s.mu.RUnlock()
		if kept || !other {
			t.Fatalf("after cleanup: /team-a kept=%v, /team-b kept=%v", kept, other)
		}
		// and creates it again on demand.
		a.connect("/team-a")
	})
}

func TestOfRegexp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		s.OfRegexp(regexp.MustCompile(`^/r\d$`))
		s.Of("/r1").On("static", func(context.Context, *Socket, *Args, AckFunc) error { return nil })
		tc := dial(t, s)
		so := tc.connect("/r1")
		if so.Namespace().Parent() != nil {
			t.Fatal("a static namespace takes precedence over a dynamic one")
		}
		if n := tc.connect("/r2").Namespace(); n.Parent() == nil || n.Name() != "/r2" {
			t.Fatalf("child %q", n.Name())
		}
		if got := s.Of("chat").Name(); got != "/chat" {
			t.Fatalf("Of without slash: %q", got)
		}
	})
}
