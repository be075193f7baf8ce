package chatclient_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/examples/chat/chat"
	"github.com/siogo/sio/examples/chat/chatclient"
)

// A bot joins the lobby, gets its history and posts a message, against a
// chat server started here on 127.0.0.1:0.
func ExampleChatClient() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// The server (its page's bundle is a stand-in: the bot needs none).
	dir, err := os.MkdirTemp("", "chat")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	bundle := filepath.Join(dir, "socket.io.min.js")
	if err := os.WriteFile(bundle, nil, 0o644); err != nil {
		log.Fatal(err)
	}
	srv, err := chat.NewServer(&chat.Options{Bundle: bundle, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		log.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Shutdown(ctx)

	// The bot.
	m, err := client.Dial(ctx, hs.URL, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { m.Close(); <-m.Done() }()
	bot := chatclient.NewChatClient(m)
	history := make(chan []chat.Message, 1)
	bot.OnJoined(func(room string, msgs []chat.Message) { history <- msgs })
	if err := bot.Connect(ctx, &chat.Auth{Username: "bot"}); err != nil {
		log.Fatal(err)
	}
	res, err := bot.Join(ctx, "lobby", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("joined:", res.OK, "history:", len(<-history))
	res, err = bot.Message(ctx, "lobby", "hello")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("posted:", res.OK, res.ID > 0)
	// Output:
	// joined: true history: 0
	// posted: true true
}
