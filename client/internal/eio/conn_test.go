package eio

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogo/sio/engineio"
)

// mode is a way of connecting: the transport options and whether the test
// waits for the upgrade.
type mode struct {
	name    string
	opts    Options
	upgrade bool
}

var modes = []mode{
	{name: "polling", opts: Options{Transports: []string{Polling}}},
	{name: "websocket", opts: Options{Transports: []string{WebSocket}}},
	{name: "upgrade", opts: Options{}, upgrade: true},
}

// echoServer starts an engineio server that echoes every message, and
// closes the session when it receives the text "close".
func echoServer(t *testing.T, opts *engineio.Options) (string, chan engineio.CloseReason) {
	t.Helper()
	srv := engineio.NewServer(opts)
	closed := make(chan engineio.CloseReason, 16)
	srv.OnConnection(func(s *engineio.Session) {
		s.OnMessage(func(m engineio.Message) {
			if !m.Binary && string(m.Data) == "close" {
				s.Close()
				return
			}
			_ = s.Send(m)
		})
		s.OnClose(func(r engineio.CloseReason, _ error) { closed <- r })
	})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		hs.Close()
		_ = srv.Shutdown(context.Background())
	})
	return hs.URL + "/engine.io/", closed
}

// recorder collects what a Conn delivers.
type recorder struct {
	msgs     chan Message
	closed   chan string
	upgraded chan struct{}
}

func newRecorder() *recorder {
	return &recorder{msgs: make(chan Message, 64), closed: make(chan string, 1), upgraded: make(chan struct{})}
}

func (r *recorder) options(o Options) *Options {
	o.OnMessage = func(m Message) { r.msgs <- Message{Data: bytes.Clone(m.Data), Binary: m.Binary} }
	o.OnClose = func(reason string, err error) {
		if err != nil && reason != ReasonPingTimeout {
			println("closed:", reason, err.Error())
		}
		r.closed <- reason
	}
	o.OnUpgrade = func() { close(r.upgraded) }
	return &o
}

func (r *recorder) next(t *testing.T) Message {
	t.Helper()
	select {
	case m := <-r.msgs:
		return m
	case <-time.After(10 * time.Second):
		t.Fatal("no message")
	}
	return Message{}
}

func dial(t *testing.T, url string, m mode, r *recorder) *Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, url, r.options(m.opts))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	if m.upgrade {
		select {
		case <-r.upgraded:
		case <-time.After(10 * time.Second):
			t.Fatal("no upgrade")
		}
		if tr := c.Transport(); tr != WebSocket {
			t.Fatalf("transport %q after upgrade", tr)
		}
	}
	return c
}

func TestEcho(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			url, _ := echoServer(t, nil)
			r := newRecorder()
			c := dial(t, url, m, r)
			want := []Message{
				{Data: []byte("hello")},
				{Data: []byte{0, 1, 2, 255}, Binary: true},
				{Data: []byte("é")},
			}
			for _, w := range want {
				if err := c.Send(w); err != nil {
					t.Fatal(err)
				}
			}
			for _, w := range want {
				if got := r.next(t); !bytes.Equal(got.Data, w.Data) || got.Binary != w.Binary {
					t.Fatalf("got %+v, want %+v", got, w)
				}
			}
		})
	}
}

// TestUpgradeKeepsOrder sends messages while the upgrade is under way and
// checks that they all come back, in order.
func TestUpgradeKeepsOrder(t *testing.T) {
	url, _ := echoServer(t, nil)
	r := newRecorder()
	r.msgs = make(chan Message, 1000)
	c := dial(t, url, mode{name: "upgrade"}, r)
	const n = 300
	for i := range n {
		if err := c.Send(Message{Data: []byte(strings.Repeat("x", i%7) + string(rune('a'+i%26)))}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		want := strings.Repeat("x", i%7) + string(rune('a'+i%26))
		if got := r.next(t); string(got.Data) != want {
			t.Fatalf("message %d = %q, want %q", i, got.Data, want)
		}
	}
	select {
	case <-r.upgraded:
	case <-time.After(10 * time.Second):
		t.Fatal("no upgrade")
	}
}

func TestClose(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name+"/by client", func(t *testing.T) {
			t.Parallel()
			url, closed := echoServer(t, nil)
			r := newRecorder()
			c := dial(t, url, m, r)
			if err := c.Send(Message{Data: []byte("last")}); err != nil {
				t.Fatal(err)
			}
			if got := r.next(t); string(got.Data) != "last" {
				t.Fatalf("got %q", got.Data)
			}
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			if got := <-r.closed; got != ReasonForcedClose {
				t.Errorf("client reason %q", got)
			}
			if got := <-closed; got != engineio.ReasonTransportClose {
				t.Errorf("server reason %q", got)
			}
			if err := c.Send(Message{Data: []byte("x")}); !errors.Is(err, ErrClosed) {
				t.Errorf("Send after Close = %v", err)
			}
		})
		t.Run(m.name+"/by server", func(t *testing.T) {
			t.Parallel()
			url, _ := echoServer(t, nil)
			r := newRecorder()
			c := dial(t, url, m, r)
			if err := c.Send(Message{Data: []byte("close")}); err != nil {
				t.Fatal(err)
			}
			select {
			case got := <-r.closed:
				if got != ReasonTransportClose {
					t.Errorf("reason %q", got)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("not closed")
			}
		})
	}
}

