package client

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogo/sio/socketio"
)

// gate holds every connection attempt after the first until it is opened,
// so that a test acts while the client is disconnected.
type gate struct {
	mu    sync.Mutex // guards dials and opens
	dials int
	hs    int
	open  chan struct{}
}

func newGate() *gate { return &gate{open: make(chan struct{})} }

func (g *gate) wait(ctx context.Context, counter *int) error {
	g.mu.Lock()
	*counter++
	first := *counter == 1
	g.mu.Unlock()
	if first {
		return nil
	}
	select {
	case <-g.open:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// options returns Options whose handshakes (polling) and WebSocket dials
// after the first wait for the gate.
func (g *gate) options(o Options) *Options {
	base := http.DefaultTransport.(*http.Transport).Clone()
	o.HTTPClient = &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("sid") == "" {
			if err := g.wait(r.Context(), &g.hs); err != nil {
				return nil, err
			}
		}
		return base.RoundTrip(r)
	})}
	d := *websocket.DefaultDialer
	var nd net.Dialer
	d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if err := g.wait(ctx, &g.dials); err != nil {
			return nil, err
		}
		return nd.DialContext(ctx, network, addr)
	}
	o.Dialer = &d
	o.ReconnectionDelay = time.Millisecond
	o.RandomizationFactor = -1
	return &o
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestReconnect(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		ts := newTestServer(t, nil)
		g := newGate()
		mgr := dial(t, ts, m, g.options(m.opts))
		reconnected := make(chan int, 1)
		mgr.OnReconnect(func(n int) { reconnected <- n })
		var tokens atomic.Int32
		s := mgr.Socket("/", &SocketOptions{AuthFunc: func() (any, error) {
			return map[string]string{"token": fmt.Sprint("t", tokens.Add(1))}, nil
		}})
		welcome := make(chan *Event, 8)
		s.On("welcome", func(e *Event) { welcome <- e })
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if err := s.Connect(ctx); err != nil {
			t.Fatal(err)
		}
		if e := recv(t, welcome); string(e.Args.Raw(0)) != `{"token":"t1"}` {
			t.Errorf("first auth %s", e.Args.Raw(0))
		}
		events := make(chan string, 8)
		s.OnConnect(func() { events <- "connect" })
		s.OnDisconnect(func(r string) { events <- "disconnect: " + r })
		_ = s.Emit("drop")
		if got := recv(t, events); got != "disconnect: "+ReasonTransportClose {
			t.Fatalf("got %q", got)
		}
		// Buffered while disconnected, sent after the reconnection.
		if err := s.Emit("while away"); err != nil {
			t.Fatal(err)
		}
		close(g.open)
		if got := recv(t, reconnected); got != 1 {
			t.Errorf("reconnected at attempt %d", got)
		}
		if got := recv(t, events); got != "connect" {
			t.Fatalf("got %q", got)
		}
		e := recv(t, welcome)
		if got := string(e.Args.Raw(0)); got != `{"token":"t2"}` {
			t.Errorf("auth after reconnection %s, want a fresh token from AuthFunc", got)
		}
		waitFor(t, "the buffered event", func() bool {
			select {
			case e := <-ts.events:
				return e == "/ while away"
			default:
				return false
			}
		})
		if m.upgrade {
			waitFor(t, "the upgrade", func() bool { return mgr.Transport() == WebSocket })
		}
	})
}

func TestRecovery(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		ts := newTestServer(t, &socketio.Options{ConnectionStateRecovery: &socketio.RecoveryOptions{MaxDisconnectionDuration: time.Minute}})
		g := newGate()
		mgr := dial(t, ts, m, g.options(m.opts))
		s, welcome := connect(t, mgr, "/", map[string]string{"token": "t"})
		if e := recv(t, welcome); string(e.Args.Raw(1)) != "false" {
			t.Errorf("first connection recovered: %s", e.Args.Raw(1))
		}
		news := make(chan string, 8)
		s.On("news", func(e *Event) {
			var v string
			_ = e.Args.Decode(0, &v)
			news <- v
		})
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if _, err := s.EmitWithAck(ctx, "join", "r"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EmitWithAck(ctx, "room", "r", "news", "live"); err != nil {
			t.Fatal(err)
		}
		if got := recv(t, news); got != "live" {
			t.Fatalf("got %q", got)
		}
		id := s.ID()
		_ = s.Emit("drop")
		if got := recv(t, ts.reasons); got != "transport close" && got != "forced server close" {
			t.Logf("server reason %q", got)
		}
		if err := ts.io.To("r").Emit("news", "missed"); err != nil {
			t.Fatal(err)
		}
		close(g.open)
		if got := recv(t, news); got != "missed" {
			t.Fatalf("got %q, want the missed event", got)
		}
		if !s.Recovered() || s.ID() != id {
			t.Errorf("Recovered %v, id %q then %q", s.Recovered(), id, s.ID())
		}
	})
}

