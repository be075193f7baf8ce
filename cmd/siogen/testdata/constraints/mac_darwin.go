package main

import (
	"context"
	"fmt"

	"github.com/siogo/sio/socketio"
)

// DarwinOnly is declared in a _darwin.go file: it is generated (with
// GOOS=darwin siogen) into mac_darwin_sio_gen.go, which carries the
// constraint darwin. That file is committed here: generating on another GOOS
// leaves it alone.
//
//sio:consumer namespace=/darwin
type DarwinOnly struct{}

// EventSay handles "say".
func (d *DarwinOnly) EventSay(ctx context.Context, s *socketio.Socket, m Msg) error {
	fmt.Println("darwin: say", m.Text)
	return nil
}

func init() {
	register = append(register, func(srv *socketio.Server) { RegisterDarwinOnly(srv, func() *DarwinOnly { return &DarwinOnly{} }) })
	dispatchers["darwin"] = _sio_DarwinOnly_spec.Dispatcher(&DarwinOnly{})
}
