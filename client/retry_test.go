package client

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// connectScripted connects the socket of "/" with opts over f, in a
// synctest bubble.
func connectScripted(t *testing.T, f *scripted, m *Manager, opts *SocketOptions) *Socket {
	t.Helper()
	s := m.Socket("/", opts)
	errc := make(chan error, 1)
	go func() { errc <- s.Connect(context.Background()) }()
	if p := <-f.posts; p != "40" {
		t.Fatalf("CONNECT %q", p)
	}
	f.gets <- `40{"sid":"abc"}`
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	return s
}

// posted returns the Engine.IO messages the client posted since the last
// call, without waiting.
func posted(f *scripted) []string {
	var msgs []string
	for {
		select {
		case p := <-f.posts:
			msgs = append(msgs, strings.Split(p, "\x1e")...)
		default:
			return msgs
		}
	}
}

// TestAckTimeout: SocketOptions.AckTimeout bounds an EmitWithAck whose
// context has no deadline; a deadline replaces it (socket.timeout(ms)).
func TestAckTimeout(t *testing.T) {
	tests := []struct {
		name       string
		ackTimeout time.Duration
		ctxTimeout time.Duration // 0: no deadline
		wantAfter  time.Duration
		wantAckErr bool // ErrAckTimeout, else the context's error
	}{
		{"AckTimeout without deadline", 2 * time.Second, 0, 2 * time.Second, true},
		{"deadline longer than AckTimeout", 2 * time.Second, 5 * time.Second, 5 * time.Second, false},
		{"deadline shorter than AckTimeout", 2 * time.Second, time.Second, time.Second, false},
		{"deadline without AckTimeout", 0, 3 * time.Second, 3 * time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newScripted(600000, 600000)
				m := f.dial(t, Options{})
				defer func() {
					_ = m.Close()
					<-m.Done()
				}()
				s := connectScripted(t, f, m, &SocketOptions{AckTimeout: tt.ackTimeout})
				ctx := context.Background()
				if tt.ctxTimeout > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.ctxTimeout)
					defer cancel()
				}
				start := time.Now()
				_, err := s.EmitWithAck(ctx, "nobody-answers", 1)
				if got := time.Since(start); got != tt.wantAfter {
					t.Errorf("returned after %v, want %v", got, tt.wantAfter)
				}
				if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrAckTimeout) != tt.wantAckErr {
					t.Errorf("EmitWithAck = %v, want ErrAckTimeout %v (and DeadlineExceeded)", err, tt.wantAckErr)
				}
				synctest.Wait()
				if got := posted(f); len(got) != 1 || got[0] != `420["nobody-answers",1]` {
					t.Errorf("posted %q, want one try", got)
				}
				// Nothing is left waiting; a late answer is ignored.
				s.mu.Lock()
				left := len(s.acks) + len(s.sendBuf)
				s.mu.Unlock()
				if left != 0 {
					t.Errorf("%d acknowledgements or packets left after the timeout", left)
				}
				f.gets <- `430[]`
				synctest.Wait()
			})
		})
	}
}

// TestAckTimeoutBuffered: a packet whose EmitWithAck timed out while it
// waited in the send buffer leaves it, as in socket.io-client.
func TestAckTimeoutBuffered(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newScripted(600000, 600000)
		m := f.dial(t, Options{})
		defer func() {
			_ = m.Close()
			<-m.Done()
		}()
		s := m.Socket("/", &SocketOptions{AckTimeout: time.Second})
		if _, err := s.EmitWithAck(context.Background(), "late"); !errors.Is(err, ErrAckTimeout) {
			t.Fatalf("EmitWithAck = %v, want ErrAckTimeout", err)
		}
		if err := s.Emit("kept"); err != nil {
			t.Fatal(err)
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
		synctest.Wait()
		if got := posted(f); strings.Join(got, " ") != `42["kept"]` {
			t.Errorf("posted %q, want only the packet still buffered", got)
		}
	})
}

