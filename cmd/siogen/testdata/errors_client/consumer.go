// Package bad has consumers that the server side accepts but a typed
// client cannot express.
package bad

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// secret is not exported: the client package cannot name it.
type secret struct{ Value string }

// Answer is fine.
type Answer struct{ Choice int }

// Events are sent on /chat.
//
//sio:emits
type Events interface {
	// Ask's reply is unexported.
	Ask(q string) (secret, error)
	// Ping becomes OnPing in the client, as does Chat.OnPing.
	Ping(n int)
	// Error becomes OnError, which every client declares.
	Error(msg string)
}

// Chat serves /chat.
//
//sio:consumer namespace=/chat emits=Events
type Chat struct{}

// Connect takes a string, which a Socket.IO client cannot send as auth.
func (c *Chat) Connect(ctx context.Context, s *socketio.Socket, token string) error { return nil }

// EventSecret takes an unexported type.
func (c *Chat) EventSecret(ctx context.Context, s *socketio.Socket, x secret) error { return nil }

// EventAnon takes a struct with an unexported field.
func (c *Chat) EventAnon(ctx context.Context, s *socketio.Socket, x struct {
	Shown  int
	hidden int
}) error {
	return nil
}

// EventAcked acknowledges with an unexported type.
func (c *Chat) EventAcked(ctx context.Context, s *socketio.Socket, ack func(*secret) error) error {
	return nil
}

// EventSocket would be the client's Socket method.
func (c *Chat) EventSocket(ctx context.Context, s *socketio.Socket) error { return nil }

// OnPing handles "on_ping", but its client method would be OnPing.
//
//sio:event on_ping
func (c *Chat) OnPing(ctx context.Context, s *socketio.Socket, a Answer) error { return nil }

// Good is fine on its own.
func (c *Chat) EventGood(ctx context.Context, s *socketio.Socket, a Answer) error { return nil }

// Lobby serves /lobby; its auth is a slice.
//
//sio:consumer namespace=/lobby
type Lobby struct{}

// Connect takes a slice, which encodes to a JSON array.
func (l *Lobby) Connect(ctx context.Context, s *socketio.Socket, auth []string) error { return nil }

// lobby would be LobbyClient too.
//
//sio:consumer namespace=/lobby2
type lobby struct{}
