package socketio

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio/parser"
)

// Kinds of work items in a socket's queue.
const (
	itemEvent uint8 = iota
	itemConnect
	itemClose
)

// item is one unit of work for a socket's handlers.
type item struct {
	kind   uint8
	name   string   // event name
	body   []byte   // event arguments (after the name) or CONNECT auth
	att    [][]byte // binary attachments
	id     int64    // ack id or parser.NoID
	reason DisconnectReason
}

// queue is a socket's bounded FIFO of work items with at most one worker
// goroutine, which exists only while there is work: an idle socket holds
// no goroutine and no buffer (see ringPool). It is the one place
// where the order of a socket's events is kept and where a client faster
// than its handlers is pushed back: a full queue blocks the connection's
// reader (see push).
type queue struct {
	mu       sync.Mutex    // guards every field below
	buf      []item        // ring buffer
	head, n  int           // first item and item count in buf
	running  bool          // a worker goroutine runs
	busy     bool          // the worker is running an item's handlers
	closed   bool          // the close item is queued; no more events
	inflight int           // handlers running with ConcurrentEvents
	bytes    int           // size of the events queued or running
	space    chan struct{} // non-nil while push waits for room
}

// size is what an event counts against Options.EventQueueBytes.
func (it *item) size() int {
	n := len(it.name) + len(it.body)
	for _, a := range it.att {
		n += len(a)
	}
	return n
}

// fullLocked reports whether an event of size must wait for room. q.mu is
// held.
func (q *queue) fullLocked(o *Options, size int) bool {
	return q.n+q.inflight >= o.EventQueueSize || (q.bytes > 0 && q.bytes+size > o.EventQueueBytes)
}

// idleQueueCap is the ring capacity dropEventsLocked shrinks a ring to.
const idleQueueCap = 8

// ringSize is the capacity of a queue's first ring; a ring grows by
// doubling.
const ringSize = 4

// ringPool holds the rings of ringSize items of drained queues: a worker
// that exits puts its ring back (when it has not grown), so that an idle
// socket holds none and a busy one mostly allocates none.
var ringPool = sync.Pool{New: func() any { return new([ringSize]item) }}

// releaseLocked drops the ring of a drained queue, into ringPool when it
// is of ringSize. q.mu is held.
func (q *queue) releaseLocked() {
	if len(q.buf) == ringSize {
		ringPool.Put((*[ringSize]item)(q.buf))
	}
	q.buf, q.head = nil, 0
}

