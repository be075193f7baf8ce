// Command conformance serves the fixture of the Engine.IO protocol's test
// suite (https://github.com/socketio/engine.io-protocol, "Test suite"): an
// Engine.IO server at /engine.io/ with pingInterval 300 ms, pingTimeout
// 200 ms, maxPayload 1e6 and CORS "*", echoing every message back on the
// session it came from.
//
//	go run ./examples/conformance -addr 127.0.0.1:3000
//
// The handlers are registered on an http.ServeMux so that more servers (a
// Socket.IO fixture at /socket.io/) can share the port.
package main

import (
	"context"
	"errors"
	"flag"
	"log"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/siogo/sio/engineio"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:3000", "listen address")
	flag.Parse()

	mux := http.NewServeMux()
	eio := newEngineIOFixture()
	mux.Handle("/engine.io/", eio)

	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
		_ = eio.Shutdown(shutdownCtx)
	}()
	log.Printf("conformance fixture listening on http://%s/engine.io/", *addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// newEngineIOFixture returns the Engine.IO server the protocol's test suite
// expects: short heartbeats, CORS for every origin, echo.
func newEngineIOFixture() *engineio.Server {
	eio := engineio.NewServer(&engineio.Options{
		PingInterval: 300 * time.Millisecond,
		PingTimeout:  200 * time.Millisecond,
		MaxPayload:   1_000_000,
		CORS:         &engineio.CORSOptions{Origins: []string{"*"}},
	})
	eio.OnConnection(func(s *engineio.Session) {
		s.OnMessage(func(m engineio.Message) {
			_ = s.Send(m)
		})
	})
	return eio
}
