package socketio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio/parser"
)

// Socket states.
const (
	stateConnecting int32 = iota
	stateConnected
	stateClosed
)

// Socket is a client's connection to one namespace.
type Socket struct {
	// id and pid (the recovery session id, "" when recovery is off) are
	// fresh, or the restored session's: restore sets them, with data
	// and recovered, in the connect step, under mu; other goroutines read
	// them under mu until the socket is connected.
	id     string
	pid    string
	nsp    *Namespace
	client *client
	// handshake is built from the connection's engineio.Handshake, auth
	// and created on the first call of Handshake: an idle socket whose
	// application never asks keeps only those.
	handshake atomic.Pointer[Handshake]
	created   int64 // Unix nanoseconds
	auth      []byte
	ctx       context.Context
	cancel    context.CancelCauseFunc
	recovered *SessionState // the restored session, nil when not recovered
	state     atomic.Int32
	hasOut    atomic.Bool
	replied   atomic.Bool // the CONNECT reply is being sent or was sent

	// connectTimer refuses the connection when the connect step (middleware
	// and connection handler) outlives Options.ConnectTimeout; stopped once
	// the step is decided. Guarded by mu.
	connectTimer *time.Timer
	// released is set once the socket dropped its hold on its namespace
	// (see Server.release).
	released atomic.Bool

	// mu guards the fields below and the state changes out of
	// stateConnecting; never held across a call into an adapter, the
	// connection or a handler.
	mu              sync.Mutex
	closeReason     DisconnectReason // set when the socket closes
	data            any
	pending         []pendingEmit // packets waiting for the CONNECT reply
	deferDisconnect bool          // Disconnect called before the CONNECT reply
	acks            map[int64]func(*Args)
	handlers        map[string]EventHandler
	dispatcher      Dispatcher
	ls              *listeners // nil until a listener is added

	q      queue
	replay atomic.Pointer[replay] // non-nil during a recovery replay
}

// listeners are a socket's OnAny, OnAnyOutgoing, OnDisconnect and
// OnDisconnecting listeners, allocated with the first one: a socket
// without any (most of them idle) does not carry four empty slices.
type listeners struct {
	onDisconnect    []DisconnectHandler
	onDisconnecting []DisconnectHandler
	onAny           []AnyHandler
	onAnyOut        []OutgoingHandler
}

// listenersLocked returns s.ls, allocating it first. s.mu is held.
func (s *Socket) listenersLocked() *listeners {
	if s.ls == nil {
		s.ls = new(listeners)
	}
	return s.ls
}

// pendingEmit is a packet waiting for the CONNECT reply: an emit of the
// socket's, or (msgs set) a broadcast's, encoded.
type pendingEmit struct {
	p        *parser.Packet
	msgs     []engineio.Message
	volatile bool
}

// newSocket makes a connecting socket with a fresh id (and, with
// recovery on, a fresh session id): a session is restored, with its id,
// later, in the connect step (see restore).
func newSocket(n *Namespace, c *client, auth []byte) *Socket {
	s := &Socket{nsp: n, client: c, id: newID()}
	s.ctx, s.cancel = context.WithCancelCause(context.Background())
	if n.srv.opts.ConnectionStateRecovery != nil {
		s.pid = newID()
	}
	s.created, s.auth = time.Now().UnixNano(), auth
	return s
}