// push appends it to the queue, starting the worker when none runs.
//
// An event waits while the queue is full (Options.EventQueueSize events
// waiting or, with ConcurrentEvents, running, or Options.EventQueueBytes
// bytes of events waiting or running): push runs on the
// connection's reading goroutine, so the server then reads nothing more
// from that client, which is the backpressure on a client faster than the
// socket's handlers. The wait ends when the worker takes an event, or, and
// the event is dropped (false), when the socket or its connection closes;
// the engine closes a connection whose reader waits with no progress for
// a whole ping timeout (see engineio.Session.OnMessageBlocking). Events
// pushed after the socket closed are dropped too. Connect and close items
// always fit.
func (s *Socket) push(it item) bool {
	srv := s.nsp.srv
	q := &s.q
	q.mu.Lock()
	if it.kind == itemEvent {
		size := it.size()
		for !q.closed && q.fullLocked(srv.opts, size) {
			if q.space == nil {
				q.space = make(chan struct{})
			}
			ch := q.space
			q.mu.Unlock()
			select {
			case <-ch:
			case <-s.client.conn.Closing():
				return false
			}
			q.mu.Lock()
		}
		if q.closed {
			q.mu.Unlock()
			return false
		}
		q.bytes += size
		if srv.opts.ConcurrentEvents {
			q.inflight++
			q.mu.Unlock()
			srv.wg.Add(1)
			go func() {
				defer srv.wg.Done()
				s.runEvent(&it)
				q.mu.Lock()
				q.inflight--
				q.bytes -= size
				q.roomLocked()
				q.mu.Unlock()
			}()
			return true
		}
	}
	if it.kind == itemClose {
		q.closed = true
		if q.busy {
			// A handler runs, maybe blocked, and the client is gone:
			// release the events waiting behind it rather than hold them
			// until it returns (see Ordering in the package doc).
			q.dropEventsLocked()
		}
		q.roomLocked()
	}
	if q.buf == nil {
		q.buf, q.head = ringPool.Get().(*[ringSize]item)[:], 0
	} else if q.n == len(q.buf) {
		nb := make([]item, 2*len(q.buf))
		for i := 0; i < q.n; i++ {
			nb[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
	q.buf[(q.head+q.n)%len(q.buf)] = it
	q.n++
	if !q.running {
		q.running = true
		srv.wg.Add(1)
		go s.work()
	}
	q.mu.Unlock()
	return true
}

// work runs the queued items one at a time, and exits when the queue is
// empty.
func (s *Socket) work() {
	q := &s.q
	defer s.nsp.srv.wg.Done()
	ran := 0 // size of the event just run
	for {
		q.mu.Lock()
		q.busy = false
		if ran > 0 {
			q.bytes -= ran
			ran = 0
			q.roomLocked()
		}
		if q.n == 0 {
			q.running = false
			q.releaseLocked()
			q.mu.Unlock()
			return
		}
		it := q.buf[q.head]
		q.buf[q.head] = item{}
		q.head = (q.head + 1) % len(q.buf)
		q.n--
		q.busy = true
		q.roomLocked()
		q.mu.Unlock()
		switch it.kind {
		case itemEvent:
			ran = it.size()
			s.runEvent(&it)
		case itemConnect:
			s.runConnect(it.body)
		case itemClose:
			s.runClose(it.reason)
		}
	}
}

// roomLocked wakes a push waiting for room. q.mu is held.
func (q *queue) roomLocked() {
	if q.space != nil {
		close(q.space)
		q.space = nil
	}
}

// dropEventsLocked drops the events waiting in the queue, keeping the
// other items in order. q.mu is held.
func (q *queue) dropEventsLocked() {
	kept := 0
	for i := range q.n {
		it := q.buf[(q.head+i)%len(q.buf)]
		if it.kind != itemEvent {
			q.buf[(q.head+kept)%len(q.buf)] = it
			kept++
		} else {
			q.bytes -= it.size()
		}
	}
	for i := kept; i < q.n; i++ {
		q.buf[(q.head+i)%len(q.buf)] = item{}
	}
	q.n = kept
	if len(q.buf) > idleQueueCap && q.n <= idleQueueCap {
		nb := make([]item, idleQueueCap)
		for i := range q.n {
			nb[i] = q.buf[(q.head+i)%len(q.buf)]
		}
		q.buf, q.head = nb, 0
	}
}

// safely runs fn, recovering (and logging) a panic as an error.
func (s *Socket) safely(what, event string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = s.panicked(what, event, r)
		}
	}()
	return fn()
}

// panicked logs a recovered panic and returns it as an error.
func (s *Socket) panicked(what, event string, r any) error {
	s.nsp.srv.log.Error("socketio: handler panicked", "what", what, "event", event, "socket", s.id, "namespace", s.nsp.name, "panic", r, "stack", string(debug.Stack()))
	if f := s.nsp.srv.obs.Panic; f != nil {
		f(s.nsp, what)
	}
	return &panicError{what: what, value: r}
}

// runConnect runs the namespace's middleware and connection handler, then
// accepts or rejects the socket.
func (s *Socket) runConnect(auth []byte) {
	n := s.nsp
	if s.state.Load() != stateConnecting {
		return
	}
	// The adapter's start (see AdapterStarter), shared with the other
	// sockets connecting to n; s.ctx ends at the connect timeout.
	if err := n.Start(s.ctx); err != nil {
		if s.ctx.Err() == nil {
			n.srv.log.Warn("socketio: refusing a connection, the namespace's adapter did not start", "namespace", n.name, "socket", s.id, "error", err)
			s.reject(ErrNamespaceUnavailable)
		}
		return
	}
	if n.srv.opts.ConnectionStateRecovery != nil {
		s.restore(auth)
		if s.state.Load() != stateConnecting {
			return // timed out, or closed, meanwhile
		}
	}
	if s.recovered != nil {
		n.adapter.AddAll(s.id, s.recovered.Rooms)
	}
	n.hooks.mu.RLock()
	mws := n.hooks.middlewares
	onConnect := n.hooks.onConnect
	n.hooks.mu.RUnlock()
	rec := n.srv.opts.ConnectionStateRecovery
	var err error
	if s.recovered == nil || !rec.skipMiddlewares() {
		for _, m := range mws {
			if err = s.safely("middleware", "connect", func() error { return m(s.ctx, s) }); err != nil {
				break
			}
		}
	}
	if err == nil && onConnect != nil {
		err = s.safely("connection handler", "connect", func() error { return onConnect(s.ctx, s, auth) })
	}
	if err != nil {
		s.reject(err)
		return
	}
	if !s.accept() {
		n.adapter.DelAll(s.id)
	}
}

// runClose runs the disconnect hooks around leaving the rooms.
func (s *Socket) runClose(reason DisconnectReason) {
	ctx := context.WithoutCancel(s.ctx)
	var disconnecting, disconnect []DisconnectHandler
	s.mu.Lock()
	if s.ls != nil {
		disconnecting, disconnect = s.ls.onDisconnecting, s.ls.onDisconnect
	}
	s.mu.Unlock()
	if f := s.nsp.srv.obs.SocketDisconnected; f != nil {
		f(s, reason)
	}
	for _, h := range disconnecting {
		_ = s.safely("disconnecting handler", "disconnecting", func() error { h(ctx, s, reason); return nil })
	}
	n := s.nsp
	if n.srv.opts.ConnectionStateRecovery != nil && recoverable(reason) {
		n.adapter.PersistSession(&SessionState{SID: s.id, PID: s.pid, Rooms: n.adapter.SocketRooms(s.id), Data: s.Data()})
	}
	n.adapter.DelAll(s.id)
	n.remove(s)
	for _, h := range disconnect {
		_ = s.safely("disconnect handler", "disconnect", func() error { h(ctx, s, reason); return nil })
	}
}

// recoverable reports whether a socket disconnected for reason may recover
// its state (Node's RECOVERABLE_DISCONNECT_REASONS).
func recoverable(reason DisconnectReason) bool {
	switch reason {
	case ReasonTransportError, ReasonTransportClose, ReasonForcedClose, ReasonPingTimeout, ReasonServerShuttingDown, ReasonForcedServerClose:
		return true
	}
	return false
}

// argsPool recycles the Args handed to event handlers, which are valid only
// during the call.
var argsPool = sync.Pool{New: func() any { return new(Args) }}

// runEvent calls the OnAny listeners and then the event's handler.
func (s *Socket) runEvent(it *item) {
	args := argsPool.Get().(*Args)
	*args = newArgsBody(it.body, it.att)
	defer func() {
		*args = Args{}
		argsPool.Put(args)
	}()
	var anys []AnyHandler
	s.mu.Lock()
	if s.ls != nil {
		anys = s.ls.onAny
	}
	h := s.handlers[it.name]
	d := s.dispatcher
	s.mu.Unlock()
	if h == nil {
		s.nsp.hooks.mu.RLock()
		h = s.nsp.hooks.handlers[it.name]
		s.nsp.hooks.mu.RUnlock()
	}
	obs := &s.nsp.srv.obs
	ctx := s.ctx
	if obs.EventStart != nil {
		ctx = obs.EventStart(ctx, s, it.name, args)
	}
	var ack AckFunc
	if it.id != parser.NoID {
		ack = s.ackFunc(ctx, it.id, it.name)
	}
	for _, a := range anys {
		s.callAny(a, it.name, args, ack)
	}
	var start time.Time
	if obs.EventDone != nil {
		start = time.Now()
	}
	var err error
	if h != nil || d != nil {
		err = s.callHandler(ctx, h, d, it.name, args, ack)
	} else {
		err = ErrUnknownEvent
	}
	if obs.EventDone != nil {
		obs.EventDone(ctx, s, it.name, time.Since(start), err)
	}
	switch {
	case err == nil:
	case errors.Is(err, ErrUnknownEvent):
		if len(anys) == 0 {
			s.nsp.srv.log.Debug("socketio: event without handler", "event", it.name, "socket", s.id, "namespace", s.nsp.name)
		}
	default:
		s.nsp.srv.log.Error("socketio: event handler failed", "event", it.name, "socket", s.id, "namespace", s.nsp.name, "error", err)
	}
}

// callHandler calls h, or d when h is nil, recovering a panic.
func (s *Socket) callHandler(ctx context.Context, h EventHandler, d Dispatcher, event string, args *Args, ack AckFunc) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = s.panicked("event handler", event, r)
		}
	}()
	if h != nil {
		return h(ctx, s, args, ack)
	}
	return d.Dispatch(ctx, s, event, args, ack)
}

