package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/siogo/sio/socketio"
)

// Package-level names equal to the generated file's import names: the
// generated file imports github.com/siogo/sio/runtime as _sio_runtime, since
// sioruntime is taken (runtime alone would not be: the import is always
// renamed).
var (
	runtime    = "user's runtime"
	sioruntime = "user's sioruntime"
)

var out []string

func fmt_(args ...any) { out = append(out, fmt.Sprint(args...)) }

func main() {
	d := (&_sio_lobby_spec).Dispatcher(&lobby{})
	for _, c := range []struct{ event, args string }{
		{"wait", `[1500000000, "10.0.0.1"]`},
		{"wait", `[1, "not an ip"]`},
		{"items", `[{"name":"a","price":1.5,"skip":3,"Skip":true}, [{"name":"b"},{"NAME":"c"}]]`},
		{"items", `[null, null]`},
	} {
		out = nil
		err := d.Dispatch(nil, nil, c.event, socketio.NewArgs([]byte(c.args), nil), nil)
		b, _ := json.Marshal(out)
		fmt.Printf("%s %s: %s err=%v\n", c.event, c.args, b, err)
	}
	fmt.Println(runtime, sioruntime, _sio_lobby_spec.Namespace, lobbyNamespace, lobbyWaitEvent)
	var _ = registerLobby
	var _ = registerLobbyShared
	os.Exit(0)
}
