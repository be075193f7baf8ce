package parser_test

import (
	"fmt"

	"github.com/siogo/sio/socketio/parser"
)

// A Decoder per connection turns its Engine.IO messages into packets; binary
// attachments arrive as the binary messages after their packet.
func ExampleDecoder() {
	var d parser.Decoder
	messages := []struct {
		data   string
		binary bool
	}{
		{`2/chat,12["chat_message",{"text":"hi"}]`, false},
		{`51-["upload",{"_placeholder":true,"num":0}]`, false},
		{"\x89PNG", true},
	}
	for _, m := range messages {
		p, err := d.Add([]byte(m.data), m.binary)
		if err != nil {
			fmt.Println("close the connection:", err)
			return
		}
		if p == nil {
			fmt.Println("awaiting attachments")
			continue
		}
		name, rest, err := p.EventName()
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%v %s id=%d event=%q args=%s attachments=%d\n", p.Type, p.Namespace, p.ID, name, rest, len(p.Attachments))
	}
	_, err := d.Add([]byte(`2["disconnect"]`), false)
	fmt.Println(err)
	// Output:
	// EVENT /chat id=12 event="chat_message" args={"text":"hi"}] attachments=0
	// awaiting attachments
	// BINARY_EVENT / id=-1 event="upload" args={"_placeholder":true,"num":0}] attachments=1
	// socketio: malformed packet: reserved event name "disconnect" at offset 2
}

// MarshalArgs builds an event's payload; []byte values become attachments.
func ExampleMarshalArgs() {
	data, attachments, err := parser.MarshalArgs("upload", map[string]any{"name": "a.txt", "body": []byte("hello")})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(data))
	fmt.Printf("%q\n", attachments)
	// Output:
	// ["upload",{"body":{"_placeholder":true,"num":0},"name":"a.txt"}]
	// ["hello"]
}

// Encode writes the packet's text message; an EVENT with attachments is sent
// as a BINARY_EVENT, followed by each attachment as a binary message.
func ExamplePacket_Encode() {
	data, attachments, err := parser.MarshalArgs("chat_message", "hi", []byte{1, 2})
	if err != nil {
		panic(err)
	}
	p := &parser.Packet{Type: parser.Event, Namespace: "/chat", ID: 7, Data: data, Attachments: attachments}
	fmt.Println(string(p.Encode()))
	for _, a := range p.Attachments {
		fmt.Println("binary:", a)
	}
	ack := &parser.Packet{Type: parser.Ack, Namespace: "/", ID: 7, Data: []byte(`["ok"]`)}
	fmt.Println(string(ack.Encode()))
	// Output:
	// 51-/chat,7["chat_message","hi",{"_placeholder":true,"num":0}]
	// binary: [1 2]
	// 37["ok"]
}
