//go:build linux

package main

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// EventSame handles "same".
func (s *Same) EventSame(ctx context.Context, so *socketio.Socket) error { return nil }
