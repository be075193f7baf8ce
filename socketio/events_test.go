package socketio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogo/sio/engineio"
)

func TestEventRouting(t *testing.T) {
	type setup func(s *Server, so *Socket, log *[]string)
	record := func(log *[]string, what string) EventHandler {
		return func(_ context.Context, _ *Socket, args *Args, ack AckFunc) error {
			*log = append(*log, fmt.Sprintf("%s %s ack=%v", what, args.Raw(0), ack != nil))
			return nil
		}
	}
	dispatcher := func(log *[]string, known string) Dispatcher {
		return DispatcherFunc(func(_ context.Context, _ *Socket, event string, args *Args, _ AckFunc) error {
			if event != known {
				return ErrUnknownEvent
			}
			*log = append(*log, "dispatcher "+event+" "+string(args.Raw(0)))
			return nil
		})
	}
	tests := []struct {
		name   string
		setup  setup
		packet string
		want   []string
	}{
		{
			name:   "socket handler",
			setup:  func(_ *Server, so *Socket, log *[]string) { so.On("e", record(log, "socket")) },
			packet: `2["e",1]`,
			want:   []string{"socket 1 ack=false"},
		},
		{
			name: "socket handler before namespace handler",
			setup: func(s *Server, so *Socket, log *[]string) {
				s.On("e", record(log, "namespace"))
				so.On("e", record(log, "socket"))
			},
			packet: `21["e","x"]`,
			want:   []string{`socket "x" ack=true`},
		},
		{
			name:   "namespace handler",
			setup:  func(s *Server, _ *Socket, log *[]string) { s.On("e", record(log, "namespace")) },
			packet: `2["e",{"a":1}]`,
			want:   []string{`namespace {"a":1} ack=false`},
		},
		{
			name:   "dispatcher",
			setup:  func(_ *Server, so *Socket, log *[]string) { so.SetDispatcher(dispatcher(log, "e")) },
			packet: `2["e",true]`,
			want:   []string{"dispatcher e true"},
		},
		{
			name: "OnAny before the handler, unknown event only to OnAny",
			setup: func(_ *Server, so *Socket, log *[]string) {
				so.SetDispatcher(dispatcher(log, "e"))
				so.OnAny(func(_ context.Context, _ *Socket, event string, args *Args, _ AckFunc) {
					*log = append(*log, "any "+event+" "+string(args.Raw(0)))
				})
			},
			packet: `2["other",2]`,
			want:   []string{"any other 2"},
		},
		{
			name: "number as event name",
			setup: func(_ *Server, so *Socket, log *[]string) {
				so.On("1", record(log, "socket"))
			},
			packet: `2[1,"a"]`,
			want:   []string{`socket "a" ack=false`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, nil)
				var log []string
				tc := dial(t, s)
				so := tc.connect("/")
				tt.setup(s, so, &log)
				tc.send(tt.packet)
				tc.settle()
				if !slices.Equal(log, tt.want) {
					t.Fatalf("got %q, want %q", log, tt.want)
				}
			})
		})
	}
}

