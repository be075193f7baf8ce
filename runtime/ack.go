package runtime

import (
	"fmt"

	"github.com/siogo/sio/socketio"
)

// Ack answers an acknowledgement request through ack (the handler's
// socketio.AckFunc) with the arguments e holds, and recycles e: the typed
// acknowledgement functions siogen generates encode their arguments with
// an [Encoder], as the emitters do, and call Ack.
//
// ack receives the arguments as one *socketio.Args, which socketio's
// AckFunc sends as they are: the same packet as ack called with the values
// themselves, without encoding them again. The *socketio.Args is valid
// only during the call (its bytes are e's, recycled afterwards); a
// hand-written AckFunc (a test calling a Dispatcher) reads it with
// [socketio.MarshalAck] or the Args methods.
//
// An argument e could not encode (a NaN or infinite float) is the error
// socketio's AckFunc returns for it, "socketio: cannot encode
// acknowledgement: ...", and nothing is sent: ack is not called.
func Ack(ack socketio.AckFunc, e *Encoder) error {
	defer e.release()
	if e.err != nil {
		return fmt.Errorf("socketio: cannot encode acknowledgement: %w", e.err)
	}
	e.args.Reset(e.finish(), e.att)
	return ack(&e.args)
}
