package request

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/siogo/sio/socketio"
)

// DefaultTimeout is Node's requestsTimeout: how long a request waits for
// the other servers when an adapter's option leaves it zero.
const DefaultTimeout = 5 * time.Second

// Timeout returns d, or DefaultTimeout when d is not positive.
func Timeout(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultTimeout
	}
	return d
}

// Logger returns l, or slog.Default() when l is nil.
func Logger(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.Default()
	}
	return l
}

// Ack is a broadcast with acks this server sent, waiting for the other
// servers' client counts and their clients' acks.
type Ack struct {
	ClientCount func(int)
	Ack         func(*socketio.Args)
}

// TimeoutFunc makes the error of a request that timed out: kind names the
// request, got and expected count its responses and err is its ctx's
// error. It is called with no lock held.
type TimeoutFunc func(kind string, got, expected int, err error) error

// Table holds one adapter's requests waiting for responses and its
// broadcasts waiting for acks, each under its request id.
type Table struct {
	timeout    time.Duration
	closedErr  error
	timeoutErr TimeoutFunc

	// mu guards the fields below; never held across a foreign call.
	mu      sync.Mutex
	closed  bool
	pending map[string]*Pending
	acks    map[string]*Ack
}

// NewTable returns an empty table whose requests wait at most timeout,
// fail with closedErr once the table is closed and with timeoutErr's
// error when their responses do not all come in time.
func NewTable(timeout time.Duration, closedErr error, timeoutErr TimeoutFunc) *Table {
	return &Table{
		timeout:    timeout,
		closedErr:  closedErr,
		timeoutErr: timeoutErr,
		pending:    make(map[string]*Pending),
		acks:       make(map[string]*Ack),
	}
}

// Timeout returns how long a request waits at most.
func (t *Table) Timeout() time.Duration { return t.timeout }

// Close finishes every waiting request with the closed error and forgets
// the acks; later registrations fail with it.
func (t *Table) Close() {
	t.mu.Lock()
	t.closed = true
	pending := t.pending
	t.pending = make(map[string]*Pending)
	clear(t.acks)
	t.mu.Unlock()
	for _, p := range pending {
		p.Finish(t.closedErr)
	}
}

// AddAck registers a broadcast with acks under id until ctx ends. It fails
// with the closed error once the table is closed.
func (t *Table) AddAck(ctx context.Context, id string, a *Ack) error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return t.closedErr
	}
	t.acks[id] = a
	t.mu.Unlock()
	context.AfterFunc(ctx, func() {
		t.mu.Lock()
		delete(t.acks, id)
		t.mu.Unlock()
	})
	return nil
}

// Ack returns the broadcast with acks registered under id, or nil.
func (t *Table) Ack(id string) *Ack {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.acks[id]
}

// Pending returns the request waiting under id, or nil.
func (t *Table) Pending(id string) *Pending {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pending[id]
}

// Request registers p under id, calls publish (with a ctx bounded by the
// table's timeout) and waits until p has its expected responses, the
// table closes (the closed error), or the timeout or ctx ends (the
// timeout error, p keeping what it got), or publish fails (its error).
// p is unregistered and ended on return.
func (t *Table) Request(ctx context.Context, id string, p *Pending, publish func(ctx context.Context) error) error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return t.closedErr
	}
	t.pending[id] = p
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		if t.pending[id] == p {
			delete(t.pending, id)
		}
		t.mu.Unlock()
	}()
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	if err := publish(ctx); err != nil {
		p.Finish(err)
		return err
	}
	select {
	case <-p.done:
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.err
	case <-ctx.Done():
		p.mu.Lock()
		if p.finished { // finished while ctx ended: take the result
			err := p.err
			p.mu.Unlock()
			return err
		}
		p.finished = true
		close(p.done)
		got := p.got
		p.mu.Unlock()
		// Not under p.mu: timeoutErr tells the namespace's observer.
		return t.timeoutErr(p.kind, got, p.expected, ctx.Err())
	}
}

// Pending is a request waiting for the other servers' responses: it
// finishes once it counted expected of them. Its results are read once
// [Table.Request] returned.
type Pending struct {
	kind     string
	expected int
	done     chan struct{} // closed when finished

	// mu guards the fields below.
	mu        sync.Mutex
	got       int
	finished  bool
	err       error
	sockets   []*socketio.RemoteSocket
	rooms     map[string]struct{}
	responses []*socketio.Args
}

