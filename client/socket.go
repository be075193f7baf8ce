package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siogo/sio/client/internal/eio"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/parser"
)

// SocketOptions configures a Socket.
type SocketOptions struct {
	// Auth is the auth payload sent with each CONNECT, encoded with
	// encoding/json; it must encode to a JSON object (or be nil). With
	// connection state recovery, "pid" and "offset" members are added to it
	// as socket.io-client does.
	Auth any
	// AuthFunc, when set, is called before each CONNECT (the first and
	// those after reconnections) for the auth payload, instead of Auth, as
	// socket.io-client's auth callback: to send a fresh token. It runs on
	// the goroutine that connects (Connect's, or the Manager's reconnecting
	// one), without locks held. An error fails the connection attempt like
	// a refusal: Connect returns it, the OnConnectError handlers get it, and
	// the socket stays disconnected.
	AuthFunc func() (any, error)

	// AckTimeout is socket.io-client's ackTimeout. Without Retries, it
	// bounds the wait of an EmitWithAck whose context has no deadline
	// (ErrAckTimeout); a context with a deadline is the per-call timeout,
	// socket.timeout(ms), and replaces it. With Retries, it bounds each
	// try. 0 means no timeout.
	AckTimeout time.Duration
	// Retries is socket.io-client's retries. When it is not 0, every Emit
	// and EmitWithAck (not EmitVolatile) joins the socket's retry queue:
	// the packets are sent one at a time, each with an acknowledgement
	// request, in order, and the next one leaves only once the server
	// acknowledged the current one (so the server's handlers must
	// acknowledge every event). A try that gets no acknowledgement within
	// AckTimeout, or whose connection is lost, is sent again, with a new
	// acknowledgement id, up to Retries times; then the packet is dropped
	// and its EmitWithAck returns ErrAckTimeout (or ErrDisconnected). The
	// server sees each try as a new event: it cannot tell them apart, so
	// put an id of your own in the arguments to deduplicate. A negative
	// value retries without limit (socket.io-client's Infinity:
	// at-least-once delivery).
	Retries int
	// RetryQueueSize bounds the retry queue (with Retries): Emit and
	// EmitWithAck beyond it fail with ErrRetryQueueFull. Default 1024.
	RetryQueueSize int
}

// encodeAuth returns the JSON of an auth payload: an object, or nil.
func encodeAuth(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	switch {
	case err != nil:
		return nil, fmt.Errorf("client: auth: %w", err)
	case string(b) == "null":
		return nil, nil
	case b[0] != '{':
		return nil, fmt.Errorf("client: auth must encode to a JSON object, not %s", b)
	}
	return b, nil
}

// Handler handles one event from the server.
type Handler func(e *Event)

// Event is one event received from the server.
type Event struct {
	// Name is the event name.
	Name string
	// Args holds the event's arguments; read them with Args.Decode,
	// Args.Raw, Args.Binary or a generated decoder. They stay valid after
	// the handler returns.
	Args *socketio.Args

	socket *Socket
	conn   *eio.Conn
	id     int64
	acked  atomic.Bool
	// outgoing marks an event sent by this side (OnAnyOutgoing).
	outgoing bool
}

// WantsAck reports whether the server asked for an acknowledgement; for an
// outgoing event (OnAnyOutgoing), whether this side asked for one.
func (e *Event) WantsAck() bool { return e.id != parser.NoID }

// Ack sends the acknowledgement the server asked for, with args (encoded as
// Emit's). Only the first call sends; later ones return ErrAckAlreadySent.
// It may be called after the handler returned, from any goroutine. An
// outgoing event (OnAnyOutgoing) cannot be acknowledged.
func (e *Event) Ack(args ...any) error {
	if e.outgoing {
		return fmt.Errorf("client: event %q was sent by this side: only the server acknowledges it", e.Name)
	}
	if !e.WantsAck() {
		return fmt.Errorf("client: event %q wants no acknowledgement", e.Name)
	}
	if e.acked.Swap(true) {
		return ErrAckAlreadySent
	}
	data, atts, err := parser.MarshalArgs(args...)
	if err != nil {
		return err
	}
	p := parser.Packet{Type: parser.Ack, Namespace: e.socket.nsp, ID: e.id, Data: data, Attachments: atts}
	e.socket.mu.Lock()
	defer e.socket.mu.Unlock()
	if e.socket.conn != e.conn || !e.socket.connected {
		return ErrNotConnected
	}
	return e.conn.Send(messages(&p)...)
}

