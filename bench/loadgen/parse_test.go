package loadgen

import (
	"strings"
	"testing"
	"time"
)

func TestParseStat(t *testing.T) {
	tail := " S 1 2 3 4 5 6 7 8 9 10 250 75 0 0 20 0 7 0 100 2000 300\n"
	tests := []struct {
		name, stat string
		want       time.Duration
		wantErr    string
	}{
		{"plain", "1234 (siopeer)" + tail, 3250 * time.Millisecond, ""},
		{"spaces and parentheses in the name", "1234 (a (b) c)" + tail, 3250 * time.Millisecond, ""},
		{"no name", "1234 siopeer S 1", 0, "no command name"},
		{"too short", "1234 (x) S 1 2 3", 0, "fields after the command name"},
		{"not a number", "1234 (x) S 1 2 3 4 5 6 7 8 9 10 x 75 0", 0, "utime/stime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat([]byte(tt.stat))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseStat: %v, %v; want an error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("parseStat = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestParseKB(t *testing.T) {
	status := "Name:\tsiopeer\nVmPeak:\t  900 kB\nVmRSS:\t   12345 kB\nThreads:\t5\n"
	tests := []struct {
		name, status, key string
		want              int64
		wantErr           bool
	}{
		{"VmRSS", status, "VmRSS:", 12345 * 1024, false},
		{"missing", status, "VmSwap:", 0, true},
		{"no unit", "VmRSS:\t12\n", "VmRSS:", 0, true},
		{"not a number", "VmRSS:\tx kB\n", "VmRSS:", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseKB([]byte(tt.status), tt.key)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("parseKB = %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestParseFileLimit(t *testing.T) {
	head := "Limit                     Soft Limit           Hard Limit           Units     \nMax cpu time              unlimited            unlimited            seconds   \n"
	tests := []struct {
		name, limits string
		want         int64
		wantErr      bool
	}{
		{"number", head + "Max open files            20000                20000                files     \n", 20000, false},
		{"unlimited", head + "Max open files            unlimited            unlimited            files     \n", -1, false},
		{"missing", head, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFileLimit([]byte(tt.limits))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("parseFileLimit = %d, %v; want %d, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestParseAck(t *testing.T) {
	tests := []struct {
		msg    string
		id     uint64
		wantOK bool
	}{
		{"430" + string(ackTail), 0, true},
		{"4312345" + string(ackTail), 12345, true},
		{"43" + string(ackTail), 0, false},
		{"4312a" + string(ackTail), 0, false},
		{"4212" + string(ackTail), 0, false},
		{"4312[1]", 0, false},
		{"43123456789012345678901" + string(ackTail), 0, false},
		{"3", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.msg, func(t *testing.T) {
			id, ok := parseAck([]byte(tt.msg))
			if ok != tt.wantOK || id != tt.id {
				t.Fatalf("parseAck = %d, %v; want %d, %v", id, ok, tt.id, tt.wantOK)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	var s []time.Duration
	for i := 1; i <= 200; i++ {
		s = append(s, time.Duration(i))
	}
	tests := []struct {
		q    float64
		in   []time.Duration
		want time.Duration
	}{
		{0.5, s, 100},
		{0.99, s, 198},
		{1, s, 200},
		{0.99, s[:1], 1},
		{0.5, s[:2], 1},
	}
	for _, tt := range tests {
		if got := percentile(tt.in, tt.q); got != tt.want {
			t.Errorf("percentile(%d values, %v) = %v, want %v", len(tt.in), tt.q, got, tt.want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	tests := []struct {
		name  string
		peers []string
		add   map[string][]Value
		want  []string
		not   []string
	}{
		{
			name:  "sio and Node",
			peers: []string{"sio", "node"},
			add: map[string][]Value{
				"sio":  {{&AckRate, 80_000}, {&AckRate, 78_600}, {&AckRate, 70_000}, {&AckCPU, 10.5}, {&AckCPU, 10.5}, {&AckCPU, 11}, {&AckSelf, 40}, {&AckSelf, 40}, {&AckSelf, 40}},
				"node": {{&AckRate, 49_300}, {&AckRate, 50_000}, {&AckRate, 48_000}, {&AckCPU, 17}, {&AckCPU, 17}, {&AckCPU, 17}, {&AckSelf, 30}, {&AckSelf, 30}, {&AckSelf, 30}},
			},
			want: []string{
				"| | Node | sio | sio/Node |",
				"| ack round trips/s | 49.3k [48.0k–50.0k] | 78.6k [70.0k–80.0k] | 1.59× |",
				"| server CPU per ack (µs) | 17.0 [17.0–17.0] | 10.5 [10.5–11.0] | 0.62× |",
				"| | Node | sio |\n",
				"| acks: generator CPU (% of a core) | 30% [30%–30%] | 40% [40%–40%] |",
			},
			not: []string{"fan-out"},
		},
		{
			name:  "one peer, one round",
			peers: []string{"sio"},
			add:   map[string][]Value{"sio": {{&IdleMemory, 15.6}, {&LatencyP99, 225.4}}},
			want:  []string{"| | sio |\n", "| memory per idle WebSocket connection (KiB of RSS) | 15.6 |", "| ack p99 at 1 conn × 1 (µs) | 225 |"},
			not:   []string{"sio/Node", "acks:"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Results{Peers: tt.peers, values: make(map[*Metric]map[string][]float64)}
			for _, p := range tt.peers {
				r.add(p, tt.add[p])
			}
			var b strings.Builder
			if err := r.Markdown(&b); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("no %q in\n%s", w, b.String())
				}
			}
			for _, w := range tt.not {
				if strings.Contains(b.String(), w) {
					t.Errorf("%q in\n%s", w, b.String())
				}
			}
		})
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		f    func(float64) string
		v    float64
		want string
	}{
		{formatRate, 950, "950"},
		{formatRate, 78_640, "78.6k"},
		{formatRate, 1_234_000, "1.23M"},
		{format3, 7.234, "7.23"},
		{format3, 15.64, "15.6"},
		{format3, 461.2, "461"},
		{formatPercent, 99.6, "100%"},
	}
	for _, tt := range tests {
		if got := tt.f(tt.v); got != tt.want {
			t.Errorf("format(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestParseCPUTimes(t *testing.T) {
	stat := "cpu  10 0 10 100 0 0 0 0 0 0\ncpu0 100 5 50 1000 20 3 7 0 0 0\ncpu1 1 2 3 4 5 6 7 8 9 10\nintr 1\n"
	tests := []struct {
		name        string
		stat        string
		cpu         int
		busy, total int64
		wantErr     bool
	}{
		{"cpu0", stat, 0, 165, 1185, false},
		{"cpu1 with steal", stat, 1, 27, 36, false},
		{"missing", stat, 2, 0, 0, true},
		{"short", "cpu0 1 2 3\n", 0, 0, 0, true},
		{"not a number", "cpu0 1 2 3 x 5 6 7 8\n", 0, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			busy, total, err := parseCPUTimes([]byte(tt.stat), tt.cpu)
			if (err != nil) != tt.wantErr || busy != tt.busy || total != tt.total {
				t.Fatalf("parseCPUTimes = %d, %d, %v; want %d, %d, error %v", busy, total, err, tt.busy, tt.total, tt.wantErr)
			}
		})
	}
}

func TestWindowLoads(t *testing.T) {
	tests := []struct {
		name                 string
		w                    window
		server, self, others float64
	}{
		{"pinned", window{elapsed: 2 * time.Second, server: time.Second, self: 500 * time.Millisecond, cpuBusy: 180, cpuTotal: 200}, 50, 25, 40},
		{"busy less than the server's own (tick rounding)", window{elapsed: time.Second, server: time.Second, cpuBusy: 95, cpuTotal: 100}, 100, 0, 0},
		{"not pinned", window{elapsed: time.Second, server: time.Second}, 100, 0, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.w.serverLoad(); got != tt.server {
				t.Errorf("serverLoad = %v, want %v", got, tt.server)
			}
			if got := tt.w.selfLoad(); got != tt.self {
				t.Errorf("selfLoad = %v, want %v", got, tt.self)
			}
			if got := tt.w.othersLoad(); got != tt.others {
				t.Errorf("othersLoad = %v, want %v", got, tt.others)
			}
		})
	}
}
