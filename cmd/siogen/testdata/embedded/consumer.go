package main

import (
	"context"
	"fmt"

	"github.com/siogo/sio/cmd/siogen/testdata/embedded/shared"
	"github.com/siogo/sio/socketio"
)

// Common holds handlers shared by the consumers of this package.
type Common struct{ pings int }

// Connect is promoted: the connect hook of Chat.
func (c *Common) Connect(ctx context.Context, s *socketio.Socket) error {
	fmt.Println("connect through Common")
	return nil
}

// EventPing handles "ping" (promoted, pointer receiver).
func (c *Common) EventPing(ctx context.Context, s *socketio.Socket) error {
	c.pings++
	return nil
}

// Shout handles "shout" (promoted, value receiver, named by a directive).
//
//sio:event shout
func (c Common) Shout(ctx context.Context, s *socketio.Socket, text string) error {
	fmt.Println("shout", text)
	return nil
}

// Inner is embedded in Nested, which Chat embeds: its methods are promoted
// two levels up.
type Inner struct{}

// EventDeep handles "deep".
func (Inner) EventDeep(ctx context.Context, s *socketio.Socket) error {
	fmt.Println("deep")
	return nil
}

// Nested embeds Inner.
type Nested struct{ Inner }

// Chat's handlers come from its own methods and from its embedded fields:
// Common of this package, *shared.Presence (a pointer) and shared.Audit of
// another package, and Inner through Nested.
//
//sio:consumer namespace=/embedded
type Chat struct {
	Common
	*shared.Presence
	shared.Audit
	Nested
}

// EventHello shadows shared.Presence's EventHello, as Go does.
func (c *Chat) EventHello(ctx context.Context, s *socketio.Socket) error {
	fmt.Println("own hello")
	return nil
}

func main() {
	ctx := context.Background()
	c := &Chat{Presence: &shared.Presence{}}
	fmt.Println("connect:", _sio_Chat_spec.Connect(c, ctx, nil, nil))
	d := _sio_Chat_spec.Dispatcher(c)
	for _, e := range []struct{ event, args string }{
		{"ping", `[]`},
		{"ping", `[]`},
		{"shout", `["hi"]`},
		{"join", `["lobby"]`},
		{"leave-room", `["lobby"]`},
		{"hello", `[]`},
		{"deep", `[]`},
		{"nope", `[1]`},
	} {
		err := d.Dispatch(ctx, nil, e.event, socketio.NewArgs([]byte(e.args), nil), nil)
		fmt.Println(e.event, err)
	}
	_sio_Chat_spec.Disconnect(c, ctx, nil, socketio.ReasonClientDisconnect)
	fmt.Println("pings:", c.pings, "rooms:", c.Rooms, "log:", c.Log)

	// A nil embedded pointer: the promoted method's receiver is nil, so the
	// handler panics as Go would (socketio recovers a handler's panic).
	func() {
		defer func() { fmt.Println("nil *shared.Presence:", recover()) }()
		_ = _sio_Chat_spec.Dispatcher(&Chat{}).Dispatch(ctx, nil, "join", socketio.NewArgs([]byte(`["x"]`), nil), nil)
	}()
}
