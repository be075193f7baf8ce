package types

import (
	"context"
	"encoding/json"

	"github.com/siogo/sio/socketio"
)

// Hidden has no exported fields.
type Hidden struct{ n int }

// Events have arguments and replies that are not payloads.
//
//sio:emits
type Events interface {
	WithContext(ctx context.Context, n int)
	WithSocket(s *socketio.Socket)
	WithRoom(to *socketio.BroadcastOperator, n int)
	WithArgs(a *socketio.Args)
	WithAck(n int, ack func(string) error)
	WithChan(c chan int)
	WithFunc(f func())
	WithComplex(c complex128)
	WithHidden(h Hidden)
	WithPtrPtr(p **int)
	WithMapKey(m map[[2]int]string)
	ReplyChan() (chan int, error)
	ReplyError() (error, error)
	ReplySocket() (*socketio.Socket, error)
	ReplyHidden() (Hidden, error)
	Fine(raw json.RawMessage, b []byte, p *int, rest ...string)
}

//sio:consumer namespace=/types emits=Events
type Consumer struct{}

func (c *Consumer) EventX(ctx context.Context, s *socketio.Socket) error { return nil }
