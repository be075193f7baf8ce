// Command chat serves sio's chat example: a web page at the printed URL and
// Socket.IO at /socket.io/, rooms and history in memory; with -redis,
// several chat processes share the rooms.
//
//	make demo                                  # installs the npm bundle, then runs this
//	go run ./examples/chat -addr 127.0.0.1:8000
//
// Flags: -addr (default $SIO_ADDR, else 127.0.0.1:8000), -web-dir (the
// folder holding node_modules/socket.io-client, default: the source folder
// examples/chat/web) and -bundle (the path of socket.io.min.js itself).
//
// Without -redis the process is the whole chat (rooms in its memory). With
// -redis (default $SIO_REDIS), several chat processes share rooms and
// messages through that Redis, with the cluster adapter -adapter names
// (default $SIO_ADAPTER, else classic):
//
//   - classic: Redis pub/sub, socketio/redisadapter (Node's createAdapter);
//   - sharded: Redis 7 sharded pub/sub, socketio/redisadapter/sharded
//     (Node's createShardedAdapter), which needs Redis 7 or later;
//   - streams: Redis Streams, socketio/redisadapter/streams (Node's
//     @socket.io/redis-streams-adapter), with connection state recovery
//     on: a client that loses its connection gets its session back from
//     any process.
//
// -redis is host:port or a URL read by go-redis's redis.ParseURL
// (redis://user:password@host:port/db, rediss:// for TLS, unix:///path).
// With -redis-cluster it names the seed nodes of a Redis Cluster instead:
// host:port,host:port,... or a URL read by redis.ParseClusterURL
// (redis://host:port?addr=host2:port2). For example, two processes:
//
//	go run ./examples/chat -addr 127.0.0.1:8000 -adapter sharded -redis 127.0.0.1:6379 &
//	go run ./examples/chat -addr 127.0.0.1:8001 -adapter sharded -redis 127.0.0.1:6379
//
// Messages then reach every process's clients; each process keeps the
// history of the messages its own clients sent. docs/scaling.md says which
// adapter to choose. An unknown adapter or a malformed -redis exits with
// status 2; a Redis that does not answer PING at start, with status 1.
// Ctrl-C (SIGINT) or SIGTERM disconnects the clients and stops gracefully:
// with -drain 20s, the clients are closed a few at a time over 20 s (new
// connections are refused with 503 meanwhile), so that they reconnect to
// the other processes without a reconnect storm; see "Gradual drain" in
// docs/operations.md.
//
// -admin user:bcrypt-hash (or none) serves the official Admin UI's
// namespace /admin (package socketio/admin): open https://admin.socket.io
// (allowed by -admin-origin) or, with -admin-ui pointing at the npm
// package's ui/dist, http://ADDR/admin-ui/, and connect to the chat's URL.
// -admin-mode production sends the UI server stats only; -admin-readonly
// turns its actions off. With -redis, the UI connected to any chat process
// sees them all (admin.Options.Cluster). docs/admin-ui.md has the details.
//
// /metrics serves Prometheus metrics (package socketio/metrics, and the Go
// runtime's); /healthz answers 200 "ok", and 503 once the chat is shutting
// down (during the drain too). docs/observability.md lists the metrics.
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

	"github.com/siogo/sio/examples/chat/chat"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/admin"
)

