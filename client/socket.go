package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

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
}

// WantsAck reports whether the server asked for an acknowledgement.
func (e *Event) WantsAck() bool { return e.id != parser.NoID }

// Ack sends the acknowledgement the server asked for, with args (encoded as
// Emit's). Only the first call sends; later ones return ErrAckAlreadySent.
// It may be called after the handler returned, from any goroutine.
func (e *Event) Ack(args ...any) error {
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
	id   int64
	msgs []eio.Message
}

// Socket is the client side of one namespace, multiplexed with the other
// namespaces of its Manager over one connection (socket.io-client's Socket).
// Register handlers, then Connect. All methods are safe for concurrent use.
type Socket struct {
	m   *Manager
	nsp string
	// auth, authErr (its encoding's error) and authFunc come from
	// SocketOptions and do not change.
	auth     json.RawMessage
	authErr  error
	authFunc func() (any, error)

	mu sync.Mutex // guards the fields below
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
	// recvBuf holds the events received before the CONNECT that answers
	// the socket's (a recovering server replays missed events first);
	// bounded by Options.EventQueueSize.
	recvBuf  []func()
	waiters  []chan error
	handlers map[string]Handler
	anys     []Handler
	onConn   []func()
	onDisc   []func(reason string)
	onErr    []func(err error)
}

func newSocket(m *Manager, nsp string, opts *SocketOptions) *Socket {
	s := &Socket{m: m, nsp: nsp, acks: make(map[int64]chan ackResult), handlers: make(map[string]Handler)}
	if opts != nil {
		s.auth, s.authErr = encodeAuth(opts.Auth)
		s.authFunc = opts.AuthFunc
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

// On registers h for the event name, replacing the previous handler.
// Handlers of a Manager run one at a time, in arrival order, on its
// dispatching goroutine.
func (s *Socket) On(name string, h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[name] = h
}

// Off removes the handler of the event name.
func (s *Socket) Off(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.handlers, name)
}

// OffAny removes every handler registered with OnAny.
func (s *Socket) OffAny() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.anys = nil
}

// OnAny registers h for every event, called before the event's own handler.
func (s *Socket) OnAny(h Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.anys = append(s.anys, h)
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

// Connect connects the socket to its namespace and waits, within ctx, for
// the server's answer: nil, a *ConnectError when the server refuses, or
// ErrClosed. From then on the socket is connected again after each
// reconnection of the Manager, until Disconnect or the server disconnects
// it. When ctx ends first, the socket still connects when the server
// answers.
func (s *Socket) Connect(ctx context.Context) error {
	if s.authErr != nil {
		return s.authErr
	}
	w := make(chan error, 1)
	s.mu.Lock()
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
	s.mu.Unlock()
	data := s.auth
	if s.authFunc != nil {
		v, err := s.authFunc()
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
// packet waits in the send buffer (Options.SendBufferSize). Emit never
// blocks.
func (s *Socket) Emit(name string, args ...any) error {
	return s.emit(name, args, parser.NoID, false)
}

// EmitVolatile is Emit for a packet that may be lost: it is dropped, without
// error, unless the socket is connected and the transport can write it at
// once (socket.io-client's socket.volatile.emit).
func (s *Socket) EmitVolatile(name string, args ...any) error {
	return s.emit(name, args, parser.NoID, true)
}

// EmitWithAck sends the event and waits, within ctx, for the server's
// acknowledgement, whose arguments it returns. It returns ErrDisconnected
// when the socket disconnects first (unless the packet still waits in the
// send buffer, to be sent after the reconnection), ctx.Err() when ctx ends
// first.
func (s *Socket) EmitWithAck(ctx context.Context, name string, args ...any) (*socketio.Args, error) {
	ch := make(chan ackResult, 1)
	s.mu.Lock()
	id := s.nextID
	s.nextID++
	s.acks[id] = ch
	s.mu.Unlock()
	if err := s.emit(name, args, id, false); err != nil {
		s.mu.Lock()
		delete(s.acks, id)
		s.mu.Unlock()
		return nil, err
	}
	select {
	case r := <-ch:
		return r.args, r.err
	case <-ctx.Done():
		s.mu.Lock()
		delete(s.acks, id)
		s.sendBuf = slices.DeleteFunc(s.sendBuf, func(p pending) bool { return p.id == id })
		s.mu.Unlock()
		return nil, ctx.Err()
	}
}

func (s *Socket) emit(name string, args []any, id int64, volatile bool) error {
	if parser.IsReservedEvent(name) {
		return fmt.Errorf("%w: %q", ErrReservedEvent, name)
	}
	data, atts, err := parser.MarshalArgs(append([]any{name}, args...)...)
	if err != nil {
		return err
	}
	p := parser.Packet{Type: parser.Event, Namespace: s.nsp, ID: id, Data: data, Attachments: atts}
	msgs := messages(&p)
	s.mu.Lock()
	defer s.mu.Unlock()
	if volatile {
		if s.connected && s.conn.Writable() {
			_ = s.conn.Send(msgs...)
		}
		return nil
	}
	if s.connected {
		err := s.conn.Send(msgs...)
		if !errors.Is(err, eio.ErrClosed) {
			return err
		}
		// The connection just closed and the socket does not know yet:
		// buffer the packet for the next connection, as if it did.
	}
	if len(s.sendBuf) >= s.m.opts.SendBufferSize {
		return ErrSendBufferFull
	}
	s.sendBuf = append(s.sendBuf, pending{id: id, msgs: msgs})
	return nil
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
// whose packets were sent; it returns the disconnect handlers to call.
// s.mu is held.
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
		s.mu.Lock()
		ch, ok := s.acks[p.ID]
		delete(s.acks, p.ID)
		s.mu.Unlock()
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
	for _, b := range s.sendBuf {
		if err := conn.Send(b.msgs...); err != nil {
			s.m.opts.Logger.Warn("client: buffered packet dropped", "namespace", s.nsp, "err", err)
		}
	}
	s.sendBuf = nil
	s.failWaiters(nil)
	fns := slices.Clone(s.onConn)
	received := s.recvBuf
	s.recvBuf = nil
	s.mu.Unlock()
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
		h := s.handlers[name]
		anys := slices.Clone(s.anys)
		s.mu.Unlock()
		for _, a := range anys {
			a(e)
		}
		if h != nil {
			h(e)
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