// restore gives the connecting socket the state of the session its auth
// names, when the adapter can restore it. It runs in the connect step, on
// the socket's worker (not the connection's reading goroutine), after the
// adapter's start (a cluster adapter may ask other servers), and never
// under a lock; the adapter's ctx ends with the connect step (at
// Options.ConnectTimeout, or when the socket closes) and with Shutdown.
// When the adapter fails (or panics), or the session is unknown, the socket
// keeps its fresh session, as Node's. When the connect step ended meanwhile, a
// restored session is handed back to the adapter (PersistSession) for the
// client's next attempt.
func (s *Socket) restore(auth []byte) {
	var a struct {
		PID    *string `json:"pid"`
		Offset *string `json:"offset"`
	}
	if len(auth) == 0 || json.Unmarshal(auth, &a) != nil || a.PID == nil || a.Offset == nil {
		return
	}
	n := s.nsp
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	defer context.AfterFunc(n.srv.ctx, cancel)()
	st, err := func() (st *SessionState, err error) {
		defer func() {
			if r := recover(); r != nil {
				st, err = nil, fmt.Errorf("panic: %v", r)
			}
		}()
		return n.adapter.RestoreSession(ctx, *a.PID, *a.Offset)
	}()
	if err != nil {
		if s.ctx.Err() == nil {
			n.srv.log.Warn("socketio: cannot restore session, starting a new one", "namespace", n.name, "error", err)
		}
		s.recoveryAttempted(false)
		return
	}
	if st == nil {
		s.recoveryAttempted(false)
		return
	}
	s.mu.Lock()
	if s.state.Load() != stateConnecting {
		s.mu.Unlock()
		n.adapter.PersistSession(&SessionState{SID: st.SID, PID: st.PID, Rooms: st.Rooms, Data: st.Data})
		s.recoveryAttempted(false)
		return
	}
	s.id, s.pid, s.data, s.recovered = st.SID, st.PID, st.Data, st
	s.mu.Unlock()
	s.recoveryAttempted(true)
}

// recoveryAttempted tells the observer of a recovery's outcome.
func (s *Socket) recoveryAttempted(ok bool) {
	if f := s.nsp.srv.obs.RecoveryAttempted; f != nil {
		f(s.nsp, ok)
	}
}

// ID returns the socket's id: random, 128 bits, distinct from the Engine.IO
// session id; the same after a recovery.
func (s *Socket) ID() string { return s.id }

// Namespace returns the socket's namespace.
func (s *Socket) Namespace() *Namespace { return s.nsp }

// Server returns the socket's server.
func (s *Socket) Server() *Server { return s.nsp.srv }

// Context returns a context canceled when the socket disconnects.
func (s *Socket) Context() context.Context { return s.ctx }

// Handshake describes the request that opened the connection and the
// CONNECT packet's auth payload. It is built on the first call, from what
// the connection kept of the request, and the same afterwards.
func (s *Socket) Handshake() *Handshake {
	if h := s.handshake.Load(); h != nil {
		return h
	}
	h := newHandshake(s.client.conn.Handshake(), s.auth, time.Unix(0, s.created))
	if !s.handshake.CompareAndSwap(nil, h) {
		return s.handshake.Load()
	}
	return h
}

// Connected reports whether the socket is connected (its CONNECT reply
// sent, not disconnected).
func (s *Socket) Connected() bool { return s.state.Load() == stateConnected }

// Recovered reports whether the socket recovered the state (id, rooms,
// data, missed events) of a previous connection.
func (s *Socket) Recovered() bool { return s.recovered != nil }

// EngineID returns the id of the Engine.IO session carrying the socket.
func (s *Socket) EngineID() string { return s.client.conn.ID() }

// Transport returns the name of the transport the client uses now:
// "polling" or "websocket".
func (s *Socket) Transport() string { return s.client.conn.Transport() }

// Data returns the value set with SetData (or restored by a recovery).
func (s *Socket) Data() any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data
}

// SetData sets a value attached to the socket, returned by Data and by
// FetchSockets, and kept by connection state recovery.
func (s *Socket) SetData(v any) {
	s.mu.Lock()
	s.data = v
	s.mu.Unlock()
}

// DataAs returns the socket's data as a T.
func DataAs[T any](s *Socket) (T, bool) {
	v, ok := s.Data().(T)
	return v, ok
}

// SetDispatcher installs the dispatcher receiving the socket's events that
// have no handler of their own ([Socket.On], [Namespace.On]).
func (s *Socket) SetDispatcher(d Dispatcher) {
	s.mu.Lock()
	s.dispatcher = d
	s.mu.Unlock()
}

// On sets the handler of event for this socket, replacing any previous one.
func (s *Socket) On(event string, h EventHandler) {
	s.mu.Lock()
	if s.handlers == nil {
		s.handlers = make(map[string]EventHandler)
	}
	s.handlers[event] = h
	s.mu.Unlock()
}