// ackResult is what an acknowledgement delivers to EmitWithAck.
type ackResult struct {
	args *socketio.Args
	err  error
}

// pending is a packet buffered while the socket is not connected.
type pending struct {
	id int64
	p  *parser.Packet
}

// queued is a packet of the retry queue (SocketOptions.Retries).
type queued struct {
	data []byte   // the JSON array of the event name and arguments
	atts [][]byte // its binary attachments
	// tries counts the tries sent; pending is set while the last one
	// awaits its acknowledgement (ackID) or its timeout (timer).
	tries   int
	pending bool
	ackID   int64
	timer   *time.Timer
	// result receives the outcome, for EmitWithAck (nil for Emit); it has
	// room for one value.
	result chan ackResult
}

// listener is an event handler; once ones are removed before their call.
type listener struct {
	h    Handler
	once bool
}

// Socket is the client side of one namespace, multiplexed with the other
// namespaces of its Manager over one connection (socket.io-client's Socket).
// Register handlers, then Connect. All methods are safe for concurrent use.
type Socket struct {
	m   *Manager
	nsp string
	// ackTimeout, retries and queueMax come from SocketOptions and do not
	// change.
	ackTimeout time.Duration
	retries    int
	queueMax   int

	mu sync.Mutex // guards the fields below
	// auth, authErr (its encoding's error) and authFunc come from
	// SocketOptions, or SetAuth and SetAuthFunc.
	auth     json.RawMessage
	authErr  error
	authFunc func() (any, error)
	// active: the socket wants to be connected (Connect called, and neither
	// Disconnect nor a server's refusal or disconnection since); it is
	// connected again after a reconnection.
	active    bool
	connected bool
	// connectingOn is the connection a CONNECT was sent over, awaiting its
	// answer, so that concurrent Connect calls send one.
	connectingOn *eio.Conn
	conn         *eio.Conn // the connection the socket is connected over
	id           string
	pid          string // the recovery session id, when the server offers one
	offset       string // the offset of the last event received, for recovery
	recovered    bool
	nextID       int64
	acks         map[int64]chan ackResult
	sendBuf      []pending // bounded by Options.SendBufferSize
	// queue is the retry queue (SocketOptions.Retries), bounded by
	// queueMax; its first packet is the one being sent.
	queue []*queued
	// closed is set when the Manager closed: Emit fails with ErrClosed.
	closed bool
	// recvBuf holds the events received before the CONNECT that answers
	// the socket's (a recovering server replays missed events first);
	// bounded by Options.EventQueueSize.
	recvBuf  []func()
	waiters  []chan error
	handlers map[string][]*listener
	anys     []Handler
	outs     []Handler // OnAnyOutgoing
	onConn   []func()
	onDisc   []func(reason string)
	onErr    []func(err error)
}

func newSocket(m *Manager, nsp string, opts *SocketOptions) *Socket {
	s := &Socket{m: m, nsp: nsp, acks: make(map[int64]chan ackResult), handlers: make(map[string][]*listener), queueMax: DefaultRetryQueueSize}
	if opts != nil {
		s.auth, s.authErr = encodeAuth(opts.Auth)
		s.authFunc = opts.AuthFunc
		s.ackTimeout = max(opts.AckTimeout, 0)
		s.retries = opts.Retries
		if opts.RetryQueueSize > 0 {
			s.queueMax = opts.RetryQueueSize
		}
	}
	return s
}

// Namespace returns the socket's namespace.
func (s *Socket) Namespace() string { return s.nsp }

// ID returns the socket id the server gave, or "" while not connected.
func (s *Socket) ID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.id
}

// Connected reports whether the socket is connected.
func (s *Socket) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected
}

// Recovered reports whether the last connection recovered the previous
// session's state (its id, rooms and the events missed meanwhile), which
// the server offers with connection state recovery.
func (s *Socket) Recovered() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recovered
}

// Active reports whether the socket wants to be connected: from Connect
// until Disconnect, the server's refusal or its disconnection of the
// socket. An active socket that is not connected connects again when its
// Manager reconnects (socket.io-client's socket.active).
func (s *Socket) Active() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active
}

