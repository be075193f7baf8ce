//go:build customtag

package main

import (
	"context"
	"fmt"

	"github.com/siogo/sio/socketio"
)

// Tagged is declared behind a custom build tag: siogen -tags customtag
// generates it into tagged_sio_gen.go, which carries the constraint. Without
// the tag, siogen leaves that file alone.
//
//sio:consumer namespace=/tagged
type Tagged struct{}

// EventHello handles "hello".
func (t *Tagged) EventHello(ctx context.Context, s *socketio.Socket, name string) error {
	fmt.Println("tagged: hello", name)
	return nil
}

func init() {
	tagged = _sio_Tagged_spec.Dispatcher(&Tagged{})
	_ = RegisterTagged
}
