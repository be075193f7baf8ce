package metrics_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/metrics"
)

const wait = 20 * time.Second

// modes are the transports every test runs over.
var modes = []struct {
	name       string
	transports []string
	upgrade    bool
}{
	{"polling", []string{client.Polling}, false},
	{"websocket", []string{client.WebSocket}, false},
	{"upgrade", nil, true},
}

// serve starts an instrumented server with the given options and returns
// its URL and metrics registry; both stop with the test.
func serve(t *testing.T, opts *socketio.Options, setup func(io *socketio.Server)) (string, *prometheus.Registry) {
	t.Helper()
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if opts == nil {
		opts = &socketio.Options{}
	}
	opts.Logger = slog.New(slog.DiscardHandler) // panics and handler errors are part of the tests
	io := socketio.NewServer(m.Instrument(opts))
	setup(io)
	hs := httptest.NewServer(io)
	t.Cleanup(func() {
		hs.Close()
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if err := io.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	return hs.URL, reg
}

// dial connects a Manager with the mode's transports, waiting for the
// upgrade when there is one.
func dial(ctx context.Context, t *testing.T, url string, transports []string) *client.Manager {
	t.Helper()
	mgr, err := client.Dial(ctx, url, &client.Options{Transports: transports, ReconnectionDelay: 10 * time.Millisecond, RandomizationFactor: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = mgr.Close(); <-mgr.Done() })
	return mgr
}

func waitUpgrade(ctx context.Context, t *testing.T, mgr *client.Manager) {
	t.Helper()
	for mgr.Transport() != client.WebSocket {
		select {
		case <-ctx.Done():
			t.Fatal("no upgrade")
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// value returns the value of the sample of metric name whose labels
// include want (nil: the sum over all samples), and whether there is one.
func value(t *testing.T, reg *prometheus.Registry, name string, want map[string]string) (float64, bool) {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	found := false
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	samples:
		for _, m := range mf.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue samples
				}
			}
			found = true
			sum += sampleValue(m)
		}
	}
	return sum, found
}

func sampleValue(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return 0
}

// eventually polls cond until it holds or ctx ends.
func eventually(ctx context.Context, t *testing.T, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// TestMetricsMove drives real traffic over each transport and checks that
// every metric of metrics.Definitions moves, with the labels and counts
// the traffic should give.
func TestMetricsMove(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			defer cancel()
			gone := make(chan socketio.DisconnectReason, 8)
			limits := &engineio.LimitOptions{
				HandshakesPerSecond: 0.001, HandshakeBurst: 1,
				Key: func(r *http.Request) string { return r.Header.Get("X-Key") }, // only rawRequests' handshakes
			}
			var srv *socketio.Server
			url, reg := serve(t, &socketio.Options{ConnectionStateRecovery: &socketio.RecoveryOptions{}, Engine: &engineio.Options{Limits: limits}}, func(io *socketio.Server) {
				srv = io
				io.Of("/private").Use(func(context.Context, *socketio.Socket) error { return errors.New("no entry") })
				io.OnConnection(func(ctx context.Context, s *socketio.Socket, _ []byte) error {
					s.On("echo", func(_ context.Context, _ *socketio.Socket, a *socketio.Args, ack socketio.AckFunc) error {
						return ack(a)
					})
					s.On("fail", func(context.Context, *socketio.Socket, *socketio.Args, socketio.AckFunc) error {
						return errors.New("failed")
					})
					s.On("boom", func(context.Context, *socketio.Socket, *socketio.Args, socketio.AckFunc) error { panic("boom") })
					s.On("drop", func(context.Context, *socketio.Socket, *socketio.Args, socketio.AckFunc) error {
						s.CloseConn()
						return nil
					})
					s.On("ask", func(ctx context.Context, s *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
						if _, err := s.EmitWithAck(ctx, "question"); err != nil {
							return err
						}
						short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
						defer cancel()
						_, err := s.EmitWithAck(short, "ignored") // the client never answers
						return ack(errors.Is(err, context.DeadlineExceeded))
					})
					s.On("flood", func(ctx context.Context, s *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
						// Volatile packets behind queued ones are dropped.
						big := strings.Repeat("x", 1000)
						for range 200 {
							_ = s.Emit("filler", big)
							_ = s.Volatile().Emit("vol")
						}
						return ack()
					})
					s.OnDisconnect(func(_ context.Context, _ *socketio.Socket, r socketio.DisconnectReason) { gone <- r })
					return s.Emit("welcome")
				})
			})
			mgr := dial(ctx, t, url, mode.transports)
			s := mgr.Socket("/", nil)
			s.On("question", func(e *client.Event) { _ = e.Ack("answer") })
			if err := s.Connect(ctx); err != nil {
				t.Fatal(err)
			}
			if mode.upgrade {
				waitUpgrade(ctx, t, mgr)
			}
			if res, err := s.EmitWithAck(ctx, "echo", "hi"); err != nil || string(res.Raw(0)) != `"hi"` {
				t.Fatalf("echo: %v, %v", res, err)
			}
			for _, ev := range []string{"fail", "boom", "no handler"} {
				if err := s.Emit(ev); err != nil {
					t.Fatal(err)
				}
			}
			if res, err := s.EmitWithAck(ctx, "ask"); err != nil || string(res.Raw(0)) != "true" {
				t.Fatalf("ask: %v, %v", res, err)
			}
			if _, err := s.EmitWithAck(ctx, "flood"); err != nil {
				t.Fatal(err)
			}
			for _, ns := range []string{"/nowhere", "/private"} {
				var ce *client.ConnectError
				if err := mgr.Socket(ns, nil).Connect(ctx); !errors.As(err, &ce) {
					t.Fatalf("connect to %s: %v, want a ConnectError", ns, err)
				}
			}
			// A cut connection, recovered.
			if err := s.Emit("drop"); err != nil {
				t.Fatal(err)
			}
			if r := <-gone; r != socketio.ReasonForcedClose {
				t.Fatalf("disconnect reason %q", r)
			}
			eventually(ctx, t, "recovery", func() bool { return s.Connected() && s.Recovered() })
			if _, err := s.EmitWithAck(ctx, "echo", "again"); err != nil {
				t.Fatal(err)
			}
			rawRequests(ctx, t, url)
			_ = mgr.Close()
			<-mgr.Done()
			if r := <-gone; r != socketio.ReasonClientDisconnect {
				t.Fatalf("disconnect reason %q", r)
			}
			eventually(ctx, t, "the connections to close", func() bool {
				v, _ := value(t, reg, "socketio_engine_connections", nil)
				return v == 0
			})
			// A handshake while the server drains: 503.
			if err := srv.Drain(ctx, nil); err != nil {
				t.Fatal(err)
			}
			res, err := http.Get(url + "/socket.io/?EIO=4&transport=polling")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusServiceUnavailable {
				t.Errorf("handshake while draining: %d, want 503", res.StatusCode)
			}

			for _, d := range metrics.Definitions() {
				if strings.HasPrefix(d.Name, "adapter_") {
					continue // a cluster adapter's, without one here: TestAdapterMetricsMove
				}
				v, ok := value(t, reg, "socketio_"+d.Name, nil)
				if d.Type == metrics.Gauge {
					if !ok || v != 0 {
						t.Errorf("%s: %v (present %v), want 0 after the clients left", d.Name, v, ok)
					}
					continue
				}
				if d.Name == "engine_upgrades_total" && !mode.upgrade {
					continue // checked below: 0
				}
				if !ok || v <= 0 {
					t.Errorf("%s did not move", d.Name)
				}
			}
			upgrades := 0.0
			if mode.upgrade {
				upgrades = 2 // the first connection and the recovered one
			}
			transport := client.WebSocket
			if mode.name == "polling" {
				transport = client.Polling
			}
			for _, c := range []struct {
				name   string
				labels map[string]string
				want   float64
			}{
				{"engine_upgrades_total", nil, upgrades},
				{"engine_requests_refused_total", map[string]string{"reason": "Transport unknown"}, 1},
				{"engine_requests_refused_total", map[string]string{"reason": "Forbidden"}, 1},
				{"engine_handshakes_limited_total", map[string]string{"reason": "rate_limited"}, 1},
				{"engine_handshakes_shutting_down_total", nil, 1},
				{"decode_errors_total", nil, 1},
				{"events_handled_total", map[string]string{"namespace": "/", "event": "echo", "outcome": "ok"}, 2},
				{"events_handled_total", map[string]string{"event": "fail", "outcome": "error"}, 1},
				{"events_handled_total", map[string]string{"event": "boom", "outcome": "panic"}, 1},
				{"events_handled_total", map[string]string{"event": metrics.OtherEvent, "outcome": "unknown"}, 1},
				{"events_received_total", map[string]string{"namespace": "/"}, 8},
				{"handler_duration_seconds", map[string]string{"event": "echo"}, 2},
				{"panics_total", map[string]string{"namespace": "/", "site": "event handler"}, 1},
				{"acks_total", map[string]string{"outcome": "ok"}, 1},
				{"acks_total", map[string]string{"outcome": "timeout"}, 1},
				{"acks_sent_total", nil, 4},
				{"connects_total", map[string]string{"recovered": "false"}, 1},
				{"connects_total", map[string]string{"recovered": "true"}, 1},
				{"connects_refused_total", map[string]string{"namespace": "", "reason": "invalid namespace"}, 1},
				{"connects_refused_total", map[string]string{"namespace": "/private", "reason": "middleware"}, 1},
				{"recoveries_total", map[string]string{"outcome": "success"}, 1},
				{"disconnects_total", map[string]string{"reason": "forced close"}, 1},
				{"disconnects_total", map[string]string{"reason": "client namespace disconnect"}, 1},
				{"events_sent_total", map[string]string{"event": "welcome"}, 2},
			} {
				if got, _ := value(t, reg, "socketio_"+c.name, c.labels); got != c.want {
					t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
				}
			}
			for _, name := range []string{"engine_received_bytes_total", "engine_sent_bytes_total", "engine_connections_opened_total"} {
				if got, _ := value(t, reg, "socketio_"+name, map[string]string{"transport": transport}); got <= 0 && !mode.upgrade {
					t.Errorf("%s{transport=%s} did not move", name, transport)
				}
			}
		})
	}
}

