package chat

//go:generate go run github.com/siogo/sio/cmd/siogen

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/siogo/sio/socketio"
)

// Limits bound what one client can make the server keep. The zero value of
// a field means its default.
type Limits struct {
	// History is the number of messages kept per room; default 50.
	History int
	// Rooms is the number of rooms whose history is kept; default 1000.
	Rooms int
	// JoinedRooms is the number of rooms one connection may be in at once;
	// default 20.
	JoinedRooms int
	// Text is the longest message text, in bytes; default 2000.
	Text int
	// RoomName is the longest room name, in bytes; default 64.
	RoomName int
	// Username is the longest user name, in bytes; default 32.
	Username int
}

// withDefaults returns l with zero fields set to their defaults.
func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.History, 50)
	def(&l.Rooms, 1000)
	def(&l.JoinedRooms, 20)
	def(&l.Text, 2000)
	def(&l.RoomName, 64)
	def(&l.Username, 32)
	return l
}

// DefaultUsername is the name of a client that gives none.
const DefaultUsername = "anon"

// Errors a client gets back in a {ok:false, error} acknowledgement (their
// text without the "chat: " prefix), or in a connect_error.
var (
	ErrNotMember     = errors.New("chat: not in this room; join it first")
	ErrEmptyText     = errors.New("chat: empty message")
	ErrTextTooLong   = errors.New("chat: message too long")
	ErrBadRoom       = errors.New("chat: invalid room name")
	ErrTooManyRooms  = errors.New("chat: in too many rooms; leave one first")
	ErrBadUsername   = errors.New("chat: invalid user name")
	ErrNotUTF8       = errors.New("chat: text is not valid UTF-8")
	errNoAckForError = errors.New("chat: request refused")
)

// Auth is the auth payload of a connection: io(url, {auth: {username}}).
type Auth struct {
	Username string `json:"username"`
}

// Result acknowledges a request: {ok:true, id} for a message (id is the
// message's ID), {ok:true} for join and leave, {ok:false, error} when the
// request was refused.
type Result struct {
	OK    bool   `json:"ok"`
	ID    int64  `json:"id,omitempty"`
	Error string `json:"error,omitempty"`
}

// fail returns the acknowledgement of a refused request.
func fail(err error) Result {
	return Result{Error: strings.TrimPrefix(err.Error(), "chat: ")}
}

// Events are the events the chat sends to clients, through the generated
// [EventsEmitter] (var emit).
//
//sio:emits
type Events interface {
	// Joined answers a join: the room's recent messages, oldest first, to
	// the joining client.
	Joined(room string, history []Message)
	// UserJoined tells the others in a room that user joined it.
	//
	//sio:event user-joined
	UserJoined(room, user string)
	// UserLeft tells the others in a room that user left it (or
	// disconnected).
	//
	//sio:event user-left
	UserLeft(room, user string)
	// Message delivers a message to everyone in its room, the sender
	// included.
	Message(room string, msg Message)
	// Typing tells the others in a room whether user is typing.
	Typing(room, user string, isTyping bool)
}

// emit sends the chat's events with typed arguments.
var emit EventsEmitter

// Chat is the consumer of the main namespace "/": one value per connection
// (made by [Server] through the generated RegisterChat), holding the
// connection's user name and rooms. Its handlers run one at a time for a
// connection, so its own fields need no lock; what connections share is in
// [History].
//
// Events from the client: join(room, username?), leave(room),
// message(room, text) and typing(room, isTyping), each with an optional
// acknowledgement. The events it sends are those of [Events].
//
//sio:consumer emits=Events
type Chat struct {
	history *History
	limits  Limits
	log     *slog.Logger
	now     func() time.Time

	user  string
	rooms map[string]struct{}
}

// Connect takes the user name from the auth payload (DefaultUsername when
// absent or empty) and rejects a name longer than the limit.
func (c *Chat) Connect(ctx context.Context, s *socketio.Socket, auth *Auth) error {
	c.user = DefaultUsername
	c.rooms = make(map[string]struct{})
	if auth != nil {
		name, err := c.checkUsername(auth.Username)
		if err != nil {
			return &socketio.ConnectError{Message: fail(err).Error, Data: map[string]int{"maxUsername": c.limits.Username}}
		}
		if name != "" {
			c.user = name
		}
	}
	c.log.Info("chat: connected", "socket", s.ID(), "user", c.user)
	return nil
}

