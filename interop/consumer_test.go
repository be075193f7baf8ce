package interop

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/siogo/sio/examples/consumer/chat"
	"github.com/siogo/sio/socketio"
)

// TestConsumer runs examples/consumer's ChatConsumer, wired by siogen's
// generated code, against socket.io-client over every transport.
func TestConsumer(t *testing.T) {
	want := []string{
		`a system_message {"text":"Welcome!"}`,
		`b system_message {"text":"Welcome!"}`,
		`a ack {"status":"ok"}`,
		`a chat_message {"text":"hi"}`,
		`b chat_message {"text":"hi"}`,
		`b chat_message {"text":"no ack"}`,
		`a update_state {"status":"ok","state":{"score":1},"updates":1}`,
		`a update_state {"status":"ok","state":[1,2],"updates":2}`,
		`b update_state {"status":"ok","state":"x","updates":1}`,
		`b move true 1.5 -2`,
		`a bad chat_message: operation has timed out`,
		`a still connected true`,
		`c connect_error forbidden {"reason":"this token is not allowed"}`,
	}
	for _, mode := range []string{"polling", "websocket", "upgrade"} {
		t.Run(mode, func(t *testing.T) {
			srv := socketio.NewServer(nil)
			chat.RegisterChatConsumer(srv, func() *chat.ChatConsumer { return &chat.ChatConsumer{} })
			hs := httptest.NewServer(srv)
			defer hs.Close()

			got := runNode(t, "consumer.mjs", hs.URL, mode)
			w := want
			if mode == "upgrade" {
				w = append(append(append([]string{}, want[:2]...), "a upgraded websocket", "b upgraded websocket"), want[2:]...)
			}
			if strings.Join(got, "\n") != strings.Join(w, "\n") {
				t.Errorf("node printed:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(w, "\n"))
			}
		})
	}
}
