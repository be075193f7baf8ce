package main

import (
	"context"
	"fmt"

	"github.com/siogo/sio/socketio"
)

// Empty has no methods at all: every event is unknown.
//
//sio:consumer namespace=/empty
type Empty struct{}

// Leaving only logs disconnections.
//
//sio:consumer namespace=/leaving
type Leaving struct{ reasons []socketio.DisconnectReason }

func (l *Leaving) Disconnect(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason) {
	l.reasons = append(l.reasons, reason)
}

func main() {
	ctx := context.Background()
	err := _sio_Empty_spec.Dispatcher(&Empty{}).Dispatch(ctx, nil, "anything", socketio.NewArgs([]byte(`[1]`), nil), nil)
	fmt.Println("empty:", err, _sio_Empty_spec.Connect == nil, _sio_Empty_spec.Disconnect == nil)
	l := &Leaving{}
	_sio_Leaving_spec.Disconnect(l, ctx, nil, socketio.ReasonTransportClose)
	fmt.Println("leaving:", l.reasons, _sio_Leaving_spec.Connect == nil)
}
