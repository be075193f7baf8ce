package sig

import (
	"context"

	"github.com/siogo/sio/socketio"
)

//sio:consumer namespace=/sig
type Sig struct{}

// Swapped ctx and socket.
func (c *Sig) EventSwapped(s *socketio.Socket, ctx context.Context) error { return nil }

// Missing ctx.
func (c *Sig) EventNoCtx(s *socketio.Socket, x int) error { return nil }

// Missing socket.
func (c *Sig) EventNoSocket(ctx context.Context, x int) error { return nil }

// No parameters at all.
func (c *Sig) EventNothing() error { return nil }

// Wrong return types.
func (c *Sig) EventNoError(ctx context.Context, s *socketio.Socket) {}

func (c *Sig) EventTwoResults(ctx context.Context, s *socketio.Socket) (int, error) { return 0, nil }

// An acknowledgement that does not return error.
func (c *Sig) EventBadAck(ctx context.Context, s *socketio.Socket, ack func(string)) error {
	return nil
}

func (c *Sig) Connect(ctx context.Context, s *socketio.Socket, auth string, extra int) error {
	return nil
}

func (c *Sig) Disconnect(ctx context.Context, s *socketio.Socket) {}

func (c *Sig) OnAny(ctx context.Context, s *socketio.Socket, event string) error { return nil }

func (c *Sig) DecodeError(ctx context.Context, s *socketio.Socket, event string, err error) {}

// A correct handler next to the broken ones.
func (c *Sig) EventFine(ctx context.Context, s *socketio.Socket, x int) error { return nil }
