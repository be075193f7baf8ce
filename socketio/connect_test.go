package socketio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogo/sio/engineio"
)

func TestConnect(t *testing.T) {
	tests := []struct {
		name   string
		packet string
		want   *regexp.Regexp
	}{
		{"main namespace", "0", regexp.MustCompile(`^0\{"sid":"[A-Za-z0-9_-]{22}"\}$`)},
		{"static namespace", "0/chat,", regexp.MustCompile(`^0/chat,\{"sid":"[A-Za-z0-9_-]{22}"\}$`)},
		{"with auth", `0/chat,{"token":"x"}`, regexp.MustCompile(`^0/chat,\{"sid":"[A-Za-z0-9_-]{22}"\}$`)},
		{"unknown namespace", "0/nope,", regexp.MustCompile(`^4/nope,\{"message":"Invalid namespace"\}$`)},
		{"dynamic child", "0/dyn-1,", regexp.MustCompile(`^0/dyn-1,\{"sid":"[A-Za-z0-9_-]{22}"\}$`)},
		{"dynamic mismatch", "0/dyn-x,", regexp.MustCompile(`^4/dyn-x,\{"message":"Invalid namespace"\}$`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, nil)
				s.Of("/chat")
				s.OfRegexp(regexp.MustCompile(`^/dyn-\d+$`))
				tc := dial(t, s)
				tc.send(tt.packet)
				got := tc.settle()
				if len(got) != 1 || !tt.want.MatchString(got[0]) {
					t.Fatalf("sent %q, want one message matching %v", got, tt.want)
				}
				if tc.conn.isClosed() {
					t.Fatal("connection closed")
				}
			})
		})
	}
}

func TestSocketIDIsNotEngineID(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		tc := dial(t, s)
		so := tc.connect("/")
		if so.ID() == tc.conn.ID() || so.ID() == so.EngineID() && so.EngineID() != tc.conn.ID() {
			t.Fatalf("socket id %q, engine id %q", so.ID(), tc.conn.ID())
		}
		if len(so.ID()) != 22 {
			t.Fatalf("id %q is not 128 bits base64url", so.ID())
		}
		other := dial(t, s).connect("/")
		if other.ID() == so.ID() {
			t.Fatal("two sockets share an id")
		}
	})
}

func TestMiddlewareAndConnectionHandler(t *testing.T) {
	tests := []struct {
		name       string
		middleware []Middleware
		onConnect  ConnectionHandler
		want       string
		connected  bool
	}{
		{
			name:       "plain error",
			middleware: []Middleware{func(context.Context, *Socket) error { return errors.New("nope") }},
			want:       `4{"message":"nope"}`,
		},
		{
			name: "connect error with data",
			middleware: []Middleware{func(context.Context, *Socket) error {
				return &ConnectError{Message: "denied", Data: map[string]int{"code": 1}}
			}},
			want: `4{"message":"denied","data":{"code":1}}`,
		},
		{
			name: "wrapped connect error",
			onConnect: func(context.Context, *Socket, []byte) error {
				return errors.Join(&ConnectError{Message: "inner", Data: "d"})
			},
			want: `4{"message":"inner","data":"d"}`,
		},
		{
			name: "second middleware rejects",
			middleware: []Middleware{
				func(_ context.Context, s *Socket) error { s.SetData(1); return nil },
				func(_ context.Context, s *Socket) error {
					if s.Data() != 1 {
						return errors.New("order")
					}
					return errors.New("second")
				},
			},
			want: `4{"message":"second"}`,
		},
		{
			name:       "panicking middleware",
			middleware: []Middleware{func(context.Context, *Socket) error { panic("boom") }},
			want:       `4{"message":"Internal server error"}`,
		},
		{
			name: "auth checked by connection handler",
			onConnect: func(_ context.Context, s *Socket, auth []byte) error {
				if string(auth) != `{"token":"t"}` || string(s.Handshake().Auth) != string(auth) {
					return errors.New("bad auth")
				}
				return nil
			},
			connected: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, nil)
				for _, m := range tt.middleware {
					s.Use(m)
				}
				if tt.onConnect != nil {
					s.OnConnection(tt.onConnect)
				}
				tc := dial(t, s)
				tc.send(`0{"token":"t"}`)
				got := tc.settle()
				if tt.connected {
					if len(got) != 1 || !strings.HasPrefix(got[0], `0{"sid":`) {
						t.Fatalf("sent %q, want a CONNECT reply", got)
					}
					return
				}
				if len(got) != 1 || got[0] != tt.want {
					t.Fatalf("sent %q, want %q", got, tt.want)
				}
				if tc.conn.isClosed() {
					t.Fatal("a rejected namespace closed the connection")
				}
				if n := len(s.main().Sockets()); n != 0 {
					t.Fatalf("%d sockets in the namespace", n)
				}
				if rooms := s.main().adapter.Rooms(); len(rooms) != 0 {
					t.Fatalf("rooms left behind: %q", rooms)
				}
				// The client may try again on the same connection.
				tc.send("0")
				if got := tc.settle(); len(got) != 1 || !strings.HasPrefix(got[0], "4") {
					t.Fatalf("retry sent %q", got)
				}
			})
		})
	}
}

