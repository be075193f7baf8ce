package main

// run.go drives the generated code of this golden case: the consumers of the
// platform it runs on (linux/amd64 on CI) are there, the others are not.

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/siogo/sio/socketio"
)

var (
	register    []func(*socketio.Server)
	dispatchers = map[string]socketio.Dispatcher{"plain": _sio_Plain_spec.Dispatcher(&Plain{})}
)

func main() {
	srv := socketio.NewServer(nil)
	RegisterPlain(srv, func() *Plain { return &Plain{} })
	for _, r := range register {
		r(srv)
	}
	ctx := context.Background()
	for _, name := range slices.Sorted(maps.Keys(dispatchers)) {
		err := dispatchers[name].Dispatch(ctx, nil, "say", socketio.NewArgs([]byte(`[{"text":"hi"}]`), nil), nil)
		fmt.Println(name, "dispatched:", err)
	}
}
