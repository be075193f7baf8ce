// Command consumer serves the chat example (package chat): a Socket.IO
// server whose /chat namespace is handled by ChatConsumer, through the code
// siogen generated.
//
//	go run ./examples/consumer -addr 127.0.0.1:8000
package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/siogo/sio/examples/consumer/chat"
	"github.com/siogo/sio/socketio"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "address to listen on")
	flag.Parse()

	srv := socketio.NewServer(nil)
	chat.RegisterChatConsumer(srv, func() *chat.ChatConsumer { return &chat.ChatConsumer{} })

	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	hs := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	slog.Info("consumer: serving", "addr", *addr)
	if err := hs.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		slog.Error("consumer: serve", "err", err)
		os.Exit(1)
	}
}
