package main

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// EventLinux exists on linux only.
func (s *Split) EventLinux(ctx context.Context, so *socketio.Socket) error { return nil }
