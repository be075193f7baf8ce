package socketio

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/siogo/sio/socketio/parser"
)

// startAdapter is a MemoryAdapter with a Start that blocks until release is
// closed (when set) and fails its first failures calls, and that counts its
// starts and closes.
type startAdapter struct {
	*MemoryAdapter
	release  chan struct{}
	failures atomic.Int32
	starts   atomic.Int32
	closes   atomic.Int32
	onAddAll func(id string) // called by AddAll, when set
}

func (a *startAdapter) Start(ctx context.Context) error {
	a.starts.Add(1)
	if a.release != nil {
		select {
		case <-a.release:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if a.failures.Add(-1) >= 0 {
		return errors.New("cannot reach 10.0.0.7:6379")
	}
	return nil
}

func (a *startAdapter) AddAll(id string, rooms []string) {
	a.MemoryAdapter.AddAll(id, rooms)
	if a.onAddAll != nil {
		a.onAddAll(id)
	}
}

func (a *startAdapter) Close() error {
	a.closes.Add(1)
	return a.MemoryAdapter.Close()
}

// adapterFactory makes startAdapters configured by setup, and keeps them.
type adapterFactory struct {
	setup func(name string, a *startAdapter)

	mu   sync.Mutex // guards made
	made []*startAdapter
}

func (f *adapterFactory) new(n *Namespace) Adapter {
	a := &startAdapter{MemoryAdapter: NewMemoryAdapter(n)}
	if f.setup != nil {
		f.setup(n.Name(), a)
	}
	f.mu.Lock()
	f.made = append(f.made, a)
	f.mu.Unlock()
	return a
}

func (f *adapterFactory) adapters() []*startAdapter {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.made)
}

func TestAdapterStart(t *testing.T) {
	const unavailable = `{"message":"Namespace unavailable"}`
	tests := []struct {
		name string
		// setup configures the adapter of each namespace.
		setup func(name string, a *startAdapter)
		run   func(t *testing.T, s *Server, release chan struct{})
	}{
		{
			name: "a slow start blocks only its namespace's CONNECTs",
			setup: func(name string, a *startAdapter) {
				if name == "/slow" {
					a.release = make(chan struct{})
				}
			},
			run: func(t *testing.T, s *Server, _ chan struct{}) {
				slow := s.Of("/slow") // returns while its start blocks
				s.Of("/fast")
				a, b, c := dial(t, s), dial(t, s), dial(t, s)
				a.send("0/slow,")
				c.send("0/slow,")
				if got := a.settle(); len(got) != 0 {
					t.Fatalf("CONNECT answered before the start ended: %q", got)
				}
				b.connect("/fast")
				b.connect("/")
				s.Of("/another")
				ad := slow.Adapter().(*startAdapter)
				if n := ad.starts.Load(); n != 1 {
					t.Fatalf("%d starts for concurrent CONNECTs, want 1", n)
				}
				close(ad.release)
				for _, tc := range []*testClient{a, c} {
					got := tc.settle()
					if len(got) != 1 || !strings.HasPrefix(got[0], `0/slow,{"sid":`) {
						t.Fatalf("after the start: %q, want a CONNECT reply", got)
					}
				}
			},
		},
		{
			name: "a failing start refuses the CONNECT and the next one retries",
			setup: func(name string, a *startAdapter) {
				if name == "/flaky" {
					a.failures.Store(2) // the background start of Of, and the first CONNECT's
				}
			},
			run: func(t *testing.T, s *Server, _ chan struct{}) {
				n := s.Of("/flaky")
				synctest.Wait()
				// The second failure, the first being the background start's.
				if err := n.Start(context.Background()); err == nil || !strings.Contains(err.Error(), "cannot reach") {
					t.Fatalf("Start = %v, want the adapter's error", err)
				}
				n.Adapter().(*startAdapter).failures.Store(1)
				a := dial(t, s)
				a.send("0/flaky,")
				if got := a.settle(); !slices.Equal(got, []string{"4/flaky," + unavailable}) {
					t.Fatalf("failed start: got %q", got)
				}
				a.connect("/flaky")
				if err := n.Start(context.Background()); err != nil {
					t.Fatalf("Start after success: %v", err)
				}
				if got := n.Adapter().(*startAdapter).starts.Load(); got != 4 {
					t.Fatalf("%d starts, want 4 (Of, Start, failed CONNECT, CONNECT)", got)
				}
			},
		},
		{
			name: "a dynamic namespace's child starts on its first CONNECT",
			setup: func() func(name string, a *startAdapter) {
				var once sync.Once
				return func(name string, a *startAdapter) {
					if name == "/room-1" {
						once.Do(func() { a.failures.Store(1) })
					}
				}
			}(),
			run: func(t *testing.T, s *Server, _ chan struct{}) {
				s.OfFunc(func(name string, _ []byte) bool { return len(name) > 6 && name[:6] == "/room-" })
				a := dial(t, s)
				a.send("0/room-1,")
				if got := a.settle(); !slices.Equal(got, []string{"4/room-1," + unavailable}) {
					t.Fatalf("failed child start: got %q", got)
				}
				s.mu.RLock()
				_, ok := s.nsps["/room-1"]
				s.mu.RUnlock()
				if ok {
					t.Fatal("the child whose start failed is still registered")
				}
				a.connect("/room-1") // a new child, whose adapter starts
				a.connect("/room-2")
			},
		},
		{
			name: "a start outliving the connect timeout refuses the CONNECT",
			setup: func(name string, a *startAdapter) {
				if name == "/stuck" {
					a.release = make(chan struct{})
				}
			},
			run: func(t *testing.T, s *Server, _ chan struct{}) {
				n := s.Of("/stuck")
				a := dial(t, s)
				a.send("0/stuck,")
				time.Sleep(s.opts.ConnectTimeout + time.Second)
				if got := a.settle(); !slices.Equal(got, []string{`4/stuck,{"message":"Connection timeout"}`}) {
					t.Fatalf("got %q", got)
				}
				close(n.Adapter().(*startAdapter).release)
				b := dial(t, s)
				b.connect("/stuck")
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := &adapterFactory{setup: tt.setup}
				s := newTestServer(t, &Options{Adapter: f.new, ConnectTimeout: 10 * time.Second})
				tt.run(t, s, nil)
			})
		})
	}
}