// rawRequests sends what the Go client never does: a handshake with an
// unknown transport, a polling session whose Socket.IO packet cannot be
// decoded, and a handshake beyond the rate limit of its key (X-Key).
func rawRequests(ctx context.Context, t *testing.T, url string) {
	t.Helper()
	get := func(u string) string {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		req.Header.Set("X-Key", "raw")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	get(url + "/socket.io/?EIO=4&transport=carrier-pigeon")
	open := get(url + "/socket.io/?EIO=4&transport=polling")
	i := strings.Index(open, `"sid":"`)
	if i < 0 {
		t.Fatalf("handshake answered %q", open)
	}
	if got := get(url + "/socket.io/?EIO=4&transport=polling"); got != `{"code":4,"message":"Rate limited"}` {
		t.Fatalf("handshake beyond the rate answered %q", got)
	}
	sid := open[i+7:]
	sid = sid[:strings.IndexByte(sid, '"')]
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/socket.io/?EIO=4&transport=polling&sid="+sid, strings.NewReader("49"))
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	// The server closes the session: a GET takes its close packet.
	if got := get(url + "/socket.io/?EIO=4&transport=polling&sid=" + sid); !strings.HasPrefix(got, "1") {
		t.Fatalf("GET after the bad packet: %q, want a close packet", got)
	}
}

// TestEventLabelsBounded sends 10,000 distinct event names over each
// transport, to a namespace whose dispatcher handles any name and to one
// that handles none, and checks that the series stay within the bound.
func TestEventLabelsBounded(t *testing.T) {
	const events = 10_000
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*wait)
			defer cancel()
			url, reg := serve(t, nil, func(io *socketio.Server) {
				io.Of("/any").OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
					s.SetDispatcher(socketio.DispatcherFunc(func(_ context.Context, _ *socketio.Socket, _ string, _ *socketio.Args, ack socketio.AckFunc) error {
						if ack != nil {
							return ack()
						}
						return nil
					}))
					return nil
				})
				io.Of("/none").OnConnection(func(_ context.Context, s *socketio.Socket, _ []byte) error {
					s.On("sync", func(_ context.Context, _ *socketio.Socket, _ *socketio.Args, ack socketio.AckFunc) error {
						return ack()
					})
					return nil
				})
			})
			mgr := dial(ctx, t, url, mode.transports)
			for _, ns := range []string{"/any", "/none"} {
				s := mgr.Socket(ns, nil)
				if err := s.Connect(ctx); err != nil {
					t.Fatal(err)
				}
				if mode.upgrade {
					waitUpgrade(ctx, t, mgr)
				}
				for i := range events {
					if err := s.Emit("event-" + strconv.Itoa(i)); err != nil {
						t.Fatal(err)
					}
					if i%500 == 499 { // within the client's write queue
						if _, err := s.EmitWithAck(ctx, "sync"); err != nil {
							t.Fatal(err)
						}
					}
				}
				if _, err := s.EmitWithAck(ctx, "sync"); err != nil { // after all the others
					t.Fatal(err)
				}
			}
			// The last handler's EventDone may follow its acknowledgement.
			want := float64(2 * (events + events/500 + 1))
			eventually(ctx, t, "every event to be counted", func() bool {
				handled, _ := value(t, reg, "socketio_events_handled_total", nil)
				return handled == want
			})
			// /any: DefaultMaxEventLabels names, "other", and "sync"
			// (counted as other too, being past the bound); /none: "sync"
			// and "other".
			for _, c := range []struct {
				name string
				max  int
			}{
				{"socketio_events_handled_total", metrics.DefaultMaxEventLabels + 1 + 2},
				{"socketio_handler_duration_seconds", metrics.DefaultMaxEventLabels + 1 + 1},
			} {
				n := seriesCount(t, reg, c.name)
				if n > c.max || n < metrics.DefaultMaxEventLabels {
					t.Errorf("%s: %d series, want between %d and %d", c.name, n, metrics.DefaultMaxEventLabels, c.max)
				}
			}
			if v, _ := value(t, reg, "socketio_events_handled_total", map[string]string{"namespace": "/none", "event": metrics.OtherEvent, "outcome": "unknown"}); v != events {
				t.Errorf("/none: %v unknown events, want %d", v, events)
			}
		})
	}
}

