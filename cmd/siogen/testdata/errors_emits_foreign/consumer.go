package main

import (
	"context"

	"github.com/siogo/sio/cmd/siogen/testdata/errors_emits_foreign/other"
	"github.com/siogo/sio/socketio"
)

// Events embeds interfaces of another package: their methods are events,
// and the emitter must name their types.
//
//sio:emits
type Events interface {
	other.Events
	other.Public
}

//sio:consumer namespace=/foreign emits=Events
type Foreign struct{}

// EventX handles "x".
func (f *Foreign) EventX(ctx context.Context, s *socketio.Socket) error { return nil }

func main() {}
