package interop

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/siogo/sio/interop/typed"
	"github.com/siogo/sio/socketio"
)

// TestTypedEmits sends events through the emitter siogen generates for a
// //sio:emits interface (interop/typed) to socket.io-client, over each
// transport: structs, scalars, binary attachments, optional arguments, an
// acknowledgement of one socket and a broadcast's acknowledgements, decoded
// into their Go types.
func TestTypedEmits(t *testing.T) {
	want := []string{
		"a message {\"text\":\"hi <b> & \u2028\",\"from\":\"go\",\"sent\":1700000000000}", // JSON.stringify writes U+2028 as it is
		`a scalars "n" 42 1.5e-7 true`,
		`a file "f.bin" binary[000102ff]`,
		`a maybe null`,
		`a maybe {"text":"m","sent":0}`,
		`a ask "color?"`,
		`a start ask={Color:red Votes:3} polls=2 total=3`,
	}
	for _, mode := range []string{"polling", "websocket"} {
		t.Run(mode, func(t *testing.T) {
			srv := socketio.NewServer(nil)
			typed.RegisterTyped(srv, func() *typed.Typed { return &typed.Typed{} })
			hs := httptest.NewServer(srv)
			defer hs.Close()
			got := runNode(t, "typed.mjs", hs.URL, mode)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("node printed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