// NewPending returns a request named kind (for its timeout error) that
// has got responses already and finishes at expected (at once when got
// reaches it).
func NewPending(kind string, got, expected int) *Pending {
	p := &Pending{kind: kind, got: got, expected: expected, done: make(chan struct{})}
	if got >= expected {
		p.finished = true
		close(p.done)
	}
	return p
}

// Kind returns the request's name.
func (p *Pending) Kind() string { return p.kind }

// Finish ends the request with err (nil: complete) unless it has ended.
func (p *Pending) Finish(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.finished {
		p.finished = true
		p.err = err
		close(p.done)
	}
}

// respond counts one response, applying add first; a response to an ended
// request is dropped. p.mu is taken.
func (p *Pending) respond(add func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	p.got++
	add()
	if p.got >= p.expected {
		p.finished = true
		close(p.done)
	}
}

// AddSockets counts a fetch response with its sockets.
func (p *Pending) AddSockets(s ...*socketio.RemoteSocket) {
	p.respond(func() { p.sockets = append(p.sockets, s...) })
}

// AddRooms counts a rooms response with its rooms.
func (p *Pending) AddRooms(rooms ...string) {
	p.respond(func() {
		if p.rooms == nil {
			p.rooms = make(map[string]struct{}, len(rooms))
		}
		for _, r := range rooms {
			p.rooms[r] = struct{}{}
		}
	})
}

// AddArgs counts a server-side emit response with its ack arguments.
func (p *Pending) AddArgs(a *socketio.Args) {
	p.respond(func() { p.responses = append(p.responses, a) })
}

// Sockets returns the sockets collected, after local, this server's own.
func (p *Pending) Sockets(local []*socketio.RemoteSocket) []*socketio.RemoteSocket {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append(local, p.sockets...)
}

// Rooms returns the rooms collected and local, each once, in no order.
func (p *Pending) Rooms(local []string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	set := make(map[string]struct{}, len(p.rooms)+len(local))
	for _, r := range local {
		set[r] = struct{}{}
	}
	for r := range p.rooms {
		set[r] = struct{}{}
	}
	out := make([]string, 0, len(set))
	for r := range set {
		out = append(out, r)
	}
	return out
}

// Responses returns the ack arguments collected, in arrival order.
func (p *Pending) Responses() []*socketio.Args {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.responses
}

// Shared is the state (a hub) the adapters of one factory share: made
// with the first adapter attached, counted per instance, and handed back
// for stopping when its last adapter detaches. The zero value is ready.
type Shared[H comparable] struct {
	// mu guards cur and refs.
	mu   sync.Mutex
	cur  H
	refs map[H]int
}

// Attach returns the current hub, made by start when there is none, and
// counts one adapter on it. start runs under Shared's lock: it must not
// block.
func (s *Shared[H]) Attach(start func() H) H {
	s.mu.Lock()
	defer s.mu.Unlock()
	var zero H
	if s.cur == zero {
		s.cur = start()
	}
	if s.refs == nil {
		s.refs = make(map[H]int)
	}
	s.refs[s.cur]++
	return s.cur
}

// Detach uncounts one adapter of h and reports whether it was the last
// one, when the caller stops h; a later Attach makes a new hub.
func (s *Shared[H]) Detach(h H) (last bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refs[h]--
	if s.refs[h] > 0 {
		return false
	}
	delete(s.refs, h)
	var zero H
	if s.cur == h {
		s.cur = zero
	}
	return true
}

// Broadcaster is a local broadcast with acks: a MemoryAdapter's
// BroadcastWithAck with its packet and selection bound.
type Broadcaster func(ctx context.Context, clientCount func(int), ack func(*socketio.Args)) error

// AnswerAcks answers another server's broadcast with acks: it runs
// broadcast within timeout of parent, passing the local client count to
// clientCount and each client's ack to ack (which publish them to the
// requester), and ends the broadcast's ctx once every counted client
// acked, or at the timeout.
func AnswerAcks(parent context.Context, timeout time.Duration, broadcast Broadcaster, clientCount func(int), ack func(*socketio.Args)) {
	ctx, cancel := context.WithTimeout(parent, timeout)
	var (
		mu       sync.Mutex // guards expected and acked
		expected = -1
		acked    int
	)
	count := func(n, more int) {
		mu.Lock()
		defer mu.Unlock()
		if n >= 0 {
			expected = n
		}
		acked += more
		if expected >= 0 && acked >= expected {
			cancel()
		}
	}
	err := broadcast(ctx,
		func(n int) {
			clientCount(n)
			count(n, 0)
		},
		func(args *socketio.Args) {
			ack(args)
			count(-1, 1)
		})
	if err != nil {
		cancel()
	}
}