func TestAcknowledgements(t *testing.T) {
	tests := []struct {
		name    string
		handler EventHandler
		packet  []string
		want    []string
	}{
		{
			name: "values",
			handler: func(_ context.Context, _ *Socket, args *Args, ack AckFunc) error {
				var a, b int
				_ = args.Decode(0, &a)
				_ = args.Decode(1, &b)
				return ack(a+b, "ok")
			},
			packet: []string{`27["e",1,2]`},
			want:   []string{`37[3,"ok"]`},
		},
		{
			name: "binary ack",
			handler: func(_ context.Context, _ *Socket, args *Args, ack AckFunc) error {
				b, err := args.Binary(0)
				if err != nil {
					return err
				}
				return ack(append([]byte("re:"), b...))
			},
			packet: []string{`51-/chat,9["e",{"_placeholder":true,"num":0}]`, "xyz"},
			want:   []string{`61-/chat,9[{"_placeholder":true,"num":0}]`, "bin:re:xyz"},
		},
		{
			name:    "forwarded arguments",
			handler: func(_ context.Context, _ *Socket, args *Args, ack AckFunc) error { return ack(args) },
			packet:  []string{`52-/chat,3["e",{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]`, "a", "b"},
			want:    []string{`62-/chat,3[{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]`, "bin:a", "bin:b"},
		},
		{
			name: "second call fails",
			handler: func(_ context.Context, _ *Socket, _ *Args, ack AckFunc) error {
				if err := ack(); err != nil {
					return err
				}
				if err := ack(); !errors.Is(err, ErrAckSent) {
					return fmt.Errorf("second ack: %v", err)
				}
				return ack(1)
			},
			packet: []string{`21["e"]`},
			want:   []string{`31[]`},
		},
		{
			name: "encoded arguments",
			handler: func(_ context.Context, _ *Socket, _ *Args, ack AckFunc) error {
				return ack(NewArgs([]byte(` [{"x":1}, 2] `), nil))
			},
			packet: []string{`2/chat,12["e"]`},
			want:   []string{`3/chat,12[{"x":1}, 2] `},
		},
		{
			name: "received raw message echoed",
			handler: func(_ context.Context, _ *Socket, args *Args, ack AckFunc) error {
				return ack(args.Raw(0))
			},
			packet: []string{`24["e",{"a": [1, "é", null]}]`},
			want:   []string{`34[{"a": [1, "é", null]}]`},
		},
		{
			// A json.RawMessage the application built or changed is
			// checked: nothing invalid is sent.
			name: "invalid raw message refused",
			handler: func(_ context.Context, s *Socket, args *Args, ack AckFunc) error {
				cut := append(json.RawMessage(nil), args.Raw(0)...)
				cut = cut[:len(cut)-1]
				err := ack(cut)
				if err == nil || !strings.Contains(err.Error(), "not valid JSON") {
					return s.Emit("unexpected", fmt.Sprint(err))
				}
				return nil
			},
			packet: []string{`25["e",{"a":1}]`},
			want:   nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, nil)
				s.Of("/chat").On("e", tt.handler)
				s.On("e", tt.handler)
				tc := dial(t, s)
				nsp := "/"
				if strings.Contains(tt.packet[0], "/chat") {
					nsp = "/chat"
				}
				tc.connect(nsp)
				tc.send(tt.packet[0], tt.packet[1:]...)
				if got := tc.settle(); !slices.Equal(got, tt.want) {
					t.Fatalf("sent %q, want %q", got, tt.want)
				}
			})
		})
	}
}

func TestEmitWithAck(t *testing.T) {
	tests := []struct {
		name  string
		reply string // the client's ACK, "" for none
		want  string
		err   error
	}{
		{"answered", `30["yes",2]`, `"yes"`, nil},
		{"binary answer", `61-0[{"_placeholder":true,"num":0}]`, `{"_placeholder":true,"num":0}`, nil},
		{"timeout", "", "", context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := newTestServer(t, nil)
				tc := dial(t, s)
				so := tc.connect("/")
				tc.settle()
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				var got *Args
				var err error
				done := make(chan struct{})
				go func() {
					defer close(done)
					got, err = so.EmitWithAck(ctx, "q", 1, []byte("b"))
				}()
				if sent := tc.settle(); !slices.Equal(sent, []string{`51-0["q",1,{"_placeholder":true,"num":0}]`, "bin:b"}) {
					t.Fatalf("sent %q", sent)
				}
				if tt.reply != "" {
					tc.send(tt.reply, "att")
				}
				<-done
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				if tt.err == nil && string(got.Raw(0)) != tt.want {
					t.Fatalf("ack %s, want %s", got.Raw(0), tt.want)
				}
				so.mu.Lock()
				pending := len(so.acks)
				so.mu.Unlock()
				if pending != 0 {
					t.Fatalf("%d acks left", pending)
				}
			})
		})
	}
}