// On adds h to the handlers of the event name, called in the order they
// were added (socket.io-client's socket.on; several handlers of one event
// all run). Handlers of a Manager run one at a time, in arrival order, on
// its dispatching goroutine.
func (s *Socket) On(name string, h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[name] = append(s.handlers[name], &listener{h: h})
}

// Once is On for a handler called for the next event name only
// (socket.io-client's socket.once).
func (s *Socket) Once(name string, h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[name] = append(s.handlers[name], &listener{h: h, once: true})
}

// Off removes every handler of the event name (socket.io-client's
// socket.off(name); Go functions cannot be compared, so one handler cannot
// be removed alone).
func (s *Socket) Off(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.handlers, name)
}

// OffAny removes every handler registered with OnAny or PrependAny.
func (s *Socket) OffAny() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.anys = nil
}

// OnAny registers h for every event, called before the event's own
// handlers, after the catch-all handlers registered before.
func (s *Socket) OnAny(h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.anys = append(s.anys[:len(s.anys):len(s.anys)], h)
}

// PrependAny is OnAny for a handler called before the catch-all handlers
// registered before (socket.io-client's socket.prependAny).
func (s *Socket) PrependAny(h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.anys = append([]Handler{h}, s.anys...)
}

// OnAnyOutgoing registers h for every event this socket sends
// (socket.io-client's socket.onAnyOutgoing): called once the packet is
// handed to the connection, so not for a packet buffered while
// disconnected (until it is sent) nor for a volatile packet dropped, and
// once per try with Retries. The Event's Name and Args are the emitted
// ones; WantsAck reports whether an acknowledgement was requested; Ack
// fails.
//
// Outgoing handlers run on the goroutine that sends the packet, without
// locks held: Emit's caller, or one of the Manager's for a packet sent
// later (the send buffer flushed on connection, the next packet or a new
// try of the retry queue). They may run concurrently with each other and
// with the event handlers, and they should return quickly; as they run
// once the packet is handed over, the server's answer may come first. A
// panic is recovered and logged.
func (s *Socket) OnAnyOutgoing(h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outs = append(s.outs[:len(s.outs):len(s.outs)], h)
}

// PrependAnyOutgoing is OnAnyOutgoing for a handler called before the
// outgoing handlers registered before (socket.io-client's
// socket.prependAnyOutgoing).
func (s *Socket) PrependAnyOutgoing(h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outs = append([]Handler{h}, s.outs...)
}

// OffAnyOutgoing removes every handler registered with OnAnyOutgoing or
// PrependAnyOutgoing.
func (s *Socket) OffAnyOutgoing() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outs = nil
}

// sentLocked returns sent with p added when outgoing handlers are
// registered. s.mu is held.
func (s *Socket) sentLocked(sent []*parser.Packet, p *parser.Packet) []*parser.Packet {
	if len(s.outs) == 0 {
		return sent
	}
	return append(sent, p)
}

// notifyOutgoing calls the outgoing handlers for the packets sent, in
// order. No lock is held.
func (s *Socket) notifyOutgoing(sent []*parser.Packet) {
	if len(sent) == 0 {
		return
	}
	s.mu.Lock()
	outs := s.outs
	s.mu.Unlock()
	for _, p := range sent {
		name, rest, err := p.EventName()
		if err != nil {
			continue
		}
		e := &Event{Name: name, Args: argsOf(rest, p.Attachments), socket: s, id: p.ID, outgoing: true}
		for _, h := range outs {
			s.m.d.call(func() { h(e) })
		}
	}
}

// OnConnect registers fn, called each time the socket connects (again).
func (s *Socket) OnConnect(fn func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onConn = append(s.onConn, fn)
}