// TestCloseFlushes checks that what was queued before Close is written
// before the close packet.
func TestCloseFlushes(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			srv := engineio.NewServer(nil)
			got := make(chan string, 16)
			srv.OnConnection(func(s *engineio.Session) {
				s.OnMessage(func(m engineio.Message) { got <- string(m.Data) })
				s.OnClose(func(r engineio.CloseReason, _ error) { got <- "closed: " + string(r) })
			})
			hs := httptest.NewServer(srv)
			defer func() {
				hs.Close()
				_ = srv.Shutdown(context.Background())
			}()
			c := dial(t, hs.URL+"/engine.io/", m, newRecorder())
			for _, s := range []string{"a", "b", "c"} {
				if err := c.Send(Message{Data: []byte(s)}); err != nil {
					t.Fatal(err)
				}
			}
			if err := c.Close(); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"a", "b", "c", "closed: transport close"} {
				select {
				case g := <-got:
					if g != want {
						t.Fatalf("server got %q, want %q", g, want)
					}
				case <-time.After(10 * time.Second):
					t.Fatalf("server did not get %q", want)
				}
			}
		})
	}
}

func TestHandshakeErrors(t *testing.T) {
	url, _ := echoServer(t, &engineio.Options{Transports: []string{"websocket"}})
	tests := []struct {
		name string
		url  string
		opts Options
	}{
		{"transport refused", url, Options{Transports: []string{Polling}}},
		{"bad scheme", "ftp://x/", Options{}},
		{"unknown transport", url, Options{Transports: []string{"carrier pigeon"}}},
		{"no server", strings.Replace(url, "/engine.io/", "/nothing/", 1), Options{Transports: []string{WebSocket}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if c, err := Dial(context.Background(), tt.url, &tt.opts); err == nil {
				_ = c.Close()
				t.Fatal("Dial succeeded")
			}
		})
	}
}

// fakeServer is an in-process polling server for synctest: it answers the
// handshake, then holds GETs until a packet is put in toClient, and passes
// POSTed payloads to fromClient after holding them while gate is non-nil.
type fakeServer struct {
	open       string
	toClient   chan string
	fromClient chan string
	mu         sync.Mutex // guards gate
	gate       chan struct{}
}

func newFakeServer(open string) *fakeServer {
	return &fakeServer{open: open, toClient: make(chan string, 16), fromClient: make(chan string, 64)}
}

func (f *fakeServer) RoundTrip(req *http.Request) (*http.Response, error) {
	resp := func(body string) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
	}
	switch {
	case req.URL.Query().Get("sid") == "":
		return resp(f.open)
	case req.Method == http.MethodGet:
		select {
		case p := <-f.toClient:
			return resp(p)
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	default:
		b, _ := io.ReadAll(req.Body)
		f.mu.Lock()
		gate := f.gate
		f.mu.Unlock()
		if gate != nil {
			select {
			case <-gate:
			case <-req.Context().Done():
				return nil, req.Context().Err()
			}
		}
		f.fromClient <- string(b)
		return resp("ok")
	}
}

const fakeOpen = `0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`

