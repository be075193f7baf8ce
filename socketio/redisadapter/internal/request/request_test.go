package request

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errClosed = errors.New("closed")

var errTimeout = errors.New("timeout")

func timeoutErr(kind string, got, expected int, err error) error {
	return fmt.Errorf("%w %s %d/%d: %w", errTimeout, kind, got, expected, err)
}

func TestDefaults(t *testing.T) {
	tests := []struct {
		in, want time.Duration
	}{{0, DefaultTimeout}, {-time.Second, DefaultTimeout}, {time.Millisecond, time.Millisecond}}
	for _, tt := range tests {
		t.Run(tt.in.String(), func(t *testing.T) {
			if got := Timeout(tt.in); got != tt.want {
				t.Fatalf("Timeout(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	if Logger(nil) != slog.Default() {
		t.Fatal("Logger(nil) is not slog.Default()")
	}
	l := slog.New(slog.DiscardHandler)
	if Logger(l) != l {
		t.Fatal("Logger(l) is not l")
	}
}

// TestRequest: a request ends with its expected responses, at the timeout
// (keeping what it got), at ctx's end, when the table closes, or with the
// publish error; responses after the end are dropped.
func TestRequest(t *testing.T) {
	tests := []struct {
		name      string
		expected  int
		responses int  // sent before the end
		cancel    bool // cancel the caller's ctx
		close     bool // close the table
		publish   error
		wantErr   error
		wantGot   int
	}{
		{name: "complete", expected: 2, responses: 2, wantGot: 2},
		{name: "none expected", expected: 0, responses: 0},
		{name: "timeout", expected: 3, responses: 1, wantErr: context.DeadlineExceeded, wantGot: 1},
		{name: "canceled", expected: 3, responses: 2, cancel: true, wantErr: context.Canceled, wantGot: 2},
		{name: "closed", expected: 2, responses: 1, close: true, wantErr: errClosed, wantGot: 1},
		{name: "publish fails", expected: 2, publish: errors.New("no redis"), wantGot: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tab := NewTable(time.Second, errClosed, timeoutErr)
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				p := NewPending("KIND", 0, tt.expected)
				done := make(chan error, 1)
				go func() {
					done <- tab.Request(ctx, "id", p, func(context.Context) error { return tt.publish })
				}()
				synctest.Wait()
				if tt.publish == nil && tab.Pending("id") != p && tt.expected > 0 {
					t.Fatal("request not registered while waiting")
				}
				for i := range tt.responses {
					tab.Pending("id").AddArgs(socketio.NewArgs(fmt.Appendf(nil, "[%d]", i), nil))
				}
				switch {
				case tt.cancel:
					cancel()
				case tt.close:
					tab.Close()
				}
				err := <-done
				switch {
				case tt.publish != nil:
					if err != tt.publish {
						t.Fatalf("err = %v, want the publish error", err)
					}
				case tt.wantErr == nil:
					if err != nil {
						t.Fatal(err)
					}
				case !errors.Is(err, tt.wantErr):
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if tt.wantErr == context.DeadlineExceeded || tt.wantErr == context.Canceled {
					want := fmt.Sprintf("KIND %d/%d", tt.wantGot, tt.expected)
					if !errors.Is(err, errTimeout) || !strings.Contains(err.Error(), want) {
						t.Fatalf("err = %v, want the timeout error with %q", err, want)
					}
				}
				if tab.Pending("id") != nil {
					t.Fatal("request still registered")
				}
				p.AddArgs(socketio.NewArgs([]byte("[99]"), nil)) // late
				if got := len(p.Responses()); got != tt.wantGot {
					t.Fatalf("%d responses kept, want %d", got, tt.wantGot)
				}
			})
		})
	}
}

func TestRequestAfterClose(t *testing.T) {
	tab := NewTable(time.Second, errClosed, timeoutErr)
	tab.Close()
	called := false
	err := tab.Request(t.Context(), "id", NewPending("K", 0, 1), func(context.Context) error { called = true; return nil })
	if err != errClosed || called {
		t.Fatalf("err = %v, published = %v; want the closed error, nothing published", err, called)
	}
	if err := tab.AddAck(t.Context(), "a", &Ack{}); err != errClosed {
		t.Fatalf("AddAck after Close: %v", err)
	}
}

// TestAck: an ack registration lasts until its ctx ends; Close forgets
// them all.
func TestAck(t *testing.T) {
	tests := []struct {
		name string
		end  func(cancel context.CancelFunc, tab *Table)
	}{
		{"ctx ends", func(cancel context.CancelFunc, _ *Table) { cancel() }},
		{"table closes", func(_ context.CancelFunc, tab *Table) { tab.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tab := NewTable(time.Second, errClosed, timeoutErr)
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				var counts []int
				a := &Ack{ClientCount: func(n int) { counts = append(counts, n) }}
				if err := tab.AddAck(ctx, "b", a); err != nil {
					t.Fatal(err)
				}
				if tab.Ack("b") != a || tab.Ack("other") != nil {
					t.Fatal("Ack does not find what was registered")
				}
				tab.Ack("b").ClientCount(3)
				tt.end(cancel, tab)
				synctest.Wait()
				if tab.Ack("b") != nil {
					t.Fatal("ack still registered")
				}
				if !slices.Equal(counts, []int{3}) {
					t.Fatalf("counts = %v", counts)
				}
			})
		})
	}
}

