package types

import (
	"context"
	"io"

	"github.com/siogo/sio/socketio"
)

type Inner struct {
	Ch chan int
}

type Outer struct {
	Name  string
	Inner Inner
}

type Keyed map[struct{ A int }]string

type Opaque struct {
	ignored chan int // unexported: encoding/json skips it
	Skipped func()   `json:"-"`
	Kept    string
}

//sio:consumer
type Types struct{}

func (c *Types) EventChan(ctx context.Context, s *socketio.Socket, ch chan int) error { return nil }

func (c *Types) EventFunc(ctx context.Context, s *socketio.Socket, f func(), n int) error { return nil }

func (c *Types) EventComplex(ctx context.Context, s *socketio.Socket, z complex128) error { return nil }

func (c *Types) EventNested(ctx context.Context, s *socketio.Socket, o Outer) error { return nil }

func (c *Types) EventSlice(ctx context.Context, s *socketio.Socket, cs []chan int) error { return nil }

func (c *Types) EventMapKey(ctx context.Context, s *socketio.Socket, k Keyed) error { return nil }

func (c *Types) EventReader(ctx context.Context, s *socketio.Socket, r io.Reader) error { return nil }

func (c *Types) EventPtrPtr(ctx context.Context, s *socketio.Socket, p **int) error { return nil }

func (c *Types) EventAckChan(ctx context.Context, s *socketio.Socket, ack func(chan int) error) error {
	return nil
}

func (c *Types) EventVariadicFunc(ctx context.Context, s *socketio.Socket, fs ...func()) error {
	return nil
}

// Fine: the unsupported fields are not decoded.
func (c *Types) EventOpaque(ctx context.Context, s *socketio.Socket, o Opaque) error { return nil }

func (c *Types) Connect(ctx context.Context, s *socketio.Socket, auth chan string) error { return nil }
