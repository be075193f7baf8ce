package main

// run.go compares the generated decoders of nested types with
// encoding/json on the same inputs: the errors must be identical, and so
// must the values when both succeed.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	sioruntime "github.com/siogo/sio/runtime"
	"github.com/siogo/sio/socketio"
)

func same[T any](in string, decode func([]byte, *T) error) (bool, error) {
	var got, want T
	gotErr := decode([]byte(in), &got)
	wantErr := json.Unmarshal([]byte(in), &want)
	return reflect.DeepEqual(gotErr, wantErr) && (gotErr != nil || reflect.DeepEqual(got, want)), gotErr
}

func main() {
	for _, in := range []string{
		`{"id":1,"lines":[{"sku":"a","qty":2,"sub":[{"sku":"b"},null]}],"ship":{"X":1},"box":[1,2],"notes":{"t":["x"]},"by":{"p":null},"at":"2024-01-02T03:04:05Z","meta":[1,"a"]}`,
		`{"ID":2,"LINES":[],"Ship":null,"box":[1,2,3,4],"notes":{},"by":{}}`,
		`{"lines":[{"sku":"a"}],"lines":[{"qty":3}]}`,
		`{"ship":{"X":1},"ship":{"Y":2}}`,
		`{"lines":[{"qty":70000}]}`,
		`{"lines":[{"sub":[{"sub":[{"qty":-1}]}]}]}`,
		`{"box":[256]}`,
		`{"notes":{"t":"x"}}`,
		`{"at":"yesterday"}`,
		`{"lines":[{"sku":"a"},]}`,
		`{"id":1}{}`,
		`null`,
		`[]`,
		`{"lines":` + strings.Repeat("[", 10001) + `}`,
	} {
		ok, err := same(in, _sio_decode_Order)
		if len(in) > 80 {
			in = in[:80] + "…"
		}
		fmt.Printf("Order %s: same=%t\n\t%v\n", in, ok, err)
	}
	for _, in := range []string{`[{"sku":"a"},{"sku":"b","sub":[]}]`, `[]`, `null`, `[1]`, `{}`} {
		ok, err := same(in, _sio_decode_slice_Line)
		fmt.Printf("[]Line %s: same=%t\n\t%v\n", in, ok, err)
	}
	for _, in := range []string{`{"a":{"X":1},"b":null}`, `{}`, `null`, `{"a":[]}`} {
		ok, err := same(in, _sio_decode_map_Point)
		fmt.Printf("map[string]Point %s: same=%t\n\t%v\n", in, ok, err)
	}

	// The generated encoders write what encoding/json writes (without HTML
	// escaping), a cycle included: encoding/json reports it.
	cyclic := &Line{SKU: "loop"}
	cyclic.Sub = []*Line{cyclic}
	for _, lines := range [][]Line{
		nil,
		{},
		{{SKU: "<a&b>", Qty: 2, Sub: []*Line{{SKU: "s"}, nil}}, {}},
		{*cyclic},
	} {
		e := sioruntime.NewEncoder()
		e.Next()
		m := e.Mark()
		_sio_encode_slice_Line(e, &lines)
		e.Recheck(m, lines)
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		wantErr := enc.Encode(lines)
		got := string(e.Encoded())
		same := fmt.Sprint(e.Err()) == fmt.Sprint(wantErr) && (wantErr != nil || got == "["+strings.TrimSpace(want.String())+"]")
		if len(got) > 80 {
			got = got[:80] + "…"
		}
		fmt.Printf("encode %s: same=%t\n\t%v\n", got, same, e.Err())
	}

	// Through the dispatcher and the connect hook: the DecodeError carries
	// encoding/json's error.
	ctx := context.Background()
	err := _sio_Orders_spec.Dispatcher(&Orders{}).Dispatch(ctx, nil, OrdersOrderEvent, socketio.NewArgs([]byte(`[{"id":1},[{"qty":"x"}]]`), nil), nil)
	fmt.Println(err)
	err = _sio_Orders_spec.Connect(&Orders{}, ctx, nil, []byte(`{"a":{"X":1.5}}`))
	fmt.Println(err)
}
