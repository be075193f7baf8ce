package directives

import (
	"context"

	"github.com/siogo/sio/socketio"
)

//sio:consumer namespace=/a ns=/b
type UnknownKey struct{}

//sio:consumer namespace
type NotKeyValue struct{}

//sio:consumer namespace=/c namespace=/d
type TwiceKey struct{}

//sio:consumer namespace=chat
type NoSlash struct{}

//sio:consumer namespace=/a,b
type Comma struct{}

//sio:consumer namespace=/a?b
type Space struct{}

//sio:consumer
type Number int

//sio:consumer
type Alias = struct{}

//sio:consumer
type Generic[T any] struct{ v T }

//sio:consumer namespace=/one
type First struct{}

//sio:consumer namespace=/one
type Second struct{}

//sio:consumer namespace=/dup
//sio:consumer namespace=/dup2
type Twice struct{}

//sio:consumers namespace=/typo
type Typo struct{}

//sio:consumer namespace=/fn
func NotAType() {}

//sio:event orphan
func NotAMethod() {}

//sio:event "unterminated
func (f *First) EventBadQuote(ctx context.Context, s *socketio.Socket) error { return nil }

// A method of a type that is not a consumer.
type Plain struct{}

//sio:event plain
func (p *Plain) EventPlain(ctx context.Context, s *socketio.Socket) error { return nil }

func f() {
	//sio:event inside
	_ = 0
}

//sio:event on-var
var v = 1
