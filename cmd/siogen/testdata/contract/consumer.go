package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/siogo/sio/socketio"
)

// Message is a chat message.
type Message struct {
	// Text is what was said.
	Text string `json:"text"`
	Room string `json:"room,omitempty"` // Room is empty for the lobby.
	// Seq travels as a string: the json tag's string option.
	Seq         int64            `json:"seq,string"`
	Sent        time.Time        `json:"sent"`
	Edited      *time.Time       `json:"edited,omitempty"`
	Author      *User            `json:"author"`
	Attachment  []byte           `json:"attachment,omitempty"`
	Reactions   map[string]int   `json:"reactions"`
	Flags       map[int16]bool   `json:"flags,omitempty"`
	Extra       json.RawMessage  `json:"extra,omitempty"`
	Meta                         // promoted: id (its text is shadowed by Message.Text)
	*Trace                       // promoted through a pointer: TraceID
	Labeled     `json:"labeled"` // tagged: a field, not promoted
	hidden      int
	Skipped     string `json:"-"`
	Dash        string `json:"-,"`
	Quoted      *bool  `json:",string"`
	Untouchable string `json:"bad\"name"`
}

// Meta is embedded in Message.
type Meta struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Trace is embedded by pointer.
type Trace struct{ TraceID string }

// Labeled is embedded with a tag, so it is a field of its own.
type Labeled struct {
	Label string `json:"label"`
}

// User wrote a message.
type User struct {
	Name   string         `json:"name"`
	Roles  []Role         `json:"roles"`
	Scores [3]float64     `json:"scores"`
	ByDay  map[uint]uint8 `json:"by_day,omitempty"`
	Any    any            `json:"any"`
}

// Role is a named string type.
type Role string

// Tree is a recursive type.
type Tree struct {
	Label    string  `json:"label"`
	Children []*Tree `json:"children,omitempty"`
}

// Thread is a recursive slice type: a nil Thread inside one is null.
type Thread []Thread

// Level has its own JSON encoding.
type Level int

// MarshalJSON writes "low" or "high".
func (l Level) MarshalJSON() ([]byte, error) {
	if l > 1 {
		return []byte(`"high"`), nil
	}
	return []byte(`"low"`), nil
}

// UnmarshalJSON reads "low" or "high".
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

// Color is written as text, #rrggbb.
type Color struct{ R, G, B uint8 }

// MarshalText writes #rrggbb.
func (c Color) MarshalText() ([]byte, error) {
	return fmt.Appendf(nil, "#%02x%02x%02x", c.R, c.G, c.B), nil
}

// UnmarshalText reads #rrggbb.
func (c *Color) UnmarshalText(b []byte) error {
	_, err := fmt.Sscanf(string(b), "#%02x%02x%02x", &c.R, &c.G, &c.B)
	return err
}

// Page is a generic page of items.
type Page[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

// Status acknowledges a message.
type Status struct {
	OK bool `json:"ok"`
}

// Question is asked of a client.
type Question struct {
	Text string `json:"text"`
}

// Answer is a client's reply.
type Answer struct {
	Choice int `json:"choice"`
}

// Blob is binary.
type Blob []byte

// Auth is what a client connects with.
type Auth struct {
	Token    string `json:"token"`
	Remember bool   `json:"remember,omitempty"`
}

// RoomEvents are the events the server sends on /room.
//
//sio:emits
type RoomEvents interface {
	// ChatMessage delivers a message.
	ChatMessage(msg Message)
	// UserJoined says who joined, and how many are in the room now.
	UserJoined(name string, count int)
	// Left is sent when someone leaves.
	//
	//sio:event user-left
	Left(name string)
	// Ask expects the client's answer.
	Ask(q Question) (Answer, error)
	// Ping expects an acknowledgement without arguments.
	Ping() error
	// File sends a file and maybe its thumbnail: binary attachments.
	File(name string, data []byte, thumb *Blob)
	// Upload asks the client for a file.
	Upload(name string) (Blob, error)
	// Forest sends trees.
	Forest(trees ...*Tree)
}

// Room serves /room.
//
//sio:consumer namespace=/room emits=RoomEvents
type Room struct{}

// Connect checks the auth payload; a client may send none.
func (r *Room) Connect(ctx context.Context, s *socketio.Socket, auth *Auth) error { return nil }

// EventSend posts a message.
func (r *Room) EventSend(ctx context.Context, s *socketio.Socket, msg Message, ack func(Status) error) error {
	return nil
}

// EventMove moves; z may be left out.
func (r *Room) EventMove(ctx context.Context, s *socketio.Socket, x, y float64, z *float64) error {
	return nil
}

// EventUpload receives a file, acknowledged with its size and digest.
func (r *Room) EventUpload(ctx context.Context, s *socketio.Socket, name string, data []byte, ack func(size int, sum [4]byte) error) error {
	return nil
}

// EventRaw takes anything.
func (r *Room) EventRaw(ctx context.Context, s *socketio.Socket, raw json.RawMessage, v any, level Level, color Color) error {
	return nil
}

// EventTree takes recursive and generic types.
func (r *Room) EventTree(ctx context.Context, s *socketio.Socket, t Tree, page Page[Tree], ack func(*Tree, Blob) error) error {
	return nil
}

// EventThread takes a thread.
func (r *Room) EventThread(ctx context.Context, s *socketio.Socket, t Thread) error { return nil }

// EventTags takes one or more tags.
func (r *Room) EventTags(ctx context.Context, s *socketio.Socket, first bool, rest ...string) error {
	return nil
}

// EventUntyped acknowledges with anything.
func (r *Room) EventUntyped(ctx context.Context, s *socketio.Socket, ack socketio.AckFunc) error {
	return nil
}

// Odd has a name that is no identifier, and a parameter named as a
// reserved word of TypeScript.
//
//sio:event "odd name"
func (r *Room) Odd(ctx context.Context, s *socketio.Socket, delete bool, _ string) error {
	return nil
}

// Team serves /team-1, /team-2, …
//
//sio:consumer regexp=^/team-\d+$
type Team struct{}

// EventPing answers with the team's name.
func (t *Team) EventPing(ctx context.Context, s *socketio.Socket, ack func(string) error) error {
	return nil
}
