package main

import (
	"context"
	"fmt"

	"github.com/siogo/sio/socketio"
)

// Chat's handlers are declared on Chat and on an alias of it: both are
// methods of Chat.
//
//sio:consumer namespace=/alias
type Chat struct{ said []string }

// Alias is another name for Chat.
type Alias = Chat

// Renamed is an alias of an alias.
type Renamed = Alias

func (c *Chat) EventDirect(ctx context.Context, s *socketio.Socket, text string) error {
	c.said = append(c.said, "direct "+text)
	return nil
}

// EventViaAlias is declared on the alias: a method of Chat all the same.
func (c *Alias) EventViaAlias(ctx context.Context, s *socketio.Socket, text string) error {
	c.said = append(c.said, "via alias "+text)
	return nil
}

// Named by a directive, on an alias of an alias, with a value receiver.
//
//sio:event renamed
func (c Renamed) Other(ctx context.Context, s *socketio.Socket, n int) error {
	fmt.Println("renamed", n)
	return nil
}

func main() {
	ctx := context.Background()
	c := &Chat{}
	d := _sio_Chat_spec.Dispatcher(c)
	for _, e := range []struct{ event, args string }{
		{"direct", `["a"]`},
		{"via_alias", `["b"]`},
		{"renamed", `[3]`},
	} {
		err := d.Dispatch(ctx, nil, e.event, socketio.NewArgs([]byte(e.args), nil), nil)
		fmt.Println(e.event, err)
	}
	fmt.Println(c.said)
}
