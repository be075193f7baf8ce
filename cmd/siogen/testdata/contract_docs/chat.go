package chat

import (
	"context"
	"time"

	"github.com/siogo/sio/socketio"
)

// Message is a chat message.
type Message struct {
	Text string    `json:"text"`
	Room string    `json:"room,omitempty"` // empty: the lobby
	Sent time.Time `json:"sent"`
	// Reply is the message this one answers, if any.
	Reply *Message `json:"reply,omitempty"`
}

// Question asks the client to choose.
type Question struct {
	Text    string   `json:"text"`
	Choices []string `json:"choices"`
}

// Answer is the client's choice.
type Answer struct {
	Choice int `json:"choice"`
}

// Auth is what a client connects with.
type Auth struct {
	Token string `json:"token"`
}

// Status acknowledges a message.
type Status struct {
	Stored bool `json:"stored"`
}

// ChatEvents are the events the server sends on /chat.
//
//sio:emits
type ChatEvents interface {
	// ChatMessage delivers a message.
	ChatMessage(msg Message)
	// UserJoined says who joined and how many are here.
	UserJoined(name string, count int)
	// Ask expects the client's answer.
	Ask(q Question) (Answer, error)
}

// Chat serves the /chat namespace.
//
//sio:consumer namespace=/chat emits=ChatEvents
type Chat struct{}

// Connect accepts a client with a valid token.
func (c *Chat) Connect(ctx context.Context, s *socketio.Socket, auth Auth) error { return nil }

// EventChatMessage posts a message.
func (c *Chat) EventChatMessage(ctx context.Context, s *socketio.Socket, msg Message, ack func(Status) error) error {
	return nil
}

// EventUpload stores a file; the thumbnail is optional.
func (c *Chat) EventUpload(ctx context.Context, s *socketio.Socket, name string, data []byte, thumb *[]byte) error {
	return nil
}
