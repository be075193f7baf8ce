package invalid

import (
	"context"

	"github.com/siogo/sio/socketio"
)

//sio:consumer
type Broken struct{}

// Undefined is not declared anywhere: the type checker reports it, and so
// does siogen, instead of guessing.
func (b *Broken) EventBroken(ctx context.Context, s *socketio.Socket, u Undefined) error { return nil }

// Uses of the generated functions do not count as errors: the generated
// file is not loaded while siogen runs.
func use(srv *socketio.Server) { RegisterBroken(srv, nil) }
