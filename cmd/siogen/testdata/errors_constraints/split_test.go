package main

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// EventInTest exists in the package's tests only.
func (s *Split) EventInTest(ctx context.Context, so *socketio.Socket) error { return nil }
