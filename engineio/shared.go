package engineio

import (
	"sync"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// Shared messages: a broadcast sends the same message to many sessions.
// Written one session at a time, every WebSocket write would build the
// frame again (and allocate for it); a shared message holds the frame,
// built once on its first WebSocket write and then written as is to every
// connection (gorilla's PreparedMessage, which also compresses once per
// set of compression settings). Long-polling sessions use Data as for any
// message.

// NewSharedMessage returns a message meant to be sent to many sessions:
// its WebSocket frame is prepared once, on the first write to a WebSocket,
// and reused for every other session, so that sending it costs no
// allocation per WebSocket session beyond the queue. It is worth it from
// two receivers on; a message for one session is better made as a plain
// Message. data is shared by all the sessions and must not be modified
// afterwards. A text message's data is checked for UTF-8 here, once for
// all the sessions: Session.Send refuses it with ErrInvalidUTF8 if it is
// not.
func NewSharedMessage(data []byte, binary bool) Message {
	return Message{Data: data, Binary: binary, shared: &sharedFrame{utf8: binary || utf8.Valid(data)}}
}

// sharedFrame is the WebSocket frame of a shared message, prepared by the
// first writer.
type sharedFrame struct {
	utf8 bool // the data is valid UTF-8 (checked by NewSharedMessage)
	once sync.Once
	pm   *websocket.PreparedMessage
	err  error
}

// prepared returns the prepared frame of the message packet p (whose
// shared field is f): "4" followed by the data in a text frame, or the
// data in a binary frame.
func (f *sharedFrame) prepared(p *packet) (*websocket.PreparedMessage, error) {
	f.once.Do(func() {
		if p.binary {
			f.pm, f.err = websocket.NewPreparedMessage(websocket.BinaryMessage, p.data)
			return
		}
		payload := make([]byte, 0, 1+len(p.data))
		payload = append(payload, typeMessage)
		payload = append(payload, p.data...)
		f.pm, f.err = websocket.NewPreparedMessage(websocket.TextMessage, payload)
	})
	return f.pm, f.err
}
