//go:build unix

package socketio

import (
	"bufio"
	"context"
	"flag"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/siogo/sio/engineio"
)

// Flags of BenchmarkIdleConnections.
var (
	idleConns = flag.Int("idle.conns", 2000, "WebSocket connections of BenchmarkIdleConnections")
	idleProf  = flag.String("idle.memprofile", "", "write a heap profile of BenchmarkIdleConnections, taken while the connections are idle, to this file (sampling every allocation)")
)

// BenchmarkIdleConnections measures what an idle WebSocket connection
// joined to "/" costs the server: heapB/conn is the live heap after
// garbage collection and stackB/conn the goroutine stacks, both with the
// connections open minus before, per connection; goroutines/conn counts
// the goroutines. The clients run in a child process (this test binary,
// see idleClientsEnv), so that only the server's memory is counted.
//
//	go test ./socketio -run '^$' -bench IdleConnections -benchtime 1x [-idle.conns 5000] [-idle.memprofile idle.pprof]
//
// go tool pprof -sample_index inuse_space idle.pprof then shows where the
// bytes of the idle connections are held. The process's RSS, what an
// operator sees, is measured by make loadtest (docs/operations.md).
func BenchmarkIdleConnections(b *testing.B) {
	n := *idleConns
	if got, err := raiseFileLimit(uint64(n + 1000)); got < uint64(n+1000) {
		b.Skipf("RLIMIT_NOFILE is %d (< %d) and could not be raised: %v", got, n+1000, err)
	}
	if *idleProf != "" {
		old := runtime.MemProfileRate
		runtime.MemProfileRate = 1
		b.Cleanup(func() { runtime.MemProfileRate = old })
	}
	for b.Loop() {
		heap, stack, gs := measureIdle(b, n, *idleProf)
		b.ReportMetric(heap, "heapB/conn")
		b.ReportMetric(stack, "stackB/conn")
		b.ReportMetric(gs, "goroutines/conn")
	}
}

// idleMem is the live heap, the stacks in use and the goroutines, after
// collecting garbage (several times, so that idle stacks shrink as far as
// the runtime shrinks them).
func idleMem() (heap, stack uint64, goroutines int) {
	var ms runtime.MemStats
	for range 4 {
		runtime.GC()
	}
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, ms.StackInuse, runtime.NumGoroutine()
}

// measureIdle opens n idle connections to a fresh server and returns the
// server's bytes of heap and of stack, and its goroutines, per connection.
func measureIdle(b *testing.B, n int, profile string) (heap, stack, goroutines float64) {
	srv := NewServer(&Options{
		Logger: quietLog,
		Engine: &engineio.Options{
			Transports:   []string{engineio.TransportWebSocket},
			PingInterval: time.Hour, // idle means no heartbeat traffic either
			PingTimeout:  time.Hour,
		},
	})
	hs := httptest.NewServer(srv)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		_ = srv.Shutdown(ctx)
		hs.Close()
	}()
	h0, s0, g0 := idleMem()

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), idleClientsEnv+"="+strings.TrimPrefix(hs.URL, "http://")+" "+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = stdin.Close()
		_ = cmd.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if line != "ready\n" {
		b.Fatalf("client process: %q, %v", line, err)
	}
	// Every CONNECT reply was read by the clients: wait until the workers
	// that sent them are gone.
	deadline := time.Now().Add(time.Minute)
	for len(srv.main().Sockets()) != n || runtime.NumGoroutine() > g0+2*n {
		if time.Now().After(deadline) {
			b.Fatalf("%d sockets connected, want %d", len(srv.main().Sockets()), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	h1, s1, g1 := idleMem()
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			b.Fatal(err)
		}
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	per := float64(n)
	return (float64(h1) - float64(h0)) / per, (float64(s1) - float64(s0)) / per, float64(g1-g0) / per
}
