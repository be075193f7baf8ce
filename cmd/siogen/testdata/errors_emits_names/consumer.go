package names

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// Events' generated names clash with declarations of the package.
//
//sio:emits
type Events interface {
	Hello(name string)
	Ask(q string) (string, int, error)
}

// EventsEmitter is declared by hand.
type EventsEmitter struct{}

// EventsHelloEvent is declared by hand.
const EventsHelloEvent = "hello"

// EventsAskReply is declared by hand.
type EventsAskReply struct{}

// Chat's names: ChatEvents.X and Chat's handler EventEventsX would both
// give ChatEventsXEvent.
//
//sio:emits
type ChatEvents interface {
	X()
}

//sio:consumer namespace=/names emits=Events
type Chat struct{}

// EventEventsX handles "events_x".
func (c *Chat) EventEventsX(ctx context.Context, s *socketio.Socket) error { return nil }

//sio:consumer namespace=/other emits=ChatEvents
type Other struct{}

func (o *Other) EventY(ctx context.Context, s *socketio.Socket) error { return nil }
