package client

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestConnectAuth(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		ts := newTestServer(t, nil)
		mgr := dial(t, ts, m, nil)
		s, welcome := connect(t, mgr, "/", map[string]string{"token": "good"})
		e := recv(t, welcome)
		if got := string(e.Args.Raw(0)); got != `{"token":"good"}` {
			t.Errorf("server saw auth %s", got)
		}
		if s.ID() == "" || !s.Connected() {
			t.Errorf("ID %q, Connected %v", s.ID(), s.Connected())
		}
	})
}

func TestConnectError(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		ts := newTestServer(t, nil)
		mgr := dial(t, ts, m, nil)
		s := mgr.Socket("/", &SocketOptions{Auth: map[string]string{"token": "bad"}})
		handled := make(chan error, 1)
		s.OnConnectError(func(err error) { handled <- err })
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		err := s.Connect(ctx)
		var ce *ConnectError
		if !errors.As(err, &ce) {
			t.Fatalf("Connect = %v, want *ConnectError", err)
		}
		if ce.Message != "not authorized" || string(ce.Data) != `{"hint":"use a good token"}` {
			t.Errorf("ConnectError %q %s", ce.Message, ce.Data)
		}
		if got := recv(t, handled); got != error(ce) {
			t.Errorf("OnConnectError got %v", got)
		}
		if s.Connected() {
			t.Error("connected after a refusal")
		}
	})
}

func TestBadAuth(t *testing.T) {
	ts := newTestServer(t, nil)
	mgr := dial(t, ts, modes[1], nil)
	errFunc := errors.New("no token")
	tests := []struct {
		name string
		nsp  string
		opts SocketOptions
		want error
	}{
		{"not an object", "/", SocketOptions{Auth: []int{1}}, nil},
		{"AuthFunc fails", "/chat", SocketOptions{AuthFunc: func() (any, error) { return nil, errFunc }}, errFunc},
		{"AuthFunc returns no object", "/x", SocketOptions{AuthFunc: func() (any, error) { return "s", nil }}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mgr.Socket(tt.nsp, &tt.opts)
			handled := make(chan error, 1)
			s.OnConnectError(func(err error) { handled <- err })
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			defer cancel()
			err := s.Connect(ctx)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("Connect = %v", err)
			}
			if tt.opts.AuthFunc != nil {
				if got := recv(t, handled); got != err {
					t.Errorf("OnConnectError got %v", got)
				}
			}
		})
	}
}

func TestEmitWithAck(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		ts := newTestServer(t, nil)
		mgr := dial(t, ts, m, nil)
		s, _ := connect(t, mgr, "/", nil)
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		tests := []struct {
			name string
			args []any
			want []string // JSON of each argument, or the bytes of a binary one
		}{
			{"none", nil, nil},
			{"json", []any{1, "two", map[string]int{"three": 3}}, []string{"1", `"two"`, `{"three":3}`}},
			{"binary", []any{"file", []byte{0, 1, 2}, []byte("xyz")}, []string{`"file"`, "\x00\x01\x02", "xyz"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				args, err := s.EmitWithAck(ctx, "echo", tt.args...)
				if err != nil {
					t.Fatal(err)
				}
				if args.Len() != len(tt.want) {
					t.Fatalf("%d arguments, want %d", args.Len(), len(tt.want))
				}
				for i, w := range tt.want {
					got := string(args.Raw(i))
					if b, err := args.Binary(i); err == nil {
						got = string(b)
					}
					if got != w {
						t.Errorf("argument %d = %q, want %q", i, got, w)
					}
				}
			})
		}
	})
}

