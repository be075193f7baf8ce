package main

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/siogo/sio/socketio"
)

// Room serves every namespace /room-<number>, each created when a client
// first connects to it.
//
//sio:consumer regexp=^/room-\d+$
type Room struct{}

func (r *Room) Connect(ctx context.Context, s *socketio.Socket) error {
	fmt.Println("room connect", s.Namespace().Name())
	return nil
}

// EventWhere acknowledges with the name of the socket's namespace.
func (r *Room) EventWhere(ctx context.Context, s *socketio.Socket, ack func(string) error) error {
	return ack("room " + s.Namespace().Name())
}

// Team serves the namespaces isTeam accepts.
//
//sio:consumer match=isTeam
type Team struct{}

func (t *Team) EventWhere(ctx context.Context, s *socketio.Socket, ack func(string) error) error {
	return ack("team " + s.Namespace().Name())
}

// isTeam accepts /team-… unless the auth payload denies it.
func isTeam(name string, auth []byte) bool {
	return strings.HasPrefix(name, "/team-") && !bytes.Contains(auth, []byte("deny"))
}

// Lobby's pattern is anchored at the start only: siogen warns that it
// serves /lobby-2 as well.
//
//sio:consumer regexp=^/lobby
type Lobby struct{}

func (l *Lobby) EventWhere(ctx context.Context, s *socketio.Socket, ack func(string) error) error {
	return ack("lobby " + s.Namespace().Name())
}
