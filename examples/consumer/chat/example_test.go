package chat_test

import (
	"net/http"
	"testing"

	"go.uber.org/goleak"

	"github.com/siogo/sio/examples/consumer/chat"
	"github.com/siogo/sio/socketio"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// Registering the consumer: a fresh ChatConsumer for each connection to
// /chat. The end-to-end test with the npm client is interop/consumer_test.go.
func ExampleRegisterChatConsumer() {
	srv := socketio.NewServer(nil)
	chat.RegisterChatConsumer(srv, func() *chat.ChatConsumer { return &chat.ChatConsumer{} })
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	_ = &http.Server{Addr: "127.0.0.1:8000", Handler: mux}
}