func TestServerAsks(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		ts := newTestServer(t, nil)
		mgr := dial(t, ts, m, nil)
		s, _ := connect(t, mgr, "/", nil)
		s.On("question", func(e *Event) {
			var q string
			_ = e.Args.Decode(0, &q)
			if !e.WantsAck() {
				t.Error("question without ack")
			}
			if err := e.Ack("answer to " + q); err != nil {
				t.Error(err)
			}
			if err := e.Ack("again"); !errors.Is(err, ErrAckAlreadySent) {
				t.Errorf("second Ack = %v", err)
			}
		})
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		args, err := s.EmitWithAck(ctx, "ask", "life")
		if err != nil {
			t.Fatal(err)
		}
		var got string
		_ = args.Decode(0, &got)
		if got != "answer to life" {
			t.Errorf("server got %q", got)
		}
	})
}

func TestEventsAndOnAny(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		ts := newTestServer(t, nil)
		mgr := dial(t, ts, m, nil)
		s, _ := connect(t, mgr, "/", nil)
		anys := make(chan string, 16)
		news := make(chan *Event, 16)
		s.OnAny(func(e *Event) {
			if e.Name != "welcome" {
				anys <- e.Name
			}
		})
		s.On("news", func(e *Event) { news <- e })
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if _, err := s.EmitWithAck(ctx, "join", "r1"); err != nil {
			t.Fatal(err)
		}
		for _, ev := range []string{"news", "other"} {
			if _, err := s.EmitWithAck(ctx, "room", "r1", ev, []byte("bin")); err != nil {
				t.Fatal(err)
			}
		}
		if got := recv(t, anys); got != "news" {
			t.Errorf("OnAny got %q first", got)
		}
		if got := recv(t, anys); got != "other" {
			t.Errorf("OnAny got %q second", got)
		}
		e := recv(t, news)
		if b, err := e.Args.Binary(0); err != nil || string(b) != "bin" {
			t.Errorf("news argument %q, %v", b, err)
		}
		if e.WantsAck() {
			t.Error("news wants an ack")
		}
		s.Off("news")
		s.OffAny()
		if _, err := s.EmitWithAck(ctx, "room", "r1", "news", "again"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.EmitWithAck(ctx, "echo"); err != nil { // the news came before this answer
			t.Fatal(err)
		}
		if len(news) != 0 || len(anys) != 0 {
			t.Error("handlers called after Off and OffAny")
		}
	})
}

func TestNamespaces(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		ts := newTestServer(t, nil)
		mgr := dial(t, ts, m, nil)
		root, _ := connect(t, mgr, "/", nil)
		chat, _ := connect(t, mgr, "/chat", nil)
		if mgr.Socket("chat", nil) != chat {
			t.Error("Socket does not return the same socket")
		}
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		for _, s := range []*Socket{root, chat} {
			args, err := s.EmitWithAck(ctx, "echo", s.Namespace())
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(args.Raw(0)), `"`+s.Namespace()+`"`; got != want {
				t.Errorf("%s: echo %s", s.Namespace(), got)
			}
		}
		chat.Disconnect()
		if _, err := root.EmitWithAck(ctx, "echo"); err != nil {
			t.Fatalf("/ after /chat left: %v", err)
		}
		if got := recv(t, ts.reasons); got != "client namespace disconnect" {
			t.Errorf("server reason %q", got)
		}
	})
}

func TestDisconnect(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		tests := []struct {
			name         string
			do           func(s *Socket) // makes the socket leave
			clientReason string
			serverReason string
		}{
			{"by client", func(s *Socket) { s.Disconnect() }, ReasonClientDisconnect, "client namespace disconnect"},
			{"by server", func(s *Socket) { _ = s.Emit("kick") }, ReasonServerDisconnect, "server namespace disconnect"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ts := newTestServer(t, nil)
				mgr := dial(t, ts, m, nil)
				s, _ := connect(t, mgr, "/", nil)
				reasons := make(chan string, 4)
				s.OnDisconnect(func(r string) { reasons <- r })
				tt.do(s)
				if got := recv(t, reasons); got != tt.clientReason {
					t.Errorf("client reason %q", got)
				}
				if got := recv(t, ts.reasons); got != tt.serverReason {
					t.Errorf("server reason %q", got)
				}
				if s.Connected() {
					t.Error("still connected")
				}
				if err := s.Emit("echo"); err != nil {
					t.Errorf("Emit while disconnected (buffered) = %v", err)
				}
			})
		}
	})
}

