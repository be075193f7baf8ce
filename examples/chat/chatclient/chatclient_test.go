package chatclient_test

// chatclient_test.go starts the chat server (package chat) on
// 127.0.0.1:0 and drives it with the generated typed client, over
// long-polling and WebSocket: typed auth, acknowledgements and the events
// the server sends, between two clients.

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/examples/chat/chat"
	"github.com/siogo/sio/examples/chat/chatclient"
	"github.com/siogo/sio/examples/chat/web"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// step bounds each wait of a test.
const step = 10 * time.Second

// now is the chat's fixed clock.
var now = time.UnixMilli(1_700_000_000_000)

// start serves a chat with a fake socket.io-client bundle, a quiet logger
// and a fixed clock on 127.0.0.1:0, and shuts it down when the test ends.
func start(t *testing.T) *httptest.Server {
	t.Helper()
	bundle := filepath.Join(t.TempDir(), filepath.FromSlash(web.BundleRel))
	if err := os.MkdirAll(filepath.Dir(bundle), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bundle, []byte("/* bundle */"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := chat.NewServer(&chat.Options{
		Bundle: bundle,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:    func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), step)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
		hs.Close()
	})
	return hs
}

// user is a typed client with channels of what its handlers receive.
type user struct {
	*chatclient.ChatClient
	joined   chan joined
	messages chan chat.Message
	arrived  chan [2]string // user-joined: room, user
	left     chan [2]string // user-left: room, user
	typing   chan typing
}

type joined struct {
	room    string
	history []chat.Message
}

type typing struct {
	room, user string
	isTyping   bool
}

// dial connects a typed client over transport; OnError fails the test.
func dial(t *testing.T, hs *httptest.Server, transport string) *user {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), step)
	defer cancel()
	m, err := client.Dial(ctx, hs.URL, &client.Options{Transports: []string{transport}, DisableReconnection: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		m.Close()
		<-m.Done()
	})
	u := &user{
		ChatClient: chatclient.NewChatClient(m),
		joined:     make(chan joined, 10),
		messages:   make(chan chat.Message, 10),
		arrived:    make(chan [2]string, 10),
		left:       make(chan [2]string, 10),
		typing:     make(chan typing, 10),
	}
	u.OnError(func(err error) { t.Errorf("typed client: %v", err) })
	u.OnJoined(func(room string, history []chat.Message) { u.joined <- joined{room, history} })
	u.OnMessage(func(room string, msg chat.Message) {
		if msg.Room != room {
			t.Errorf("message of room %q in room %q", msg.Room, room)
		}
		u.messages <- msg
	})
	u.OnUserJoined(func(room, user string) { u.arrived <- [2]string{room, user} })
	u.OnUserLeft(func(room, user string) { u.left <- [2]string{room, user} })
	u.OnTyping(func(room, user string, isTyping bool) { u.typing <- typing{room, user, isTyping} })
	return u
}

// recv returns the next value of ch, failing the test after step.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(step):
		t.Fatalf("no %s", what)
	}
	panic("unreachable")
}

// none fails the test when ch holds a value.
func none[T any](t *testing.T, ch <-chan T, what string) {
	t.Helper()
	select {
	case v := <-ch:
		t.Errorf("unexpected %s: %+v", what, v)
	default:
	}
}

