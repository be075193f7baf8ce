package emits

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// NotIface is a struct, not an interface.
//
//sio:emits
type NotIface struct{}

// Generic has a type parameter.
//
//sio:emits
type Generic[T any] interface{ Send(v T) }

// Alias is an alias.
//
//sio:emits
type Alias = Events

// Constraint has a type set.
//
//sio:emits
type Constraint interface {
	~int
	Send(n int)
}

// Args has an argument.
//
//sio:emits now
type Args interface{ Send(n int) }

// Events breaks the rules of event names and results.
//
//sio:emits
type Events interface {
	Connect()
	//sio:event disconnect
	Gone()
	ChatMessage(text string)
	//sio:event chat_message
	Again(text string)
	//sio:event
	NoName()
	//sio:event one two
	TwoNames()
	//sio:event ""
	Empty()
	//sio:event first
	//sio:event second
	Twice()
	Count() int
	Pair() (int, string)
	Ask() (string, error)
	AskAll()
}

// Plain is not //sio:emits.
type Plain interface {
	//sio:event plain
	Send()
	//sio:emits
	Other()
}

// Quiet is named by no consumer.
//
//sio:emits
type Quiet interface{ Hush() }

// Empty declares no events.
//
//sio:emits
type Empty interface{}

//sio:emits
func notAType() {}

var _ = notAType

//sio:consumer namespace=/emits emits=Empty
type Consumer struct{}

func (c *Consumer) EventX(ctx context.Context, s *socketio.Socket) error { return nil }
