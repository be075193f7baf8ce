package constants

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// Chat's generated constants are ChatNamespace, ChatJoinEvent and
// ChatXFooEvent.
//
//sio:consumer namespace=/chat
type Chat struct{}

//sio:event user-joined
func (c *Chat) Join(ctx context.Context, s *socketio.Socket) error { return nil }

func (c *Chat) EventXFoo(ctx context.Context, s *socketio.Socket) error { return nil }

// Declarations of the package with the names of generated constants.
const ChatJoinEvent = "mine"

var ChatNamespace = 1

// ChatX.EventFoo gives ChatXFooEvent too.
//
//sio:consumer namespace=/x
type ChatX struct{}

func (c *ChatX) EventFoo(ctx context.Context, s *socketio.Socket) error { return nil }

// ChatShared's RegisterChatShared is Chat's shared Register function.
//
//sio:consumer namespace=/shared
type ChatShared struct{}
