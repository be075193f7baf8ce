// Package chat is the seed's ChatConsumer written for sio: a consumer type
// whose methods siogen wires to the /chat namespace (see sio_gen.go, written
// by go generate).
//
// On connection a client joins the "lobby" room and receives
// "system_message" {"text":"Welcome!"}. "chat_message" {"text": ...} is
// broadcast to the lobby and acknowledged with {"status":"ok"};
// "update_state" (payload) keeps the payload as the connection's state and
// acknowledges it; "move" (x, y) is relayed to the rest of the lobby.
//
// # Concurrency
//
// [RegisterChatConsumer] makes one ChatConsumer per connection, and socketio
// calls a socket's handlers one at a time, so the fields need no locking.
package chat

//go:generate go run github.com/siogo/sio/cmd/siogen

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/siogo/sio/socketio"
)

// Lobby is the room every connection joins.
const Lobby = "lobby"

// Auth is the optional auth payload of a connection.
type Auth struct {
	Token string `json:"token"`
}

// Message is a chat message.
type Message struct {
	Text string `json:"text"`
}

// Status acknowledges a request.
type Status struct {
	Status string `json:"status"`
}

// StateStatus acknowledges "update_state".
type StateStatus struct {
	Status  string          `json:"status"`
	State   json.RawMessage `json:"state"`
	Updates int             `json:"updates"`
}

// ChatConsumer serves the /chat namespace; one value per connection.
//
//sio:consumer namespace=/chat
type ChatConsumer struct {
	// Logger receives disconnections; nil means slog.Default().
	Logger *slog.Logger

	state   json.RawMessage
	updates int
}

// Connect joins the lobby and greets the client. A client presenting the
// token "forbidden" is rejected, with data saying why.
func (c *ChatConsumer) Connect(ctx context.Context, s *socketio.Socket, auth *Auth) error {
	if auth != nil && auth.Token == "forbidden" {
		return &socketio.ConnectError{Message: "forbidden", Data: map[string]string{"reason": "this token is not allowed"}}
	}
	s.Join(Lobby)
	return s.Emit("system_message", Message{Text: "Welcome!"})
}

// Disconnect logs the reason.
func (c *ChatConsumer) Disconnect(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {
	logger := c.Logger
	if logger == nil {
		logger = slog.Default()
	}
	logger.Info("chat: disconnected", "socket", s.ID(), "reason", string(reason), "updates", c.updates)
}

// EventChatMessage broadcasts the message to the lobby (the sender
// included) and acknowledges it.
func (c *ChatConsumer) EventChatMessage(ctx context.Context, s *socketio.Socket, payload Message, ack func(Status) error) error {
	if err := s.Namespace().To(Lobby).Emit(ChatConsumerChatMessageEvent, Message{Text: payload.Text}); err != nil {
		return err
	}
	if ack != nil {
		return ack(Status{Status: "ok"})
	}
	return nil
}

// EventUpdateState keeps payload as this connection's state.
func (c *ChatConsumer) EventUpdateState(ctx context.Context, s *socketio.Socket, payload json.RawMessage, ack func(StateStatus) error) error {
	c.state = payload
	c.updates++
	if ack != nil {
		return ack(StateStatus{Status: "ok", State: c.state, Updates: c.updates})
	}
	return nil
}

// EventMove relays a move to the rest of the lobby.
func (c *ChatConsumer) EventMove(ctx context.Context, s *socketio.Socket, x, y float64) error {
	return s.To(Lobby).Emit(ChatConsumerMoveEvent, s.ID(), x, y)
}
