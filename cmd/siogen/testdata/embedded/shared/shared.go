// Package shared has handlers that consumers of other packages embed. It
// has no consumer of its own: siogen reads its methods through the
// consumers that embed them.
package shared

import (
	"context"
	"fmt"

	"github.com/siogo/sio/socketio"
)

// Presence tracks the rooms a socket joined.
type Presence struct{ Rooms []string }

// EventJoin handles "join" for every consumer that embeds a Presence.
func (p *Presence) EventJoin(ctx context.Context, s *socketio.Socket, room string) error {
	p.Rooms = append(p.Rooms, room)
	return nil
}

// EventHello is shadowed by a consumer's own EventHello.
func (p *Presence) EventHello(ctx context.Context, s *socketio.Socket) error {
	fmt.Println("shared hello: never called")
	return nil
}

// Leave handles "leave-room": a //sio:event directive in another package.
//
//sio:event leave-room
func (p *Presence) Leave(ctx context.Context, s *socketio.Socket, room string) error {
	fmt.Println("leave", room)
	return nil
}

// eventHidden is unexported: the consumer's package cannot call it.
func (p *Presence) eventHidden(ctx context.Context, s *socketio.Socket) error { return nil }

// Audit logs disconnections and unknown events: promoted hooks.
type Audit struct{ Log []string }

// Disconnect is the disconnect hook of every consumer that embeds an Audit.
func (a *Audit) Disconnect(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {
	a.Log = append(a.Log, "disconnect: "+string(reason))
}

// OnAny is the catch-all handler of every consumer that embeds an Audit.
func (a *Audit) OnAny(ctx context.Context, s *socketio.Socket, event string, args *socketio.Args, ack socketio.AckFunc) error {
	a.Log = append(a.Log, "unknown event "+event)
	return nil
}

// Close is an ordinary method, promoted and ignored.
func (a *Audit) Close() error { return nil }