// OnAny adds a listener called for every incoming event, before the
// event's handler.
func (s *Socket) OnAny(h AnyHandler) {
	s.mu.Lock()
	ls := s.listenersLocked()
	ls.onAny = append(ls.onAny[:len(ls.onAny):len(ls.onAny)], h)
	s.mu.Unlock()
}

// OnAnyOutgoing adds a listener called for every event sent to the socket,
// broadcasts included, just before it is sent. It runs on the sending
// goroutine and must not block.
func (s *Socket) OnAnyOutgoing(h OutgoingHandler) {
	s.mu.Lock()
	ls := s.listenersLocked()
	ls.onAnyOut = append(ls.onAnyOut[:len(ls.onAnyOut):len(ls.onAnyOut)], h)
	s.mu.Unlock()
	s.hasOut.Store(true)
}

// OnDisconnect adds a handler called once when the socket leaves its
// namespace, after the events received before, when it has left its rooms.
func (s *Socket) OnDisconnect(h DisconnectHandler) {
	s.mu.Lock()
	ls := s.listenersLocked()
	ls.onDisconnect = append(ls.onDisconnect, h)
	s.mu.Unlock()
}

// OnDisconnecting adds a handler called once when the socket is leaving its
// namespace, while [Socket.Rooms] still lists its rooms (Node's
// "disconnecting" event).
func (s *Socket) OnDisconnecting(h DisconnectHandler) {
	s.mu.Lock()
	ls := s.listenersLocked()
	ls.onDisconnecting = append(ls.onDisconnecting, h)
	s.mu.Unlock()
}

// Join adds the socket to rooms.
func (s *Socket) Join(rooms ...string) {
	if s.state.Load() != stateClosed {
		s.nsp.adapter.AddAll(s.id, rooms)
	}
}

// Leave removes the socket from room.
func (s *Socket) Leave(room string) { s.nsp.adapter.Del(s.id, room) }

// LeaveAll removes the socket from rooms.
func (s *Socket) LeaveAll(rooms ...string) {
	for _, r := range rooms {
		s.nsp.adapter.Del(s.id, r)
	}
}

// Rooms returns the rooms the socket is in, its own id included.
func (s *Socket) Rooms() []string { return s.nsp.adapter.SocketRooms(s.id) }

// broadcastOperator targets every socket but s.
func (s *Socket) broadcastOperator() *BroadcastOperator {
	return &BroadcastOperator{nsp: s.nsp, except: []string{s.id}}
}

// To selects rooms for a broadcast that excludes this socket.
func (s *Socket) To(rooms ...string) *BroadcastOperator { return s.broadcastOperator().To(rooms...) }

// In is To.
func (s *Socket) In(rooms ...string) *BroadcastOperator { return s.To(rooms...) }

// Except selects every socket but this one and those in rooms.
func (s *Socket) Except(rooms ...string) *BroadcastOperator {
	return s.broadcastOperator().Except(rooms...)
}

// Broadcast selects every socket of the namespace but this one.
func (s *Socket) Broadcast() *BroadcastOperator { return s.broadcastOperator() }

// Volatile returns an operator emitting volatile events to this socket
// only: events the transport cannot write right now are dropped.
func (s *Socket) Volatile() *BroadcastOperator {
	return &BroadcastOperator{nsp: s.nsp, rooms: []string{s.id}, flags: BroadcastFlags{Volatile: true}}
}

// Emit sends an event to the socket's client. []byte arguments (also inside
// []any and map[string]any) are sent as binary attachments; everything else
// is encoded with encoding/json. An *[Args] as the only argument forwards
// received arguments unchanged, attachments included. Emit does not wait
// for the network.
func (s *Socket) Emit(event string, args ...any) error {
	p, err := eventPacket(s.nsp.name, event, args)
	if err != nil {
		return err
	}
	s.nsp.eventSent(event)
	return s.emitPacket(p, false)
}

// EmitWithAck sends an event and waits for the client's acknowledgement,
// until ctx is done or the socket disconnects. The returned Args stays
// valid.
func (s *Socket) EmitWithAck(ctx context.Context, event string, args ...any) (a *Args, err error) {
	if f := s.nsp.srv.obs.AckDone; f != nil {
		start := time.Now()
		defer func() { f(ctx, s, event, start, err) }()
	}
	return s.emitWithAck(ctx, event, args)
}

