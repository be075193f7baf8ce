package socketio_test

import (
	"fmt"

	"github.com/siogo/sio/socketio"
)

// A hand-written AckFunc, as a test of a Dispatcher has one, sees the bytes
// socketio would send whether it is called with values or, as the typed
// acknowledgements siogen generates call it, with arguments encoded
// already.
func ExampleMarshalAck() {
	ack := func(args ...any) error {
		data, att, err := socketio.MarshalAck(args...)
		if err != nil {
			return err
		}
		fmt.Printf("%s %q\n", data, att)
		return nil
	}
	_ = ack("ok", 3, []byte("bin"))
	_ = ack(socketio.NewArgs([]byte(`["ok",3,{"_placeholder":true,"num":0}]`), [][]byte{[]byte("bin")}))
	// Output:
	// ["ok",3,{"_placeholder":true,"num":0}] ["bin"]
	// ["ok",3,{"_placeholder":true,"num":0}] ["bin"]
}
