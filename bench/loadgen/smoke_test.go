package loadgen

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tiny is the scale of the smoke test: enough to run every step of every
// scenario, small enough for a few seconds in all.
var tiny = Config{
	Warmup: 50 * time.Millisecond, Duration: 200 * time.Millisecond,
	AckConns: 3, AckInFlight: 2,
	FanoutConns: 5, FanoutWindow: 2,
	IdleConns: 20, IdleSettle: 20 * time.Millisecond,
	ConnectConcurrency: 2, DialConcurrency: 4,
}

// buildSioPeer builds bench/siopeer into a temporary directory.
func buildSioPeer(t *testing.T) Peer {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the load generator reads /proc: Linux only")
	}
	bin := filepath.Join(t.TempDir(), "siopeer")
	out, err := exec.Command("go", "build", "-o", bin, "../siopeer").CombinedOutput()
	if err != nil {
		t.Fatalf("go build ../siopeer: %v\n%s", err, out)
	}
	return Peer{Name: "sio", Command: []string{bin}}
}

// TestScenarios runs each scenario at a tiny scale against the sio peer, so
// that the harness keeps working. It checks that every row of the scenario
// is measured, never what the figures are.
func TestScenarios(t *testing.T) {
	peer := buildSioPeer(t)
	tests := []struct {
		scenario string
		rows     []*Metric
	}{
		{"ack", []*Metric{&AckRate, &AckCPU, &AckLoad, &AckSelf}},
		{"fanout", []*Metric{&FanoutRate, &FanoutCPU, &FanoutLoad, &FanoutSelf}},
		{"idle", []*Metric{&IdleMemory}},
		{"connect", []*Metric{&ConnectRate, &ConnectCPU, &ConnectLoad, &ConnectSelf}},
		{"latency", []*Metric{&LatencyP50, &LatencyP99, &LatencySelf}},
	}
	if len(tests) != len(Scenarios) {
		t.Fatalf("%d scenarios tested, %d exist", len(tests), len(Scenarios))
	}
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var log strings.Builder
			res, err := Run(ctx, &Options{
				Config: tiny, Peers: []Peer{peer}, Scenarios: []string{tt.scenario}, Rounds: 1, Log: &log,
			})
			if err != nil {
				t.Fatalf("Run: %v\nlog:\n%s", err, log.String())
			}
			var table strings.Builder
			if err := res.Markdown(&table); err != nil {
				t.Fatal(err)
			}
			for _, m := range tt.rows {
				vs := res.Values(m, "sio")
				if len(vs) != 1 || math.IsNaN(vs[0]) || math.IsInf(vs[0], 0) {
					t.Errorf("%s: values %v, want one number", m.Name, vs)
				}
				if !strings.Contains(table.String(), "| "+m.Name+" |") {
					t.Errorf("table has no row %q:\n%s", m.Name, table.String())
				}
			}
			for _, m := range allMetrics {
				if !containsMetric(tt.rows, m) && len(res.Values(m, "sio")) > 0 {
					t.Errorf("scenario %s measured %s", tt.scenario, m.Name)
				}
			}
			if !strings.Contains(log.String(), "round 1/1 "+tt.scenario) {
				t.Errorf("log has no line for the run:\n%s", log.String())
			}
		})
	}
}

func containsMetric(ms []*Metric, m *Metric) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

// TestRunErrors: what the harness says when it cannot measure.
func TestRunErrors(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the load generator reads /proc: Linux only")
	}
	sh := func(script string) []Peer {
		return []Peer{{Name: "fake", Command: []string{"sh", "-c", script}}}
	}
	noFanout, noWindow := tiny, tiny
	noFanout.FanoutConns = 0
	noWindow.Duration = 0
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no rounds", Options{Config: tiny, Peers: sh("true"), Rounds: 0}, "rounds: 0"},
		{"no peer", Options{Config: tiny, Rounds: 1}, "no server"},
		{"no connections", Options{Config: noFanout, Peers: sh("true"), Rounds: 1}, "FanoutConns: 0, want at least 1"},
		{"no window", Options{Config: noWindow, Peers: sh("true"), Rounds: 1}, "want a positive window"},
		{"unknown scenario", Options{Config: tiny, Peers: sh("true"), Rounds: 1, Scenarios: []string{"ack", "nope"}}, `unknown scenario "nope"`},
		{"peer exits", Options{Config: tiny, Peers: sh("exit 3"), Rounds: 1, Scenarios: []string{"ack"}}, "exited before listening"},
		{"peer prints something else", Options{Config: tiny, Peers: sh("echo hello; exec sleep 5"), Rounds: 1, Scenarios: []string{"ack"}}, `printed "hello"`},
		{"nothing listens", Options{Peers: sh("echo listening 127.0.0.1:1; exec sleep 5"), Rounds: 1, Scenarios: []string{"latency"}, Config: tiny}, "scenario latency, server fake"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(context.Background(), &tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Run: %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestCheckFiles(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc: Linux only")
	}
	limit, err := procFileLimit(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if limit < 0 {
		t.Skip("no limit on open files")
	}
	tests := []struct {
		conns   int
		wantErr bool
	}{
		{1, false},
		{int(limit), true},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.conns), func(t *testing.T) {
			err := checkFiles(os.Getpid(), tt.conns)
			if (err != nil) != tt.wantErr {
				t.Fatalf("checkFiles(%d) with a limit of %d: %v", tt.conns, limit, err)
			}
			if err != nil && !strings.Contains(err.Error(), "raise ulimit -n") {
				t.Errorf("error %q does not say what to do", err)
			}
		})
	}
}
