package socketio

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/siogo/sio/engineio"
)

// Server is a Socket.IO server: an [http.Handler] serving the Engine.IO
// transports under its path, with namespaces, rooms and broadcasts on top.
type Server struct {
	opts   *Options
	obs    Observer // zero when Options.Observer is nil
	engine *engineio.Server
	log    *slog.Logger

	// mu guards the fields below and Namespace.refs. Held briefly: never
	// across an adapter factory, an adapter method or a match function.
	mu       sync.RWMutex
	nsps     map[string]*Namespace
	parents  []*Namespace // dynamic namespaces, in creation order
	clients  map[*client]struct{}
	closing  bool
	parentID int
	children int // live children of the dynamic namespaces

	closed atomic.Bool
	wg     tracker // event workers, close callbacks, adapter starts

	// ctx ends when Shutdown starts: the context of adapter starts, and
	// of the adapter calls made for Emit and session recovery.
	ctx    context.Context
	cancel context.CancelFunc
}

// NewServer returns a server configured by opts (nil means defaults). The
// main namespace "/" exists from the start.
func NewServer(opts *Options) *Server {
	o := opts.clone()
	s := &Server{
		opts:    o,
		log:     o.Logger,
		nsps:    make(map[string]*Namespace),
		clients: make(map[*client]struct{}),
	}
	if o.Observer != nil {
		s.obs = *o.Observer
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.engine = engineio.NewServer(o.Engine)
	s.engine.OnConnection(func(sess *engineio.Session) {
		c := s.attach(sess)
		// On the reading goroutine: a full event queue pushes back on
		// the client (see Socket.push).
		sess.OnMessageBlocking(c.onMessage)
		sess.OnClose(func(reason engineio.CloseReason, err error) {
			// Run apart from the engine's goroutine, which may hold its
			// own locks while reporting the close.
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				c.onEngineClose(DisconnectReason(reason), err)
			}()
		})
	})
	s.Of("/")
	return s
}

// ServeHTTP serves the Engine.IO requests under the server's path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.engine.ServeHTTP(w, r)
}

// Engine returns the Engine.IO server underneath.
func (s *Server) Engine() *engineio.Server { return s.engine }

// Of returns the namespace named name ("/" is added in front when missing),
// creating it on first use. A namespace made by Of starts its adapter in
// the background (see [AdapterStarter]); [Namespace.Start] waits for it.
func (s *Server) Of(name string) *Namespace {
	if !strings.HasPrefix(name, "/") {
		name = "/" + name
	}
	s.mu.RLock()
	n := s.nsps[name]
	s.mu.RUnlock()
	if n != nil {
		return n
	}
	// The factory is the application's: run it unlocked, and drop its
	// adapter if another goroutine made the namespace meanwhile.
	made := newNamespace(s, name, newHooks(), nil)
	s.mu.Lock()
	if n = s.nsps[name]; n != nil {
		s.mu.Unlock()
		_ = made.closeAdapter()
		return n
	}
	s.nsps[name] = made
	closing := s.closing
	s.mu.Unlock()
	if closing {
		// Shutdown has closed the adapters already, or is closing them.
		_ = made.closeAdapter()
		return made
	}
	made.startInBackground()
	return made
}

// startInBackground starts the namespace's adapter, logging a failure (the
// next CONNECT tries again).
func (n *Namespace) startInBackground() {
	n.startMu.Lock()
	started := n.started
	n.startMu.Unlock()
	if started {
		return
	}
	n.srv.wg.Add(1)
	go func() {
		defer n.srv.wg.Done()
		if err := n.Start(n.srv.ctx); err != nil && n.srv.ctx.Err() == nil {
			n.srv.log.Warn("socketio: adapter start failed; the next CONNECT retries", "namespace", n.name, "error", err)
		}
	}()
}

// OfRegexp returns a dynamic namespace: a client connecting to a namespace
// that does not exist and whose name re matches gets a child namespace of
// that name, created on demand, which shares the returned namespace's
// middleware, connection handler and event handlers (Node's
// io.of(/regexp/)). Broadcasts on the returned namespace reach every child.
// The children share the parent's registrations: Use, OnConnection and On
// on a child or on the parent apply to all of them, also to children created
// before.
func (s *Server) OfRegexp(re *regexp.Regexp) *Namespace {
	return s.OfFunc(func(name string, _ []byte) bool { return re.MatchString(name) })
}

