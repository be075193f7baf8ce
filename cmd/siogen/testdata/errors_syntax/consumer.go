package syntax

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// Room had three handlers; a missing brace must not make siogen rewrite its
// output with one.
//
//sio:consumer namespace=/room
type Room struct{}

func (r *Room) EventJoin(ctx context.Context, s *socketio.Socket) error {
	if true {
		return nil
	// the closing brace of the if is missing
}

func (r *Room) EventLeave(ctx context.Context, s *socketio.Socket) error { return nil }

func (r *Room) EventSay(ctx context.Context, s *socketio.Socket, text string) error { return nil }
