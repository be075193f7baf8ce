//go:build linux

package main

import (
	"context"
	"fmt"

	"github.com/siogo/sio/socketio"
)

// LinuxOnly is declared under //go:build linux: it is generated into
// linux_sio_gen.go, which carries the constraint.
//
//sio:consumer namespace=/linux
type LinuxOnly struct{}

// EventSay handles "say".
func (l *LinuxOnly) EventSay(ctx context.Context, s *socketio.Socket, m Msg) error {
	fmt.Println("linux: say", m.Text)
	return nil
}

func init() {
	register = append(register, func(srv *socketio.Server) { RegisterLinuxOnly(srv, func() *LinuxOnly { return &LinuxOnly{} }) })
	dispatchers["linux"] = _sio_LinuxOnly_spec.Dispatcher(&LinuxOnly{})
}
