package main

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// Split has handlers in files with other build constraints than its own: the
// generated sio_gen.go, built everywhere, would call them where they do not
// exist.
//
//sio:consumer namespace=/split
type Split struct{}

// EventHere handles "here".
func (s *Split) EventHere(ctx context.Context, so *socketio.Socket) error { return nil }

func main() {}
