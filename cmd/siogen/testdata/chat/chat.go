package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/siogo/sio/socketio"
)

// Message is a chat message.
type Message struct {
	Text string `json:"text"`
	Room string `json:"room,omitempty"`
	Seq  int64  `json:"seq"`
}

// Status answers a chat message.
type Status struct {
	Status string `json:"status"`
}

// Auth is the auth payload.
type Auth struct {
	Token string `json:"token"`
}

// Point has a slice field: siogen decodes it field by field too.
type Point struct {
	X, Y float64
	Tags []string `json:"tags"`
}

// Level has a custom unmarshaler.
type Level int

// UnmarshalJSON accepts "low" and "high".
func (l *Level) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"low"`:
		*l = 1
	case `"high"`:
		*l = 2
	default:
		return errors.New("bad level")
	}
	return nil
}

// Blob is binary.
type Blob []byte

// Chat serves the /chat namespace.
//
//sio:consumer namespace=/chat
type Chat struct {
	log []string
}

func (c *Chat) printf(format string, args ...any) {
	c.log = append(c.log, fmt.Sprintf(format, args...))
}

func (c *Chat) Connect(ctx context.Context, s *socketio.Socket, auth Auth) error {
	if auth.Token == "bad" {
		return &socketio.ConnectError{Message: "unauthorized", Data: map[string]string{"reason": "bad token"}}
	}
	c.printf("connect token=%q", auth.Token)
	return nil
}

func (c *Chat) Disconnect(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {
	c.printf("disconnect %s", reason)
}

func (c *Chat) EventChatMessage(ctx context.Context, s *socketio.Socket, msg Message, ack func(Status) error) error {
	c.printf("chat_message %+v ack=%t", msg, ack != nil)
	if ack != nil {
		return ack(Status{Status: "ok"})
	}
	return nil
}

func (c *Chat) EventMove(ctx context.Context, s *socketio.Socket, x, y float64) error {
	c.printf("move %v %v", x, y)
	return nil
}

//sio:event user-joined
func (c *Chat) EventUserJoined(ctx context.Context, s *socketio.Socket, room string) error {
	c.printf("user-joined %q", room)
	return nil
}

func (c *Chat) EventGetURL(ctx context.Context, s *socketio.Socket, id uint16, opt *Point, ack func(string, int) error) error {
	c.printf("get_url %d %+v", id, opt)
	return ack(fmt.Sprintf("/u/%d", id), 200)
}

func (c *Chat) EventTags(ctx context.Context, s *socketio.Socket, first bool, rest ...int8) error {
	c.printf("tags %v %v", first, rest)
	return nil
}

func (c *Chat) EventUpload(ctx context.Context, s *socketio.Socket, name string, data Blob, raw []byte, ack socketio.AckFunc) error {
	c.printf("upload %s %q %q", name, data, raw)
	if ack != nil {
		return ack(len(data) + len(raw))
	}
	return nil
}

func (c *Chat) EventRaw(ctx context.Context, s *socketio.Socket, payload json.RawMessage, level Level, anything any) error {
	c.printf("raw %s %d %v", payload, level, anything)
	return nil
}

func (c *Chat) EventNoArgs(ctx context.Context, s *socketio.Socket, ack func() error) error {
	c.printf("no_args")
	if ack != nil {
		return ack()
	}
	return nil
}

func (c *Chat) EventVariadicAck(ctx context.Context, s *socketio.Socket, ack func(code int, words ...string) error) error {
	return ack(7, "a", "b")
}

func (c *Chat) EventFail(ctx context.Context, s *socketio.Socket) error {
	return errors.New("handler failed")
}

// An ordinary method: not a handler.
func (c *Chat) Eventually() {}

// Lobby serves the default namespace, with hooks for unknown events and
// decode errors.
//
//sio:consumer
type Lobby struct {
	log []string
}

func (l *Lobby) Connect(ctx context.Context, s *socketio.Socket) error {
	l.log = append(l.log, "connect")
	return nil
}

func (l *Lobby) EventPing(ctx context.Context, s *socketio.Socket, n int) error {
	l.log = append(l.log, fmt.Sprintf("ping %d", n))
	return nil
}

func (l *Lobby) OnAny(ctx context.Context, s *socketio.Socket, event string, args *socketio.Args, ack socketio.AckFunc) error {
	l.log = append(l.log, fmt.Sprintf("any %s %d", event, args.Len()))
	return nil
}

func (l *Lobby) DecodeError(ctx context.Context, s *socketio.Socket, event string, err error, ack socketio.AckFunc) error {
	l.log = append(l.log, fmt.Sprintf("decode error %s: %v", event, err))
	if ack != nil {
		return ack(map[string]string{"error": "bad arguments"})
	}
	return nil
}
