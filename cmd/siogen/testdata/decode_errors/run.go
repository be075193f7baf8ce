package main

// run.go compares the generated field-by-field decoder of Sample with
// encoding/json on the same inputs: the errors must be identical (text,
// type, struct, field and offset), and so must the values when both succeed.

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/siogo/sio/socketio"
)

func main() {
	for _, in := range []string{
		`{"s":1}`,
		`{"B":"true"}`,
		`{"i8":128}`,
		`{"i8":1.5}`,
		`{"I":1e2}`,
		`{"u16":-1}`,
		`{"U":18446744073709551616}`,
		`{"f32":1e39}`,
		`{"F":"x"}`,
		`{"level":true}`,
		`{"N":5}`,
		`{"S":[1,2]}`,
		`{"F":{"a":1}}`,
		`{"s":"ok","I":"bad","B":1}`,
		`{"I":"bad","s":"x",}`,
		`{"I":1}x`,
		`[1]`,
		`"str"`,
		`{"s":null,"I":-0,"u16":65535,"LEVEL":3,"n":"x"}`,
	} {
		var got, want Sample
		gotErr := _sio_decode_Sample([]byte(in), &got)
		wantErr := json.Unmarshal([]byte(in), &want)
		same := reflect.DeepEqual(gotErr, wantErr) && (gotErr != nil || got == want)
		fmt.Printf("%s: same=%t\n\t%v\n", in, same, gotErr)
	}

	// Through the dispatcher and the connect hook: the DecodeError carries
	// encoding/json's error.
	ctx := context.Background()
	err := _sio_Decoder_spec.Dispatcher(&Decoder{}).Dispatch(ctx, nil, DecoderSampleEvent, socketio.NewArgs([]byte(`[{"u16":70000}]`), nil), nil)
	fmt.Println(err)
	err = _sio_Decoder_spec.Connect(&Decoder{}, ctx, nil, []byte(`{"level":"high"}`))
	fmt.Println(err)
}