func TestManagerClose(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		ts := newTestServer(t, nil)
		mgr := dial(t, ts, m, nil)
		s, _ := connect(t, mgr, "/", nil)
		reasons := make(chan string, 4)
		s.OnDisconnect(func(r string) { reasons <- r })
		if err := mgr.Close(); err != nil {
			t.Fatal(err)
		}
		<-mgr.Done()
		if got := recv(t, reasons); got != ReasonClientDisconnect {
			t.Errorf("client reason %q", got)
		}
		if got := recv(t, ts.reasons); got != "client namespace disconnect" {
			t.Errorf("server reason %q", got)
		}
		if err := s.Connect(context.Background()); !errors.Is(err, ErrClosed) {
			t.Errorf("Connect after Close = %v", err)
		}
	})
}

func TestAckContext(t *testing.T) {
	ts := newTestServer(t, nil)
	mgr := dial(t, ts, modes[1], nil)
	s, _ := connect(t, mgr, "/", nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	// "join" without a room acknowledges; "kick" never does.
	if _, err := s.EmitWithAck(ctx, "nothing-answers"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("EmitWithAck = %v, want DeadlineExceeded", err)
	}
}

func TestAckFailsOnDisconnect(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		ts := newTestServer(t, nil)
		mgr := dial(t, ts, m, &Options{DisableReconnection: true})
		s, _ := connect(t, mgr, "/", nil)
		errc := make(chan error, 1)
		go func() {
			_, err := s.EmitWithAck(context.Background(), "nothing-answers")
			errc <- err
		}()
		waitFor(t, "the event to reach the server", func() bool {
			select {
			case e := <-ts.events:
				return e == "/ nothing-answers"
			default:
				return false
			}
		})
		_ = s.Emit("drop")
		if err := recv(t, errc); !errors.Is(err, ErrDisconnected) {
			t.Fatalf("EmitWithAck = %v, want ErrDisconnected", err)
		}
	})
}

func TestSendBuffer(t *testing.T) {
	ts := newTestServer(t, nil)
	mgr := dial(t, ts, modes[1], &Options{SendBufferSize: 2})
	s := mgr.Socket("/", nil)
	for i := range 2 {
		if err := s.Emit("buffered", i); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Emit("buffered", 2); !errors.Is(err, ErrSendBufferFull) {
		t.Fatalf("Emit over the bound = %v, want ErrSendBufferFull", err)
	}
	if err := s.EmitVolatile("volatile"); err != nil {
		t.Fatal(err)
	}
	if err := s.Emit("connect"); !errors.Is(err, ErrReservedEvent) {
		t.Fatalf("Emit(connect) = %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := s.Connect(ctx); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/ buffered", "/ buffered"} {
		if got := recv(t, ts.events); got != want {
			t.Errorf("server got %q, want %q", got, want)
		}
	}
	// Connected, with nothing queued: a volatile packet goes out.
	waitFor(t, "a writable transport", func() bool { return mgr.current().Writable() })
	if err := s.EmitVolatile("volatile"); err != nil {
		t.Fatal(err)
	}
	if got := recv(t, ts.events); got != "/ volatile" {
		t.Errorf("server got %q, want the volatile event", got)
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		ts := newTestServer(t, nil)
		mgr := dial(t, ts, m, nil)
		s, _ := connect(t, mgr, "/", nil)
		big := bytes.Repeat([]byte{0xff, 0, 0x1e}, 50_000)
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		args, err := s.EmitWithAck(ctx, "echo", big, "text")
		if err != nil {
			t.Fatal(err)
		}
		if b, err := args.Binary(0); err != nil || !bytes.Equal(b, big) {
			t.Fatalf("binary argument: %d bytes, %v", len(b), err)
		}
		if got := string(args.Raw(1)); got != `"text"` {
			t.Fatalf("second argument %s", got)
		}
	})
}

// TestHandlersMayBlock: a handler may wait for an acknowledgement (while
// fewer than EventQueueSize events arrive behind it), and may close the
// Manager, also while the reader waits for room in a full event queue.
func TestHandlersMayBlock(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		tests := []struct {
			name        string
			queue       int
			emitWithAck bool
		}{
			{"EmitWithAck", 0, true},
			{"Close with a full queue", 1, false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ts := newTestServer(t, nil)
				mgr := dial(t, ts, m, &Options{EventQueueSize: tt.queue})
				s, _ := connect(t, mgr, "/", nil)
				ctx, cancel := context.WithTimeout(context.Background(), wait)
				defer cancel()
				if _, err := s.EmitWithAck(ctx, "join", "flood"); err != nil {
					t.Fatal(err)
				}
				replies := make(chan string, 1)
				var once sync.Once
				s.On("flood", func(e *Event) {
					once.Do(func() {
						if tt.emitWithAck {
							a, err := s.EmitWithAck(ctx, "echo", "from a handler")
							if err != nil {
								replies <- err.Error()
							} else {
								replies <- string(a.Raw(0))
							}
						} else {
							// Let the reader fill the queue and wait.
							time.Sleep(50 * time.Millisecond)
						}
						_ = mgr.Close()
					})
				})
				// The handler may close the Manager before the five
				// emits are made: an emit after that fails as closed.
				for range 5 {
					if err := s.Emit("room", "flood", "flood", 1); err != nil {
						select {
						case <-mgr.Done():
						default:
							t.Fatal(err)
						}
						break
					}
				}
				if tt.emitWithAck {
					if got := recv(t, replies); got != `"from a handler"` {
						t.Errorf("EmitWithAck in a handler: %s", got)
					}
				}
				select {
				case <-mgr.Done():
				case <-time.After(wait):
					t.Fatal("Close from a handler did not finish")
				}
			})
		}
	})
}