func TestTypedChat(t *testing.T) {
	for _, transport := range []string{client.Polling, client.WebSocket} {
		t.Run(transport, func(t *testing.T) {
			hs := start(t)
			ctx, cancel := context.WithTimeout(context.Background(), 3*step)
			defer cancel()

			// The auth payload is typed: a name too long is refused.
			ann := dial(t, hs, transport)
			var ce *client.ConnectError
			if err := ann.Connect(ctx, &chat.Auth{Username: strings.Repeat("a", 1000)}); !errors.As(err, &ce) || ce.Message != "invalid user name" {
				t.Fatalf("Connect with a long name = %v, want the ConnectError \"invalid user name\"", err)
			}
			if err := ann.Connect(ctx, &chat.Auth{Username: "ann"}); err != nil {
				t.Fatalf("Connect: %v", err)
			}

			// ann joins an empty room and posts a message, which she
			// receives too.
			if r, err := ann.Join(ctx, "lobby", nil); err != nil || r != (chat.Result{OK: true}) {
				t.Fatalf("ann's Join = %+v, %v", r, err)
			}
			if j := recv(t, ann.joined, "joined"); j.room != "lobby" || len(j.history) != 0 {
				t.Errorf("ann's joined = %+v, want lobby with no history", j)
			}
			r, err := ann.Message(ctx, "lobby", "hi")
			if err != nil || !r.OK || r.ID == 0 {
				t.Fatalf("ann's Message = %+v, %v", r, err)
			}
			first := chat.Message{ID: r.ID, Room: "lobby", User: "ann", Text: "hi", Time: now.UnixMilli()}
			if m := recv(t, ann.messages, "message"); m != first {
				t.Errorf("ann received %+v, want %+v", m, first)
			}

			// bob connects without auth and names himself when joining
			// (the optional argument): he gets the history, ann is told.
			bob := dial(t, hs, transport)
			if err := bob.Connect(ctx, nil); err != nil {
				t.Fatalf("bob's Connect: %v", err)
			}
			name := "bob"
			if r, err := bob.Join(ctx, "lobby", &name); err != nil || r != (chat.Result{OK: true}) {
				t.Fatalf("bob's Join = %+v, %v", r, err)
			}
			if j := recv(t, bob.joined, "joined"); j.room != "lobby" || !slices.Equal(j.history, []chat.Message{first}) {
				t.Errorf("bob's joined = %+v, want lobby with %+v", j, first)
			}
			if a := recv(t, ann.arrived, "user-joined"); a != [2]string{"lobby", "bob"} {
				t.Errorf("ann's user-joined = %v", a)
			}

			// bob's message reaches both.
			r, err = bob.Message(ctx, "lobby", "hello ann")
			if err != nil || !r.OK || r.ID <= first.ID {
				t.Fatalf("bob's Message = %+v, %v", r, err)
			}
			second := chat.Message{ID: r.ID, Room: "lobby", User: "bob", Text: "hello ann", Time: now.UnixMilli()}
			for _, u := range []*user{ann, bob} {
				if m := recv(t, u.messages, "message"); m != second {
					t.Errorf("received %+v, want %+v", m, second)
				}
			}

			// Typing reaches the others only.
			if err := bob.Typing("lobby", true); err != nil {
				t.Fatal(err)
			}
			if ty := recv(t, ann.typing, "typing"); ty != (typing{"lobby", "bob", true}) {
				t.Errorf("ann's typing = %+v", ty)
			}

			// bob leaves: ann is told, and a message to the room is then
			// refused in the acknowledgement.
			if r, err := bob.Leave(ctx, "lobby"); err != nil || r != (chat.Result{OK: true}) {
				t.Fatalf("bob's Leave = %+v, %v", r, err)
			}
			if l := recv(t, ann.left, "user-left"); l != [2]string{"lobby", "bob"} {
				t.Errorf("ann's user-left = %v", l)
			}
			if r, err := bob.Message(ctx, "lobby", "still here?"); err != nil || r.OK || r.Error != "not in this room; join it first" {
				t.Errorf("bob's Message after Leave = %+v, %v; want the refusal", r, err)
			}
			// A round trip of ann's after bob's typing: had bob received
			// his own typing or anything else since, it would be there.
			if _, err := ann.Leave(ctx, "lobby"); err != nil {
				t.Fatal(err)
			}
			none(t, bob.typing, "typing")
			none(t, bob.messages, "message")
			none(t, ann.messages, "message")
		})
	}
}