func (s *Socket) emitWithAck(ctx context.Context, event string, args []any) (*Args, error) {
	p, err := eventPacket(s.nsp.name, event, args)
	if err != nil {
		return nil, err
	}
	s.nsp.eventSent(event)
	p.ID = s.nsp.NextAckID()
	ch := make(chan *Args, 1)
	if !s.ExpectAck(p.ID, func(a *Args) { ch <- a }) {
		return nil, ErrDisconnected
	}
	if err := s.emitPacket(p, false); err != nil {
		s.CancelAck(p.ID)
		return nil, err
	}
	select {
	case a := <-ch:
		return a, nil
	case <-ctx.Done():
		s.CancelAck(p.ID)
		return nil, fmt.Errorf("socketio: acknowledgement of %q: %w", event, ctx.Err())
	case <-s.ctx.Done():
		return nil, ErrDisconnected
	}
}

// ExpectAck registers fn for the client's acknowledgement of the packet
// with ack id (from [AdapterNamespace.NextAckID]), which the caller sends
// next; fn runs once, on the connection's reading goroutine, when the
// acknowledgement arrives, and must not block. It reports false, and
// registers nothing, when the socket has disconnected. Adapters use it for
// broadcasts with acknowledgements; [Socket.EmitWithAck] is the
// application's way.
func (s *Socket) ExpectAck(id int64, fn func(*Args)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state.Load() == stateClosed {
		return false
	}
	if s.acks == nil {
		s.acks = make(map[int64]func(*Args))
	}
	s.acks[id] = fn
	return true
}

// CancelAck forgets the acknowledgement registered for id by
// [Socket.ExpectAck], once it is no longer awaited.
func (s *Socket) CancelAck(id int64) {
	s.mu.Lock()
	delete(s.acks, id)
	s.mu.Unlock()
}

// eventPacket encodes an EVENT packet.
func eventPacket(nsp, event string, args []any) (*parser.Packet, error) {
	if parser.IsReservedEvent(event) {
		return nil, &ReservedEventError{Event: event}
	}
	if len(args) == 1 {
		if a, ok := args[0].(*Args); ok {
			return argsPacket(nsp, event, a), nil
		}
	}
	values := make([]any, 0, 1+len(args))
	values = append(values, event)
	values = append(values, args...)
	data, att, err := parser.MarshalArgs(values...)
	if err != nil {
		return nil, fmt.Errorf("socketio: cannot encode %q: %w", event, err)
	}
	return &parser.Packet{Type: parser.Event, Namespace: nsp, ID: parser.NoID, Data: data, Attachments: att}, nil
}

// emitPacket sends p to this socket, through the adapter when the packet
// must be kept for connection state recovery.
func (s *Socket) emitPacket(p *parser.Packet, volatile bool) error {
	switch s.state.Load() {
	case stateConnecting:
		s.mu.Lock()
		if s.state.Load() == stateConnecting {
			s.pending = append(s.pending, pendingEmit{p: p, volatile: volatile})
			s.mu.Unlock()
			return nil
		}
		s.mu.Unlock()
	case stateClosed:
		return ErrDisconnected
	}
	if s.nsp.srv.opts.ConnectionStateRecovery != nil && p.ID == parser.NoID {
		return s.nsp.adapter.Broadcast(s.nsp.srv.ctx, p, &BroadcastOptions{Rooms: []string{s.id}, Flags: BroadcastFlags{Volatile: volatile}})
	}
	s.Deliver(p, encodeMessages(p), volatile)
	return nil
}

