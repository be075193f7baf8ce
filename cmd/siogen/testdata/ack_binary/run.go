package main

// run.go drives the generated code of this golden case: each
// acknowledgement is encoded by socketio's packet encoder, as socketio sends
// it, and printed with its attachments; the echo is decoded back.

import (
	"context"
	"fmt"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/parser"
)

func main() {
	ctx := context.Background()
	d := _sio_Files_spec.Dispatcher(&Files{})
	for _, c := range []struct {
		event string
		args  string
		att   [][]byte
	}{
		{FilesEchoEvent, `[{"_placeholder":true,"num":0}]`, [][]byte{[]byte("hello")}},
		{FilesMixedEvent, `[true]`, nil},
		{FilesMixedEvent, `[false]`, nil},
		{FilesManyEvent, `[3]`, nil},
		{FilesManyEvent, `[0]`, nil},
		{FilesOnlyEvent, `[]`, nil},
	} {
		var sent *parser.Packet
		ack := func(args ...any) error {
			data, att, err := socketio.MarshalAck(args...)
			if err != nil {
				return err
			}
			sent = &parser.Packet{Type: parser.Ack, Namespace: FilesNamespace, ID: 1, Data: data, Attachments: att}
			return nil
		}
		err := d.Dispatch(ctx, nil, c.event, socketio.NewArgs([]byte(c.args), c.att), ack)
		fmt.Printf("%s %s: err=%v\n", c.event, c.args, err)
		if sent == nil {
			continue
		}
		fmt.Printf("\tpacket %s\n", sent.Encode())
		for i, a := range sent.Attachments {
			fmt.Printf("\tattachment %d: %q\n", i, a)
		}
		if c.event == FilesEchoEvent {
			// The acknowledgement decodes into a Blob as the event did.
			back, err := socketio.NewArgs(sent.Data, sent.Attachments).Binary(0)
			fmt.Printf("\techo decodes back to %q err=%v\n", back, err)
		}
	}
}
