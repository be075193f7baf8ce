package prefix

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// Chat has methods whose names start with Event but not with Event<Upper>.
//
//sio:consumer namespace=/chat
type Chat struct{}

// Event_x has the handler shape: most likely meant as a handler of "x".
func (c *Chat) Event_x(ctx context.Context, s *socketio.Socket, text string) error { return nil }

// Eventx too.
func (c *Chat) Eventx(ctx context.Context, s *socketio.Socket) error { return nil }

// Event__chat_message too.
func (c *Chat) Event__chat_message(ctx context.Context, s *socketio.Socket) error { return nil }

// Event_ names nothing after the underscore.
func (c *Chat) Event_(ctx context.Context, s *socketio.Socket) error { return nil }

// Eventually is an ordinary method: not the handler shape.
func (c *Chat) Eventually() bool { return true }

// Eventful is ordinary too: it takes no (ctx, s).
func (c *Chat) Eventful(n int) error { return nil }

// Event_named is named by a directive: a handler of "named".
//
//sio:event named
func (c *Chat) Event_named(ctx context.Context, s *socketio.Socket) error { return nil }

// EventX_y, EventHTTPRequest and Event2 are handlers ("x_y", "http_request",
// "2").
func (c *Chat) EventX_y(ctx context.Context, s *socketio.Socket) error { return nil }

func (c *Chat) EventHTTPRequest(ctx context.Context, s *socketio.Socket) error { return nil }

func (c *Chat) Event2(ctx context.Context, s *socketio.Socket) error { return nil }