func TestPendingResults(t *testing.T) {
	p := NewPending("FETCH", 1, 3)
	p.AddSockets(&socketio.RemoteSocket{ID: "b"})
	p.AddRooms("r1", "r2")
	if got := p.Sockets([]*socketio.RemoteSocket{{ID: "a"}}); len(got) != 2 || got[0].ID != "a" || got[1].ID != "b" {
		t.Fatalf("sockets = %v", got)
	}
	rooms := p.Rooms([]string{"r2", "local"})
	slices.Sort(rooms)
	if !slices.Equal(rooms, []string{"local", "r1", "r2"}) {
		t.Fatalf("rooms = %v", rooms)
	}
	select {
	case <-p.done:
	default:
		t.Fatal("not finished after 1+2 of 3 responses")
	}
	p.AddSockets(&socketio.RemoteSocket{ID: "late"})
	if got := p.Sockets(nil); len(got) != 1 {
		t.Fatalf("a late response was kept: %v", got)
	}
}

func TestShared(t *testing.T) {
	var s Shared[*int]
	made := 0
	start := func() *int { made++; v := made; return &v }
	h1 := s.Attach(start)
	if h := s.Attach(start); h != h1 {
		t.Fatal("second Attach made another hub")
	}
	if s.Detach(h1) {
		t.Fatal("Detach of the first of two reported last")
	}
	if !s.Detach(h1) {
		t.Fatal("Detach of the last did not report last")
	}
	h2 := s.Attach(start)
	if h2 == h1 || made != 2 {
		t.Fatalf("Attach after the last Detach reused the stopped hub (made %d)", made)
	}
	// An adapter of the old hub detaching late does not stop the new one.
	h3 := s.Attach(start)
	if h3 != h2 {
		t.Fatal("Attach made a third hub")
	}
	if s.Detach(h2) || !s.Detach(h2) {
		t.Fatal("counts of the second hub are wrong")
	}
}

func TestSockets(t *testing.T) {
	tests := []struct {
		name string
		in   *socketio.RemoteSocket
		data string // JSON of the wire data, "" when absent
	}{
		{"no data", &socketio.RemoteSocket{ID: "s1", Rooms: []string{"s1", "r"}}, ""},
		{"data", &socketio.RemoteSocket{ID: "s2", Data: map[string]int{"n": 1}}, `{"n":1}`},
		{"data not JSON", &socketio.RemoteSocket{ID: "s3", Data: make(chan int)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := WireSocket(tt.in, slog.New(slog.DiscardHandler))
			if w.ID != tt.in.ID || w.Rooms == nil || string(w.Handshake.Auth) != "{}" || string(w.Data) != tt.data {
				t.Fatalf("wire socket = %+v", w)
			}
			b, err := json.Marshal(w)
			if err != nil {
				t.Fatal(err)
			}
			var back wire.RemoteSocket
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			l := LocalSocket(&back)
			if l.ID != tt.in.ID || !slices.Equal(l.Rooms, wire.NonNil(tt.in.Rooms)) || l.Handshake == nil {
				t.Fatalf("local socket = %+v", l)
			}
			if tt.data == "" && l.Data != nil || tt.data != "" && string(l.Data.(json.RawMessage)) != tt.data {
				t.Fatalf("local data = %v, want %s", l.Data, tt.data)
			}
		})
	}
}

// TestAnswerAcks: the local broadcast's ctx ends once every counted client
// acked, or at the timeout; counts and acks are passed on.
func TestAnswerAcks(t *testing.T) {
	tests := []struct {
		name     string
		clients  int
		acks     int
		wantEnd  time.Duration // when the broadcast's ctx ends
		failWith error
	}{
		{name: "all acked", clients: 2, acks: 2, wantEnd: 0},
		{name: "no clients", clients: 0, acks: 0, wantEnd: 0},
		{name: "one missing", clients: 2, acks: 1, wantEnd: time.Second},
		{name: "broadcast fails", clients: 0, acks: 0, failWith: errors.New("x"), wantEnd: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var counts []int
				acks := 0
				ended := make(chan time.Duration, 1)
				start := time.Now()
				AnswerAcks(t.Context(), time.Second,
					func(ctx context.Context, clientCount func(int), ack func(*socketio.Args)) error {
						context.AfterFunc(ctx, func() { ended <- time.Since(start) })
						if tt.failWith != nil {
							return tt.failWith
						}
						go func() {
							clientCount(tt.clients)
							for range tt.acks {
								time.Sleep(0)
								ack(socketio.NewArgs([]byte("[1]"), nil))
							}
						}()
						return nil
					},
					func(n int) { counts = append(counts, n) },
					func(*socketio.Args) { acks++ })
				if got := <-ended; got != tt.wantEnd {
					t.Fatalf("broadcast ctx ended after %v, want %v", got, tt.wantEnd)
				}
				synctest.Wait()
				if tt.failWith == nil && (!slices.Equal(counts, []int{tt.clients}) || acks != tt.acks) {
					t.Fatalf("counts %v, acks %d; want [%d], %d", counts, acks, tt.clients, tt.acks)
				}
			})
		})
	}
}