func TestEmitWithAckDisconnect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		tc := dial(t, s)
		so := tc.connect("/")
		errc := make(chan error, 1)
		go func() {
			_, err := so.EmitWithAck(context.Background(), "q")
			errc <- err
		}()
		synctest.Wait()
		tc.send("1")
		if err := <-errc; !errors.Is(err, ErrDisconnected) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestEventsInOrderOneAtATime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		var (
			mu      sync.Mutex
			running int
			maxRun  int
			order   []int
		)
		release := make(chan struct{})
		s.On("e", func(_ context.Context, _ *Socket, args *Args, _ AckFunc) error {
			mu.Lock()
			running++
			maxRun = max(maxRun, running)
			mu.Unlock()
			<-release
			var n int
			_ = args.Decode(0, &n)
			mu.Lock()
			running--
			order = append(order, n)
			mu.Unlock()
			return nil
		})
		tc := dial(t, s)
		so := tc.connect("/")
		other := dial(t, s)
		other.connect("/")
		for i := range 5 {
			tc.send(fmt.Sprintf(`2["e",%d]`, i))
		}
		synctest.Wait()
		// A blocked handler does not hold up acknowledgements or other sockets.
		other.send(`2["e",100]`)
		synctest.Wait()
		for range 6 {
			release <- struct{}{}
		}
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if maxRun != 2 {
			t.Fatalf("at most %d handlers ran at once, want 2 (one per socket)", maxRun)
		}
		mine := slices.DeleteFunc(slices.Clone(order), func(n int) bool { return n == 100 })
		if !slices.Equal(mine, []int{0, 1, 2, 3, 4}) {
			t.Fatalf("order %v", order)
		}
		so.q.mu.Lock()
		defer so.q.mu.Unlock()
		if so.q.running || so.q.n != 0 || len(so.q.buf) > idleQueueCap {
			t.Fatalf("idle socket keeps a worker or a buffer: running=%v n=%d cap=%d", so.q.running, so.q.n, len(so.q.buf))
		}
	})
}

func TestConcurrentEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, &Options{ConcurrentEvents: true})
		started := make(chan struct{}, 3)
		release := make(chan struct{})
		s.On("e", func(context.Context, *Socket, *Args, AckFunc) error {
			started <- struct{}{}
			<-release
			return nil
		})
		tc := dial(t, s)
		tc.connect("/")
		for range 3 {
			tc.send(`2["e"]`)
		}
		for range 3 {
			<-started // all three run at once
		}
		close(release)
		synctest.Wait()
	})
}

func TestPanickingHandlerIsRecovered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		s.On("boom", func(context.Context, *Socket, *Args, AckFunc) error { panic("boom") })
		s.On("ok", func(_ context.Context, _ *Socket, _ *Args, ack AckFunc) error { return ack("fine") })
		tc := dial(t, s)
		tc.connect("/")
		tc.send(`2["boom"]`)
		tc.send(`25["ok"]`)
		if got := tc.settle(); !slices.Equal(got, []string{`35["fine"]`}) {
			t.Fatalf("sent %q", got)
		}
		if tc.conn.isClosed() {
			t.Fatal("closed")
		}
	})
}

// TestEventQueueBackpressure: a client sending more events than the
// socket's queue holds is not disconnected: the reader waits (which stops
// reading the connection) until a handler takes an event, and gives up
// when the connection closes.
func TestEventQueueBackpressure(t *testing.T) {
	for _, tt := range []struct {
		name       string
		concurrent bool
		bytes      int // Options.EventQueueBytes
		fit        int // events taken without waiting: running + queued
		handled    int // events handled in all (see below)
	}{
		// The events queued behind the running handler when the
		// connection closes are dropped.
		{name: "sequential", fit: 3, handled: 2},
		{name: "concurrent", concurrent: true, fit: 2, handled: 3},
		// Events of 100 bytes: 2 fit in 250.
		{name: "bytes", bytes: 250, fit: 2, handled: 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				opts := &Options{EventQueueSize: 2, ConcurrentEvents: tt.concurrent}
				event := `2["e"]`
				if tt.bytes > 0 {
					opts.EventQueueSize, opts.EventQueueBytes = 100, tt.bytes
					event = `2["e","` + strings.Repeat("x", 100-len(`e,""`)) + `"]`
				}
				s := newTestServer(t, opts)
				release := make(chan struct{})
				var handled atomic.Int32
				s.On("e", func(context.Context, *Socket, *Args, AckFunc) error {
					<-release
					handled.Add(1)
					return nil
				})
				tc := dial(t, s)
				tc.connect("/")
				for range tt.fit {
					tc.send(event)
				}
				held := func() chan struct{} {
					sent := make(chan struct{})
					go func() {
						defer close(sent)
						tc.send(event)
					}()
					synctest.Wait()
					select {
					case <-sent:
						t.Fatal("an event beyond the queue's bound did not hold the reader")
					default:
					}
					return sent
				}
				sent := held()
				if tc.conn.isClosed() {
					t.Fatal("connection closed for a full queue")
				}
				release <- struct{}{} // one handler returns: room for one
				synctest.Wait()
				select {
				case <-sent:
				default:
					t.Fatal("the reader still waits with room in the queue")
				}
				if tc.conn.isClosed() {
					t.Fatal("connection closed")
				}
				// The connection closing releases a waiting reader.
				sent = held()
				tc.conn.closeWith(engineio.ReasonTransportClose)
				synctest.Wait()
				select {
				case <-sent:
				default:
					t.Fatal("the reader still waits after the connection closed")
				}
				close(release)
				synctest.Wait()
				if got := int(handled.Load()); got != tt.handled {
					t.Fatalf("%d events handled, want %d", got, tt.handled)
				}
			})
		})
	}
}

