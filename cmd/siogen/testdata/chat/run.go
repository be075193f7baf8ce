package main

// run.go drives the generated code of this golden case: the test builds the
// package with its generated file and compares the output with want/run.txt.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/siogo/sio/runtime"
	"github.com/siogo/sio/socketio"
)

func recorder(out *[]string) socketio.AckFunc {
	return func(args ...any) error {
		b, _, err := socketio.MarshalAck(args...)
		if err != nil {
			return err
		}
		*out = append(*out, "ack "+string(b))
		return nil
	}
}

func main() {
	ctx := context.Background()
	chat := &Chat{}
	for _, auth := range []string{"", `{"token":"t1"}`, `null`, `{"token":"bad"}`, `{"token":5}`, `[`} {
		var raw []byte
		if auth != "" {
			raw = []byte(auth)
		}
		err := _sio_Chat_spec.Connect(chat, ctx, nil, raw)
		var ce *socketio.ConnectError
		fmt.Printf("connect %q: err=%v connectError=%t decodeError=%t\n", auth, err, errors.As(err, &ce), errors.Is(err, runtime.ErrDecode))
	}
	_sio_Chat_spec.Disconnect(chat, ctx, nil, socketio.ReasonClientDisconnect)

	d := _sio_Chat_spec.Dispatcher(chat)
	type call struct {
		event string
		args  string
		att   [][]byte
		ack   bool
	}
	calls := []call{
		{ChatChatMessageEvent, `[{"text":"hi","room":"lobby"}]`, nil, false},
		{ChatChatMessageEvent, `[{"text":"hi","room":"lobby","seq":3}]`, nil, true},
		{ChatChatMessageEvent, `[{"TEXT":"folded","text":"exact","extra":[1,{"a":null}]}]`, nil, false},
		{ChatChatMessageEvent, `[{"text":"caf\u00e9 \"q\"","seq":-12}]`, nil, false},
		{ChatChatMessageEvent, `[null]`, nil, false},
		{ChatChatMessageEvent, `[{"text":1}]`, nil, true},
		{ChatChatMessageEvent, `[{"seq":1.5}]`, nil, false},
		{ChatChatMessageEvent, `[{"text":"a" "b"}]`, nil, false},
		{ChatChatMessageEvent, `[]`, nil, true},
		{ChatChatMessageEvent, `["not an object"]`, nil, false},
		{ChatMoveEvent, `[1.5,-2e3]`, nil, false},
		{ChatMoveEvent, `[1]`, nil, false},
		{ChatMoveEvent, `["1",2]`, nil, false},
		{ChatUserJoinedEvent, `["lobby"]`, nil, false},
		{"user_joined", `["lobby"]`, nil, false},
		{"get_url", `[7]`, nil, true},
		{"get_url", `[7,null]`, nil, true},
		{"get_url", `[8,{"X":1,"Y":2,"tags":["a"]}]`, nil, true},
		{"get_url", `[70000]`, nil, true},
		{"get_url", `[-1]`, nil, true},
		{"tags", `[true]`, nil, false},
		{"tags", `[false,1,2,-3]`, nil, false},
		{"tags", `[false,1,200]`, nil, false},
		{"upload", `["f",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]`, [][]byte{[]byte("ab"), []byte("cde")}, true},
		{"upload", `["f",{"_placeholder":true,"num":0},"x"]`, [][]byte{[]byte("ab")}, true},
		{"raw", `[{"any":[1,2]},"high",{"k":"v"}]`, nil, false},
		{"raw", `[1,"medium",null]`, nil, false},
		{"no_args", `[]`, nil, true},
		{"no_args", `[1,2,3]`, nil, false},
		{"variadic_ack", `[]`, nil, true},
		{"fail", `[]`, nil, false},
		{"nope", `[]`, nil, false},
	}
	for _, c := range calls {
		var acks []string
		var ack socketio.AckFunc
		if c.ack {
			ack = recorder(&acks)
		}
		chat.log = nil
		err := d.Dispatch(ctx, nil, c.event, socketio.NewArgs([]byte(c.args), c.att), ack)
		fmt.Printf("%s %s ack=%t:\n", c.event, c.args, c.ack)
		for _, l := range append(chat.log, acks...) {
			fmt.Printf("\t%s\n", l)
		}
		if err != nil {
			fmt.Printf("\terr: %v (decode=%t unknown=%t)\n", err, errors.Is(err, runtime.ErrDecode), errors.Is(err, socketio.ErrUnknownEvent))
		}
	}

	// The generated struct decoder agrees with encoding/json.
	for _, in := range []string{
		`{"text":"a","room":"b","seq":1}`, `{"Text":"x","TEXT":"y"}`, `{"text":null,"seq":null}`, `{}`, ` { "seq" : 2 } `,
		`{"seq":"2"}`, `{"seq":1e2}`, `{"text":"\ud83d\ude00"}`, `{"text":"x",}`, `{"text":"x"}x`, `{"ſeq":3}`, `[]`, `null`, `{"room":"\u0000"}`,
	} {
		var got, want Message
		gotErr := _sio_decode_Message([]byte(in), &got)
		wantErr := json.Unmarshal([]byte(in), &want)
		same := reflect.DeepEqual(gotErr, wantErr) && (gotErr != nil || got == want)
		fmt.Printf("decode %s: %+v err=%t same=%t\n", strings.TrimSpace(in), got, gotErr != nil, same)
	}

	lobby := &Lobby{}
	if err := _sio_Lobby_spec.Connect(lobby, ctx, nil, []byte(`{"ignored":true}`)); err != nil {
		fmt.Println("lobby connect:", err)
	}
	ld := _sio_Lobby_spec.Dispatcher(lobby)
	for _, c := range []call{
		{"ping", `[3]`, nil, false},
		{"ping", `["x"]`, nil, true},
		{"ping", `["x"]`, nil, false},
		{"something", `[1,2]`, nil, false},
	} {
		var acks []string
		var ack socketio.AckFunc
		if c.ack {
			ack = recorder(&acks)
		}
		err := ld.Dispatch(ctx, nil, c.event, socketio.NewArgs([]byte(c.args), nil), ack)
		fmt.Printf("lobby %s %s ack=%t: err=%v %v\n", c.event, c.args, c.ack, err, acks)
	}
	for _, l := range lobby.log {
		fmt.Printf("lobby log: %s\n", l)
	}
	fmt.Println("namespaces:", _sio_Chat_spec.Namespace, _sio_Lobby_spec.Namespace, _sio_Lobby_spec.Disconnect == nil)
	fmt.Println("constants:", ChatNamespace, LobbyNamespace, ChatChatMessageEvent, ChatUserJoinedEvent, LobbyPingEvent)
}
