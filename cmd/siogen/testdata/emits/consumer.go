package main

import (
	"context"
	"encoding/json"

	"github.com/siogo/sio/socketio"
)

// Message is a chat message, encoded field by field.
type Message struct {
	Text string `json:"text"`
	From string `json:"from,omitempty"`
	Sent int64  `json:"sent"`
}

// Question asks the client something.
type Question struct {
	Text string `json:"text"`
}

// Answer is the client's acknowledgement of a Question.
type Answer struct {
	Choice int    `json:"choice"`
	Note   string `json:"note"`
}

// Tagged uses every json tag option siogen encodes itself.
type Tagged struct {
	Renamed  string  `json:"name"`
	Empty    string  `json:"empty,omitempty"`
	Zero     float64 `json:"zero,omitzero"`
	Both     int     `json:"both,omitempty,omitzero"`
	Quoted   int     `json:"quoted,string"`
	QuotedS  string  `json:"qs,string"`
	QuotedF  float32 `json:"qf,string"`
	Flag     bool    `json:",omitempty"`
	Dash     string  `json:"-,"`
	Skipped  string  `json:"-"`
	Level    Level
	hidden   string
	Untagged uint8
}

// Level is a named integer.
type Level int

// Room is nested, so encoding/json encodes it.
type Room struct {
	Name    string   `json:"name"`
	Members []string `json:"members"`
	Last    *Message `json:"last,omitempty"`
	Meta    map[string]int
}

// Name is a named string.
type Name string

// Blob is a named []byte: a binary attachment.
type Blob []byte

// Base is embedded in ChatEvents: its methods are events too.
type Base interface {
	// Hello greets.
	Hello(greeting string)
}

// ChatEvents are the events the server sends on /chat.
//
//sio:emits
type ChatEvents interface {
	Base
	// ChatMessage delivers a message.
	ChatMessage(msg Message)
	UserJoined(name string, count int)
	// Left is sent when someone leaves.
	//
	//sio:event user-left
	Left(name string)
	// Ask expects the client's acknowledgement.
	Ask(q Question) (Answer, error)
	Ping() error
	Poll(q string) (choice int, note *string, err error)
	File(name string, data []byte, blob Blob, opt *[]byte)
	Optional(p *Message, n *int)
	Nested(r Room)
	Tagged(t Tagged)
	Scalars(s Name, b bool, i8 int8, u uint, f32 float32, f64 float64, l Level)
	Raw(raw json.RawMessage)
	Many(first int, tags ...string)
	Shadow(string string, int int, sioruntime bool)
}

// Chat serves /chat.
//
//sio:consumer namespace=/chat emits=ChatEvents
type Chat struct{}

// EventJoin puts the socket in room.
func (c *Chat) EventJoin(ctx context.Context, s *socketio.Socket, room string) error {
	s.Join(room)
	return nil
}