func TestBackoffDurations(t *testing.T) {
	tests := []struct {
		name   string
		jitter float64
		random float64
		want   []time.Duration
	}{
		{"no jitter", 0, 0, []time.Duration{1000, 2000, 4000, 5000, 5000}},
		// floor(0.35·10) = 3 is odd: the delay grows by floor(0.35·0.5·d).
		{"up", 0.5, 0.35, []time.Duration{1175, 2350, 4700, 5000, 5000}},
		// floor(0.2·10) = 2 is even: it shrinks by floor(0.2·0.5·d).
		{"down", 0.5, 0.2, []time.Duration{900, 1800, 3600, 5000, 5000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := backoff{min: time.Second, max: 5 * time.Second, jitter: tt.jitter, random: func() float64 { return tt.random }}
			for i, w := range tt.want {
				if got := b.duration(); got != w*time.Millisecond {
					t.Errorf("attempt %d: %v, want %v", i, got, w*time.Millisecond)
				}
			}
			b.attempts = 5000 // 2^5000 overflows to +Inf
			if got := b.duration(); got != 5*time.Second {
				t.Errorf("after many attempts: %v", got)
			}
		})
	}
}

// fakeEngine is an in-process Engine.IO server for synctest: it opens a
// session, holds its GETs until kill is closed (then answers with the close
// packet), and refuses every later handshake with HTTP 503, recording when.
type fakeEngine struct {
	kill   chan struct{}
	mu     sync.Mutex // guards times
	opened bool
	times  []time.Time
}

func (f *fakeEngine) RoundTrip(r *http.Request) (*http.Response, error) {
	resp := func(code int, body string) (*http.Response, error) {
		return &http.Response{StatusCode: code, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	}
	switch {
	case r.URL.Query().Get("sid") == "":
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.opened {
			f.times = append(f.times, time.Now())
			return resp(http.StatusServiceUnavailable, "")
		}
		f.opened = true
		return resp(200, `0{"sid":"s","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`)
	case r.Method == http.MethodGet:
		select {
		case <-f.kill:
			return resp(200, "1")
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	default:
		_, _ = io.Copy(io.Discard, r.Body)
		return resp(200, "ok")
	}
}

func TestReconnectionBackoff(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeEngine{kill: make(chan struct{})}
		opts := &Options{
			Transports:           []string{Polling},
			HTTPClient:           &http.Client{Transport: f},
			ReconnectionAttempts: 4,
			random:               func() float64 { return 0.35 },
			Logger:               slog.New(slog.DiscardHandler),
		}
		mgr, err := Dial(t.Context(), "http://fake", opts)
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			_ = mgr.Close()
			<-mgr.Done()
		}()
		var attempts []int
		var errs int
		failed := false
		mgr.OnReconnectAttempt(func(n int) { attempts = append(attempts, n) })
		mgr.OnReconnectError(func(err error) { errs++ })
		mgr.OnReconnectFailed(func() { failed = true })
		start := time.Now()
		close(f.kill)
		time.Sleep(time.Minute)
		synctest.Wait()
		// socket.io-client's delays with randomizationFactor 0.5 and a
		// random number of 0.35: 1175, 2350, 4700, then the 5000 cap.
		want := []time.Duration{1175, 1175 + 2350, 1175 + 2350 + 4700, 1175 + 2350 + 4700 + 5000}
		f.mu.Lock()
		times := f.times
		f.mu.Unlock()
		if len(times) != len(want) {
			t.Fatalf("%d attempts, want %d", len(times), len(want))
		}
		for i, w := range want {
			if got := times[i].Sub(start); got != w*time.Millisecond {
				t.Errorf("attempt %d at %v, want %v", i+1, got, w*time.Millisecond)
			}
		}
		if len(attempts) != 4 || attempts[3] != 4 || errs != 4 || !failed {
			t.Errorf("attempts %v, errors %d, failed %v", attempts, errs, failed)
		}
		if mgr.Transport() != "" {
			t.Error("connected after the attempts failed")
		}
	})
}

func TestCloseStopsReconnection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &fakeEngine{kill: make(chan struct{})}
		mgr, err := Dial(t.Context(), "http://fake", &Options{Transports: []string{Polling}, HTTPClient: &http.Client{Transport: f}})
		if err != nil {
			t.Fatal(err)
		}
		close(f.kill)
		time.Sleep(10 * time.Second)
		synctest.Wait()
		if err := mgr.Close(); err != nil {
			t.Fatal(err)
		}
		<-mgr.Done()
		f.mu.Lock()
		n := len(f.times)
		f.mu.Unlock()
		time.Sleep(time.Minute)
		f.mu.Lock()
		defer f.mu.Unlock()
		if n == 0 || len(f.times) != n {
			t.Errorf("%d attempts before Close, %d after", n, len(f.times))
		}
	})
}

func TestDispatcherBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		d := newDispatcher(slog.New(slog.DiscardHandler), 2)
		release := make(chan struct{})
		ran := make(chan int, 8)
		d.push(func() { <-release; ran <- 0 }, true)
		synctest.Wait() // the loop runs the first call and blocks in it
		pushed := make(chan int, 8)
		go func() {
			for i := 1; i <= 3; i++ {
				d.push(func() { ran <- i }, true)
				pushed <- i
			}
		}()
		synctest.Wait()
		if len(pushed) != 2 {
			t.Fatalf("%d events queued behind a blocked handler, want the bound 2", len(pushed))
		}
		// Lifecycle calls never wait.
		d.push(func() { ran <- 9 }, false)
		close(release)
		synctest.Wait()
		d.close()
		<-d.done
		var order []int
		for len(ran) > 0 {
			order = append(order, <-ran)
		}
		if len(order) != 5 || order[0] != 0 || order[1] != 1 || order[2] != 2 {
			t.Errorf("order %v", order)
		}
	})
}