// Deliver writes the packet p, encoded as msgs by
// [AdapterNamespace.Encode], to the socket's client, and reports whether it
// was queued. Adapters call it for every receiver of a broadcast with the
// same msgs (p and msgs must not change afterwards). A packet for a socket
// whose CONNECT reply is on its way follows the reply; a socket still in
// its connect step, or disconnected, gets nothing (false). volatile drops
// the packet (false) when the transport cannot write right now. The
// socket's [Socket.OnAnyOutgoing] listeners see it. Deliver does not wait
// for the network.
func (s *Socket) Deliver(p *parser.Packet, msgs []engineio.Message, volatile bool) bool {
	st := s.state.Load()
	if st == stateConnecting {
		s.mu.Lock()
		st = s.state.Load()
		if st == stateConnecting && s.replied.Load() {
			// accept is sending the CONNECT reply: the packet follows it.
			s.pending = append(s.pending, pendingEmit{p: p, msgs: msgs, volatile: volatile})
			s.mu.Unlock()
			return true
		}
		s.mu.Unlock()
	}
	if st != stateConnected {
		return false
	}
	return s.send(p, msgs, volatile)
}

// send writes an encoded packet to the connected client.
func (s *Socket) send(p *parser.Packet, msgs []engineio.Message, volatile bool) bool {
	if s.hasOut.Load() {
		s.notifyOutgoing(p)
	}
	if r := s.replay.Load(); r != nil {
		if held, ok := s.holdDuringReplay(r, msgs, volatile); held {
			return ok
		}
	}
	if volatile {
		return s.client.conn.SendVolatile(msgs...)
	}
	return s.client.conn.Send(msgs...) == nil
}

func (s *Socket) notifyOutgoing(p *parser.Packet) {
	var hs []OutgoingHandler
	s.mu.Lock()
	if s.ls != nil {
		hs = s.ls.onAnyOut
	}
	s.mu.Unlock()
	event, rest, err := p.EventName()
	if err != nil {
		return
	}
	for _, h := range hs {
		args := newArgsBody(rest, p.Attachments)
		s.safely("outgoing listener", event, func() error { h(s, event, &args); return nil })
	}
}

// Disconnect disconnects the socket from its namespace with a DISCONNECT
// packet (reason "server namespace disconnect"), or, when close is true,
// every socket of its client and then the Engine.IO connection.
func (s *Socket) Disconnect(close bool) {
	if close {
		s.client.disconnectAll()
		return
	}
	s.close(ReasonServerDisconnect, true)
}

// onPacket handles a packet of the socket's namespace; it runs on the
// connection's reading goroutine, and blocks while the socket's event
// queue is full (see push).
func (s *Socket) onPacket(p *parser.Packet) {
	switch p.Type {
	case parser.Event, parser.BinaryEvent:
		st := s.state.Load()
		if st == stateConnecting && !s.replied.Load() {
			// Like Node, an event before the CONNECT reply is a protocol
			// violation.
			s.client.closeWith(ReasonForcedServerClose)
			return
		}
		if st == stateClosed {
			return
		}
		// Connected, or the CONNECT reply is out and accept is finishing:
		// the event waits in the queue behind the connect step.
		name, rest, err := p.EventName()
		if err != nil {
			return // Node's server ignores such events
		}
		// false: the socket or its connection closed while the queue
		// was full; the event is dropped with it.
		if f := s.nsp.srv.obs.EventReceived; f != nil {
			size := len(rest)
			for _, a := range p.Attachments {
				size += len(a)
			}
			f(s, name, size)
		}
		_ = s.push(item{kind: itemEvent, name: name, body: rest, att: p.Attachments, id: p.ID})
	case parser.Ack, parser.BinaryAck:
		rest, err := p.AckArgs()
		if err != nil {
			return
		}
		s.mu.Lock()
		fn := s.acks[p.ID]
		delete(s.acks, p.ID)
		s.mu.Unlock()
		if fn != nil {
			a := newArgsBody(rest, p.Attachments)
			fn(&a)
		}
	case parser.Disconnect:
		s.close(ReasonClientDisconnect, false)
	}
}

