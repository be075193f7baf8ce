package main

import (
	"context"
	"fmt"

	"github.com/siogo/sio/socketio"
)

// Ping's generated file is committed in this directory with CRLF line
// endings, as git's core.autocrlf checks it out on Windows: siogen takes it
// as its own and up to date (.gitattributes keeps the carriage returns).
//
//sio:consumer namespace=/ping
type Ping struct{}

// EventPing handles "ping".
func (p *Ping) EventPing(ctx context.Context, s *socketio.Socket, n int) error {
	fmt.Println("ping", n)
	return nil
}
