package socketio

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio/parser"
)

// Middleware runs for every socket connecting to a namespace, in the order
// added, before the connection handler. An error rejects the connection
// with a CONNECT_ERROR carrying err.Error() as its message, and the Data of
// a [*ConnectError] in err's chain; a panic rejects it with "Internal server
// error". ctx is the socket's [Socket.Context]: it is also cancelled, with
// cause [ErrConnectTimeout], when the connect step outlives
// Options.ConnectTimeout.
type Middleware func(ctx context.Context, s *Socket) error

// AnyHandler observes every incoming event of a socket, before the event's
// own handler, as Node's socket.onAny listeners; ack is nil when the client
// asked for no acknowledgement.
type AnyHandler func(ctx context.Context, s *Socket, event string, args *Args, ack AckFunc)

// OutgoingHandler observes every event sent to a socket, as Node's
// socket.onAnyOutgoing listeners. args is only valid during the call.
type OutgoingHandler func(s *Socket, event string, args *Args)

// ServerSideHandler handles an event sent by another server of the cluster
// with ServerSideEmit. ack is nil unless the sender waits for responses.
type ServerSideHandler func(ctx context.Context, args *Args, ack AckFunc)

// hooks are a namespace's registrations; a dynamic namespace shares its
// hooks with the children it creates.
type hooks struct {
	mu          sync.RWMutex
	middlewares []Middleware
	onConnect   ConnectionHandler
	handlers    map[string]EventHandler
	serverSide  map[string]ServerSideHandler
}

func newHooks() *hooks {
	return &hooks{handlers: make(map[string]EventHandler), serverSide: make(map[string]ServerSideHandler)}
}

// Namespace is a communication channel multiplexed over the Engine.IO
// connections: each client connects to the namespaces it wants, and gets a
// [Socket] in each.
type Namespace struct {
	srv     *Server
	name    string
	hooks   *hooks
	adapter Adapter
	ackIDs  atomic.Int64

	parent   *Namespace                // set on a dynamic namespace's children
	match    func(string, []byte) bool // set on dynamic namespaces
	mu       sync.RWMutex              // guards sockets and children
	sockets  map[string]*Socket        // connected local sockets by id
	children map[string]*Namespace     // a dynamic namespace's children

	// refs counts the sockets holding a child namespace, from their
	// CONNECT to their end (see Server.acquire and Server.release);
	// guarded by srv.mu.
	refs int

	startMu  sync.Mutex // guards started and starting
	started  bool       // the adapter's Start succeeded (or it has none)
	starting *startCall // the Start running, nil when none

	closeOnce sync.Once // closes the adapter once (see closeAdapter)
}

// startCall is one run of an adapter's Start, which the callers of
// [Namespace.Start] share.
type startCall struct {
	done chan struct{} // closed when the run ended; err is set then
	err  error
}

// newNamespace makes a namespace with its adapter. It runs the adapter
// factory (the application's code): never call it with a lock held.
func newNamespace(s *Server, name string, h *hooks, parent *Namespace) *Namespace {
	n := &Namespace{srv: s, name: name, hooks: h, parent: parent, sockets: make(map[string]*Socket)}
	if s.opts.Adapter != nil {
		n.adapter = s.opts.Adapter(n)
	} else {
		n.adapter = NewMemoryAdapter(n)
	}
	if _, ok := n.adapter.(AdapterStarter); !ok {
		n.started = true
	}
	return n
}

// newParentNamespace makes a dynamic namespace: a placeholder, with no
// sockets of its own and no cluster adapter, whose adapter broadcasts to
// its children (see parentAdapter).
func newParentNamespace(s *Server, name string, match func(string, []byte) bool) *Namespace {
	n := &Namespace{srv: s, name: name, hooks: newHooks(), match: match, sockets: make(map[string]*Socket),
		children: make(map[string]*Namespace), started: true}
	n.adapter = &parentAdapter{MemoryAdapter: NewMemoryAdapter(n), nsp: n}
	return n
}