// TestQueuedEventsReleasedAtDisconnect: the events queued behind a blocked
// handler are released when the client leaves, not when the handler
// returns; the disconnect handlers still run after it (bounded growth,
// with a fixed number of clients).
func TestQueuedEventsReleasedAtDisconnect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const clients, queued, size = 50, 8, 64 << 10
		s := newTestServer(t, &Options{EventQueueSize: queued})
		release := make(chan struct{})
		var ran, disconnected atomic.Int32
		s.On("big", func(context.Context, *Socket, *Args, AckFunc) error {
			<-release
			ran.Add(1)
			return nil
		})
		payload := `2["big","` + strings.Repeat("x", size) + `"]`
		heap := func() uint64 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return m.HeapAlloc
		}
		before := heap()
		for range clients {
			tc := dial(t, s)
			so := tc.connect("/")
			so.OnDisconnect(func(context.Context, *Socket, DisconnectReason) { disconnected.Add(1) })
			for range 1 + queued { // one runs (blocked), the others wait
				tc.send(payload)
			}
			tc.conn.closeWith(engineio.ReasonTransportClose)
		}
		synctest.Wait()
		growth := int64(heap()) - int64(before)
		t.Logf("heap growth with %d blocked handlers whose clients left: %.1f MB", clients, float64(growth)/1e6)
		// The running events' arguments stay with their handlers: one
		// payload per client, plus slack; the queued ones are gone.
		if limit := int64(2 * clients * size); growth > limit {
			t.Errorf("heap grew %d bytes after the clients left, want at most %d (the queued events are kept)", growth, limit)
		}
		if n := disconnected.Load(); n != 0 {
			t.Fatalf("%d disconnect handlers ran before the blocked handlers returned", n)
		}
		close(release)
		synctest.Wait()
		if r, d := ran.Load(), disconnected.Load(); r != clients || d != clients {
			t.Fatalf("%d handlers ran, %d disconnect handlers: want %d each (queued events dropped)", r, d, clients)
		}
	})
}

func TestReservedEventNames(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		so := dial(t, s).connect("/")
		for _, name := range []string{"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"} {
			var re *ReservedEventError
			if err := so.Emit(name); !errors.As(err, &re) || re.Event != name {
				t.Errorf("Emit(%q) = %v", name, err)
			}
			if err := s.Emit(name); !errors.As(err, &re) {
				t.Errorf("broadcast %q = %v", name, err)
			}
		}
	})
}

func TestOnAnyOutgoing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newTestServer(t, nil)
		var got []string
		s.OnConnection(func(_ context.Context, so *Socket, _ []byte) error {
			so.OnAnyOutgoing(func(_ *Socket, event string, args *Args) {
				got = append(got, event+" "+string(args.Raw(0)))
			})
			return so.Emit("hello", 1)
		})
		tc := dial(t, s)
		tc.connect("/")
		if err := s.Emit("all", "x"); err != nil {
			t.Fatal(err)
		}
		tc.settle()
		if !slices.Equal(got, []string{"hello 1", `all "x"`}) {
			t.Fatalf("got %q", got)
		}
	})
}
