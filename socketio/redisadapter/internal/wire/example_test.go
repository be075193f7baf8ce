package wire_test

import (
	"fmt"

	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

func ExampleEncodeBroadcast() {
	ch := wire.NewChannels("", "/", "GoSrv1")
	msg := &wire.BroadcastMessage{
		UID:    "GoSrv1",
		Packet: wire.Packet{Type: 2, Nsp: "/", Data: []any{"hello", []byte{1, 2}}},
		Opts:   wire.BroadcastOptions{Rooms: []string{"room1"}, Flags: &wire.BroadcastFlags{}},
	}
	b, err := wire.EncodeBroadcast(msg)
	if err != nil {
		panic(err)
	}
	fmt.Println(ch.BroadcastTo(msg.Opts.Rooms))
	fmt.Printf("%x\n", b)

	got, err := wire.DecodeBroadcast(b)
	if err != nil {
		panic(err)
	}
	fmt.Println(got.UID, got.Packet.Data, got.Opts.Rooms)
	// Output:
	// socket.io#/#room1#
	// 93a6476f5372763183a47479706502a46461746192a568656c6c6fc4020102a36e7370a12f83a5726f6f6d7391a5726f6f6d31a665786365707490a5666c61677380
	// GoSrv1 [hello [1 2]] [room1]
}
