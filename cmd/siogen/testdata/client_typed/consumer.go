// Package typed is the golden case of siogen -client: a consumer whose
// events cover every shape the typed client expresses, driven through the
// generated client by typed_test.go.
package typed

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/siogo/sio/socketio"
)

// Auth is the CONNECT payload.
type Auth struct {
	Token string `json:"token"`
	User  string `json:"user,omitempty"`
}

// Message is decoded field by field on both ends.
type Message struct {
	Text string `json:"text"`
	From string `json:"from,omitempty"`
}

// Status acknowledges a Message.
type Status struct {
	Stored bool `json:"stored"`
	Length int  `json:"length"`
}

// Blob is a named []byte: a binary attachment.
type Blob []byte

// Question asks the client something.
type Question struct {
	Text    string   `json:"text"`
	Choices []string `json:"choices"`
}

// Answer is the client's acknowledgement of a Question.
type Answer struct {
	Choice int `json:"choice"`
}

// Events are what the server sends on /chat.
//
//sio:emits
type Events interface {
	// Echo repeats a note, with its optional number.
	Echo(msg Message, n *int)
	// File sends bytes back: binary attachments, one of them optional.
	File(name string, data []byte, blob Blob, opt *[]byte)
	// Ask expects the client's answer.
	Ask(q Question) (Answer, error)
	// Poll expects two values, the second optional.
	Poll(q string) (choice int, note *string, err error)
	// Ping expects an empty acknowledgement.
	Ping() error
	// Many has a variadic tail.
	Many(first int, tags ...string)
	// Raw carries any JSON.
	//
	//sio:event raw-json
	Raw(raw json.RawMessage)
}

var emit EventsEmitter

// Chat serves /chat; the user comes from the auth payload.
//
//sio:consumer namespace=/chat emits=Events
type Chat struct{ user string }

// Connect accepts the token "secret".
func (c *Chat) Connect(ctx context.Context, s *socketio.Socket, auth Auth) error {
	if auth.Token != "secret" {
		return errors.New("bad token")
	}
	c.user = auth.User
	return nil
}

// EventSend stores a message.
func (c *Chat) EventSend(ctx context.Context, s *socketio.Socket, msg Message, ack func(Status) error) error {
	return ack(Status{Stored: msg.Text != "", Length: len(msg.Text)})
}

// EventNote is fire-and-forget: the server echoes it with Echo.
func (c *Chat) EventNote(ctx context.Context, s *socketio.Socket, text string, n *int) error {
	return emit.Echo(s, Message{Text: text, From: c.user}, n)
}

// EventUpload takes binary arguments, acknowledges with their sizes and the
// blob, and sends them back with File.
func (c *Chat) EventUpload(ctx context.Context, s *socketio.Socket, name string, data []byte, blob Blob, thumb *[]byte, ack func(n int, echo Blob, thumb *[]byte) error) error {
	if err := emit.File(s, strings.ToUpper(name), data, blob, thumb); err != nil {
		return err
	}
	return ack(len(data)+len(blob), blob, thumb)
}

// EventRaw acknowledges with the JSON it got, wrapped.
func (c *Chat) EventRaw(ctx context.Context, s *socketio.Socket, raw json.RawMessage, ack func(json.RawMessage) error) error {
	if err := emit.Raw(s, raw); err != nil {
		return err
	}
	return ack(json.RawMessage(`{"got":` + string(raw) + `}`))
}

// EventTags is variadic; the server answers with Many.
func (c *Chat) EventTags(ctx context.Context, s *socketio.Socket, first int, tags ...string) error {
	return emit.Many(s, first+len(tags), tags...)
}

// EventQuiz asks the client (Ask, Poll, Ping) and acknowledges with its
// answers; when the client does not answer Ask within wait milliseconds,
// with choice -1 and the error as note.
func (c *Chat) EventQuiz(ctx context.Context, s *socketio.Socket, question string, wait int, ack func(a Answer, choice int, note *string) error) error {
	actx, cancel := context.WithTimeout(ctx, time.Duration(wait)*time.Millisecond)
	defer cancel()
	a, err := emit.Ask(actx, s, Question{Text: question, Choices: []string{"yes", "no"}})
	if err != nil {
		msg := err.Error()
		return ack(Answer{}, -1, &msg)
	}
	poll, err := emit.Poll(ctx, s, question)
	if err != nil {
		return err
	}
	if err := emit.Ping(ctx, s); err != nil {
		return err
	}
	return ack(a, poll.Choice, poll.Note)
}

// EventDone is acknowledged without arguments.
func (c *Chat) EventDone(ctx context.Context, s *socketio.Socket, ack func() error) error {
	return ack()
}

// EventUntyped is acknowledged through a socketio.AckFunc.
func (c *Chat) EventUntyped(ctx context.Context, s *socketio.Socket, x int, ack socketio.AckFunc) error {
	return ack(x*2, "two")
}

// Room serves /room-1, /room-2, ...
//
//sio:consumer regexp=^/room-\d+$
type Room struct{}

// EventWhere answers with the namespace's name.
//
//sio:event where?
func (r *Room) EventWhere(ctx context.Context, s *socketio.Socket, ack func(string) error) error {
	return ack(s.Namespace().Name())
}

// Plain serves /plain: its auth payload is the JSON text itself, and an
// event without arguments goes both ways.
//
//sio:consumer namespace=/plain emits=PlainEvents
type Plain struct{ auth []byte }

// PlainEvents are sent on /plain.
//
//sio:emits
type PlainEvents interface {
	// Tick has no arguments.
	Tick()
}

// Connect keeps the auth payload's text.
func (p *Plain) Connect(ctx context.Context, s *socketio.Socket, auth []byte) error {
	p.auth = auth
	return nil
}

// EventAuth acknowledges with the auth payload's text.
func (p *Plain) EventAuth(ctx context.Context, s *socketio.Socket, ack func(string) error) error {
	return ack(string(p.auth))
}

// EventTick is answered with Tick.
func (p *Plain) EventTick(ctx context.Context, s *socketio.Socket) error {
	return plainEmit.Tick(s)
}

var plainEmit PlainEventsEmitter