// TestRetries runs the retry queue against a scripted server: each step
// either waits (fake time) or answers, then checks what the client posted.
func TestRetries(t *testing.T) {
	type step struct {
		sleep  time.Duration // advance the fake clock first
		answer string        // then what the server sends, if anything
		posts  []string      // the messages posted meanwhile
	}
	tests := []struct {
		name    string
		retries int
		emits   []string // event names, EmitWithAck'd in order
		steps   []step
		want    []string // each EmitWithAck's outcome: its ack's first argument or error
		elapsed time.Duration
	}{
		{
			name: "never acknowledged", retries: 2, emits: []string{"a"},
			steps: []step{
				{posts: []string{`420["a"]`}},
				{sleep: time.Second, posts: []string{`421["a"]`}},
				{sleep: time.Second, posts: []string{`422["a"]`}},
				{sleep: time.Second},
			},
			want:    []string{ErrAckTimeout.Error()},
			elapsed: 3 * time.Second,
		},
		{
			name: "second try acknowledged", retries: 2, emits: []string{"a"},
			steps: []step{
				{posts: []string{`420["a"]`}},
				{sleep: time.Second, posts: []string{`421["a"]`}},
				{answer: `431["ok"]`},
			},
			want:    []string{"ok"},
			elapsed: time.Second,
		},
		{
			name: "late answer of a former try ignored", retries: 3, emits: []string{"a"},
			steps: []step{
				{posts: []string{`420["a"]`}},
				{sleep: time.Second, posts: []string{`421["a"]`}},
				{answer: `430["stale"]`},
				{sleep: time.Second, posts: []string{`422["a"]`}},
				{answer: `432["fresh"]`},
			},
			want:    []string{"fresh"},
			elapsed: 2 * time.Second,
		},
		{
			name: "one at a time, in order", retries: 1, emits: []string{"a", "b", "c"},
			steps: []step{
				{posts: []string{`420["a"]`}},
				{answer: `430["A"]`, posts: []string{`421["b"]`}},
				{sleep: time.Second, posts: []string{`422["b"]`}},
				{sleep: time.Second, posts: []string{`423["c"]`}}, // b dropped
				{answer: `433["C"]`},
			},
			want:    []string{"A", ErrAckTimeout.Error(), "C"},
			elapsed: 2 * time.Second,
		},
		{
			name: "without limit", retries: -1, emits: []string{"a"},
			steps: []step{
				{posts: []string{`420["a"]`}},
				{sleep: time.Second, posts: []string{`421["a"]`}},
				{sleep: time.Second, posts: []string{`422["a"]`}},
				{sleep: time.Second, posts: []string{`423["a"]`}},
				{sleep: time.Second, posts: []string{`424["a"]`}},
				{answer: `434["done"]`},
			},
			want:    []string{"done"},
			elapsed: 4 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newScripted(600000, 600000)
				m := f.dial(t, Options{})
				defer func() {
					_ = m.Close()
					<-m.Done()
				}()
				s := connectScripted(t, f, m, &SocketOptions{AckTimeout: time.Second, Retries: tt.retries})
				start := time.Now()
				results := make([]chan string, len(tt.emits))
				for i, name := range tt.emits {
					results[i] = make(chan string, 1)
					go func() {
						a, err := s.EmitWithAck(context.Background(), name)
						if err != nil {
							results[i] <- err.Error()
							return
						}
						var v string
						_ = a.Decode(0, &v)
						results[i] <- v
					}()
					synctest.Wait() // queued in this order
				}
				for i, st := range tt.steps {
					time.Sleep(st.sleep)
					if st.answer != "" {
						f.gets <- st.answer
					}
					synctest.Wait()
					if got := posted(f); strings.Join(got, " ") != strings.Join(st.posts, " ") {
						t.Fatalf("step %d: posted %q, want %q", i, got, st.posts)
					}
				}
				for i, want := range tt.want {
					select {
					case got := <-results[i]:
						if got != want {
							t.Errorf("%s: got %q, want %q", tt.emits[i], got, want)
						}
					default:
						t.Errorf("%s: no outcome", tt.emits[i])
					}
				}
				if got := time.Since(start); got != tt.elapsed {
					t.Errorf("took %v, want %v", got, tt.elapsed)
				}
			})
		})
	}
}

// TestRetryQueue: Emit joins the retry queue too, which is bounded, and an
// EmitWithAck whose context ends leaves it, letting the next packet go.
func TestRetryQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newScripted(600000, 600000)
		m := f.dial(t, Options{})
		s := connectScripted(t, f, m, &SocketOptions{Retries: 1, RetryQueueSize: 3})
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() {
			_, err := s.EmitWithAck(ctx, "first")
			errc <- err
		}()
		synctest.Wait()
		for _, name := range []string{"second", "third"} {
			if err := s.Emit(name); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.Emit("fourth"); !errors.Is(err, ErrRetryQueueFull) {
			t.Fatalf("Emit over the bound = %v, want ErrRetryQueueFull", err)
		}
		if _, err := s.EmitWithAck(ctx, "fourth"); !errors.Is(err, ErrRetryQueueFull) {
			t.Fatalf("EmitWithAck over the bound = %v, want ErrRetryQueueFull", err)
		}
		if err := s.EmitVolatile("volatile"); err != nil { // not queued
			t.Fatal(err)
		}
		synctest.Wait()
		// Without AckTimeout a try waits for its answer: "first" only.
		if got := posted(f); strings.Join(got, " ") != `420["first"] 42["volatile"]` {
			t.Fatalf("posted %q", got)
		}
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("EmitWithAck = %v", err)
		}
		synctest.Wait()
		if got := posted(f); strings.Join(got, " ") != `421["second"]` {
			t.Fatalf("posted %q after the cancellation, want the next packet", got)
		}
		f.gets <- `431[]`
		synctest.Wait()
		if got := posted(f); strings.Join(got, " ") != `422["third"]` {
			t.Fatalf("posted %q after the answer, want the next packet", got)
		}
		// Close drops the rest: the queue is empty afterwards.
		errc2 := make(chan error, 1)
		go func() {
			_, err := s.EmitWithAck(context.Background(), "last")
			errc2 <- err
		}()
		synctest.Wait()
		_ = m.Close()
		<-m.Done()
		if err := <-errc2; !errors.Is(err, ErrClosed) {
			t.Errorf("EmitWithAck queued at Close = %v, want ErrClosed", err)
		}
		if err := s.Emit("after"); !errors.Is(err, ErrClosed) {
			t.Errorf("Emit after Close = %v, want ErrClosed", err)
		}
	})
}

