// Command loadtest is sio's side-by-side load benchmark: it runs the
// scenarios of package bench/loadgen against sio (bench/siopeer) and Node's
// socket.io 4.8 (bench/node), interleaved, and prints a Markdown table of
// medians, ranges and ratios. `make loadtest` builds and runs it; flags
// set the scale:
//
//	loadtest -sio bin/siopeer -node-dir bench/node [-rounds 3] [-duration 5s] ...
//
// With two CPUs or more, the servers run on one (-server-cpu) and the
// generator on another (-gen-cpu), pinned with taskset.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/siogo/sio/bench/loadgen"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run() error {
	var o loadgen.Options
	sioBin := flag.String("sio", "bin/siopeer", "the sio peer's binary (go build ./bench/siopeer)")
	nodeDir := flag.String("node-dir", "bench/node", "the Node peer's directory (server.mjs, node_modules from npm ci)")
	nodeBin := flag.String("node", "node", "the node binary")
	servers := flag.String("servers", "sio,node", "the servers to measure, in the order each round runs them")
	scenarios := flag.String("scenarios", strings.Join(loadgen.ScenarioNames(), ","), "the scenarios to run")
	pin := flag.String("pin", "auto", "pin server and generator to a CPU each with taskset: auto (when there are two CPUs or more), on, off")
	serverCPU := flag.String("server-cpu", "0", "the servers' CPUs when pinned (taskset list)")
	genCPU := flag.String("gen-cpu", "1", "the generator's CPUs when pinned (taskset list)")
	flag.IntVar(&o.Rounds, "rounds", 3, "rounds: each scenario runs this many times against each server")
	flag.DurationVar(&o.Duration, "duration", 5*time.Second, "measured window of each scenario")
	flag.DurationVar(&o.Warmup, "warmup", time.Second, "load before each measured window")
	flag.IntVar(&o.AckConns, "ack-conns", 100, "ack: connections")
	flag.IntVar(&o.AckInFlight, "ack-inflight", 4, "ack: echoes in flight per connection")
	flag.IntVar(&o.FanoutConns, "fanout-conns", 1000, "fanout: connections receiving each broadcast")
	flag.IntVar(&o.FanoutWindow, "fanout-window", 4, "fanout: broadcasts under way at a time")
	flag.IntVar(&o.IdleConns, "idle-conns", 10000, "idle: idle connections for the memory figure (each needs a file descriptor in both processes)")
	flag.DurationVar(&o.IdleSettle, "idle-settle", 2*time.Second, "idle: pause before each RSS reading")
	flag.IntVar(&o.ConnectConcurrency, "connect-concurrency", 8, "connect: handshakes under way at a time")
	flag.IntVar(&o.DialConcurrency, "dial-concurrency", 32, "handshakes under way at a time while a scenario opens its connections")
	flag.DurationVar(&o.Cooldown, "cooldown", time.Second, "pause after each server stopped")
	flag.DurationVar(&o.Patience, "patience", loadgen.DefaultPatience, "how long a scenario waits for progress (a broadcast to reach everyone, a first event in a window) before it fails")
	cpuProfile := flag.String("cpuprofile", "", "write the load generator's CPU profile to this file (to check that it is not the bottleneck)")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}

	for _, s := range strings.Split(*servers, ",") {
		switch s {
		case "sio":
			bin, err := filepath.Abs(*sioBin)
			if err != nil {
				return err
			}
			o.Peers = append(o.Peers, loadgen.Peer{Name: "sio", Command: []string{bin}})
		case "node":
			if _, err := os.Stat(filepath.Join(*nodeDir, "node_modules", "socket.io")); err != nil {
				return fmt.Errorf("the Node peer's packages are not installed (make bench-deps): %w", err)
			}
			o.Peers = append(o.Peers, loadgen.Peer{Name: "node", Command: []string{*nodeBin, "server.mjs"}, Dir: *nodeDir})
		default:
			return fmt.Errorf("-servers: unknown server %q (sio, node)", s)
		}
	}
	o.Scenarios = strings.Split(*scenarios, ",")
	o.Log = os.Stderr

	limit, err := loadgen.RaiseFileLimit()
	if err != nil {
		return fmt.Errorf("raising the open files limit: %w", err)
	}
	pinned := false
	switch *pin {
	case "on":
		pinned = true
	case "auto":
		_, err := exec.LookPath("taskset")
		pinned = runtime.NumCPU() >= 2 && err == nil
	case "off":
	default:
		return fmt.Errorf("-pin: %q, want auto, on or off", *pin)
	}
	if pinned {
		if err := loadgen.PinSelf(*genCPU); err != nil {
			return err
		}
		if n := cpuCount(*genCPU); n > 0 {
			runtime.GOMAXPROCS(n)
		}
		o.ServerCPUs = *serverCPU
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	header(&o, pinned, *serverCPU, *genCPU, limit, *nodeBin, *nodeDir)
	res, err := loadgen.Run(ctx, &o)
	if res != nil {
		fmt.Println()
		if werr := res.Markdown(os.Stdout); werr != nil && err == nil {
			err = werr
		}
		fmt.Println()
		fmt.Println("Cells: median of the rounds [min–max]; sio/Node: ratio of the medians. Rates are better higher; CPU, memory and latency lower.")
	}
	return err
}

// cpuCount returns the number of CPUs of a taskset list ("1", "0,2-3");
// 0 when it cannot tell.
func cpuCount(list string) int {
	n := 0
	for _, part := range strings.Split(list, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		if !isRange {
			hi = lo
		}
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || b < a {
			return 0
		}
		n += b - a + 1
	}
	return n
}

// header prints what the figures depend on.
func header(o *loadgen.Options, pinned bool, serverCPU, genCPU string, limit uint64, nodeBin, nodeDir string) {
	fmt.Printf("# sio load benchmark, %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Printf("- machine: %s, %d CPUs, load average %s\n", cpuModel(), runtime.NumCPU(), loadAvg())
	if pinned {
		fmt.Printf("- pinned with taskset: servers on CPU %s, generator on CPU %s (GOMAXPROCS %d)\n", serverCPU, genCPU, runtime.GOMAXPROCS(0))
	} else {
		fmt.Println("- not pinned: servers and generator share the CPUs")
	}
	fmt.Printf("- %s; Node %s, socket.io %s\n", runtime.Version(), nodeVersion(nodeBin), socketIOVersion(nodeDir))
	fmt.Printf("- %d rounds, servers interleaved, each started afresh per scenario; %v warm-up, %v measured\n", o.Rounds, o.Warmup, o.Duration)
	fmt.Printf("- ack: %d connections × %d in flight; fan-out: %d connections, %d broadcasts under way; idle: %d connections; connects: %d at a time; open files limit %d\n",
		o.AckConns, o.AckInFlight, o.FanoutConns, o.FanoutWindow, o.IdleConns, o.ConnectConcurrency, limit)
	fmt.Printf("- payload of echo and fanout: %s\n", loadgen.Payload)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func nodeVersion(bin string) string {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

func socketIOVersion(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", "socket.io", "package.json"))
	if err != nil {
		return "unknown"
	}
	// The first "version" of socket.io's package.json is its own.
	_, rest, ok := strings.Cut(string(b), `"version"`)
	if !ok {
		return "unknown"
	}
	_, rest, _ = strings.Cut(rest, `"`)
	v, _, _ := strings.Cut(rest, `"`)
	return v
}