func TestEmitsInConnectionHandlerFollowConnectReply(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		s.OnConnection(func(_ context.Context, so *Socket, _ []byte) error {
			so.Join("lobby")
			if err := so.Emit("welcome", 1); err != nil {
				return err
			}
			return s.To("lobby").Emit("joined", so.ID())
		})
		tc := dial(t, s)
		tc.send("0")
		got := tc.settle()
		if len(got) != 2 || !strings.HasPrefix(got[0], `0{"sid":`) || got[1] != `2["welcome",1]` {
			t.Fatalf("sent %q, want CONNECT then welcome", got)
		}
		// The lobby broadcast made during the handler reached nobody: the
		// socket was not connected yet, as in Node.
	})
}

func TestDisconnectInConnectionHandler(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		var reason DisconnectReason
		s.OnConnection(func(_ context.Context, so *Socket, _ []byte) error {
			so.OnDisconnect(func(_ context.Context, _ *Socket, r DisconnectReason) { reason = r })
			so.Disconnect(false)
			return nil
		})
		tc := dial(t, s)
		tc.send("0")
		got := tc.settle()
		if len(got) != 2 || !strings.HasPrefix(got[0], `0{"sid":`) || got[1] != "1" {
			t.Fatalf("sent %q, want CONNECT then DISCONNECT", got)
		}
		if reason != ReasonServerDisconnect {
			t.Fatalf("reason %q", reason)
		}
	})
}

func TestConnectTimeout(t *testing.T) {
	tests := []struct {
		name       string
		connect    bool
		wantClosed bool
	}{
		{"no namespace joined", false, true},
		{"namespace joined", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, &Options{ConnectTimeout: time.Second})
				tc := dial(t, s)
				if tt.connect {
					tc.connect("/")
				}
				time.Sleep(999 * time.Millisecond)
				synctest.Wait()
				if tc.conn.isClosed() {
					t.Fatal("closed before the timeout")
				}
				time.Sleep(2 * time.Millisecond)
				synctest.Wait()
				if got := tc.conn.isClosed(); got != tt.wantClosed {
					t.Fatalf("closed = %v, want %v", got, tt.wantClosed)
				}
			})
		})
	}
}

func TestHandshake(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		tc := dial(t, s)
		tc.send(`0{"a":1}`)
		synctest.Wait()
		so := s.main().Sockets()[0]
		h := so.Handshake()
		if !h.XDomain || h.Secure || h.Query.Get("x") != "1" || h.URL != "/socket.io/?EIO=4&transport=polling&x=1" ||
			string(h.Auth) != `{"a":1}` || h.Address == "" || h.Issued != h.Time.UnixMilli() {
			b, _ := json.Marshal(h)
			t.Fatalf("handshake %s", b)
		}
	})
}

