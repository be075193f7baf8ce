package chat_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/examples/chat/chat"
	"github.com/siogo/sio/siotest"
)

// The tests of this file drive the chat with real Go clients connected
// in-process by package siotest (docs/testing.md shows them).

// newKit serves a chat with a fake bundle, a quiet logger and a fixed
// clock to in-memory clients over transports (nil: polling, upgraded to
// WebSocket).
func newKit(t *testing.T, transports []string) *siotest.Kit {
	t.Helper()
	srv, err := chat.NewServer(&chat.Options{
		WebDir: fakeBundle(t),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:    func() time.Time { return time.UnixMilli(1_700_000_000_000) },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) }) // runs after the kit's
	return siotest.New(t, srv, &siotest.Options{Client: &client.Options{Transports: transports}})
}

var kitTransports = []struct {
	name string
	list []string
}{
	{"polling", []string{client.Polling}},
	{"websocket", []string{client.WebSocket}},
	{"upgrade", nil},
}

// TestKitRoom: join, message to the room seen by a second client, acks.
func TestKitRoom(t *testing.T) {
	for _, tr := range kitTransports {
		t.Run(tr.name, func(t *testing.T) {
			kit := newKit(t, tr.list)
			alice := kit.Connect(t, "/", chat.Auth{Username: "alice"})
			bob := kit.Connect(t, "/", chat.Auth{Username: "bob"})

			reply := alice.Call(t, chat.ChatJoinEvent, "lobby")
			if res := siotest.Arg[chat.Result](t, reply, 0); !res.OK {
				t.Fatalf("join: %+v", res)
			}
			joined := alice.Expect(t, chat.EventsJoinedEvent)
			if room := siotest.Arg[string](t, joined.Args, 0); room != "lobby" {
				t.Errorf("joined %q", room)
			}

			bob.Call(t, chat.ChatJoinEvent, "lobby")
			ev := alice.Expect(t, chat.EventsUserJoinedEvent)
			if user := siotest.Arg[string](t, ev.Args, 1); user != "bob" {
				t.Errorf("user-joined %q, want bob", user)
			}

			reply = bob.Call(t, chat.ChatMessageEvent, "lobby", "hi")
			if res := siotest.Arg[chat.Result](t, reply, 0); !res.OK || res.ID == 0 {
				t.Errorf("message acknowledged %+v", res)
			}
			for _, c := range []*siotest.Client{alice, bob} {
				msg := siotest.Arg[chat.Message](t, c.Expect(t, chat.EventsMessageEvent).Args, 1)
				if msg.User != "bob" || msg.Text != "hi" || msg.Room != "lobby" {
					t.Errorf("message %+v", msg)
				}
			}
		})
	}
}

// TestKitRefusedRequests: what the chat refuses is acknowledged
// {ok:false, error}.
func TestKitRefusedRequests(t *testing.T) {
	kit := newKit(t, nil)
	alice := kit.Connect(t, "/", chat.Auth{Username: "alice"})
	tests := []struct {
		name string
		args []any
		want string
	}{
		{"message before join", []any{chat.ChatMessageEvent, "lobby", "hi"}, "not in this room; join it first"},
		{"bad room", []any{chat.ChatJoinEvent, " lobby"}, "invalid room name"},
		{"long name", []any{chat.ChatJoinEvent, "lobby", strings.Repeat("u", 33)}, "invalid user name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply := alice.Call(t, tt.args[0].(string), tt.args[1:]...)
			if res := siotest.Arg[chat.Result](t, reply, 0); res.OK || res.Error != tt.want {
				t.Errorf("acknowledged %+v, want error %q", res, tt.want)
			}
		})
	}
}

// TestKitRefusedConnect: a user name over the limit is refused with a
// connect error carrying the limit.
func TestKitRefusedConnect(t *testing.T) {
	kit := newKit(t, nil)
	_, err := kit.Dial(t.Context(), "/", chat.Auth{Username: strings.Repeat("u", 33)}, nil)
	var ce *client.ConnectError
	if !errors.As(err, &ce) {
		t.Fatalf("connect: %v, want a *client.ConnectError", err)
	}
	if ce.Message != "invalid user name" || string(ce.Data) != `{"maxUsername":32}` {
		t.Errorf("refused with %q %s", ce.Message, ce.Data)
	}
}

// TestKitUserLeft: a client that disconnects is seen leaving by the others
// in its rooms.
func TestKitUserLeft(t *testing.T) {
	kit := newKit(t, nil)
	alice := kit.Connect(t, "/", chat.Auth{Username: "alice"})
	bob := kit.Connect(t, "/", chat.Auth{Username: "bob"})
	alice.Call(t, chat.ChatJoinEvent, "lobby")
	bob.Call(t, chat.ChatJoinEvent, "lobby")

	bob.Disconnect()
	if reason := bob.ExpectDisconnect(t); reason != client.ReasonClientDisconnect {
		t.Errorf("bob: %q", reason)
	}
	ev := alice.Expect(t, chat.EventsUserLeftEvent)
	if room, user := siotest.Arg[string](t, ev.Args, 0), siotest.Arg[string](t, ev.Args, 1); room != "lobby" || user != "bob" {
		t.Errorf("user-left(%q, %q), want (lobby, bob)", room, user)
	}
}

// TestKitTypingInBubble: inside a testing/synctest bubble, a typing
// notice reaches the others in the room and not the typist, with no
// wall-clock time spent waiting for what does not come.
func TestKitTypingInBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		kit := newKit(t, nil)
		alice := kit.Connect(t, "/", chat.Auth{Username: "alice"})
		bob := kit.Connect(t, "/", chat.Auth{Username: "bob"})
		alice.Call(t, chat.ChatJoinEvent, "lobby")
		bob.Call(t, chat.ChatJoinEvent, "lobby")

		if err := bob.Emit(chat.ChatTypingEvent, "lobby", true); err != nil {
			t.Fatal(err)
		}
		ev := alice.Expect(t, chat.EventsTypingEvent)
		if user := siotest.Arg[string](t, ev.Args, 1); user != "bob" {
			t.Errorf("typing from %q", user)
		}
		synctest.Wait() // everything sent has arrived
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		if ev, err := bob.Next(ctx, chat.EventsTypingEvent); err == nil {
			t.Errorf("the typist received its own typing notice: %v", ev.Args)
		}
	})
}
