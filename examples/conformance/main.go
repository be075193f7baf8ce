// Command conformance serves, on one port, the fixtures that the official
// protocol test suites (the "Test suite" sections of the engine.io-protocol
// and socket.io-protocol specifications) run against:
//
//   - /engine.io/: pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1e6,
//     CORS "*", every message echoed back on its session;
//   - /socket.io/: the Socket.IO fixture described at newSocketIOFixture.
//
// Run it with:
//
//	go run ./examples/conformance -addr 127.0.0.1:3000
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