func TestConcurrentConnect(t *testing.T) {
	ts := newTestServer(t, nil)
	mgr := dial(t, ts, modes[1], nil)
	s := mgr.Socket("/", nil)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	errc := make(chan error, 3)
	for range 3 {
		go func() { errc <- s.Connect(ctx) }()
	}
	for range 3 {
		if err := recv(t, errc); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.EmitWithAck(ctx, "echo"); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-ts.reasons:
		t.Fatalf("a socket left: %s", r)
	default:
	}
}

// TestSetAuth: the auth payload set after the socket was made replaces the
// one of its options, as assigning socket.auth does in socket.io-client.
func TestSetAuth(t *testing.T) {
	ts := newTestServer(t, nil)
	tests := []struct {
		name string
		set  func(s *Socket) error
		want string // the auth the server sees
	}{
		{"SetAuth", func(s *Socket) error { return s.SetAuth(map[string]string{"token": "good"}) }, `{"token":"good"}`},
		{"SetAuthFunc", func(s *Socket) error {
			s.SetAuthFunc(func() (any, error) { return map[string]string{"token": "good", "n": "1"}, nil })
			return nil
		}, `{"n":"1","token":"good"}`},
		{"SetAuth not an object keeps the payload", func(s *Socket) error {
			if err := s.SetAuth([]int{1}); err == nil {
				t.Error("SetAuth([]int{1}) = nil, want an error")
			}
			return s.SetAuth(map[string]string{"token": "good"})
		}, `{"token":"good"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mgr := dial(t, ts, modes[1], nil)
			s := mgr.Socket("/", &SocketOptions{Auth: map[string]string{"token": "bad"}})
			welcome := make(chan *Event, 1)
			s.On("welcome", func(e *Event) { welcome <- e })
			if err := tt.set(s); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			defer cancel()
			if err := s.Connect(ctx); err != nil {
				t.Fatalf("Connect = %v (the options' payload was sent?)", err)
			}
			if got := string(recv(t, welcome).Args.Raw(0)); got != tt.want {
				t.Errorf("server saw auth %s, want %s", got, tt.want)
			}
		})
	}
}
