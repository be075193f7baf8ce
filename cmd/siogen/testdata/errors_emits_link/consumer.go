package link

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// Events are fine.
//
//sio:emits
type Events interface{ Hello(name string) }

// NotMarked is an interface without //sio:emits.
type NotMarked interface{ Hello(name string) }

// AStruct is a struct.
type AStruct struct{}

var aVar int

//sio:consumer namespace=/a emits=Missing
type A struct{}

//sio:consumer namespace=/b emits=NotMarked
type B struct{}

//sio:consumer namespace=/c emits=AStruct
type C struct{}

//sio:consumer namespace=/d emits=aVar
type D struct{}

//sio:consumer namespace=/e emits=other.Events
type E struct{}

//sio:consumer namespace=/f emits=Events emits=Events
type F struct{}

//sio:consumer namespace=/g emits=
type G struct{}

//sio:consumer namespace=/h emits=Events colour=blue
type H struct{}

func (a *A) EventX(ctx context.Context, s *socketio.Socket) error { return nil }

//sio:consumer namespace=/i emits=Events
type I struct{}