// TestEventRightAfterConnectReply sends an event the moment the CONNECT
// reply leaves the server, before the server's connect step has returned:
// the event is the client's first legitimate packet and must be handled,
// not taken for an event sent before CONNECT (which closes the connection).
func TestEventRightAfterConnectReply(t *testing.T) {
	tests := []struct {
		name string
		opts *Options
	}{
		{"plain", nil},
		{"recovery", &Options{ConnectionStateRecovery: &RecoveryOptions{}}},
		{"concurrent events", &Options{ConcurrentEvents: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, tt.opts)
				got := make(chan string, 1)
				s.On("hello", func(_ context.Context, _ *Socket, args *Args, _ AckFunc) error {
					got <- string(args.Raw(0))
					return nil
				})
				tc := dial(t, s)
				var once sync.Once
				// Like engineio's one reader, the client's next message
				// is handed over only after the CONNECT's onMessage
				// returned.
				connectRead := make(chan struct{})
				tc.conn.onSend = func(msgs []engineio.Message) {
					if !strings.HasPrefix(string(msgs[0].Data), "0{") {
						return
					}
					once.Do(func() {
						// The client's reading goroutine answers at once,
						// while the server is still in its connect step.
						done := make(chan struct{})
						go func() {
							defer close(done)
							<-connectRead
							tc.send(`2["hello",1]`)
						}()
						for {
							select {
							case <-done:
								return
							default:
							}
							tc.c.mu.Lock()
							closed := tc.c.closed
							tc.c.mu.Unlock()
							if closed {
								return
							}
							runtime.Gosched()
						}
					})
				}
				tc.send("0")
				close(connectRead)
				synctest.Wait()
				if tc.conn.isClosed() {
					t.Fatal("the event sent right after the CONNECT reply closed the connection")
				}
				select {
				case a := <-got:
					if a != "1" {
						t.Fatalf("handler got %s", a)
					}
				default:
					t.Fatal("the handler did not get the event")
				}
			})
		})
	}
}

