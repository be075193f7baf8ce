package connectack

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// Connect has no acknowledgement.
//
//sio:consumer
type Hook struct{}

func (h *Hook) Connect(ctx context.Context, s *socketio.Socket, ack func(string) error) error {
	return nil
}
