package typo

import (
	"context"
	"fmt"

	"github.com/siogo/sio/socketio"
)

// Room's package refers to what siogen generates (RegisterRoom, _sio_Room_spec),
// which is tolerated, and has a typo (fmt.Printn), which is reported.
//
//sio:consumer namespace=/room
type Room struct{}

func (r *Room) EventSay(ctx context.Context, s *socketio.Socket, text string) error {
	fmt.Printn(text)
	return nil
}

func serve(srv *socketio.Server) {
	RegisterRoom(srv, func() *Room { return &Room{} })
	_ = _sio_Room_spec.Namespace
	_ = undefinedHelper()
}
