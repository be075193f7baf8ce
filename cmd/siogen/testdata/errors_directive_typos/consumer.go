// Package typos has directives that are mistyped, each of which would
// otherwise silently mark nothing, and prose that only looks like them. The
// file is as gofmt leaves it: gofmt turns //sio:Consumer and //sio: consumer,
// which are not directives to it, into // sio:Consumer and // sio: consumer.
//
// sio: this file is about directive typos (prose: not reported).
// sio: event handlers are methods (prose: not reported).
package typos

import (
	"context"

	"github.com/siogo/sio/socketio"
)

// Space after //.
//
// sio:consumer namespace=/a
type SpaceAfterSlashes struct{}

// Upper case name, as gofmt leaves //sio:Consumer.
//
// sio:Consumer namespace=/b
type UpperName struct{}

// Space after the colon, as gofmt leaves //sio: consumer.
//
// sio: consumer namespace=/c
type SpaceAfterColon struct{}

/* sio:consumer namespace=/d */
type BlockComment struct{}

// Upper case tool, as gofmt leaves //SIO:consumer.
//
// SIO:consumer
type UpperTool struct{}

// A directive of another case: gofmt keeps it, siogen does not know it.
//
//sio:cOnsumer namespace=/f
type MixedCase struct{}

// A look-alike name.
//
//sio:evnet x
func NotAnEvent() {}

// Chat is a consumer whose handler has a mistyped directive.
//
//sio:consumer namespace=/chat
type Chat struct{}

// Two spaces after //, as gofmt leaves them (a tab).
//
//	sio:event x
func (c *Chat) Handle(ctx context.Context, s *socketio.Socket) error { return nil }

// sio:consumer types are not reported: prose follows the name, not
// key=value.
type Prose struct{}
