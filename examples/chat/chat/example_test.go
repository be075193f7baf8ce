package chat_test

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/siogo/sio/examples/chat/chat"
)

// Serving the chat: the page at /, Socket.IO at /socket.io/. NewServer
// fails when the socket.io-client bundle is not installed (make demo, or
// npm ci in examples/chat/web). Shutdown disconnects the clients first,
// then the HTTP server stops.
func ExampleNewServer() {
	srv, err := chat.NewServer(&chat.Options{
		Limits: chat.Limits{History: 100, Text: 500},
	})
	if err != nil {
		panic(err)
	}
	hs := &http.Server{Addr: "127.0.0.1:8000", Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.ListenAndServe()

	// ... on SIGINT:
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(ctx)
	_ = hs.Shutdown(ctx)
}

// The shared history keeps the last messages of each room.
func ExampleHistory() {
	h := chat.NewHistory(2, 10)
	for _, text := range []string{"one", "two", "three"} {
		h.Append("lobby", "ada", text, time.Unix(0, 0))
	}
	for _, m := range h.Recent("lobby") {
		fmt.Println(m.ID, m.User, m.Text)
	}
	// Output:
	// 2 ada two
	// 3 ada three
}