// TestAcceptUnlocked checks that accept calls the adapter unlocked (an
// AddAll reaching the socket's locked methods would deadlock the bubble),
// and that a broadcast made while the CONNECT reply is on its way follows
// the reply.
func TestAcceptUnlocked(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var s *Server
		f := &adapterFactory{setup: func(name string, a *startAdapter) {
			a.onAddAll = func(id string) {
				so, ok := a.Namespace().Socket(id)
				if !ok {
					return
				}
				so.SetData("seen")
				_ = so.Data()
				_ = s.Of(name).To(id).Emit("early")
			}
		}}
		s = newTestServer(t, &Options{Adapter: f.new})
		a := dial(t, s)
		a.send("0")
		got := a.settle()
		if len(got) != 2 || got[0][:1] != "0" || got[1] != `2["early"]` {
			t.Fatalf("got %q, want the CONNECT reply then the early event", got)
		}
	})
}

// TestParentBroadcastAdapter checks that a dynamic namespace gets no
// adapter from the factory, that its broadcasts go through its children's
// adapters, and that Shutdown closes every adapter the factory made once.
func TestParentBroadcastAdapter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := &adapterFactory{}
		s := NewServer(&Options{Adapter: f.new, Logger: quietLog, KeepEmptyChildNamespaces: true})
		before := len(f.adapters()) // "/"
		parent := s.OfFunc(func(name string, _ []byte) bool { return len(name) > 4 && name[:4] == "/ch-" })
		if got := len(f.adapters()); got != before {
			t.Fatalf("OfFunc ran the factory (%d adapters, want %d)", got, before)
		}
		if _, ok := parent.Adapter().(*parentAdapter); !ok {
			t.Fatalf("parent adapter is %T", parent.Adapter())
		}
		a, b := dial(t, s), dial(t, s)
		sa := a.connect("/ch-a")
		b.connect("/ch-b")
		sa.Join("red")
		tests := []struct {
			name  string
			emit  func() error
			wantA []string
			wantB []string
		}{
			{"every child", func() error { return parent.Emit("hi") }, []string{`2/ch-a,["hi"]`}, []string{`2/ch-b,["hi"]`}},
			{"a room of the children", func() error { return parent.To("red").Emit("red") }, []string{`2/ch-a,["red"]`}, nil},
			{"except a room", func() error { return parent.Except("red").Emit("x") }, nil, []string{`2/ch-b,["x"]`}},
			{"the adapter itself", func() error {
				p, err := eventPacket(parent.Name(), "raw", nil)
				if err != nil {
					return err
				}
				return parent.Adapter().Broadcast(context.Background(), p, &BroadcastOptions{})
			}, []string{`2/ch-a,["raw"]`}, []string{`2/ch-b,["raw"]`}},
		}
		for _, tt := range tests {
			if err := tt.emit(); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if got := a.settle(); !slices.Equal(got, tt.wantA) {
				t.Errorf("%s: a got %q, want %q", tt.name, got, tt.wantA)
			}
			if got := b.settle(); !slices.Equal(got, tt.wantB) {
				t.Errorf("%s: b got %q, want %q", tt.name, got, tt.wantB)
			}
		}
		// Namespaces made by racing goroutines: the losers' adapters are
		// closed at once.
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() { s.Of("/raced") })
		}
		wg.Wait()
		if err := s.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		s.Of("/late") // made after Shutdown: closed at once
		made := f.adapters()
		if len(made) < 5 {
			t.Fatalf("%d adapters made, want at least 5", len(made))
		}
		for i, ad := range made {
			if n := ad.closes.Load(); n != 1 {
				t.Errorf("adapter %d (%s) closed %d times, want 1", i, ad.Namespace().Name(), n)
			}
		}
	})
}

