package runtime

import (
	"errors"
	"math"
	"testing"

	"github.com/siogo/sio/socketio"
)

// TestAck: Ack hands the AckFunc one *socketio.Args holding what the
// Encoder wrote, and returns its error; an encoding error is socketio's
// error for it, and the AckFunc is not called.
func TestAck(t *testing.T) {
	errSent := errors.New("sent")
	for _, tc := range []struct {
		name      string
		write     func(e *Encoder)
		ackErr    error
		wantCalls int
		wantData  string
		wantAtt   int
		wantErr   string
	}{
		{"none", func(e *Encoder) {}, nil, 1, `[]`, 0, ""},
		{"values", func(e *Encoder) {
			e.Next()
			e.String("a<b")
			e.Next()
			e.Binary([]byte("x"))
		}, nil, 1, `["a<b",{"_placeholder":true,"num":0}]`, 1, ""},
		{"the AckFunc's error", func(e *Encoder) { e.Next(); e.Int(1) }, errSent, 1, `[1]`, 0, "sent"},
		{"NaN", func(e *Encoder) {
			e.Next()
			e.Float64(math.NaN())
		}, nil, 0, "", 0, "socketio: cannot encode acknowledgement: json: unsupported value: NaN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := NewEncoder()
			tc.write(e)
			calls := 0
			var data []byte
			var att [][]byte
			err := Ack(func(args ...any) error {
				calls++
				if _, ok := args[0].(*socketio.Args); !ok || len(args) != 1 {
					t.Errorf("AckFunc called with %#v, want one *socketio.Args", args)
				}
				data, att, _ = socketio.MarshalAck(args...)
				return tc.ackErr
			}, e)
			if calls != tc.wantCalls || string(data) != tc.wantData || len(att) != tc.wantAtt {
				t.Errorf("calls %d, data %s, %d attachments; want %d, %s, %d", calls, data, len(att), tc.wantCalls, tc.wantData, tc.wantAtt)
			}
			if got := errString(err); got != tc.wantErr {
				t.Errorf("err %q, want %q", got, tc.wantErr)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