func main() {
	cfg, err := parseConfig(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		if !errors.Is(err, errFlagPrinted) {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// Once stopping, a second Ctrl-C kills the process.
	context.AfterFunc(ctx, stop)
	err = run(ctx, cfg, func(addr net.Addr) {
		fmt.Printf("chat: open http://%s/ in a browser (?transport=polling or ?transport=websocket to force one; Ctrl-C stops)\n", addr)
		if cfg.admin != nil && cfg.adminUIDir != "" {
			fmt.Printf("chat: Admin UI at http://%s%s (server URL http://%s)\n", addr, chat.AdminUIPath, addr)
		} else if cfg.admin != nil {
			fmt.Printf("chat: Admin UI namespace %s; connect https://admin.socket.io to http://%s\n", admin.DefaultNamespace, addr)
		}
	})
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// redisPingTimeout bounds the PING that checks -redis at start.
const redisPingTimeout = 5 * time.Second

// run serves the chat cfg describes until ctx is done, then shuts it down
// gracefully. It calls listening with the address once it accepts
// connections.
func run(ctx context.Context, cfg *config, listening func(net.Addr)) error {
	opts := &chat.Options{WebDir: cfg.webDir, Bundle: cfg.bundle,
		Admin: cfg.admin, AdminOrigins: cfg.adminOrigins, AdminUIDir: cfg.adminUIDir}
	if cfg.admin != nil && cfg.adapter != nil {
		// The chat processes sharing rooms are one view in the Admin UI.
		cfg.admin.Cluster = true
	}
	if cfg.adapter != nil {
		rdb := cfg.newRedisClient()
		// Closed after srv.Shutdown (deferred first, run last), which
		// closes the adapters.
		defer func() { _ = rdb.Close() }()
		pctx, cancel := context.WithTimeout(ctx, redisPingTimeout)
		err := rdb.Ping(pctx).Err()
		cancel()
		if err != nil {
			return fmt.Errorf("chat: Redis at %s: %w", cfg.redisShown, err)
		}
		opts.SocketIO = &socketio.Options{Adapter: cfg.adapter.factory(rdb)}
		if cfg.adapter.recovery {
			opts.SocketIO.ConnectionStateRecovery = &socketio.RecoveryOptions{}
		}
		fmt.Printf("chat: sharing rooms through Redis at %s with the %s adapter\n", cfg.redisShown, cfg.adapter.name)
	}
	ops, err := newOps()
	if err != nil {
		return err
	}
	opts.SocketIO = ops.instrument(opts.SocketIO)
	srv, err := chat.NewServer(opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("chat: %w", err)
	}
	hs := &http.Server{Handler: ops.handler(srv), ReadHeaderTimeout: 10 * time.Second}

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	listening(ln.Addr())

	select {
	case err := <-served:
		return fmt.Errorf("chat: %w", err)
	case <-ctx.Done():
	}
	slog.Info("chat: shutting down")
	ops.stopping.Store(true)
	// Socket.IO first: it sends every client a close packet (all at once,
	// or spread over cfg.drain) and ends the long-polling requests and
	// WebSockets, which http.Server.Shutdown would wait for (or, once
	// hijacked, not see at all). A polling client that has no request
	// pending takes the close on its next one; ioGrace after the drain's
	// period the remaining sessions are closed without it.
	const ioGrace, httpGrace = 3 * time.Second, 5 * time.Second
	ictx, cancel := context.WithTimeout(context.Background(), cfg.drain+ioGrace)
	defer cancel()
	if cfg.drain > 0 {
		slog.Info("chat: draining", "period", cfg.drain)
	}
	if err := srv.Drain(ictx, &socketio.DrainOptions{Period: cfg.drain}); errors.Is(err, context.DeadlineExceeded) {
		slog.Warn("chat: some clients did not take the close packet in time; closed them anyway")
	} else if err != nil {
		slog.Error("chat: socket.io shutdown", "err", err)
	}
	hctx, cancel2 := context.WithTimeout(context.Background(), httpGrace)
	defer cancel2()
	err = hs.Shutdown(hctx)
	if errors.Is(err, context.DeadlineExceeded) {
		// Connections still busy after httpGrace; net/http counts among
		// them those that never sent a request (a browser's speculative
		// preconnect, an HTTP client's unused dial) for 5 s.
		slog.Warn("chat: some HTTP connections were still open after the grace period; closed them")
		err = hs.Close()
	}
	if e := <-served; !errors.Is(e, http.ErrServerClosed) {
		err = errors.Join(err, e)
	}
	if err != nil {
		return fmt.Errorf("chat: shutdown: %w", err)
	}
	slog.Info("chat: stopped")
	return nil
}