// ctxAdapter is a startAdapter that records the ctx of its broadcasts.
type ctxAdapter struct {
	*startAdapter
	onClose func()

	mu   sync.Mutex // guards ctxs
	ctxs []context.Context
}

func (a *ctxAdapter) Broadcast(ctx context.Context, p *parser.Packet, opts *BroadcastOptions) error {
	a.mu.Lock()
	a.ctxs = append(a.ctxs, ctx)
	a.mu.Unlock()
	return a.startAdapter.Broadcast(ctx, p, opts)
}

func (a *ctxAdapter) Close() error {
	if a.onClose != nil {
		a.onClose()
	}
	return a.startAdapter.Close()
}

// TestAdapterCallsUnlocked checks the lifecycle's rules about locks and
// contexts: the adapter factory runs without the server's lock (a factory
// that blocks, as one doing I/O would, holds only its own CONNECT, and a
// factory may call the server), the adapter of a removed child is closed
// without it (its Close may call the server), and the ctx of an Emit's
// adapter call ends with Shutdown.
func TestAdapterCallsUnlocked(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		var s *Server
		var (
			mu   sync.Mutex // guards made
			made = map[string]*ctxAdapter{}
		)
		factory := func(n *Namespace) Adapter {
			a := &ctxAdapter{startAdapter: &startAdapter{MemoryAdapter: NewMemoryAdapter(n)}}
			switch n.Name() {
			case "/slow-1":
				<-release
				s.Of("/from-factory")
			case "/slow-2":
				a.onClose = func() { s.Of("/from-close") }
			}
			mu.Lock()
			made[n.Name()] = a
			mu.Unlock()
			return a
		}
		s = NewServer(&Options{Adapter: factory, Logger: quietLog})
		s.OfFunc(func(name string, _ []byte) bool { return strings.HasPrefix(name, "/slow-") })
		a, b := dial(t, s), dial(t, s)
		sent := make(chan struct{})
		go func() {
			a.send("0/slow-1,") // runs the blocking factory
			close(sent)
		}()
		synctest.Wait()
		// The server goes on meanwhile.
		b.connect("/")
		b.connect("/slow-2")
		s.Of("/static")
		close(release)
		<-sent
		if got := a.settle(); len(got) != 1 || !strings.HasPrefix(got[0], `0/slow-1,{"sid":`) {
			t.Fatalf("after the factory returned: %q", got)
		}
		// The empty child is removed and its adapter closed, unlocked.
		b.send("1/slow-2,")
		synctest.Wait()
		mu.Lock()
		child := made["/slow-2"]
		_, fromClose := made["/from-close"]
		_, fromFactory := made["/from-factory"]
		root := made["/"]
		mu.Unlock()
		if child.closes.Load() != 1 || !fromClose || !fromFactory {
			t.Fatalf("child closed %d times, namespaces made by Close %v, by the factory %v", child.closes.Load(), fromClose, fromFactory)
		}
		if err := s.Emit("hi"); err != nil {
			t.Fatal(err)
		}
		root.mu.Lock()
		ctxs := slices.Clone(root.ctxs)
		root.mu.Unlock()
		if len(ctxs) != 1 || ctxs[0].Err() != nil {
			t.Fatalf("%d broadcasts, want 1 with a live ctx", len(ctxs))
		}
		if err := s.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
		if ctxs[0].Err() == nil {
			t.Fatal("the Emit's ctx did not end with Shutdown")
		}
	})
}
