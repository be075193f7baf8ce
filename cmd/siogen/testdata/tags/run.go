package main

// run.go drives the generated code of this golden case, built with
// -tags customtag (want/tags.txt).

import (
	"context"
	"fmt"

	"github.com/siogo/sio/socketio"
)

var tagged socketio.Dispatcher

func main() {
	if tagged == nil {
		fmt.Println("no tagged consumer")
		return
	}
	err := tagged.Dispatch(context.Background(), nil, "hello", socketio.NewArgs([]byte(`["you"]`), nil), nil)
	fmt.Println("dispatched:", err)
}