// OnDisconnect registers fn, called with the reason (the Reason constants)
// each time the socket disconnects.
func (s *Socket) OnDisconnect(fn func(reason string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onDisc = append(s.onDisc, fn)
}

// OnConnectError registers fn, called when the server refuses the
// namespace (a *ConnectError), also when connecting again after a
// reconnection, or when SocketOptions.AuthFunc fails; the socket then stays
// disconnected.
func (s *Socket) OnConnectError(fn func(err error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onErr = append(s.onErr, fn)
}

// SetAuth sets the auth payload of the CONNECT packets sent from now on (the
// next Connect's and those after reconnections), in place of
// SocketOptions.Auth and AuthFunc, as assigning socket.auth does in
// socket.io-client. It returns the error of encoding auth, which must
// encode to a JSON object (or be nil); the payload is then unchanged.
func (s *Socket) SetAuth(auth any) error {
	data, err := encodeAuth(auth)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth, s.authErr, s.authFunc = data, nil, nil
	return nil
}

// SetAuthFunc sets the function called before each CONNECT from now on for
// its auth payload, in place of SocketOptions.Auth and AuthFunc, as
// assigning an auth callback to socket.auth does in socket.io-client; see
// SocketOptions.AuthFunc. A nil fn sends no payload.
func (s *Socket) SetAuthFunc(fn func() (any, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth, s.authErr, s.authFunc = nil, nil, fn
}

// Connect connects the socket to its namespace and waits, within ctx, for
// the server's answer: nil, a *ConnectError when the server refuses, or
// ErrClosed. From then on the socket is connected again after each
// reconnection of the Manager, until Disconnect or the server disconnects
// it. When ctx ends first, the socket still connects when the server
// answers.
func (s *Socket) Connect(ctx context.Context) error {
	w := make(chan error, 1)
	s.mu.Lock()
	if s.authErr != nil {
		s.mu.Unlock()
		return s.authErr
	}
	if s.connected {
		s.mu.Unlock()
		return nil
	}
	s.active = true
	s.waiters = append(s.waiters, w)
	s.mu.Unlock()
	s.m.mu.Lock()
	closed, conn := s.m.closed, s.m.conn
	s.m.mu.Unlock()
	if closed {
		return ErrClosed
	}
	if conn != nil {
		s.onOpen(conn)
	}
	select {
	case err := <-w:
		return err
	case <-ctx.Done():
		s.mu.Lock()
		s.waiters = slices.DeleteFunc(s.waiters, func(c chan error) bool { return c == w })
		s.mu.Unlock()
		return ctx.Err()
	}
}

// onOpen sends the CONNECT packet over conn when the socket is active.
func (s *Socket) onOpen(conn *eio.Conn) {
	s.mu.Lock()
	if !s.active || s.connected || s.connectingOn == conn {
		s.mu.Unlock()
		return
	}
	s.connectingOn = conn
	data, authFunc := s.auth, s.authFunc
	s.mu.Unlock()
	if authFunc != nil {
		v, err := authFunc()
		if err == nil {
			data, err = encodeAuth(v)
		}
		if err != nil {
			s.refuse(fmt.Errorf("client: auth: %w", err))
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.active || s.connected || s.connectingOn != conn {
		return // disconnected meanwhile
	}
	if s.pid != "" {
		// socket.io-client: Object.assign({pid, offset}, auth).
		m := map[string]json.RawMessage{}
		if len(data) > 0 {
			_ = json.Unmarshal(data, &m)
		}
		for k, v := range map[string]string{"pid": s.pid, "offset": s.offset} {
			if _, ok := m[k]; !ok {
				m[k], _ = json.Marshal(v)
			}
		}
		data, _ = json.Marshal(m)
	}
	p := parser.Packet{Type: parser.Connect, Namespace: s.nsp, ID: parser.NoID, Data: data}
	_ = conn.Send(eio.Message{Data: p.Encode()})
}

// messages returns the Engine.IO messages of p: its text, then its
// attachments.
func messages(p *parser.Packet) []eio.Message {
	msgs := make([]eio.Message, 0, 1+len(p.Attachments))
	msgs = append(msgs, eio.Message{Data: p.Encode()})
	for _, a := range p.Attachments {
		msgs = append(msgs, eio.Message{Data: a, Binary: true})
	}
	return msgs
}

// Emit sends the event name with args to the server. Each argument is
// encoded with encoding/json, except []byte values (also inside []any and
// map[string]any), which travel as binary attachments; do not modify them
// until the message was written. While the socket is not connected the
// packet waits in the send buffer (Options.SendBufferSize). With
// SocketOptions.Retries the packet joins the retry queue instead, and is
// sent with an acknowledgement request (retried, then dropped, without a
// word to the caller). Emit never blocks.
func (s *Socket) Emit(name string, args ...any) error {
	p, err := s.packet(name, args)
	if err != nil {
		return err
	}
	if s.retries != 0 {
		_, err := s.enqueue(p, false)
		return err
	}
	return s.send(p, false)
}

// EmitVolatile is Emit for a packet that may be lost: it is dropped, without
// error, unless the socket is connected and the transport can write it at
// once (socket.io-client's socket.volatile.emit). It bypasses the retry
// queue.
func (s *Socket) EmitVolatile(name string, args ...any) error {
	p, err := s.packet(name, args)
	if err != nil {
		return err
	}
	return s.send(p, true)
}

// EmitWithAck sends the event and waits, within ctx, for the server's
// acknowledgement, whose arguments it returns. It returns ErrDisconnected
// when the socket disconnects first (unless the packet still waits in the
// send buffer, to be sent after the reconnection), ctx.Err() when ctx ends
// first.
//
// ctx is socket.io-client's socket.timeout(ms): give it a deadline to
// bound the wait. When it has none, SocketOptions.AckTimeout bounds it
// (ErrAckTimeout). With SocketOptions.Retries, the packet joins the retry
// queue: AckTimeout bounds each try, and ctx the whole; the error is the
// last try's (ErrAckTimeout or ErrDisconnected) once Retries tries more
// failed. When ctx ends, the packet leaves the queue (the server may have
// received a try).
func (s *Socket) EmitWithAck(ctx context.Context, name string, args ...any) (*socketio.Args, error) {
	p, err := s.packet(name, args)
	if err != nil {
		return nil, err
	}
	if s.retries != 0 {
		return s.emitQueued(ctx, p)
	}
	var timeout <-chan time.Time
	if _, ok := ctx.Deadline(); !ok && s.ackTimeout > 0 {
		t := time.NewTimer(s.ackTimeout)
		defer t.Stop()
		timeout = t.C
	}
	ch := make(chan ackResult, 1)
	s.mu.Lock()
	p.ID = s.nextID
	s.nextID++
	s.acks[p.ID] = ch
	s.mu.Unlock()
	if err := s.send(p, false); err != nil {
		s.mu.Lock()
		delete(s.acks, p.ID)
		s.mu.Unlock()
		return nil, err
	}
	select {
	case r := <-ch:
		return r.args, r.err
	case <-ctx.Done():
		err = ctx.Err()
	case <-timeout:
		err = ErrAckTimeout
	}
	s.mu.Lock()
	delete(s.acks, p.ID)
	s.sendBuf = slices.DeleteFunc(s.sendBuf, func(b pending) bool { return b.id == p.ID })
	s.mu.Unlock()
	return nil, err
}

// packet encodes the event name with args, without acknowledgement id.
func (s *Socket) packet(name string, args []any) (*parser.Packet, error) {
	if parser.IsReservedEvent(name) {
		return nil, fmt.Errorf("%w: %q", ErrReservedEvent, name)
	}
	data, atts, err := parser.MarshalArgs(append([]any{name}, args...)...)
	if err != nil {
		return nil, err
	}
	return &parser.Packet{Type: parser.Event, Namespace: s.nsp, ID: parser.NoID, Data: data, Attachments: atts}, nil
}

// send writes p, or buffers it while the socket is not connected; a
// volatile packet is dropped instead unless it can be written at once.
func (s *Socket) send(p *parser.Packet, volatile bool) error {
	var sent []*parser.Packet
	defer func() { s.notifyOutgoing(sent) }()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if volatile {
		if s.connected && s.conn.Writable() && s.conn.Send(messages(p)...) == nil {
			sent = s.sentLocked(sent, p)
		}
		return nil
	}
	if s.connected {
		err := s.conn.Send(messages(p)...)
		if err == nil {
			sent = s.sentLocked(sent, p)
		}
		if !errors.Is(err, eio.ErrClosed) {
			return err
		}
		// The connection just closed and the socket does not know yet:
		// buffer the packet for the next connection, as if it did.
	}
	if len(s.sendBuf) >= s.m.opts.SendBufferSize {
		return ErrSendBufferFull
	}
	s.sendBuf = append(s.sendBuf, pending{id: p.ID, p: p})
	return nil
}

// enqueue adds p to the retry queue and sends it if it is first; with
// wantResult, the returned entry's result channel gets the outcome.
func (s *Socket) enqueue(p *parser.Packet, wantResult bool) (*queued, error) {
	q := &queued{data: p.Data, atts: p.Attachments}
	if wantResult {
		q.result = make(chan ackResult, 1)
	}
	var sent []*parser.Packet
	defer func() { s.notifyOutgoing(sent) }()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if len(s.queue) >= s.queueMax {
		return nil, ErrRetryQueueFull
	}
	s.queue = append(s.queue, q)
	sent = s.drainLocked(sent)
	return q, nil
}

// emitQueued is EmitWithAck with the retry queue.
func (s *Socket) emitQueued(ctx context.Context, p *parser.Packet) (*socketio.Args, error) {
	q, err := s.enqueue(p, true)
	if err != nil {
		return nil, err
	}
	select {
	case r := <-q.result:
		return r.args, r.err
	case <-ctx.Done():
	}
	var sent []*parser.Packet
	s.mu.Lock()
	i := slices.Index(s.queue, q)
	if i >= 0 {
		s.queue = slices.Delete(s.queue, i, i+1)
		if q.timer != nil {
			q.timer.Stop()
		}
		if i == 0 && q.pending {
			sent = s.drainLocked(sent)
		}
	}
	s.mu.Unlock()
	s.notifyOutgoing(sent)
	if i < 0 {
		// The outcome came meanwhile.
		r := <-q.result
		return r.args, r.err
	}
	return nil, ctx.Err()
}

// drainLocked sends the first packet of the retry queue, unless the socket
// is not connected or that packet awaits the acknowledgement of a try
// (socket.io-client's _drainQueue). It returns sent with the packet added
// for the outgoing handlers. s.mu is held.
func (s *Socket) drainLocked(sent []*parser.Packet) []*parser.Packet {
	for s.connected && len(s.queue) > 0 && !s.queue[0].pending {
		q := s.queue[0]
		q.pending = true
		q.tries++
		q.ackID = s.nextID
		s.nextID++
		p := &parser.Packet{Type: parser.Event, Namespace: s.nsp, ID: q.ackID, Data: q.data, Attachments: q.atts}
		err := s.conn.Send(messages(p)...)
		switch {
		case err == nil:
			sent = s.sentLocked(sent, p)
		case errors.Is(err, eio.ErrClosed):
			// The socket learns of the closed connection soon, which
			// ends the try.
		default:
			// The write queue is full: the packet is dropped with the
			// error, as Emit would return it.
			s.popLocked(ackResult{err: err})
			continue
		}
		if s.ackTimeout > 0 {
			id := q.ackID
			q.timer = time.AfterFunc(s.ackTimeout, func() { s.ackTimedOut(q, id) })
		}
	}
	return sent
}

// popLocked removes the first packet of the retry queue, with its outcome.
// s.mu is held.
func (s *Socket) popLocked(r ackResult) {
	q := s.queue[0]
	s.queue[0] = nil
	s.queue = s.queue[1:]
	if q.timer != nil {
		q.timer.Stop()
	}
	if q.result != nil {
		q.result <- r
	} else if r.err != nil {
		s.m.opts.Logger.Debug("client: packet of the retry queue dropped", "namespace", s.nsp, "tries", q.tries, "err", r.err)
	}
}

// tryFailedLocked ends the pending try of the first packet of the retry
// queue with err: the packet is dropped with err after Retries+1 tries,
// else tried again (now if connected, else on connection). s.mu is held.
func (s *Socket) tryFailedLocked(err error, sent []*parser.Packet) []*parser.Packet {
	q := s.queue[0]
	q.pending = false
	if q.timer != nil {
		q.timer.Stop()
		q.timer = nil
	}
	if s.retries > 0 && q.tries > s.retries {
		s.popLocked(ackResult{err: err})
	}
	return s.drainLocked(sent)
}

// ackTimedOut ends try id of q when it is still pending.
func (s *Socket) ackTimedOut(q *queued, id int64) {
	var sent []*parser.Packet
	s.mu.Lock()
	if len(s.queue) > 0 && s.queue[0] == q && q.pending && q.ackID == id {
		sent = s.tryFailedLocked(ErrAckTimeout, sent)
	}
	s.mu.Unlock()
	s.notifyOutgoing(sent)
}

// shutdown fails what waits to be sent, when the Manager closes: the
// EmitWithAck calls of the send buffer and of the retry queue return
// ErrClosed, and Emit does from now on.
func (s *Socket) shutdown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for _, b := range s.sendBuf {
		if ch, ok := s.acks[b.id]; ok {
			delete(s.acks, b.id)
			ch <- ackResult{err: ErrClosed}
		}
	}
	s.sendBuf = nil
	for len(s.queue) > 0 {
		s.popLocked(ackResult{err: ErrClosed})
	}
}

// Disconnect leaves the namespace: the server sees "client namespace
// disconnect", the disconnect handlers get "io client disconnect", and the
// socket does not connect again until Connect.
func (s *Socket) Disconnect() {
	s.mu.Lock()
	s.active = false
	if !s.connected {
		if c := s.connectingOn; c != nil {
			// The server may accept the CONNECT in flight: leave at once.
			p := parser.Packet{Type: parser.Disconnect, Namespace: s.nsp, ID: parser.NoID}
			_ = c.Send(eio.Message{Data: p.Encode()})
			s.connectingOn = nil
		}
		s.failWaiters(ErrDisconnected)
		s.mu.Unlock()
		return
	}
	p := parser.Packet{Type: parser.Disconnect, Namespace: s.nsp, ID: parser.NoID}
	_ = s.conn.Send(eio.Message{Data: p.Encode()})
	fns := s.closeLocked()
	s.mu.Unlock()
	s.notifyDisconnect(fns, ReasonClientDisconnect)
}

// closeLocked marks the socket disconnected and fails the acknowledgements
// whose packets were sent, and the pending try of the retry queue; it
// returns the disconnect handlers to call. s.mu is held.
func (s *Socket) closeLocked() []func(string) {
	s.connected = false
	s.connectingOn = nil
	s.conn = nil
	s.id = ""
	for id, ch := range s.acks {
		if slices.ContainsFunc(s.sendBuf, func(p pending) bool { return p.id == id }) {
			continue
		}
		delete(s.acks, id)
		ch <- ackResult{err: ErrDisconnected}
	}
	if len(s.queue) > 0 && s.queue[0].pending {
		_ = s.tryFailedLocked(ErrDisconnected, nil) // not connected: sends nothing
	}
	return slices.Clone(s.onDisc)
}

func (s *Socket) failWaiters(err error) {
	for _, w := range s.waiters {
		w <- err
	}
	s.waiters = nil
}

func (s *Socket) notifyDisconnect(fns []func(string), reason string) {
	if len(fns) == 0 {
		return
	}
	s.m.d.push(func() {
		for _, fn := range fns {
			fn(reason)
		}
	}, false)
}

// onClose handles the loss of the connection.
func (s *Socket) onClose(reason string) {
	s.mu.Lock()
	if !s.connected {
		s.mu.Unlock()
		return
	}
	fns := s.closeLocked()
	s.mu.Unlock()
	s.notifyDisconnect(fns, reason)
}

// onPacket handles a packet of the socket's namespace, on the reading
// goroutine of conn.
func (s *Socket) onPacket(conn *eio.Conn, p *parser.Packet) {
	switch p.Type {
	case parser.Connect:
		s.onConnect(conn, p)
	case parser.ConnectError:
		s.onConnectError(p)
	case parser.Event, parser.BinaryEvent:
		s.onEvent(conn, p)
	case parser.Ack, parser.BinaryAck:
		rest, err := p.AckArgs()
		if err != nil {
			return
		}
		var sent []*parser.Packet
		s.mu.Lock()
		ch, ok := s.acks[p.ID]
		delete(s.acks, p.ID)
		if !ok && len(s.queue) > 0 && s.queue[0].pending && s.queue[0].ackID == p.ID {
			s.popLocked(ackResult{args: argsOf(rest, p.Attachments)})
			sent = s.drainLocked(sent)
		}
		s.mu.Unlock()
		s.notifyOutgoing(sent)
		if ok {
			ch <- ackResult{args: argsOf(rest, p.Attachments)}
		}
	case parser.Disconnect:
		s.mu.Lock()
		s.active = false
		s.connectingOn = nil
		if !s.connected {
			s.mu.Unlock()
			return
		}
		fns := s.closeLocked()
		s.mu.Unlock()
		s.notifyDisconnect(fns, ReasonServerDisconnect)
	}
}

// argsOf returns the Args of an array's elements after its opening bracket.
func argsOf(rest []byte, atts [][]byte) *socketio.Args {
	raw := make([]byte, 0, 1+len(rest))
	raw = append(append(raw, '['), rest...)
	return socketio.NewArgs(raw, atts)
}

func (s *Socket) onConnect(conn *eio.Conn, p *parser.Packet) {
	var d struct {
		SID string `json:"sid"`
		PID string `json:"pid"`
	}
	if json.Unmarshal(p.Data, &d) != nil || d.SID == "" {
		// socket.io-client says the same of a CONNECT without sid.
		s.refuse(&ConnectError{Message: "It seems you are trying to reach a Socket.IO server in v2.x with a v3.x client, but they are not compatible"})
		return
	}
	s.mu.Lock()
	if s.connected || !s.active {
		s.mu.Unlock()
		return
	}
	s.connected = true
	s.conn = conn
	s.id = d.SID
	s.recovered = d.PID != "" && d.PID == s.pid
	s.pid = d.PID
	if d.PID == "" {
		s.offset = ""
	}
	var sent []*parser.Packet
	for _, b := range s.sendBuf {
		if err := conn.Send(messages(b.p)...); err != nil {
			s.m.opts.Logger.Warn("client: buffered packet dropped", "namespace", s.nsp, "err", err)
		} else {
			sent = s.sentLocked(sent, b.p)
		}
	}
	s.sendBuf = nil
	sent = s.drainLocked(sent)
	s.failWaiters(nil)
	fns := slices.Clone(s.onConn)
	received := s.recvBuf
	s.recvBuf = nil
	s.mu.Unlock()
	s.notifyOutgoing(sent)
	for _, fn := range received {
		s.m.d.push(fn, true)
	}
	if len(fns) > 0 {
		s.m.d.push(func() {
			for _, fn := range fns {
				fn()
			}
		}, false)
	}
}

func (s *Socket) onConnectError(p *parser.Packet) {
	ce := &ConnectError{}
	var d struct {
		Message string          `json:"message"`
		Data    json.RawMessage `json:"data"`
	}
	if len(p.Data) > 0 && p.Data[0] == '"' {
		_ = json.Unmarshal(p.Data, &ce.Message)
	} else if json.Unmarshal(p.Data, &d) == nil {
		ce.Message, ce.Data = d.Message, d.Data
	}
	s.refuse(ce)
}

// refuse ends a connection attempt with err (a *ConnectError, or the error
// of AuthFunc): the socket becomes inactive.
func (s *Socket) refuse(ce error) {
	s.mu.Lock()
	s.active = false
	s.connectingOn = nil
	s.recvBuf = nil
	s.failWaiters(ce)
	fns := slices.Clone(s.onErr)
	s.mu.Unlock()
	if len(fns) > 0 {
		s.m.d.push(func() {
			for _, fn := range fns {
				fn(ce)
			}
		}, false)
	}
}

func (s *Socket) onEvent(conn *eio.Conn, p *parser.Packet) {
	name, rest, err := p.EventName()
	if err != nil {
		return
	}
	e := &Event{Name: name, Args: argsOf(rest, p.Attachments), socket: s, conn: conn, id: p.ID}
	s.mu.Lock()
	if !s.active {
		s.mu.Unlock()
		return
	}
	if s.pid != "" {
		// The server appends the event's offset as its last argument.
		if n := e.Args.Len(); n > 0 {
			var off string
			if raw := e.Args.Raw(n - 1); len(raw) > 0 && raw[0] == '"' && json.Unmarshal(raw, &off) == nil {
				s.offset = off
			}
		}
	}
	connected := s.connected
	s.mu.Unlock()
	call := func() {
		s.mu.Lock()
		hs := s.handlers[name]
		if slices.ContainsFunc(hs, func(l *listener) bool { return l.once }) {
			s.handlers[name] = slices.DeleteFunc(slices.Clone(hs), func(l *listener) bool { return l.once })
		}
		anys := s.anys
		s.mu.Unlock()
		for _, a := range anys {
			a(e)
		}
		for _, l := range hs {
			l.h(e)
		}
	}
	if connected {
		s.m.d.push(call, true)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.recvBuf) >= s.m.opts.EventQueueSize {
		s.m.opts.Logger.Warn("client: event before CONNECT dropped: receive buffer full", "namespace", s.nsp, "event", name)
		return
	}
	s.recvBuf = append(s.recvBuf, call)
}
