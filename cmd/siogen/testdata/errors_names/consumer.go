package names

import (
	"context"

	"github.com/siogo/sio/socketio"
)

//sio:consumer namespace=/names
type Names struct{}

func (n *Names) EventConnect(ctx context.Context, s *socketio.Socket) error { return nil }

func (n *Names) EventDisconnect(ctx context.Context, s *socketio.Socket) error { return nil }

//sio:event newListener
func (n *Names) EventListener(ctx context.Context, s *socketio.Socket) error { return nil }

func (n *Names) EventChatMessage(ctx context.Context, s *socketio.Socket) error { return nil }

//sio:event chat_message
func (n *Names) EventAgain(ctx context.Context, s *socketio.Socket) error { return nil }

func (n *Names) eventHidden(ctx context.Context, s *socketio.Socket) error { return nil }

//sio:event hidden
func (n *Names) hidden(ctx context.Context, s *socketio.Socket) error { return nil }

func (n *Names) Event(ctx context.Context, s *socketio.Socket) error { return nil }

//sio:event ""
func (n *Names) EventEmpty(ctx context.Context, s *socketio.Socket) error { return nil }

//sio:event a b
func (n *Names) EventTwoNames(ctx context.Context, s *socketio.Socket) error { return nil }

//sio:event named
//sio:event renamed
func (n *Names) EventTwice(ctx context.Context, s *socketio.Socket) error { return nil }

//sio:event connecting
func (n *Names) Connect(ctx context.Context, s *socketio.Socket) error { return nil }

// RegisterNames clashes with the generated function.
func RegisterNames() {}

// Not handlers: these are fine.
func (n *Names) Eventful() {}
func (n *Names) events()   {}
