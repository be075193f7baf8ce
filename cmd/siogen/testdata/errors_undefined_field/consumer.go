package undefined

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// Message has a field of a type that is not declared: the type checker's
// "undefined: Foo" is what siogen reports, at its position.
type Message struct {
	Text string
	Foo  Foo
}

//sio:consumer
type Broken struct{}

func (b *Broken) EventMessage(ctx context.Context, s *socketio.Socket, m Message) error {
	return nil
}