func dialFake(t *testing.T, f *fakeServer, o Options, r *recorder) *Conn {
	t.Helper()
	o.HTTPClient = &http.Client{Transport: f}
	o.Transports = []string{Polling}
	c, err := Dial(t.Context(), "http://fake/engine.io/", r.options(o))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestHeartbeat(t *testing.T) {
	tests := []struct {
		name   string
		pings  int           // pings the server sends, one per ping interval
		wait   time.Duration // then the time without pings
		closed bool
	}{
		{"answered", 5, 44 * time.Second, false},
		{"ping timeout", 0, 46 * time.Second, true},
		{"ping timeout after pings", 2, 46 * time.Second, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newFakeServer(fakeOpen)
				r := newRecorder()
				c := dialFake(t, f, Options{}, r)
				defer c.Close()
				for range tt.pings {
					time.Sleep(25 * time.Second)
					f.toClient <- "2"
					synctest.Wait()
					if got := <-f.fromClient; got != "3" {
						t.Fatalf("answer to ping: %q", got)
					}
				}
				time.Sleep(tt.wait)
				synctest.Wait()
				select {
				case got := <-r.closed:
					if !tt.closed || got != ReasonPingTimeout {
						t.Errorf("closed with %q", got)
					}
				default:
					if tt.closed {
						t.Fatal("not closed after ping interval + ping timeout")
					}
				}
				_ = c.Close()
			})
		})
	}
}

func TestWriteQueueBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeServer(fakeOpen)
		gate := make(chan struct{})
		f.gate = gate
		r := newRecorder()
		c := dialFake(t, f, Options{WriteQueueSize: 3}, r)
		// The first message goes into a POST that the server holds; three
		// more fill the queue.
		if err := c.Send(Message{Data: []byte("0")}); err != nil {
			t.Fatal(err)
		}
		synctest.Wait()
		for i := range 3 {
			if err := c.Send(Message{Data: []byte{'1' + byte(i)}}); err != nil {
				t.Fatalf("message %d: %v", i+1, err)
			}
		}
		if c.Writable() {
			t.Error("Writable with a full queue")
		}
		if err := c.Send(Message{Data: []byte("4")}); !errors.Is(err, ErrQueueFull) {
			t.Fatalf("Send over the bound = %v, want ErrQueueFull", err)
		}
		f.mu.Lock()
		f.gate = nil
		f.mu.Unlock()
		close(gate)
		synctest.Wait()
		if got := <-f.fromClient; got != "40" {
			t.Errorf("first POST %q", got)
		}
		if got := <-f.fromClient; got != "41\x1e42\x1e43" {
			t.Errorf("second POST %q", got)
		}
		_ = c.Close()
		if got := <-f.fromClient; got != "1" {
			t.Errorf("close POST %q", got)
		}
	})
}

func TestMaxPayloadSplitsPosts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeServer(`0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":12}`)
		gate := make(chan struct{})
		f.gate = gate
		r := newRecorder()
		c := dialFake(t, f, Options{}, r)
		_ = c.Send(Message{Data: []byte("first")})
		synctest.Wait()
		for _, s := range []string{"aaaa", "bbbb", "cccccccccccc"} {
			_ = c.Send(Message{Data: []byte(s)})
		}
		f.mu.Lock()
		f.gate = nil
		f.mu.Unlock()
		close(gate)
		synctest.Wait()
		for _, want := range []string{"4first", "4aaaa\x1e4bbbb", "4cccccccccccc"} {
			if got := <-f.fromClient; got != want {
				t.Errorf("POST %q, want %q", got, want)
			}
		}
		_ = c.Close()
	})
}

func TestMaxMessageSize(t *testing.T) {
	t.Run("polling", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			f := newFakeServer(fakeOpen)
			r := newRecorder()
			c := dialFake(t, f, Options{MaxMessageSize: 100}, r)
			defer c.Close()
			f.toClient <- "4" + strings.Repeat("x", 100)
			synctest.Wait()
			select {
			case got := <-r.closed:
				if got != ReasonTransportError {
					t.Errorf("closed with %q", got)
				}
			default:
				t.Fatal("a response over MaxMessageSize did not close the connection")
			}
		})
	})
	t.Run("websocket", func(t *testing.T) {
		url, _ := echoServer(t, nil)
		r := newRecorder()
		c := dial(t, url, mode{name: "websocket", opts: Options{Transports: []string{WebSocket}, MaxMessageSize: 200}}, r)
		if err := c.Send(Message{Data: []byte(strings.Repeat("x", 300))}); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-r.closed:
			if got != ReasonTransportError {
				t.Errorf("closed with %q", got)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a message over MaxMessageSize did not close the connection")
		}
	})
}