// TestConnectPanicStaysInTheLog checks that the text of a panic in
// middleware or a connection handler never reaches the client, which gets a
// generic CONNECT_ERROR, while the log gets the details and the stack. A
// returned error's message is sent, as with Node.
func TestConnectPanicStaysInTheLog(t *testing.T) {
	const secret = "password=hunter2"
	tests := []struct {
		name       string
		middleware Middleware
		onConnect  ConnectionHandler
		want       string
		wantLog    string // in the log with the stack; "" for none
	}{
		{
			name:       "middleware panics with a string",
			middleware: func(context.Context, *Socket) error { panic("db: " + secret) },
			want:       `4{"message":"Internal server error"}`,
			wantLog:    secret,
		},
		{
			name: "middleware runtime error",
			middleware: func(_ context.Context, so *Socket) error {
				parts := strings.Split(secret, "=")
				_ = parts[len(so.ID())]
				return nil
			},
			want:    `4{"message":"Internal server error"}`,
			wantLog: "index out of range",
		},
		{
			name:      "connection handler panics with an error",
			onConnect: func(context.Context, *Socket, []byte) error { panic(errors.New(secret)) },
			want:      `4{"message":"Internal server error"}`,
			wantLog:   secret,
		},
		{
			name: "connection handler panics with a ConnectError",
			onConnect: func(context.Context, *Socket, []byte) error {
				panic(&ConnectError{Message: secret, Data: secret})
			},
			want:    `4{"message":"Internal server error"}`,
			wantLog: secret,
		},
		{
			name:       "returned error is sent",
			middleware: func(context.Context, *Socket) error { return errors.New("not authorized") },
			want:       `4{"message":"not authorized"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var logBuf syncBuffer
				s := newTestServer(t, &Options{Logger: slog.New(slog.NewTextHandler(&logBuf, nil))})
				if tt.middleware != nil {
					s.Use(tt.middleware)
				}
				if tt.onConnect != nil {
					s.OnConnection(tt.onConnect)
				}
				tc := dial(t, s)
				tc.send("0")
				got := tc.settle()
				if len(got) != 1 || got[0] != tt.want {
					t.Fatalf("sent %q, want %q", got, tt.want)
				}
				log := logBuf.String()
				hasStack := strings.Contains(log, "handler panicked") && strings.Contains(log, "goroutine ")
				if tt.wantLog == "" && hasStack || tt.wantLog != "" && (!hasStack || !strings.Contains(log, tt.wantLog)) {
					t.Fatalf("want %q and a stack in the log (%v); log:\n%s", tt.wantLog, tt.wantLog != "", log)
				}
			})
		})
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use, for logs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestConnectStepTimeout checks that a namespace connection whose
// middleware or connection handler blocks is refused at
// Options.ConnectTimeout with a CONNECT_ERROR, its ctx done with cause
// ErrConnectTimeout, and that a result arriving later is discarded. A
// connection that has joined no namespace is then closed, as Node closes it
// at connectTimeout; one that has stays open.
func TestConnectStepTimeout(t *testing.T) {
	const timeout = time.Second
	tests := []struct {
		name        string
		nsp         string // namespace of the slow connect step
		joinFirst   bool   // join "/" before
		ignoreCtx   bool   // the step ignores its ctx and returns later
		inHandler   bool   // the connection handler blocks, not middleware
		delay       time.Duration
		wantRefused bool
		wantClosed  bool
	}{
		{name: "middleware honours ctx", nsp: "/", wantRefused: true, wantClosed: true},
		{name: "middleware ignores ctx", nsp: "/", ignoreCtx: true, wantRefused: true, wantClosed: true},
		{name: "handler ignores ctx", nsp: "/", ignoreCtx: true, inHandler: true, wantRefused: true, wantClosed: true},
		{name: "second namespace", nsp: "/slow", joinFirst: true, ignoreCtx: true, wantRefused: true},
		{name: "second namespace handler", nsp: "/slow", joinFirst: true, inHandler: true, wantRefused: true},
		{name: "slow but in time", nsp: "/", delay: timeout - time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, &Options{ConnectTimeout: timeout})
				release := make(chan struct{})
				var cause error
				step := func(ctx context.Context, so *Socket) error {
					if so.Namespace().Name() != tt.nsp || tt.joinFirst && tt.nsp == "/" {
						return nil
					}
					so.Join("room")
					if err := so.Emit("hello"); err != nil {
						return err
					}
					switch {
					case tt.delay > 0:
						time.Sleep(tt.delay)
						return nil
					case tt.ignoreCtx:
						<-release
						cause = context.Cause(ctx)
						return nil
					default:
						<-ctx.Done()
						cause = context.Cause(ctx)
						return ctx.Err()
					}
				}
				for _, n := range []*Namespace{s.Of("/"), s.Of("/slow")} {
					if tt.inHandler {
						n.OnConnection(func(ctx context.Context, so *Socket, _ []byte) error { return step(ctx, so) })
					} else {
						n.Use(step)
					}
				}
				tc := dial(t, s)
				if tt.joinFirst {
					tc.connect("/")
					time.Sleep(10 * time.Millisecond)
				}
				start := time.Now()
				if tt.nsp == "/" {
					tc.send("0")
				} else {
					tc.send("0" + tt.nsp + ",")
				}
				time.Sleep(timeout - time.Millisecond)
				early := tc.settle()
				if len(early) != 0 && tt.wantRefused {
					t.Fatalf("sent %q before the timeout", early)
				}
				if tc.conn.isClosed() {
					t.Fatal("closed before the timeout")
				}
				time.Sleep(2 * time.Millisecond)
				got := append(early, tc.settle()...)
				if !tt.wantRefused {
					if len(got) != 2 || !strings.HasPrefix(got[0], `0{"sid"`) {
						t.Fatalf("sent %q, want a CONNECT reply and an event", got)
					}
					return
				}
				prefix := "4"
				if tt.nsp != "/" {
					prefix += tt.nsp + ","
				}
				if want := prefix + `{"message":"Connection timeout"}`; len(got) != 1 || got[0] != want {
					t.Fatalf("sent %q %v after the CONNECT, want %q", got, time.Since(start), want)
				}
				if !tt.ignoreCtx && !errors.Is(cause, ErrConnectTimeout) {
					t.Fatalf("ctx cause %v, want ErrConnectTimeout", cause)
				}
				if got := tc.conn.isClosed(); got != tt.wantClosed {
					t.Fatalf("connection closed = %v, want %v", got, tt.wantClosed)
				}
				close(release)
				synctest.Wait()
				if tt.ignoreCtx && !errors.Is(cause, ErrConnectTimeout) {
					t.Fatalf("ctx cause %v, want ErrConnectTimeout", cause)
				}
				if got := tc.conn.take(); len(got) != 0 {
					t.Fatalf("sent %q after the late result", got)
				}
				n := s.Of(tt.nsp)
				for _, so := range n.Sockets() {
					if so.Namespace().Name() == tt.nsp && !tt.joinFirst {
						t.Fatalf("socket %s kept in %s", so.ID(), tt.nsp)
					}
				}
				if tt.nsp != "/" && len(n.Sockets()) != 0 {
					t.Fatalf("%d sockets kept in %s", len(n.Sockets()), tt.nsp)
				}
				if rooms := n.adapter.Rooms(); slices.Contains(rooms, "room") {
					t.Fatalf("rooms left behind: %q", rooms)
				}
				tc.c.mu.Lock()
				kept := tc.c.socketLocked(tt.nsp)
				tc.c.mu.Unlock()
				if kept != nil && !kept.Connected() {
					t.Fatal("the refused socket is still in the client")
				}
				if tt.joinFirst {
					// The connection still serves the namespace it joined.
					tc.send(`2["x"]`)
					synctest.Wait()
					if tc.conn.isClosed() {
						t.Fatal("connection closed")
					}
				}
			})
		})
	}
}

// TestCloseRightAfterConnectReply closes a socket the moment its CONNECT
// reply leaves the server, before the connect step has returned: the client
// saw a connection, so the server's disconnect handlers must run with the
// closing reason (they never ran: siotest's TestKitClose hung about once
// in 30 runs on a loaded machine), and the socket must leave its namespace.
func TestCloseRightAfterConnectReply(t *testing.T) {
	tests := []struct {
		name   string
		opts   *Options
		close  func(tc *testClient)
		reason DisconnectReason
	}{
		{"client disconnect", nil, func(tc *testClient) { tc.send("1") }, ReasonClientDisconnect},
		{"transport close", nil, func(tc *testClient) { tc.c.onEngineClose(ReasonTransportClose, nil) }, ReasonTransportClose},
		{"recovery/client disconnect", &Options{ConnectionStateRecovery: &RecoveryOptions{}}, func(tc *testClient) { tc.send("1") }, ReasonClientDisconnect},
		{"recovery/transport close", &Options{ConnectionStateRecovery: &RecoveryOptions{}}, func(tc *testClient) { tc.c.onEngineClose(ReasonTransportClose, nil) }, ReasonTransportClose},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, tt.opts)
				reasons := make(chan DisconnectReason, 2)
				s.OnConnection(func(_ context.Context, sock *Socket, _ []byte) error {
					sock.Join("room")
					sock.OnDisconnect(func(_ context.Context, _ *Socket, r DisconnectReason) { reasons <- r })
					return nil
				})
				tc := dial(t, s)
				var once sync.Once
				tc.conn.onSend = func(msgs []engineio.Message) {
					if strings.HasPrefix(string(msgs[0].Data), "0{") {
						once.Do(func() { tt.close(tc) })
					}
				}
				tc.send("0")
				synctest.Wait()
				select {
				case r := <-reasons:
					if r != tt.reason {
						t.Errorf("disconnect handler: reason %q, want %q", r, tt.reason)
					}
				default:
					t.Fatal("the disconnect handler did not run")
				}
				if len(reasons) != 0 {
					t.Error("the disconnect handler ran twice")
				}
				if n := len(s.Of("/").Sockets()); n != 0 {
					t.Errorf("%d sockets left in the namespace", n)
				}
			})
		})
	}
}
