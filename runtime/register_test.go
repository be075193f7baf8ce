package runtime

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/siogo/sio/socketio"
)

type counter struct{ connects int }

func TestConnectionHandlerRejects(t *testing.T) {
	reject := errors.New("no")
	spec := &Spec[counter]{
		Namespace: "/c",
		Connect: func(c *counter, ctx context.Context, s *socketio.Socket, auth []byte) error {
			c.connects++
			if string(auth) == `"bad"` {
				return reject
			}
			return nil
		},
		Dispatcher: func(c *counter) socketio.Dispatcher {
			t.Error("a rejected connection got a dispatcher")
			return nil
		},
	}
	tests := []struct {
		name string
		newT func() *counter
		auth string
		want error
	}{
		{"constructor returns nil", func() *counter { return nil }, `{}`, ErrNilConsumer},
		{"Connect rejects", func() *counter { return &counter{} }, `"bad"`, reject},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := ConnectionHandler(spec, tt.newT)
			if err := h(context.Background(), nil, []byte(tt.auth)); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestConnectionHandlerClonesSpec(t *testing.T) {
	spec := &Spec[counter]{Namespace: "/c", Connect: func(c *counter, ctx context.Context, s *socketio.Socket, auth []byte) error {
		return errors.New("original")
	}}
	h := ConnectionHandler(spec, func() *counter { return &counter{} })
	spec.Connect = nil // later changes do not reach the handler
	if err := h(context.Background(), nil, nil); err == nil || err.Error() != "original" {
		t.Errorf("err = %v, want the original Connect's", err)
	}
}

// ExampleRegister wires a hand-written Spec, the way the code siogen
// generates does (RegisterChat calls Register with the generated spec).
func ExampleRegister() {
	type greeter struct{ greeted bool }
	spec := &Spec[greeter]{
		Namespace: "/greet",
		Connect: func(g *greeter, ctx context.Context, s *socketio.Socket, auth []byte) error {
			g.greeted = true
			return s.Emit("hello", "welcome")
		},
		Dispatcher: func(g *greeter) socketio.Dispatcher {
			return socketio.DispatcherFunc(func(ctx context.Context, s *socketio.Socket, event string, args *socketio.Args, ack socketio.AckFunc) error {
				if event != "name" {
					return socketio.ErrUnknownEvent
				}
				name, err := String[string](args, 0)
				if err != nil {
					return DecodeFailed(event, 0, err)
				}
				return s.Emit("hello", name)
			})
		},
	}
	srv := socketio.NewServer(nil)
	Register(srv, spec, func() *greeter { return &greeter{} })
}

// TestRegisterNamespaces: Register serves spec.Namespace, or the dynamic
// namespace of spec.Regexp or spec.Match, whose children share its
// connection handler; checked with a raw Engine.IO long-polling client.
func TestRegisterNamespaces(t *testing.T) {
	tests := []struct {
		name     string
		spec     Spec[counter]
		accepted []string
		refused  []string
	}{
		{"static", Spec[counter]{Namespace: "/chat"}, []string{"/chat"}, []string{"/chat-1"}},
		{"regexp", Spec[counter]{Namespace: "/ignored", Regexp: regexp.MustCompile(`^/room-\d+$`)}, []string{"/room-1", "/room-22"}, []string{"/room-x", "/ignored"}},
		{"match", Spec[counter]{Match: func(name string, auth []byte) bool {
			return strings.HasPrefix(name, "/team-") && !strings.Contains(string(auth), "deny")
		}}, []string{"/team-a"}, []string{"/other"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := socketio.NewServer(nil)
			var mu sync.Mutex
			var connected []string
			spec := tt.spec
			spec.Connect = func(c *counter, ctx context.Context, s *socketio.Socket, auth []byte) error {
				mu.Lock()
				defer mu.Unlock()
				connected = append(connected, s.Namespace().Name())
				return nil
			}
			spec.Dispatcher = func(c *counter) socketio.Dispatcher {
				return socketio.DispatcherFunc(func(ctx context.Context, s *socketio.Socket, event string, args *socketio.Args, ack socketio.AckFunc) error {
					return socketio.ErrUnknownEvent
				})
			}
			Register(srv, &spec, func() *counter { return &counter{} })
			ts := httptest.NewServer(srv)
			defer ts.Close()
			defer func() {
				if err := srv.Shutdown(context.Background()); err != nil {
					t.Error(err)
				}
			}()
			for _, ns := range append(slices.Clone(tt.accepted), tt.refused...) {
				want := "0" + ns + ",{\"sid\""
				if !slices.Contains(tt.accepted, ns) {
					want = "4" + ns + ",{\"message\":\"Invalid namespace\"}"
				}
				if got := pollConnect(t, ts.URL, ns); !strings.HasPrefix(got, want) {
					t.Errorf("connect %s: got %q, want %q…", ns, got, want)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if !slices.Equal(connected, tt.accepted) {
				t.Errorf("Connect ran for %q, want %q", connected, tt.accepted)
			}
		})
	}
}

// pollConnect opens an Engine.IO long-polling session at base, sends a
// Socket.IO CONNECT to ns, closes the session and returns the server's
// answer (a CONNECT or CONNECT_ERROR packet).
func pollConnect(t *testing.T, base, ns string) string {
	t.Helper()
	do := func(method, url, body string) string {
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
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	open := do("GET", base+"/socket.io/?EIO=4&transport=polling", "")
	_, sid, _ := strings.Cut(open, `"sid":"`)
	sid, _, _ = strings.Cut(sid, `"`)
	url := base + "/socket.io/?EIO=4&transport=polling&sid=" + sid
	do("POST", url, "40"+ns+",")
	defer do("POST", url, "1") // the Engine.IO close packet
	for {
		for _, p := range strings.Split(do("GET", url, ""), "\x1e") {
			if rest, ok := strings.CutPrefix(p, "4"); ok {
				return rest
			}
		}
	}
}
