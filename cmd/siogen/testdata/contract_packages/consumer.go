package main

import (
	"context"
	"fmt"

	"github.com/siogo/sio/cmd/siogen/testdata/contract_packages/other"
	"github.com/siogo/sio/socketio"
)

// Message is this package's message: other.Message has the same name, so
// the TypeScript and AsyncAPI outputs name both after their packages
// (main_Message, other_Message).
type Message struct {
	Text string `json:"text"`
}

// number is named as a TypeScript type: it becomes number_.
type number struct {
	N int `json:"n"`
}

// RelayAuth is Relay's auth payload, named as the TypeScript output names
// it: it is declared once.
type RelayAuth struct {
	Key string `json:"key"`
}

// Relay serves /relay.
//
//sio:consumer namespace=/relay
type Relay struct{}

// Connect takes the auth payload.
func (r *Relay) Connect(ctx context.Context, s *socketio.Socket, auth RelayAuth) error { return nil }

// EventRelay relays a message of either package.
func (r *Relay) EventRelay(ctx context.Context, s *socketio.Socket, mine Message, theirs other.Message, n number) error {
	return nil
}

// Guild serves the namespaces isGuild accepts.
//
//sio:consumer match=isGuild
type Guild struct{}

func isGuild(name string, auth []byte) bool { return len(name) > 7 && name[:7] == "/guild-" }

// EventHello greets the guild.
func (g *Guild) EventHello(ctx context.Context, s *socketio.Socket, from *string) error { return nil }

func main() {
	srv := socketio.NewServer(nil)
	RegisterRelay(srv, func() *Relay { return &Relay{} })
	RegisterGuild(srv, func() *Guild { return &Guild{} })
	fmt.Println(RelayNamespace)
}
