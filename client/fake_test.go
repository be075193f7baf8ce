package client

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// scripted is an in-process Engine.IO server for synctest: the first
// handshake opens a session with the given ping settings, later ones are
// refused with 503; GETs return what the test puts in gets; POST bodies go
// to posts.
type scripted struct {
	open  string
	gets  chan string
	posts chan string
	mu    sync.Mutex // guards refused
	// refused counts the refused handshakes.
	refused int
	opened  bool
}

func newScripted(pingInterval, pingTimeout int) *scripted {
	return &scripted{
		open:  `0{"sid":"s","upgrades":[],"pingInterval":` + strconv.Itoa(pingInterval) + `,"pingTimeout":` + strconv.Itoa(pingTimeout) + `,"maxPayload":1000000}`,
		gets:  make(chan string, 16),
		posts: make(chan string, 64),
	}
}

func (f *scripted) RoundTrip(r *http.Request) (*http.Response, error) {
	resp := func(code int, body string) (*http.Response, error) {
		return &http.Response{StatusCode: code, Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	}
	switch {
	case r.URL.Query().Get("sid") == "":
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.opened {
			f.refused++
			return resp(http.StatusServiceUnavailable, "")
		}
		f.opened = true
		return resp(200, f.open)
	case r.Method == http.MethodGet:
		select {
		case p := <-f.gets:
			return resp(200, p)
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	default:
		b, _ := io.ReadAll(r.Body)
		f.posts <- string(b)
		return resp(200, "ok")
	}
}

func (f *scripted) dial(t *testing.T, o Options) *Manager {
	t.Helper()
	o.Transports = []string{Polling}
	o.HTTPClient = &http.Client{Transport: f}
	o.Logger = slog.New(slog.DiscardHandler)
	m, err := Dial(t.Context(), "http://fake", &o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestReceiveBufferBound: events that arrive before the CONNECT answer are
// kept for the socket up to EventQueueSize, and delivered before its
// connect handlers.
func TestReceiveBufferBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newScripted(25000, 20000)
		m := f.dial(t, Options{EventQueueSize: 2})
		defer func() {
			_ = m.Close()
			<-m.Done()
		}()
		s := m.Socket("/", nil)
		var mu sync.Mutex // guards got
		var got []string
		s.On("e", func(e *Event) {
			mu.Lock()
			got = append(got, string(e.Args.Raw(0)))
			mu.Unlock()
		})
		s.OnConnect(func() {
			mu.Lock()
			got = append(got, "connect")
			mu.Unlock()
		})
		errc := make(chan error, 1)
		go func() { errc <- s.Connect(context.Background()) }()
		synctest.Wait()
		if p := <-f.posts; p != "40" {
			t.Fatalf("CONNECT %q", p)
		}
		f.gets <- `42["e",1]` + "\x1e" + `42["e",2]` + "\x1e" + `42["e",3]` + "\x1e" + `40{"sid":"abc"}`
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if strings.Join(got, " ") != "1 2 connect" {
			t.Errorf("handled %v, want the first 2 events then connect", got)
		}
		if s.ID() != "abc" {
			t.Errorf("ID %q", s.ID())
		}
	})
}

func TestConnectionLost(t *testing.T) {
	tests := []struct {
		name   string
		get    string // what the server sends after the CONNECT answer
		reason string
	}{
		{"ping timeout", "", ReasonPingTimeout},
		{"parse error", "4garbage", ReasonParseError},
		{"close packet", "1", ReasonTransportClose},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newScripted(1000, 500)
				m := f.dial(t, Options{ReconnectionAttempts: 1, RandomizationFactor: -1})
				defer func() {
					_ = m.Close()
					<-m.Done()
				}()
				s := m.Socket("/", nil)
				var mu sync.Mutex // guards reasons
				var reasons []string
				s.OnDisconnect(func(r string) {
					mu.Lock()
					reasons = append(reasons, r)
					mu.Unlock()
				})
				got := func() []string {
					mu.Lock()
					defer mu.Unlock()
					return append([]string(nil), reasons...)
				}
				errc := make(chan error, 1)
				go func() { errc <- s.Connect(context.Background()) }()
				if p := <-f.posts; p != "40" {
					t.Fatalf("CONNECT %q", p)
				}
				f.gets <- `40{"sid":"abc"}`
				if err := <-errc; err != nil {
					t.Fatal(err)
				}
				if tt.get != "" {
					f.gets <- tt.get
				}
				time.Sleep(1499 * time.Millisecond)
				synctest.Wait()
				if r := got(); tt.get == "" && len(r) != 0 {
					t.Fatalf("disconnected before pingInterval+pingTimeout: %v", r)
				}
				time.Sleep(time.Second)
				synctest.Wait()
				if r := got(); len(r) != 1 || r[0] != tt.reason {
					t.Fatalf("disconnect reasons %v, want %q", r, tt.reason)
				}
				// Then one reconnection attempt, ReconnectionDelay later.
				time.Sleep(time.Second)
				synctest.Wait()
				f.mu.Lock()
				defer f.mu.Unlock()
				if f.refused != 1 {
					t.Errorf("%d reconnection attempts, want 1", f.refused)
				}
			})
		})
	}
}
