// Command chat serves sio's chat example: a web page at the printed URL and
// Socket.IO at /socket.io/, one process, rooms and history in memory.
//
//	make demo                                  # installs the npm bundle, then runs this
//	go run ./examples/chat -addr 127.0.0.1:8000
//
// Flags: -addr (default $SIO_ADDR, else 127.0.0.1:8000), -web-dir (the
// folder holding node_modules/socket.io-client, default: the source folder
// examples/chat/web), -bundle (the path of socket.io.min.js itself) and
// -redis (default $SIO_REDIS): the host:port of a Redis server through which
// several chat processes share their rooms and messages, e.g.
//
//	go run ./examples/chat -addr 127.0.0.1:8000 -redis 127.0.0.1:6379 &
//	go run ./examples/chat -addr 127.0.0.1:8001 -redis 127.0.0.1:6379
//
// Messages then reach every process's clients; each process keeps the
// history of the messages its own clients sent.
// Ctrl-C (SIGINT) or SIGTERM disconnects the clients and stops gracefully.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/examples/chat/chat"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter"
)

func main() {
	defAddr := os.Getenv("SIO_ADDR")
	if defAddr == "" {
		defAddr = "127.0.0.1:8000"
	}
	addr := flag.String("addr", defAddr, "address to listen on (env SIO_ADDR)")
	webDir := flag.String("web-dir", "", "folder holding node_modules/socket.io-client (default: examples/chat/web)")
	bundle := flag.String("bundle", "", "path of socket.io.min.js (overrides -web-dir)")
	redisAddr := flag.String("redis", os.Getenv("SIO_REDIS"), "host:port of a Redis shared with other chat processes (env SIO_REDIS)")
	flag.Parse()

	opts := &chat.Options{WebDir: *webDir, Bundle: *bundle}
	var rdb *redis.Client
	if *redisAddr != "" {
		rdb = redis.NewClient(&redis.Options{Addr: *redisAddr})
		opts.SocketIO = &socketio.Options{Adapter: redisadapter.New(rdb, nil)}
		fmt.Printf("chat: sharing rooms through Redis at %s\n", *redisAddr)
	}
	err := run(*addr, opts)
	if rdb != nil {
		_ = rdb.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(addr string, opts *chat.Options) error {
	srv, err := chat.NewServer(opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("chat: %w", err)
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	fmt.Printf("chat: open http://%s/ in a browser (?transport=polling or ?transport=websocket to force one; Ctrl-C stops)\n", ln.Addr())

	select {
	case err := <-served:
		return fmt.Errorf("chat: %w", err)
	case <-ctx.Done():
	}
	stop() // a second Ctrl-C kills the process
	slog.Info("chat: shutting down")
	// Socket.IO first: it sends every client a close packet and ends the
	// long-polling requests and WebSockets, which http.Server.Shutdown would
	// wait for (or, once hijacked, not see at all). A polling client that
	// has no request pending takes the close on its next one; after
	// ioGrace the remaining sessions are closed without it.
	const ioGrace, httpGrace = 3 * time.Second, 5 * time.Second
	ictx, cancel := context.WithTimeout(context.Background(), ioGrace)
	defer cancel()
	if err := srv.Shutdown(ictx); errors.Is(err, context.DeadlineExceeded) {
		slog.Warn("chat: some clients did not take the close packet in time; closed them anyway")
	} else if err != nil {
		slog.Error("chat: socket.io shutdown", "err", err)
	}
	hctx, cancel2 := context.WithTimeout(context.Background(), httpGrace)
	defer cancel2()
	err = hs.Shutdown(hctx)
	if e := <-served; !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, e)
	}
	if err != nil {
		return fmt.Errorf("chat: shutdown: %w", err)
	}
	slog.Info("chat: stopped")
	return nil
}