// close disconnects the socket with reason; notify sends a DISCONNECT
// packet first.
func (s *Socket) close(reason DisconnectReason, notify bool) {
	s.mu.Lock()
	prev := s.state.Load()
	if prev == stateClosed {
		s.mu.Unlock()
		return
	}
	if prev == stateConnecting && notify {
		// Disconnect called by middleware or the connection handler:
		// disconnect right after the CONNECT reply, as Node does.
		s.deferDisconnect = true
		s.mu.Unlock()
		return
	}
	// The client saw the CONNECT reply once it is on its way: from then
	// on the socket closes as a connected one, with its disconnect hooks,
	// even while accept is still finishing.
	accepted := prev == stateConnected || s.replied.Load()
	s.state.Store(stateClosed)
	s.closeReason = reason
	s.acks = nil
	s.pending = nil
	s.mu.Unlock()
	if notify {
		_ = s.client.sendPacket(&parser.Packet{Type: parser.Disconnect, Namespace: s.nsp.name, ID: parser.NoID})
	}
	s.client.remove(s)
	s.cancel(nil)
	if accepted {
		// Runs after the connect item when accept is finishing.
		s.push(item{kind: itemClose, reason: reason})
		return
	}
	// A socket still in its connect step is cleaned up by its connect item.
	s.stopConnectTimer()
	s.releaseNamespace()
}

// accept sends the CONNECT reply and makes the socket visible to
// broadcasts; it reports false when the socket closed before the reply
// went out (a close after it queues the close item, see close). It holds
// s.mu only to change the socket's state: the adapter (AddAll) and the
// connection (the reply) are called unlocked. From the moment s.replied is
// set until the state is connected, packets for the socket wait in
// s.pending (see Deliver and emitPacket), and accept sends them after the
// reply, in order.
func (s *Socket) accept() bool {
	n := s.nsp
	reply := struct {
		SID string `json:"sid"`
		PID string `json:"pid,omitempty"`
	}{s.id, s.pid}
	data, _ := json.Marshal(reply)
	s.mu.Lock()
	if s.state.Load() != stateConnecting {
		s.mu.Unlock()
		s.releaseNamespace()
		return false
	}
	// The client may answer the reply before this function returns; mark
	// the reply sent first so that its events are taken (see onPacket),
	// and so that a connect timeout firing now gives up (see reject).
	s.replied.Store(true)
	s.connectTimer.Stop()
	s.connectTimer = nil // a connected socket keeps no timer
	missed := s.startReplayLocked()
	s.mu.Unlock()
	n.add(s)
	n.adapter.AddAll(s.id, []string{s.id})
	_ = s.client.sendPacket(&parser.Packet{Type: parser.Connect, Namespace: n.name, ID: parser.NoID, Data: data})
	if missed != nil {
		s.nsp.srv.wg.Add(1)
		go s.runReplay(missed)
	}
	for {
		s.mu.Lock()
		closed := s.state.Load() != stateConnecting
		pending := s.pending
		s.pending = nil
		if closed || len(pending) == 0 {
			// Connected; or closed meanwhile (the client disconnected
			// after the reply, the connection ended): close queued the
			// close item, which runs next with the disconnect hooks.
			if !closed {
				s.state.Store(stateConnected)
			}
			deferred := s.deferDisconnect && !closed
			s.mu.Unlock()
			if f := n.srv.obs.SocketConnected; f != nil {
				f(s)
			}
			s.client.connected()
			if deferred {
				s.close(ReasonServerDisconnect, true)
			}
			return true
		}
		s.mu.Unlock()
		for _, e := range pending {
			s.sendPending(e)
		}
	}
}

// sendPending sends a packet that waited for the CONNECT reply: encoded
// (msgs set) when it came from a broadcast, else an emit of the socket's,
// which goes through the adapter when it must be kept for recovery (and
// comes back encoded to s.pending).
func (s *Socket) sendPending(e pendingEmit) {
	if e.msgs != nil {
		s.send(e.p, e.msgs, e.volatile)
		return
	}
	if s.nsp.srv.opts.ConnectionStateRecovery != nil && e.p.ID == parser.NoID {
		_ = s.nsp.adapter.Broadcast(s.nsp.srv.ctx, e.p, &BroadcastOptions{Rooms: []string{s.id}, Flags: BroadcastFlags{Volatile: e.volatile}})
		return
	}
	s.send(e.p, encodeMessages(e.p), e.volatile)
}

// stopConnectTimer stops the connect step's timer.
func (s *Socket) stopConnectTimer() {
	s.mu.Lock()
	t := s.connectTimer
	s.mu.Unlock()
	if t != nil {
		t.Stop()
	}
}