func (s *Socket) callAny(a AnyHandler, event string, args *Args, ack AckFunc) {
	defer func() {
		if r := recover(); r != nil {
			_ = s.panicked("any listener", event, r)
		}
	}()
	a(s.ctx, s, event, args, ack)
}

// ackFunc returns the function answering the client's acknowledgement
// request id.
func (s *Socket) ackFunc(ctx context.Context, id int64, event string) AckFunc {
	var sent atomic.Bool
	return func(args ...any) error {
		if !sent.CompareAndSwap(false, true) {
			return ErrAckSent
		}
		if s.state.Load() == stateClosed {
			return ErrDisconnected
		}
		p := parser.Packet{Type: parser.Ack, Namespace: s.nsp.name, ID: id}
		if a, ok := singleArgs(args); ok {
			// Arguments encoded already (forwarded, or written by the
			// typed acknowledgements siogen generates): the packet is
			// written around them in one buffer.
			body := a.arrayBody()
			p.Attachments = a.attachments
			msg := p.AppendEncode(make([]byte, 0, len(p.Namespace)+len(body)+48))
			msg = append(append(msg, '['), body...)
			msgs := make([]engineio.Message, 1+len(p.Attachments))
			msgs[0] = engineio.Message{Data: msg}
			for i, b := range p.Attachments {
				msgs[i+1] = engineio.Message{Data: b, Binary: true}
			}
			return s.ackSent(ctx, event, s.client.conn.Send(msgs...))
		}
		var err error
		p.Data, p.Attachments, err = parser.MarshalArgs(args...)
		if err != nil {
			return fmt.Errorf("socketio: cannot encode acknowledgement: %w", err)
		}
		return s.ackSent(ctx, event, s.client.sendPacket(&p))
	}
}

// ackSent tells the observer of an acknowledgement of event sent without
// error (ctx is the event's, see Observer.EventStart), and returns err.
func (s *Socket) ackSent(ctx context.Context, event string, err error) error {
	if f := s.nsp.srv.obs.AckSent; f != nil && err == nil {
		f(ctx, s, event)
	}
	return err
}

// singleArgs reports whether args is one *Args, to be forwarded unchanged.
func singleArgs(args []any) (*Args, bool) {
	if len(args) != 1 {
		return nil, false
	}
	a, ok := args[0].(*Args)
	return a, ok && a != nil
}
