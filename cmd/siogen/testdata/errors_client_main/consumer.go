package main

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// Message is declared in package main, which no package can import.
type Message struct{ Text string }

// Chat serves /chat.
//
//sio:consumer namespace=/chat
type Chat struct{}

// EventSend takes a type of package main.
func (c *Chat) EventSend(ctx context.Context, s *socketio.Socket, m Message) error { return nil }

// EventPing takes nothing of package main: fine.
func (c *Chat) EventPing(ctx context.Context, s *socketio.Socket, n int) error { return nil }

func main() {}
