package foreign

import (
	"context"

	"github.com/siogo/sio/socketio"
)

//sio:consumer
type Foreign struct{}

func (f *Foreign) EventPing(ctx context.Context, s *socketio.Socket) error { return nil }
