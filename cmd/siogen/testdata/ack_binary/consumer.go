package main

import (
	"context"
	"encoding/json"

	"github.com/siogo/sio/socketio"
)

// Blob is binary: received as an attachment, and sent as one in an
// acknowledgement.
type Blob []byte

// Text is a []byte with its own JSON encoding: it travels as JSON both ways.
type Text []byte

// MarshalJSON encodes t as a JSON string.
func (t Text) MarshalJSON() ([]byte, error) { return json.Marshal(string(t)) }

// UnmarshalJSON decodes a JSON string into t.
func (t *Text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = Text(s)
	return nil
}

// Files echoes binary data in acknowledgements.
//
//sio:consumer namespace=/files
type Files struct{}

// EventEcho acknowledges the Blob it received, as it received it.
func (f *Files) EventEcho(ctx context.Context, s *socketio.Socket, b Blob, ack func(Blob) error) error {
	return ack(b)
}

// EventMixed sends a pointer to a Blob (nil or not), a plain []byte, a Text
// and a json.RawMessage.
func (f *Files) EventMixed(ctx context.Context, s *socketio.Socket, present bool, ack func(*Blob, []byte, Text, json.RawMessage) error) error {
	var p *Blob
	if present {
		b := Blob("ptr")
		p = &b
	}
	return ack(p, []byte("plain"), Text("text"), json.RawMessage(`{"raw":true}`))
}

// EventMany sends a variadic list of Blobs after a count.
func (f *Files) EventMany(ctx context.Context, s *socketio.Socket, n int, ack func(int, ...Blob) error) error {
	var bs []Blob
	for i := range n {
		bs = append(bs, Blob{byte('a' + i)})
	}
	return ack(n, bs...)
}

// EventOnly sends Blobs only, variadic.
func (f *Files) EventOnly(ctx context.Context, s *socketio.Socket, ack func(...Blob) error) error {
	return ack(Blob("x"), Blob("y"))
}
