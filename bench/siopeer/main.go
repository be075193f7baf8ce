// Command siopeer is sio's peer in the load benchmark (see bench/loadtest):
// the benchmark's tiny app on [socketio.NewServer] with its defaults, as
// bench/node/server.mjs is on Node's socket.io 4.8. The load generator
// (bench/loadgen) drives both the same way.
//
//	siopeer [-addr 127.0.0.1:0]
//
// It prints "listening HOST:PORT" once it accepts connections, and exits on
// SIGTERM or SIGINT.
//
// The app: connecting to "/" needs no auth; "echo" is acknowledged with its
// arguments, unchanged; "fanout" broadcasts "tick" with its arguments to
// every socket of the namespace. The handlers are registered by hand
// ([socketio.Server.On]) on the raw arguments, as Node's are.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/siogo/sio/socketio"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "TCP address to listen on")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	hs := &http.Server{Handler: newApp()}
	fmt.Printf("listening %s\n", ln.Addr())
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
		<-sig
		os.Exit(0)
	}()
	log.Fatal(hs.Serve(ln))
}

// newApp returns the benchmark's app.
func newApp() *socketio.Server {
	io := socketio.NewServer(nil)
	io.On("echo", func(_ context.Context, _ *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		if ack == nil {
			return nil
		}
		// An echo whose client has gone is not acknowledged, as with Node.
		if err := ack(args); !errors.Is(err, socketio.ErrDisconnected) {
			return err
		}
		return nil
	})
	io.On("fanout", func(_ context.Context, s *socketio.Socket, args *socketio.Args, _ socketio.AckFunc) error {
		return s.Namespace().EmitArgs("tick", args)
	})
	return io
}
