// Command conformance serves the fixtures of the official protocol test
// suites on one port:
//
//   - at /engine.io/, the Engine.IO protocol's (https://github.com/socketio/engine.io-protocol,
//     "Test suite"): pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1e6
//     and CORS "*", echoing every message back on the session it came from;
//
//   - at /socket.io/, the Socket.IO protocol's (https://github.com/socketio/socket.io-protocol,
//     "Test suite"); see newSocketIOFixture.
//
//     go run ./examples/conformance -addr 127.0.0.1:3000
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

	mux, shutdown := newMux(suiteHeartbeat)
	srv := &http.Server{Addr: *addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdownCtx)
		shutdown(shutdownCtx)
	}()
	log.Printf("conformance fixtures listening on http://%s/engine.io/ and http://%s/socket.io/", *addr, *addr)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// heartbeat is a fixture's ping interval and ping timeout.
type heartbeat struct{ interval, timeout time.Duration }

// suiteHeartbeat is the heartbeat both test suites expect.
var suiteHeartbeat = heartbeat{interval: 300 * time.Millisecond, timeout: 200 * time.Millisecond}

// newMux serves both fixtures with heartbeat hb; shutdown closes their
// sessions.
func newMux(hb heartbeat) (mux *http.ServeMux, shutdown func(context.Context)) {
	eio := newEngineIOFixture(hb)
	sio := newSocketIOFixture(hb)
	mux = http.NewServeMux()
	mux.Handle("/engine.io/", eio)
	mux.Handle("/socket.io/", sio)
	return mux, func(ctx context.Context) {
		_ = eio.Shutdown(ctx)
		_ = sio.Shutdown(ctx)
	}
}

// newEngineIOFixture returns the Engine.IO server the protocol's test suite
// expects: short heartbeats, CORS for every origin, echo.
func newEngineIOFixture(hb heartbeat) *engineio.Server {
	eio := engineio.NewServer(&engineio.Options{
		PingInterval: hb.interval,
		PingTimeout:  hb.timeout,
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
