// Package other has handlers that a consumer of another package embeds.
package other

import (
	"context"

	"github.com/siogo/sio/socketio"
)

type secret struct{ Code int }

// Handlers is embedded by a consumer of another package.
type Handlers struct{}

// EventSecret takes a type the embedding package cannot name.
func (Handlers) EventSecret(ctx context.Context, s *socketio.Socket, p secret) error { return nil }

// Connect has the wrong shape for the connect hook.
func (Handlers) Connect(addr string) error { return nil }