func seriesCount(t *testing.T, reg *prometheus.Registry, name string) int {
	t.Helper()
	n, err := testutil.GatherAndCount(reg, name)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLimitMetrics: a connection disconnected by the event rate limit is
// counted in disconnects_total with its reason, a handshake beyond
// MaxConnections in engine_handshakes_limited_total, over each transport.
func TestLimitMetrics(t *testing.T) {
	for _, mode := range modes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			defer cancel()
			url, reg := serve(t, &socketio.Options{
				EventsPerSecond: 0.001, EventBurst: 2,
				Engine: &engineio.Options{Limits: &engineio.LimitOptions{MaxConnections: 1}},
			}, func(io *socketio.Server) {
				io.OnConnection(func(context.Context, *socketio.Socket, []byte) error { return nil })
			})
			mgr := dial(ctx, t, url, mode.transports)
			s := mgr.Socket("/", nil)
			reason := make(chan string, 1)
			s.OnDisconnect(func(r string) { reason <- r })
			if err := s.Connect(ctx); err != nil {
				t.Fatal(err)
			}
			if mode.upgrade {
				waitUpgrade(ctx, t, mgr)
			}
			// A second connection from 127.0.0.1.
			if _, err := client.Dial(ctx, url, &client.Options{Transports: mode.transports, DisableReconnection: true}); err == nil {
				t.Error("a second connection was accepted beyond MaxConnections")
			}
			for range 3 {
				_ = s.Emit("e")
			}
			select {
			case r := <-reason:
				if r != client.ReasonServerDisconnect {
					t.Errorf("client: disconnect reason %q", r)
				}
			case <-ctx.Done():
				t.Fatal("not disconnected")
			}
			eventually(ctx, t, "the disconnect to be counted", func() bool {
				v, _ := value(t, reg, "socketio_disconnects_total", map[string]string{"reason": string(socketio.ReasonEventRateLimit)})
				return v == 1
			})
			if v, _ := value(t, reg, "socketio_engine_handshakes_limited_total", map[string]string{"reason": string(engineio.LimitConnections)}); v != 1 {
				t.Errorf("engine_handshakes_limited_total{reason=too_many_connections} = %v, want 1", v)
			}
			_ = mgr.Close()
			<-mgr.Done()
		})
	}
}