// connectTimedOut refuses a connection whose connect step outlived
// Options.ConnectTimeout. The step goes on until its middleware or handler
// returns (Go cannot stop it; its ctx is done), and its result is then
// discarded.
func (s *Socket) connectTimedOut() {
	if s.state.Load() != stateConnecting {
		return
	}
	s.mu.Lock()
	id := s.id // set by a restore in the connect step
	s.mu.Unlock()
	s.nsp.srv.log.Warn("socketio: connect step timed out, refusing the connection", "namespace", s.nsp.name, "socket", id, "engine_id", s.client.conn.ID(), "timeout", s.nsp.srv.opts.ConnectTimeout)
	s.reject(ErrConnectTimeout)
}

// reject ends a connection attempt refused by middleware or the connection
// handler, or timed out (err is ErrConnectTimeout).
func (s *Socket) reject(err error) {
	s.mu.Lock()
	if s.replied.Load() {
		// A connect timeout firing while accept sends the reply: too
		// late, the socket is accepted.
		s.mu.Unlock()
		return
	}
	wasConnecting := s.state.CompareAndSwap(stateConnecting, stateClosed)
	s.acks = nil
	s.pending = nil
	id := s.id // set by a restore in the connect step
	s.mu.Unlock()
	s.nsp.adapter.DelAll(id)
	var cause error
	if errors.Is(err, ErrConnectTimeout) {
		cause = ErrConnectTimeout
	}
	s.cancel(cause)
	if !wasConnecting {
		return
	}
	s.stopConnectTimer()
	s.releaseNamespace()
	if f := s.nsp.srv.obs.ConnectRefused; f != nil {
		f(s.nsp, refusalOf(err))
	}
	s.client.startRefusal(s)
	payload := struct {
		Message string `json:"message"`
		Data    any    `json:"data,omitempty"`
	}{Message: err.Error()}
	if errors.Is(err, ErrConnectTimeout) {
		payload.Message = connectTimeoutMessage
	} else if errors.Is(err, ErrNamespaceUnavailable) {
		payload.Message = namespaceUnavailableMessage
	} else if _, ok := errors.AsType[*panicError](err); ok {
		// A panic's text may hold anything (a query, a password); it was
		// logged with its stack, and the client gets a generic message.
		payload.Message = internalErrorMessage
	} else if ce, ok := errors.AsType[*ConnectError](err); ok {
		payload.Data = ce.Data
	}
	data, merr := json.Marshal(payload)
	if merr != nil {
		data, _ = json.Marshal(struct {
			Message string `json:"message"`
		}{payload.Message})
	}
	_ = s.client.sendPacket(&parser.Packet{Type: parser.ConnectError, Namespace: s.nsp.name, ID: parser.NoID, Data: data})
	if s.client.endRefusal() {
		// Options.ConnectTimeout has passed and no namespace is joined:
		// close, as Node does, once the refusal is on its way.
		s.nsp.srv.log.Debug("socketio: no namespace joined in time, closing", "engine_id", s.client.conn.ID())
		s.client.closeWith(ReasonForcedServerClose)
	}
}

// releaseNamespace drops the socket's hold on its namespace, once. A child
// namespace whose socket may still recover its session (it persisted one in
// the child's adapter) stays held until the session expires.
func (s *Socket) releaseNamespace() {
	if !s.released.CompareAndSwap(false, true) {
		return
	}
	n := s.nsp
	if n.parent == nil {
		return
	}
	s.mu.Lock()
	reason := s.closeReason
	s.mu.Unlock()
	if rec := n.srv.opts.ConnectionStateRecovery; rec != nil && s.replied.Load() && recoverable(reason) && !n.srv.opts.KeepEmptyChildNamespaces {
		time.AfterFunc(rec.MaxDisconnectionDuration, func() { n.srv.release(n) })
		return
	}
	n.srv.release(n)
}

// CloseConn closes the socket's Engine.IO connection without DISCONNECT
// packets, as Node's socket.conn.close(): every socket of the client
// disconnects with reason "forced close" (recoverable), and the client
// reconnects on its own.
func (s *Socket) CloseConn() {
	s.client.conn.Close()
}
