package main

import (
	"context"
	"fmt"

	"github.com/siogo/sio/socketio"
)

// Msg is a payload of the consumers of every platform: each generated file
// decodes it with its own decoder.
type Msg struct {
	Text string `json:"text"`
}

// Plain has no build constraint: it is generated into sio_gen.go.
//
//sio:consumer namespace=/plain
type Plain struct{}

// EventSay handles "say".
func (p *Plain) EventSay(ctx context.Context, s *socketio.Socket, m Msg) error {
	fmt.Println("plain: say", m.Text)
	return nil
}