// OfFunc is [Server.OfRegexp] with a function deciding which names match; it
// gets the name and the CONNECT packet's auth payload, and must not block.
func (s *Server) OfFunc(match func(name string, auth []byte) bool) *Namespace {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.parentID++
	p := newParentNamespace(s, "/_"+strconv.Itoa(s.parentID), match)
	s.parents = append(s.parents, p)
	return p
}

// acquire returns the namespace name for a connecting socket, creating a
// child of the first matching dynamic namespace when needed. A child is
// held for the socket until [Server.release]. It returns nil and the
// CONNECT_ERROR message when there is no such namespace
// (invalidNamespace) or no room for another child (tooManyNamespaces).
func (s *Server) acquire(name string, auth []byte) (*Namespace, []byte) {
	s.mu.RLock()
	n := s.nsps[name]
	parents := s.parents
	s.mu.RUnlock()
	if n != nil && n.parent == nil {
		return n, nil
	}
	var parent *Namespace
	if n != nil {
		parent = n.parent
	} else {
		// The match functions are the application's: call them unlocked.
		for _, p := range parents {
			if p.match(name, auth) {
				parent = p
				break
			}
		}
		if parent == nil {
			return nil, invalidNamespace
		}
	}
	if n := s.holdChild(name); n != nil {
		return n, nil
	}
	// The adapter factory is the application's too: make the child
	// unlocked, and drop it if another socket made it meanwhile. Its
	// adapter starts when the socket's connect step begins.
	child := newNamespace(s, name, parent.hooks, parent)
	s.mu.Lock()
	if n := s.nsps[name]; n != nil {
		if n.parent != nil {
			n.refs++
		}
		s.mu.Unlock()
		_ = child.closeAdapter()
		return n, nil
	}
	if s.closing {
		s.mu.Unlock()
		_ = child.closeAdapter()
		return nil, invalidNamespace
	}
	if s.children >= s.opts.MaxDynamicNamespaces {
		s.mu.Unlock()
		_ = child.closeAdapter()
		s.log.Warn("socketio: too many dynamic namespaces, refusing a new one", "limit", s.opts.MaxDynamicNamespaces)
		return nil, tooManyNamespaces
	}
	child.refs = 1
	s.children++
	s.nsps[name] = child
	parent.mu.Lock()
	parent.children[name] = child
	parent.mu.Unlock()
	s.mu.Unlock()
	return child, nil
}

// holdChild returns the namespace name, held, when it exists.
func (s *Server) holdChild(name string) *Namespace {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.nsps[name]
	if n != nil && n.parent != nil {
		n.refs++
	}
	return n
}

// release drops a socket's hold on its namespace: a dynamic namespace's
// child that no socket holds any more is removed and its adapter closed,
// unless Options.KeepEmptyChildNamespaces.
func (s *Server) release(n *Namespace) {
	if n.parent == nil {
		return
	}
	s.mu.Lock()
	n.refs--
	if n.refs > 0 || s.opts.KeepEmptyChildNamespaces || s.nsps[n.name] != n {
		s.mu.Unlock()
		return
	}
	delete(s.nsps, n.name)
	s.children--
	n.parent.mu.Lock()
	if n.parent.children[n.name] == n {
		delete(n.parent.children, n.name)
	}
	n.parent.mu.Unlock()
	s.mu.Unlock()
	_ = n.closeAdapter()
}

func (s *Server) attach(conn engineConn) *client {
	c := newClient(s, conn)
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		conn.Close()
		return c
	}
	s.clients[c] = struct{}{}
	s.mu.Unlock()
	return c
}

func (s *Server) detach(c *client) {
	s.mu.Lock()
	delete(s.clients, c)
	s.mu.Unlock()
}

func (s *Server) namespaces() []*Namespace {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*Namespace, 0, len(s.nsps))
	for _, n := range s.nsps {
		out = append(out, n)
	}
	return out
}

