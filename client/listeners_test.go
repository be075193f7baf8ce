package client

import (
	"context"
	"strings"
	"sync"
	"testing"
)

// recorder collects what handlers saw, in order.
type recorder struct {
	mu  sync.Mutex // guards got
	got []string
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	r.got = append(r.got, s)
	r.mu.Unlock()
}

// take returns what was recorded and forgets it.
func (r *recorder) take() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := strings.Join(r.got, " ")
	r.got = nil
	return s
}

// TestListeners: several handlers per event run in the order added, Once
// handlers once, catch-all ones first (PrependAny before OnAny), and Off,
// OffAny remove them.
func TestListeners(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		ts := newTestServer(t, nil)
		mgr := dial(t, ts, m, nil)
		s, _ := connect(t, mgr, "/", nil)
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if _, err := s.EmitWithAck(ctx, "join", "r"); err != nil {
			t.Fatal(err)
		}
		var r recorder
		// news sends "news" to the socket, then waits for an echo, which
		// the server answers after it sent the news: the handlers ran.
		news := func() string {
			t.Helper()
			if _, err := s.EmitWithAck(ctx, "room", "r", "news", 1); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			s.Once("synced", func(*Event) { close(done) })
			if _, err := s.EmitWithAck(ctx, "room", "r", "synced", 1); err != nil {
				t.Fatal(err)
			}
			recv(t, done)
			return r.take()
		}
		named := func(name string) Handler {
			return func(e *Event) {
				if e.Name == "news" {
					r.add(name)
				}
			}
		}
		s.On("news", named("on1"))
		s.Once("news", named("once"))
		s.On("news", named("on2"))
		s.OnAny(named("any1"))
		s.OnAny(named("any2"))
		s.PrependAny(named("any0"))
		tests := []struct {
			name   string
			change func()
			want   string
		}{
			{"all", func() {}, "any0 any1 any2 on1 once on2"},
			{"once is gone", func() {}, "any0 any1 any2 on1 on2"},
			{"OffAny", s.OffAny, "on1 on2"},
			{"Off", func() { s.Off("news") }, ""},
			{"On again", func() { s.On("news", named("on3")) }, "on3"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.change()
				if got := news(); got != tt.want {
					t.Errorf("handlers ran: %q, want %q", got, tt.want)
				}
			})
		}
	})
}

// TestOutgoing: outgoing handlers see what is sent, when it is sent (a
// buffered packet at connection, a volatile one only when written), in the
// order OnAnyOutgoing and PrependAnyOutgoing give; OffAnyOutgoing removes
// them.
func TestOutgoing(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		ts := newTestServer(t, nil)
		mgr := dial(t, ts, m, nil)
		s := mgr.Socket("/", nil)
		var r recorder
		s.OnAnyOutgoing(func(e *Event) {
			var arg string
			_ = e.Args.Decode(0, &arg)
			ack := ""
			if e.WantsAck() {
				ack = "+ack"
				if err := e.Ack(); err == nil {
					t.Error("an outgoing event was acknowledged")
				}
			}
			r.add(e.Name + "(" + arg + ")" + ack)
		})
		s.PrependAnyOutgoing(func(e *Event) { r.add("first") })
		if err := s.Emit("echo", "buffered"); err != nil {
			t.Fatal(err)
		}
		_ = s.EmitVolatile("echo", "dropped")
		if got := r.take(); got != "" {
			t.Fatalf("outgoing handlers called before sending: %q", got)
		}
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if err := s.Connect(ctx); err != nil {
			t.Fatal(err)
		}
		// Sent by the Manager's goroutine that connects the socket.
		waitFor(t, "the buffered packet's outgoing handlers", func() bool {
			r.mu.Lock()
			defer r.mu.Unlock()
			return len(r.got) == 2
		})
		if got := r.take(); got != "first echo(buffered)" {
			t.Errorf("at connection: %q", got)
		}
		if _, err := s.EmitWithAck(ctx, "echo", "with ack"); err != nil {
			t.Fatal(err)
		}
		if got := r.take(); got != "first echo(with ack)+ack" {
			t.Errorf("EmitWithAck: %q", got)
		}
		s.OffAnyOutgoing()
		if err := s.Emit("echo", "unseen"); err != nil {
			t.Fatal(err)
		}
		if got := r.take(); got != "" {
			t.Errorf("after OffAnyOutgoing: %q", got)
		}
	})
}

// TestActive: a socket is active from Connect until it leaves or the server
// disconnects it; a lost connection leaves it active.
func TestActive(t *testing.T) {
	tests := []struct {
		name   string
		leave  func(s *Socket)
		active bool
	}{
		{"Disconnect", func(s *Socket) { s.Disconnect() }, false},
		{"server disconnect", func(s *Socket) { _ = s.Emit("kick") }, false},
		{"connection lost", func(s *Socket) { _ = s.Emit("drop") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, nil)
			g := newGate()
			mgr := dial(t, ts, modes[1], g.options(Options{}))
			s := mgr.Socket("/", nil)
			if s.Active() {
				t.Error("active before Connect")
			}
			reasons := make(chan string, 1)
			s.OnDisconnect(func(r string) { reasons <- r })
			ctx, cancel := context.WithTimeout(context.Background(), wait)
			defer cancel()
			if err := s.Connect(ctx); err != nil {
				t.Fatal(err)
			}
			if !s.Active() {
				t.Error("not active once connected")
			}
			tt.leave(s)
			recv(t, reasons)
			if s.Active() != tt.active || s.Connected() {
				t.Errorf("Active %v, Connected %v; want Active %v", s.Active(), s.Connected(), tt.active)
			}
		})
	}
}
