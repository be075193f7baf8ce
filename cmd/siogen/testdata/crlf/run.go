package main

// run.go drives the generated code of this golden case.

import (
	"context"
	"fmt"

	"github.com/siogo/sio/socketio"
)

func main() {
	err := _sio_Ping_spec.Dispatcher(&Ping{}).Dispatch(context.Background(), nil, "ping", socketio.NewArgs([]byte(`[7]`), nil), nil)
	fmt.Println("dispatched:", err)
}
