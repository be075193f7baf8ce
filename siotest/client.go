package siotest

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/siogo/sio/client"
	"github.com/siogo/sio/socketio"
)

// Client is one client of a Kit: a *client.Socket (embedded: Emit,
// EmitWithAck, On, Disconnect, ID...) on a Manager of its own, and a
// recorder of the events it receives and of its disconnections.
//
// The recorder keeps the last Options.MaxEvents events (default 1000),
// whether taken by Next or not, and as many disconnect reasons; older ones
// are dropped and counted by Dropped. Next and Expect take events in the
// order they arrived.
type Client struct {
	*client.Socket

	kit  *Kit
	gate *gate
	tr   *http.Transport
	m    *client.Manager
	rec  *recorder
	once sync.Once
}

// Manager returns the client's Manager (its Engine.IO connection).
func (c *Client) Manager() *client.Manager { return c.m }

// Next returns the first event named name (any event when name is "") that
// the client received and that Next has not returned yet, waiting for it
// within ctx.
func (c *Client) Next(ctx context.Context, name string) (*client.Event, error) {
	return c.rec.next(ctx, name)
}

// Expect is Next within Options.Timeout; it fails tb when no such event
// comes.
func (c *Client) Expect(tb testing.TB, name string) *client.Event {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), c.kit.opts.Timeout)
	defer cancel()
	e, err := c.Next(ctx, name)
	if err != nil {
		tb.Fatalf("siotest: client %s: no event %q: %v (received: %s)", c.ID(), name, err, c.rec.names())
	}
	return e
}

// Events returns the events the recorder keeps, oldest first.
func (c *Client) Events() []*client.Event { return c.rec.events() }

// Dropped returns the number of events and disconnect reasons the
// recorder dropped because it kept Options.MaxEvents of them.
func (c *Client) Dropped() int { return c.rec.dropped() }

// Disconnected returns the reason of the first disconnection of the
// socket that it has not returned yet ("io server disconnect", "io client
// disconnect", "ping timeout", "transport close"...), waiting for it within
// ctx.
func (c *Client) Disconnected(ctx context.Context) (string, error) {
	return c.rec.nextReason(ctx)
}

// ExpectDisconnect is Disconnected within Options.Timeout; it fails tb when
// the socket does not disconnect.
func (c *Client) ExpectDisconnect(tb testing.TB) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), c.kit.opts.Timeout)
	defer cancel()
	r, err := c.Disconnected(ctx)
	if err != nil {
		tb.Fatalf("siotest: client %s: no disconnection: %v", c.ID(), err)
	}
	return r
}

// Call emits event with args and returns the server's acknowledgement,
// waiting for it within Options.Timeout; it fails tb on error.
func (c *Client) Call(tb testing.TB, event string, args ...any) *socketio.Args {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), c.kit.opts.Timeout)
	defer cancel()
	reply, err := c.EmitWithAck(ctx, event, args...)
	if err != nil {
		tb.Fatalf("siotest: %s: %v", event, err)
	}
	return reply
}

// Suspend holds the client's traffic both ways, as a network partition
// would: the bytes in transit, a close included, stay in the in-memory
// network until Resume, and writers wait once 256 KiB are in transit
// (the server's writes time out on their own deadlines). Neither side
// notices but through its timers: the server's heartbeat closes the
// session with "ping timeout", and so does the client's, after
// pingInterval + pingTimeout. Connections made while suspended are
// suspended too.
func (c *Client) Suspend() { c.gate.set(true) }

// Resume lets the client's traffic flow again after Suspend.
func (c *Client) Resume() { c.gate.set(false) }

// Close closes the client's Manager (the server sees "client namespace
// disconnect", the recorder "io client disconnect" when the socket was
// connected) after resuming its traffic, and waits for its last handler.
// The Kit closes its clients when it closes; Close is idempotent.
func (c *Client) Close() {
	c.once.Do(func() {
		c.Resume()
		if c.m != nil {
			_ = c.m.Close()
			<-c.m.Done()
		}
		c.tr.CloseIdleConnections()
		c.kit.forget(c)
	})
}

// Arg decodes argument i of args (an event's Args, or the reply of
// EmitWithAck or Call) into a T; it fails tb when it cannot.
func Arg[T any](tb testing.TB, args *socketio.Args, i int) T {
	tb.Helper()
	var v T
	if args == nil {
		tb.Fatalf("siotest: argument %d of nil Args", i)
		return v
	}
	if err := args.Decode(i, &v); err != nil {
		tb.Fatalf("siotest: argument %d (%s) as %T: %v", i, args.Raw(i), v, err)
	}
	return v
}

// recorder keeps what a client received, bounded.
type recorder struct {
	max int

	mu sync.Mutex // guards the fields below
	// evs holds the kept events, oldest first; taken[i] is set once Next
	// returned evs[i].
	evs   []*client.Event
	taken []bool
	// reasons holds the disconnect reasons not returned yet.
	reasons []string
	drops   int
	// wake, when not nil, is closed at the next change.
	wake chan struct{}
}

func newRecorder(max int) *recorder { return &recorder{max: max} }

func (r *recorder) changedLocked() {
	if r.wake != nil {
		close(r.wake)
		r.wake = nil
	}
}

func (r *recorder) waitLocked() <-chan struct{} {
	if r.wake == nil {
		r.wake = make(chan struct{})
	}
	return r.wake
}

// event records e; it is the client's OnAny handler.
func (r *recorder) event(e *client.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.evs) >= r.max {
		r.evs[0] = nil
		r.evs, r.taken = r.evs[1:], r.taken[1:]
		r.drops++
	}
	r.evs = append(r.evs, e)
	r.taken = append(r.taken, false)
	r.changedLocked()
}

// disconnect records a disconnect reason; it is the client's OnDisconnect
// handler.
func (r *recorder) disconnect(reason string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.reasons) >= r.max {
		r.reasons = r.reasons[1:]
		r.drops++
	}
	r.reasons = append(r.reasons, reason)
	r.changedLocked()
}

func (r *recorder) next(ctx context.Context, name string) (*client.Event, error) {
	for {
		r.mu.Lock()
		for i, e := range r.evs {
			if !r.taken[i] && (name == "" || e.Name == name) {
				r.taken[i] = true
				r.mu.Unlock()
				return e, nil
			}
		}
		wake := r.waitLocked()
		r.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (r *recorder) nextReason(ctx context.Context) (string, error) {
	for {
		r.mu.Lock()
		if len(r.reasons) > 0 {
			reason := r.reasons[0]
			r.reasons = r.reasons[1:]
			r.mu.Unlock()
			return reason, nil
		}
		wake := r.waitLocked()
		r.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
}

func (r *recorder) events() []*client.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*client.Event(nil), r.evs...)
}

func (r *recorder) dropped() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.drops
}

// names describes the kept events, for failure messages.
func (r *recorder) names() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := fmt.Sprint(len(r.evs), " events")
	for i, e := range r.evs {
		if i == 10 {
			s += ", ..."
			break
		}
		mark := ""
		if r.taken[i] {
			mark = " (taken)"
		}
		s += fmt.Sprintf(", %q%s", e.Name, mark)
	}
	return s
}
