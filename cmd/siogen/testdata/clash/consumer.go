package main

import (
	"context"
	"net/netip"
	"time"

	"github.com/siogo/sio/socketio"
)

// lobby is unexported: its functions are registerLobby and
// registerLobbyShared. The package declares names that clash with the
// generated file's imports (see other.go).
//
//sio:consumer namespace="/lobby"
type lobby struct {
	got []string
}

// Value receiver.
func (l lobby) EventWait(ctx context.Context, s *socketio.Socket, d time.Duration, at netip.Addr) error {
	fmt_(d, at)
	return nil
}

// A pointer to a simple struct, a slice of simple structs.
func (l *lobby) EventItems(ctx context.Context, s *socketio.Socket, first *item, rest []item) error {
	fmt_(first, rest)
	return nil
}

type item struct {
	Name  string  `json:"name"`
	Price float32 `json:"price,omitempty"`
	skip  int
	Skip  bool `json:"-"`
}
