package main

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// Split names an interface declared only on linux: its emitter, generated
// into sio_gen.go with Split, would refer to it everywhere.
//
//sio:consumer namespace=/split emits=LinuxEvents
type Split struct{}

// EventX handles "x".
func (s *Split) EventX(ctx context.Context, so *socketio.Socket) error { return nil }

func main() {}
