package main

// run.go drives the typed acknowledgements of this golden case: each is
// encoded as socketio sends it (socketio.MarshalAck, which socketio's own
// AckFunc uses) and printed as the ACK packet, and compared with what
// socketio's encoder writes for the same values through []any and
// encoding/json (parser.MarshalArgs): the bytes must be the same, and so
// must the errors.

import (
	"context"
	"fmt"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/parser"
)

func main() {
	ctx := context.Background()
	for _, c := range []struct{ event, args string }{
		{AcksOrderEvent, `[{"id":1,"lines":[{"sku":"<a&b>","qty":2,"sub":[{"sku":"s"},null]}],"ship":{"x":1,"y":-2},"box":[1.5,3e21],"notes":{"b":"2","a":"\u2028"},"by":{"p":null,"q":{"x":3}}}]`},
		{AcksOrderEvent, `[{}]`},
		{AcksPointsEvent, `[[{"x":1,"label":"a"},{"y":2,"label":"b"}]]`},
		{AcksPointsEvent, `[[]]`},
		{AcksStampedEvent, `["{\"ok\": [1, 2]}"]`},
		{AcksStampedEvent, `["{\"ok\": [1, 2]"]`},
		{AcksStampedEvent, `["bad UTF-8"]`},
		{AcksEchoEvent, `[{"a": [1, "é"]}]`},
		{AcksInfEvent, `[]`},
		{AcksCycleEvent, `[]`},
		{AcksForwardEvent, `[{"x":[1,2]}]`},
	} {
		a := &Acks{}
		var data []byte
		var att [][]byte
		var ackErr error
		ack := func(args ...any) error {
			data, att, ackErr = socketio.MarshalAck(args...)
			return ackErr
		}
		err := _sio_Acks_spec.Dispatcher(a).Dispatch(ctx, nil, c.event, socketio.NewArgs([]byte(c.args), nil), ack)
		fmt.Printf("%s %s: err=%v\n", c.event, c.args, err)
		if data != nil {
			p := parser.Packet{Type: parser.Ack, Namespace: AcksNamespace, ID: 7, Data: data, Attachments: att}
			fmt.Printf("\tpacket %s\n", p.Encode())
		}
		if a.sent == nil {
			continue
		}
		want, _, wantErr := parser.MarshalArgs(a.sent...)
		wantErrText := ""
		if wantErr != nil {
			wantErrText = "socketio: cannot encode acknowledgement: " + wantErr.Error()
		}
		errText := ""
		if err != nil {
			errText = err.Error()
		}
		same := string(data) == string(want) && errText == wantErrText
		fmt.Printf("\tsame as encoding/json through []any: %t\n", same)
	}
}