// Start starts the namespace's adapter when it implements [AdapterStarter]
// and has not started yet, and waits until it has, or until ctx is done.
// The adapter's Start runs once at a time, on its own goroutine, with a
// context that ends with the server's [Server.Shutdown]; callers arriving
// meanwhile wait for the same run. When it fails, Start returns its error
// and the next call (the next CONNECT) tries again.
//
// The server calls Start itself: in the background when [Server.Of] makes a
// namespace, and before a socket's middleware runs (a CONNECT waits for the
// start, and is refused with [ErrNamespaceUnavailable] when it fails), so an
// application needs it only to learn early that an adapter cannot start.
func (n *Namespace) Start(ctx context.Context) error {
	n.startMu.Lock()
	if n.started {
		n.startMu.Unlock()
		return nil
	}
	c := n.starting
	if c == nil {
		c = &startCall{done: make(chan struct{})}
		n.starting = c
		n.srv.wg.Add(1)
		go n.runStart(c)
	}
	n.startMu.Unlock()
	select {
	case <-c.done:
		return c.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// runStart runs the adapter's Start for c.
func (n *Namespace) runStart(c *startCall) {
	defer n.srv.wg.Done()
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		return n.adapter.(AdapterStarter).Start(n.srv.ctx)
	}()
	if err != nil {
		err = fmt.Errorf("socketio: starting the adapter of namespace %s: %w", n.name, err)
	}
	n.startMu.Lock()
	c.err = err
	n.started = err == nil
	n.starting = nil
	n.startMu.Unlock()
	close(c.done)
}

// closeAdapter closes the namespace's adapter, once; it is never called
// with a lock held.
func (n *Namespace) closeAdapter() error {
	var err error
	n.closeOnce.Do(func() { err = n.adapter.Close() })
	return err
}

// RoomObserver returns the Options.Observer's RoomJoined and RoomLeft
// hooks, each nil when not set. [MemoryAdapter] calls them when it changes
// rooms; an adapter that keeps rooms of its own calls them the same way,
// never while holding a lock.
func (n *Namespace) RoomObserver() (joined, left func(nsp *Namespace, id, room string)) {
	return n.srv.obs.RoomJoined, n.srv.obs.RoomLeft
}

// eventSent tells the observer of an event emitted to the namespace.
func (n *Namespace) eventSent(event string) {
	if f := n.srv.obs.EventSent; f != nil {
		f(n, event)
	}
}

// Name returns the namespace's name, e.g. "/chat". A dynamic namespace's
// name is "/_N".
func (n *Namespace) Name() string { return n.name }

// Server returns the namespace's server.
func (n *Namespace) Server() *Server { return n.srv }

// Adapter returns the namespace's adapter.
func (n *Namespace) Adapter() Adapter { return n.adapter }

// Parent returns the dynamic namespace that created n, or nil.
func (n *Namespace) Parent() *Namespace { return n.parent }

// Use adds a middleware, run for each connecting socket after the ones
// added before it. Add middleware before serving.
func (n *Namespace) Use(m Middleware) {
	n.hooks.mu.Lock()
	n.hooks.middlewares = append(n.hooks.middlewares, m)
	n.hooks.mu.Unlock()
}

// OnConnection sets the connection handler, replacing the previous one. It
// runs after the middleware; an error rejects the connection. It is the
// place to install the socket's handlers ([Socket.SetDispatcher],
// [Socket.On], [Socket.OnDisconnect]); events it emits reach the client
// after the CONNECT reply.
func (n *Namespace) OnConnection(h ConnectionHandler) {
	n.hooks.mu.Lock()
	n.hooks.onConnect = h
	n.hooks.mu.Unlock()
}

// On sets the handler of event for every socket of the namespace; a
// handler set with [Socket.On] or a socket's dispatcher take precedence.
func (n *Namespace) On(event string, h EventHandler) {
	n.hooks.mu.Lock()
	n.hooks.handlers[event] = h
	n.hooks.mu.Unlock()
}

// OnServerSideEmit sets the handler of event for events sent by the other
// servers of the cluster with ServerSideEmit.
func (n *Namespace) OnServerSideEmit(event string, h ServerSideHandler) {
	n.hooks.mu.Lock()
	n.hooks.serverSide[event] = h
	n.hooks.mu.Unlock()
}

// HandleServerSideEmit delivers data, the JSON array [event, args...] that
// another server sent with ServerSideEmit, to the handler set with
// OnServerSideEmit. Cluster adapters call it; ack is nil unless the sender
// waits for a response.
func (n *Namespace) HandleServerSideEmit(ctx context.Context, data []byte, ack AckFunc) error {
	p := parser.Packet{Type: parser.Event, Data: data}
	event, rest, err := p.EventName()
	if err != nil {
		return err
	}
	n.hooks.mu.RLock()
	h := n.hooks.serverSide[event]
	n.hooks.mu.RUnlock()
	if h == nil {
		return ErrUnknownEvent
	}
	args := newArgsBody(rest, nil)
	h(ctx, &args, ack)
	return nil
}

// Socket returns the local connected socket with id.
func (n *Namespace) Socket(id string) (*Socket, bool) {
	n.mu.RLock()
	s, ok := n.sockets[id]
	n.mu.RUnlock()
	return s, ok
}

// Sockets returns the local connected sockets.
func (n *Namespace) Sockets() []*Socket { return n.localSockets() }

func (n *Namespace) localSockets() []*Socket {
	n.mu.RLock()
	defer n.mu.RUnlock()
	out := make([]*Socket, 0, len(n.sockets))
	for _, s := range n.sockets {
		out = append(out, s)
	}
	return out
}

func (n *Namespace) childList() []*Namespace {
	n.mu.RLock()
	defer n.mu.RUnlock()
	out := make([]*Namespace, 0, len(n.children))
	for _, c := range n.children {
		out = append(out, c)
	}
	return out
}

func (n *Namespace) add(s *Socket) {
	n.mu.Lock()
	n.sockets[s.id] = s
	n.mu.Unlock()
}

// remove takes a disconnected socket out of the namespace, and releases the
// socket's hold on it.
func (n *Namespace) remove(s *Socket) {
	n.mu.Lock()
	if n.sockets[s.id] == s {
		delete(n.sockets, s.id)
	}
	n.mu.Unlock()
	s.releaseNamespace()
}

// AppendSockets implements [AdapterNamespace].
func (n *Namespace) AppendSockets(dst []*Socket, ids []string) []*Socket {
	dst = slices.Grow(dst, len(ids))
	n.mu.RLock()
	defer n.mu.RUnlock()
	for _, id := range ids {
		if s := n.sockets[id]; s != nil {
			dst = append(dst, s)
		}
	}
	return dst
}

// Encode implements [AdapterNamespace].
func (n *Namespace) Encode(p *parser.Packet) []engineio.Message { return encodeMessages(p) }

// NextAckID implements [AdapterNamespace].
func (n *Namespace) NextAckID() int64 { return n.ackIDs.Add(1) - 1 }

// ConnectionStateRecovery implements [AdapterNamespace].
func (n *Namespace) ConnectionStateRecovery() *RecoveryOptions {
	r := n.srv.opts.ConnectionStateRecovery
	if r == nil {
		return nil
	}
	c := *r
	return &c
}

func (n *Namespace) operator() *BroadcastOperator { return &BroadcastOperator{nsp: n} }

// Emit sends an event to every socket of the namespace.
func (n *Namespace) Emit(event string, args ...any) error { return n.operator().Emit(event, args...) }

// EmitWithAck sends an event to every socket of the namespace and returns
// their acknowledgements; see [BroadcastOperator.EmitWithAck].
func (n *Namespace) EmitWithAck(ctx context.Context, event string, args ...any) ([]*Args, error) {
	return n.operator().EmitWithAck(ctx, event, args...)
}

// To selects rooms for a broadcast: the sockets in any of them.
func (n *Namespace) To(rooms ...string) *BroadcastOperator { return n.operator().To(rooms...) }

// In is To.
func (n *Namespace) In(rooms ...string) *BroadcastOperator { return n.operator().To(rooms...) }

// Except excludes the sockets in any of rooms from a broadcast.
func (n *Namespace) Except(rooms ...string) *BroadcastOperator {
	return n.operator().Except(rooms...)
}

// Local limits a broadcast to this server.
func (n *Namespace) Local() *BroadcastOperator { return n.operator().Local() }

// Volatile marks a broadcast volatile: receivers whose transport cannot
// write right now miss it.
func (n *Namespace) Volatile() *BroadcastOperator { return n.operator().Volatile() }

// FetchSockets describes every socket of the namespace, cluster wide.
func (n *Namespace) FetchSockets(ctx context.Context) ([]*RemoteSocket, error) {
	return n.operator().FetchSockets(ctx)
}

// SocketsJoin makes every socket of the namespace join rooms.
func (n *Namespace) SocketsJoin(ctx context.Context, rooms ...string) error {
	return n.operator().SocketsJoin(ctx, rooms...)
}

// SocketsLeave makes every socket of the namespace leave rooms.
func (n *Namespace) SocketsLeave(ctx context.Context, rooms ...string) error {
	return n.operator().SocketsLeave(ctx, rooms...)
}

// DisconnectSockets disconnects every socket of the namespace; close closes
// their client connections.
func (n *Namespace) DisconnectSockets(ctx context.Context, close bool) error {
	return n.operator().DisconnectSockets(ctx, close)
}

// ServerSideEmit sends an event to this namespace on the other servers of
// the cluster, whose [Namespace.OnServerSideEmit] handlers receive it. With
// the in-memory adapter there are no other servers and it does nothing.
func (n *Namespace) ServerSideEmit(ctx context.Context, event string, args ...any) error {
	data, err := marshalServerSide(event, args)
	if err != nil {
		return err
	}
	_, err = n.adapter.ServerSideEmit(ctx, data, false)
	return err
}

// ServerSideEmitWithAck is ServerSideEmit waiting, until ctx is done, for
// one acknowledgement from each other server.
func (n *Namespace) ServerSideEmitWithAck(ctx context.Context, event string, args ...any) ([]*Args, error) {
	data, err := marshalServerSide(event, args)
	if err != nil {
		return nil, err
	}
	return n.adapter.ServerSideEmit(ctx, data, true)
}

func marshalServerSide(event string, args []any) ([]byte, error) {
	if parser.IsReservedEvent(event) {
		return nil, &ReservedEventError{Event: event}
	}
	data, att, err := parser.MarshalArgs(append([]any{event}, args...)...)
	if err != nil {
		return nil, err
	}
	if len(att) > 0 {
		return nil, ErrBinaryServerSide
	}
	return data, nil
}
