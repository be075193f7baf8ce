package main

import (
	"context"
	"fmt"

	"github.com/siogo/sio/socketio"
)

// ArmOnly is declared in an _arm64.go file: it is generated (with
// GOARCH=arm64 siogen) into wide_arm64_sio_gen.go, which carries the
// constraint arm64.
//
//sio:consumer namespace=/arm
type ArmOnly struct{}

// EventSay handles "say".
func (a *ArmOnly) EventSay(ctx context.Context, s *socketio.Socket, m Msg) error {
	fmt.Println("arm64: say", m.Text)
	return nil
}

func init() {
	register = append(register, func(srv *socketio.Server) { RegisterArmOnly(srv, func() *ArmOnly { return &ArmOnly{} }) })
	dispatchers["arm64"] = _sio_ArmOnly_spec.Dispatcher(&ArmOnly{})
}
