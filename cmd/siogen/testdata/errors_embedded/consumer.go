package embed

import (
	"context"

	"github.com/siogo/sio/cmd/siogen/testdata/errors_embedded/other"
	"github.com/siogo/sio/socketio"
)

// A and B both have EventPing, Disconnect and a //sio:event method Note.
type A struct{}

func (A) EventPing(ctx context.Context, s *socketio.Socket) error { return nil }

func (A) Disconnect(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {}

//sio:event note
func (A) Note(ctx context.Context, s *socketio.Socket) error { return nil }

// Unrelated is ambiguous too, but it is an ordinary method: not reported.
func (A) Unrelated() {}

type B struct{}

func (*B) EventPing(ctx context.Context, s *socketio.Socket) error { return nil }

func (*B) Disconnect(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {}

//sio:event note
func (*B) Note(ctx context.Context, s *socketio.Socket) error { return nil }

func (*B) Unrelated() {}

// Both embeds A and B at the same depth: Go's selectors Both.EventPing,
// Both.Disconnect and Both.Note are ambiguous, so Both has none of them.
//
//sio:consumer namespace=/both
type Both struct {
	A
	*B
}

// Chosen embeds A and B too, but declares EventPing itself: no ambiguity.
//
//sio:consumer namespace=/chosen
type Chosen struct {
	A
	B
}

func (c *Chosen) EventPing(ctx context.Context, s *socketio.Socket) error { return nil }

func (c *Chosen) Disconnect(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {
}

func (c *Chosen) Note(ctx context.Context, s *socketio.Socket) error { return nil }

// Foreign embeds handlers of another package whose signatures it cannot use.
//
//sio:consumer namespace=/foreign
type Foreign struct{ other.Handlers }

// A method of a type embedded in no consumer keeps its //sio:event error.
type Lonely struct{}

//sio:event lonely
func (Lonely) Alone(ctx context.Context, s *socketio.Socket) error { return nil }
