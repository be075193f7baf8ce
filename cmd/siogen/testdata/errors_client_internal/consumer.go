// Package internalpayload uses a payload type of an internal package: a
// client generated outside its parent cannot import it.
package internalpayload

import (
	"context"

	"github.com/siogo/sio/cmd/siogen/testdata/errors_client_internal/internal/wire"
	"github.com/siogo/sio/socketio"
)

// Chat serves /chat.
//
//sio:consumer namespace=/chat
type Chat struct{}

// EventSend takes an internal type.
func (c *Chat) EventSend(ctx context.Context, s *socketio.Socket, m wire.Message) error { return nil }
