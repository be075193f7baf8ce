// Command siopeer is sio's peer in the load benchmark (see bench/loadtest):
// the benchmark's tiny app on [socketio.NewServer] with its defaults, as
// bench/node/server.mjs is on Node's socket.io 4.8. The load generator
// (bench/loadgen) drives both the same way.
//
//	siopeer [-addr 127.0.0.1:0] [-cpuprofile FILE] [-memprofile FILE]
//
// It prints "listening HOST:PORT" once it accepts connections, and exits on
// SIGTERM or SIGINT. -cpuprofile profiles the CPU from the start and
// -memprofile takes a heap profile (after a garbage collection) at the
// end: both files are written when the signal arrives, for `go tool pprof`.
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
	"runtime"
	"runtime/pprof"
	"syscall"

	"github.com/siogo/sio/socketio"
)

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

// run serves until a signal (nil) or a failure to serve, writing the
// profiles the flags ask for in both cases.
func run() (err error) {
	addr := flag.String("addr", "127.0.0.1:0", "TCP address to listen on")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file on exit")
	memProfile := flag.String("memprofile", "", "write a heap profile to this file on exit")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() {
			pprof.StopCPUProfile()
			err = errors.Join(err, f.Close())
		}()
	}
	hs := &http.Server{Handler: newApp()}
	fmt.Printf("listening %s\n", ln.Addr())
	serveErr := make(chan error, 1)
	go func() { serveErr <- hs.Serve(ln) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	select {
	case <-sig:
	case err = <-serveErr:
	}
	if *memProfile != "" {
		err = errors.Join(err, writeHeapProfile(*memProfile))
	}
	return err
}

// writeHeapProfile writes a heap profile to the file name.
func writeHeapProfile(name string) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	runtime.GC() // up-to-date statistics
	if err := pprof.WriteHeapProfile(f); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
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