// TestRetriesServer: with the in-process server, over every transport: an
// event acknowledged only from its n-th receipt on succeeds after retries;
// one never acknowledged is tried Retries+1 times; a lost connection ends a
// try, and the packet is sent again after the reconnection. The outgoing
// handlers see every try.
func TestRetriesServer(t *testing.T) {
	run(t, func(t *testing.T, m mode) {
		tests := []struct {
			name       string
			retries    int
			ackTimeout time.Duration
			event      string
			args       []any
			wantErr    error
			want       int // the server's receipts of the event (at least, for flaky)
		}{
			// Acknowledgements may come after AckTimeout on a slow
			// machine: retry without limit, the outcome is the same.
			{"acknowledged from the third receipt", -1, 200 * time.Millisecond, "flaky", []any{"k", 3}, nil, 3},
			{"never acknowledged", 2, 100 * time.Millisecond, "ignored", nil, ErrAckTimeout, 3},
			// Without AckTimeout, only the lost connection ends a try.
			{"connection lost at each try", 1, 0, "drop", nil, ErrDisconnected, 2},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				ts := newTestServer(t, nil)
				mgr := dial(t, ts, m, &Options{ReconnectionDelay: time.Millisecond, RandomizationFactor: -1})
				s := mgr.Socket("/", &SocketOptions{Retries: tt.retries, AckTimeout: tt.ackTimeout})
				var mu sync.Mutex // guards outgoing
				var outgoing []string
				s.OnAnyOutgoing(func(e *Event) {
					if !e.WantsAck() {
						t.Errorf("a try of %s without acknowledgement request", e.Name)
					}
					mu.Lock()
					outgoing = append(outgoing, e.Name)
					mu.Unlock()
				})
				ctx, cancel := context.WithTimeout(context.Background(), wait)
				defer cancel()
				if err := s.Connect(ctx); err != nil {
					t.Fatal(err)
				}
				a, err := s.EmitWithAck(ctx, tt.event, tt.args...)
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("EmitWithAck = %v, want %v", err, tt.wantErr)
				}
				n := 0 // the receipts at the server
				if err == nil {
					_ = a.Decode(0, &n)
					if n < tt.want {
						t.Errorf("acknowledged at receipt %d, want %d or later", n, tt.want)
					}
				} else {
					// Once this is acknowledged, every try was received.
					if _, err := s.EmitWithAck(ctx, "flaky", "sync", 1); err != nil {
						t.Fatal(err)
					}
					for len(ts.events) > 0 {
						if <-ts.events == "/ "+tt.event {
							n++
						}
					}
					if n != tt.want {
						t.Errorf("the server received %d tries, want %d", n, tt.want)
					}
				}
				tries := func() int {
					mu.Lock()
					defer mu.Unlock()
					c := 0
					for _, name := range outgoing {
						if name == tt.event {
							c++
						}
					}
					return c
				}
				// The server's n-th receipt is the client's n-th try; the
				// handlers of a try sent by a timer may run after the
				// answer came.
				waitFor(t, "the outgoing handlers of every try", func() bool { return tries() >= n })
				if tries := tries(); tries != n {
					t.Errorf("OnAnyOutgoing saw %d tries, the server %d", tries, n)
				}
			})
		}
	})
}

// TestCloseFailsWaiting: Manager.Close fails the EmitWithAck calls whose
// packets wait in the send buffer or the retry queue, and later emits.
func TestCloseFailsWaiting(t *testing.T) {
	for _, retries := range []int{0, 1} {
		t.Run(fmt.Sprint("retries ", retries), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := newScripted(600000, 600000)
				m := f.dial(t, Options{})
				s := m.Socket("/", &SocketOptions{Retries: retries})
				errc := make(chan error, 1)
				go func() {
					_, err := s.EmitWithAck(context.Background(), "waiting")
					errc <- err
				}()
				synctest.Wait()
				_ = m.Close()
				<-m.Done()
				if err := <-errc; !errors.Is(err, ErrClosed) {
					t.Errorf("EmitWithAck = %v, want ErrClosed", err)
				}
				if err := s.Emit("after"); !errors.Is(err, ErrClosed) {
					t.Errorf("Emit after Close = %v, want ErrClosed", err)
				}
				if _, err := s.EmitWithAck(context.Background(), "after"); !errors.Is(err, ErrClosed) {
					t.Errorf("EmitWithAck after Close = %v, want ErrClosed", err)
				}
			})
		})
	}
}
