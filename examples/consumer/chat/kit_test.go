package chat_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/examples/consumer/chat"
	"github.com/siogo/sio/siotest"
	"github.com/siogo/sio/socketio"
)

// The tests of this file drive ChatConsumer with real Go clients connected
// in-process by package siotest (docs/testing.md shows them).

// logRecords is a slog.Handler that sends the records it gets on a channel.
type logRecords chan slog.Record

func (h logRecords) Enabled(context.Context, slog.Level) bool      { return true }
func (h logRecords) Handle(_ context.Context, r slog.Record) error { h <- r; return nil }
func (h logRecords) WithAttrs([]slog.Attr) slog.Handler            { return h }
func (h logRecords) WithGroup(string) slog.Handler                 { return h }

// newChat serves ChatConsumer to in-memory clients configured by opts
// (nil: polling, upgraded to WebSocket); the consumers log to logs when it
// is not nil.
func newChat(t *testing.T, opts *client.Options, logs logRecords) *siotest.Kit {
	t.Helper()
	srv := socketio.NewServer(nil)
	chat.RegisterChatConsumer(srv, func() *chat.ChatConsumer {
		if logs == nil {
			return &chat.ChatConsumer{Logger: slog.New(slog.DiscardHandler)}
		}
		return &chat.ChatConsumer{Logger: slog.New(logs)}
	})
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) }) // runs after the kit's
	return siotest.New(t, srv, &siotest.Options{Client: opts})
}

// TestChatMessage: a chat message reaches everyone in the lobby and is
// acknowledged, over every transport.
func TestChatMessage(t *testing.T) {
	for _, tr := range []struct {
		name string
		list []string
	}{{"polling", []string{client.Polling}}, {"websocket", []string{client.WebSocket}}, {"upgrade", nil}} {
		t.Run(tr.name, func(t *testing.T) {
			kit := newChat(t, &client.Options{Transports: tr.list}, nil)
			alice := kit.Connect(t, chat.ChatConsumerNamespace, chat.Auth{Token: "a"})
			bob := kit.Connect(t, chat.ChatConsumerNamespace, nil)
			for _, c := range []*siotest.Client{alice, bob} {
				welcome := siotest.Arg[chat.Message](t, c.Expect(t, "system_message").Args, 0)
				if welcome.Text != "Welcome!" {
					t.Errorf("welcome %q", welcome.Text)
				}
			}

			reply := alice.Call(t, chat.ChatConsumerChatMessageEvent, chat.Message{Text: "hi"})
			if st := siotest.Arg[chat.Status](t, reply, 0); st.Status != "ok" {
				t.Errorf("acknowledged %+v", st)
			}
			for _, c := range []*siotest.Client{alice, bob} {
				msg := siotest.Arg[chat.Message](t, c.Expect(t, chat.ChatConsumerChatMessageEvent).Args, 0)
				if msg.Text != "hi" {
					t.Errorf("received %q", msg.Text)
				}
			}
		})
	}
}

// TestMoveGoesToOthers: a move is relayed to the rest of the lobby with
// the mover's id, not back to the mover.
func TestMoveGoesToOthers(t *testing.T) {
	kit := newChat(t, nil, nil)
	alice := kit.Connect(t, chat.ChatConsumerNamespace, nil)
	bob := kit.Connect(t, chat.ChatConsumerNamespace, nil)

	if err := alice.Emit(chat.ChatConsumerMoveEvent, 1.5, -2); err != nil {
		t.Fatal(err)
	}
	ev := bob.Expect(t, chat.ChatConsumerMoveEvent)
	if id, x, y := siotest.Arg[string](t, ev.Args, 0), siotest.Arg[float64](t, ev.Args, 1), siotest.Arg[float64](t, ev.Args, 2); id != alice.ID() || x != 1.5 || y != -2 {
		t.Errorf("move(%q, %v, %v), want (%q, 1.5, -2)", id, x, y, alice.ID())
	}
	// alice's events arrive in order: a move sent to her would come before
	// her next message.
	alice.Call(t, chat.ChatConsumerChatMessageEvent, chat.Message{Text: "after"})
	alice.Expect(t, chat.ChatConsumerChatMessageEvent)
	if got := alice.Events(); len(got) != 2 || got[0].Name != "system_message" || got[1].Name != chat.ChatConsumerChatMessageEvent {
		names := make([]string, len(got))
		for i, e := range got {
			names[i] = e.Name
		}
		t.Errorf("alice received %q, want system_message then chat_message", names)
	}
}

// TestUpdateState: each update is acknowledged with the state and the
// count of updates of this connection.
func TestUpdateState(t *testing.T) {
	kit := newChat(t, nil, nil)
	c := kit.Connect(t, chat.ChatConsumerNamespace, nil)
	for i, state := range []string{`{"x":1}`, `[2]`} {
		reply := c.Call(t, chat.ChatConsumerUpdateStateEvent, json.RawMessage(state))
		st := siotest.Arg[chat.StateStatus](t, reply, 0)
		if st.Status != "ok" || string(st.State) != state || st.Updates != i+1 {
			t.Errorf("update %d acknowledged %+v", i+1, st)
		}
	}
}

// TestForbiddenToken: the token "forbidden" is refused with data saying
// why.
func TestForbiddenToken(t *testing.T) {
	kit := newChat(t, nil, nil)
	_, err := kit.Dial(t.Context(), chat.ChatConsumerNamespace, chat.Auth{Token: "forbidden"}, nil)
	var ce *client.ConnectError
	if !errors.As(err, &ce) {
		t.Fatalf("connect: %v, want a *client.ConnectError", err)
	}
	if ce.Message != "forbidden" || string(ce.Data) != `{"reason":"this token is not allowed"}` {
		t.Errorf("refused with %q %s", ce.Message, ce.Data)
	}
}

// TestDisconnectReasons: a disconnection is seen with its reason on both
// sides: by the client, and by the consumer's Disconnect, which logs it.
// In a testing/synctest bubble, a silent client's ping timeout takes no
// wall-clock time.
func TestDisconnectReasons(t *testing.T) {
	tests := []struct {
		name       string
		disconnect func(*siotest.Client)
		client     string
		server     string
	}{
		{"client leaves", func(c *siotest.Client) { c.Disconnect() }, client.ReasonClientDisconnect, "client namespace disconnect"},
		{"client goes silent", func(c *siotest.Client) { c.Suspend() }, client.ReasonPingTimeout, "ping timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				logs := make(logRecords, 16)
				kit := newChat(t, &client.Options{DisableReconnection: true}, logs)
				c := kit.Connect(t, chat.ChatConsumerNamespace, nil)
				tt.disconnect(c)
				ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // fake time
				defer cancel()
				if got, err := c.Disconnected(ctx); got != tt.client {
					t.Errorf("client: %q (%v), want %q", got, err, tt.client)
				}
				r := <-logs
				var reason string
				r.Attrs(func(a slog.Attr) bool {
					if a.Key == "reason" {
						reason = a.Value.String()
					}
					return true
				})
				if r.Message != "chat: disconnected" || reason != tt.server {
					t.Errorf("server logged %q reason=%q, want %q", r.Message, reason, tt.server)
				}
			})
		})
	}
}
