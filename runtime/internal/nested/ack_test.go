package nested

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/parser"
)

// sameAck dispatches event with the single argument arg (JSON) to a Store
// and compares the acknowledgement the generated code sends, as socketio
// sends it (socketio.MarshalAck), with what socketio's encoder writes for
// the same values through []any and encoding/json (parser.MarshalArgs):
// the bytes, the attachments and the error text. It reports how they
// differ; "" when they do not, or when arg does not decode.
func sameAck(event string, arg []byte) string {
	st := &Store{}
	var got []byte
	var gotAtt [][]byte
	calls := 0
	ack := func(args ...any) error {
		calls++
		var err error
		got, gotAtt, err = socketio.MarshalAck(args...)
		return err
	}
	in := append(append([]byte("["), arg...), ']')
	err := Dispatcher(st).Dispatch(context.Background(), nil, event, socketio.NewArgs(in, nil), ack)
	if st.Sent == nil {
		return "" // did not decode
	}
	want, wantAtt, wantErr := parser.MarshalArgs(st.Sent...)
	if wantErr != nil {
		if calls != 0 || err == nil || err.Error() != "socketio: cannot encode acknowledgement: "+wantErr.Error() {
			return "error " + errString(err) + ", encoding/json: " + wantErr.Error()
		}
		return ""
	}
	if err != nil || calls != 1 {
		return "error " + errString(err) + ", encoding/json: none"
	}
	if !bytes.Equal(got, want) || len(gotAtt) != len(wantAtt) {
		return "sent " + string(got) + ", encoding/json: " + string(want)
	}
	return ""
}

// TestAckMatchesEncodingJSON sends acknowledgements of nested types, a
// recursive one included (deep, and past the depth where encoding/json
// takes over), and compares them with encoding/json's.
func TestAckMatchesEncodingJSON(t *testing.T) {
	deep := func(n int) string {
		b := []byte(`{"name":"0"`)
		for range n {
			b = append(b, `,"next":{"name":"n"`...)
		}
		for range n + 1 {
			b = append(b, '}')
		}
		return string(b)
	}
	for _, tc := range []struct{ name, event string }{
		{"shape", StoreEchoShapeEvent},
		{"tree", StoreEchoTreeEvent},
	} {
		inputs := shapeInputs
		if tc.event == StoreEchoTreeEvent {
			inputs = append(append([]string{}, treeInputs...), deep(999), deep(1001), deep(3000))
		}
		for _, in := range inputs {
			t.Run(tc.name, func(t *testing.T) {
				if diff := sameAck(tc.event, []byte(in)); diff != "" {
					t.Errorf("%.100q: %.300s", in, diff)
				}
			})
		}
	}
}

// TestAckUnsupportedFloat: a float encoding/json refuses is the error
// socketio's AckFunc returns for it, and nothing is sent.
func TestAckUnsupportedFloat(t *testing.T) {
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		st := &Store{Reply: Shape{Scale: &f}}
		called := false
		ack := func(args ...any) error { called = true; return nil }
		err := Dispatcher(st).Dispatch(context.Background(), nil, StoreAckShapeEvent, nil, ack)
		_, _, wantErr := parser.MarshalArgs(st.Reply)
		if called || err == nil || wantErr == nil || err.Error() != "socketio: cannot encode acknowledgement: "+wantErr.Error() {
			t.Errorf("%v: called %t, err %v, encoding/json: %v", f, called, err, wantErr)
		}
	}
}

// FuzzAckShape decodes the input into a Shape (when it decodes) and
// compares the acknowledgement of it, its corners and its center with
// encoding/json's.
func FuzzAckShape(f *testing.F) {
	for _, in := range shapeInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if !json.Valid(in) {
			return
		}
		if diff := sameAck(StoreEchoShapeEvent, in); diff != "" {
			t.Errorf("%q: %s", in, diff)
		}
	})
}

// FuzzAckTree does the same with a Tree and its kids (a recursive type,
// variadic).
func FuzzAckTree(f *testing.F) {
	for _, in := range treeInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if !json.Valid(in) {
			return
		}
		if diff := sameAck(StoreEchoTreeEvent, in); diff != "" {
			t.Errorf("%q: %s", in, diff)
		}
	})
}
