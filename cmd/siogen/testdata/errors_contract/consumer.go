package main

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// ChatAuth is named as the auth payload's type of Chat, but it is not its
// auth payload.
type ChatAuth struct {
	Token string `json:"token"`
}

// Auth is Chat's auth payload.
type Auth struct{ ChatAuth }

// ChatClientToServerEvents is named as the interface of the events clients
// send to Chat.
type ChatClientToServerEvents string

// Chat serves /chat.
//
//sio:consumer namespace=/chat
type Chat struct{}

func (c *Chat) Connect(ctx context.Context, s *socketio.Socket, auth Auth) error { return nil }

func (c *Chat) EventToken(ctx context.Context, s *socketio.Socket, auth ChatAuth) error { return nil }

func (c *Chat) EventJoin(ctx context.Context, s *socketio.Socket, ns ChatClientToServerEvents) error {
	return nil
}