// Disconnect tells the rooms the connection was in that its user left.
func (c *Chat) Disconnect(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {
	for room := range c.rooms {
		if err := emit.UserLeft(s.Namespace().To(room), room, c.user); err != nil {
			c.log.Warn("chat: user-left", "room", room, "err", err)
		}
	}
	c.log.Info("chat: disconnected", "socket", s.ID(), "user", c.user, "reason", string(reason))
}

// EventJoin joins room, optionally under a new user name, sends the
// caller joined(room, history) and tells the others user-joined(room,
// user). Joining a room the connection is already in sends the history
// again.
func (c *Chat) EventJoin(ctx context.Context, s *socketio.Socket, room string, username *string, ack func(Result) error) error {
	if err := c.checkRoom(room); err != nil {
		return reply(ack, fail(err), err)
	}
	if username != nil {
		name, err := c.checkUsername(*username)
		if err != nil {
			return reply(ack, fail(err), err)
		}
		if name != "" {
			c.user = name
		}
	}
	_, already := c.rooms[room]
	if !already && len(c.rooms) >= c.limits.JoinedRooms {
		return reply(ack, fail(ErrTooManyRooms), ErrTooManyRooms)
	}
	s.Join(room)
	c.rooms[room] = struct{}{}
	if err := emit.Joined(s, room, c.history.Recent(room)); err != nil {
		return err
	}
	if !already {
		if err := emit.UserJoined(s.To(room), room, c.user); err != nil {
			return err
		}
	}
	return reply(ack, Result{OK: true}, nil)
}

// EventLeave leaves room and tells the others user-left(room, user).
func (c *Chat) EventLeave(ctx context.Context, s *socketio.Socket, room string, ack func(Result) error) error {
	if _, ok := c.rooms[room]; !ok {
		return reply(ack, fail(ErrNotMember), ErrNotMember)
	}
	s.Leave(room)
	delete(c.rooms, room)
	if err := emit.UserLeft(s.To(room), room, c.user); err != nil {
		return err
	}
	return reply(ack, Result{OK: true}, nil)
}

// EventMessage appends text to room's history, broadcasts message(room,
// msg) to the room, the sender included, and acknowledges {ok:true, id}.
// A sender that is not in the room, or an empty, too long or invalid text,
// gets {ok:false, error} and nothing is broadcast.
func (c *Chat) EventMessage(ctx context.Context, s *socketio.Socket, room, text string, ack func(Result) error) error {
	if _, ok := c.rooms[room]; !ok {
		return reply(ack, fail(ErrNotMember), ErrNotMember)
	}
	if err := c.checkText(text); err != nil {
		return reply(ack, fail(err), err)
	}
	m := c.history.Append(room, c.user, text, c.now())
	if err := emit.Message(s.Namespace().To(room), room, m); err != nil {
		return err
	}
	return reply(ack, Result{OK: true, ID: m.ID}, nil)
}

// EventTyping tells the others in room typing(room, user, isTyping); it is
// ignored when the connection is not in room.
func (c *Chat) EventTyping(ctx context.Context, s *socketio.Socket, room string, isTyping bool) error {
	if _, ok := c.rooms[room]; !ok {
		return nil
	}
	return emit.Typing(s.To(room), room, c.user, isTyping)
}

// reply acknowledges with r when the client asked for an acknowledgement;
// otherwise a refusal (err != nil) is returned so that socketio logs it.
func reply(ack func(Result) error, r Result, err error) error {
	if ack != nil {
		return ack(r)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", errNoAckForError, err)
	}
	return nil
}

func (c *Chat) checkRoom(room string) error {
	if room == "" || len(room) > c.limits.RoomName || !utf8.ValidString(room) || strings.TrimSpace(room) != room {
		return ErrBadRoom
	}
	return nil
}

// checkUsername returns the trimmed name ("" when blank).
func (c *Chat) checkUsername(name string) (string, error) {
	name = strings.TrimSpace(name)
	if len(name) > c.limits.Username || !utf8.ValidString(name) {
		return "", ErrBadUsername
	}
	return name, nil
}

func (c *Chat) checkText(text string) error {
	switch {
	case strings.TrimSpace(text) == "":
		return ErrEmptyText
	case len(text) > c.limits.Text:
		return ErrTextTooLong
	case !utf8.ValidString(text):
		return ErrNotUTF8
	}
	return nil
}