// Shutdown disconnects every socket with reason "server shutting down",
// closes every Engine.IO connection, closes the adapters (of every
// namespace, dynamic namespaces' children included), and waits for the
// handlers and adapter starts still running, or for ctx to be done. The
// context of adapter starts and of the adapter calls made for
// [Namespace.Emit] ends when it begins. Every client is then reconnecting
// at the same moment; [Server.Drain] spreads the closes over a period.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	clients := make([]*client, 0, len(s.clients))
	for c := range s.clients {
		clients = append(clients, c)
	}
	s.mu.Unlock()
	s.closed.Store(true)
	s.cancel()
	for _, n := range s.namespaces() {
		for _, so := range n.localSockets() {
			so.close(ReasonServerShuttingDown, false)
		}
	}
	err := s.engine.Shutdown(ctx)
	for _, c := range clients {
		c.conn.Close()
		c.onEngineClose(ReasonServerShuttingDown, nil)
	}
	s.mu.RLock()
	parents := s.parents
	s.mu.RUnlock()
	for _, n := range append(s.namespaces(), parents...) {
		if cerr := n.closeAdapter(); cerr != nil && err == nil {
			err = cerr
		}
	}
	if werr := s.wg.Wait(ctx); werr != nil {
		return errors.Join(err, werr)
	}
	return err
}

// main returns the main namespace "/".
func (s *Server) main() *Namespace { return s.Of("/") }

// Use adds middleware to the main namespace; see [Namespace.Use].
func (s *Server) Use(m Middleware) { s.main().Use(m) }

// OnConnection sets the main namespace's connection handler.
func (s *Server) OnConnection(h ConnectionHandler) { s.main().OnConnection(h) }

// On sets a handler for event on every socket of the main namespace.
func (s *Server) On(event string, h EventHandler) { s.main().On(event, h) }

// Emit sends an event to every socket of the main namespace.
func (s *Server) Emit(event string, args ...any) error { return s.main().Emit(event, args...) }

// EmitWithAck sends an event to every socket of the main namespace and
// returns their acknowledgements; see [BroadcastOperator.EmitWithAck].
func (s *Server) EmitWithAck(ctx context.Context, event string, args ...any) ([]*Args, error) {
	return s.main().EmitWithAck(ctx, event, args...)
}

// To selects rooms of the main namespace for a broadcast.
func (s *Server) To(rooms ...string) *BroadcastOperator { return s.main().To(rooms...) }

// In is To.
func (s *Server) In(rooms ...string) *BroadcastOperator { return s.main().In(rooms...) }

// Except excludes rooms of the main namespace from a broadcast.
func (s *Server) Except(rooms ...string) *BroadcastOperator { return s.main().Except(rooms...) }

// Local limits a broadcast on the main namespace to this server.
func (s *Server) Local() *BroadcastOperator { return s.main().Local() }

// Volatile marks a broadcast on the main namespace volatile.
func (s *Server) Volatile() *BroadcastOperator { return s.main().Volatile() }

// FetchSockets describes the sockets of the main namespace.
func (s *Server) FetchSockets(ctx context.Context) ([]*RemoteSocket, error) {
	return s.main().FetchSockets(ctx)
}

// SocketsJoin makes every socket of the main namespace join rooms.
func (s *Server) SocketsJoin(ctx context.Context, rooms ...string) error {
	return s.main().SocketsJoin(ctx, rooms...)
}

// SocketsLeave makes every socket of the main namespace leave rooms.
func (s *Server) SocketsLeave(ctx context.Context, rooms ...string) error {
	return s.main().SocketsLeave(ctx, rooms...)
}

// DisconnectSockets disconnects every socket of the main namespace.
func (s *Server) DisconnectSockets(ctx context.Context, close bool) error {
	return s.main().DisconnectSockets(ctx, close)
}

// ServerSideEmit sends an event to the main namespace of the other servers
// of the cluster; see [Namespace.ServerSideEmit].
func (s *Server) ServerSideEmit(ctx context.Context, event string, args ...any) error {
	return s.main().ServerSideEmit(ctx, event, args...)
}
