package socketio

// TEMPORARY: this file pins the exported surface that cmd/siogen, runtime/ and
// the generated code are written against while the server is being built. The
// socketio implementer replaces it with the real implementation (same names
// and signatures) and deletes this file.

import (
	"context"
	"net/http"
)

// Options configures a Server.
type Options struct{}

// Server is a Socket.IO server.
type Server struct{}

// NewServer returns a Server.
func NewServer(opts *Options) *Server { return &Server{} }

// ServeHTTP serves Engine.IO/Socket.IO requests.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {}

// Of returns the namespace named name, creating it.
func (s *Server) Of(name string) *Namespace { return &Namespace{name: name} }

// Namespace is a Socket.IO namespace.
type Namespace struct{ name string }

// Name returns the namespace's name.
func (n *Namespace) Name() string { return n.name }

// OnConnection sets the connection handler.
func (n *Namespace) OnConnection(h ConnectionHandler) {}

// To selects rooms for a broadcast.
func (n *Namespace) To(rooms ...string) *BroadcastOperator { return &BroadcastOperator{} }

// Emit broadcasts to every socket of the namespace.
func (n *Namespace) Emit(event string, args ...any) error { return nil }

// Socket is a client's connection to one namespace.
type Socket struct{}

// ID returns the socket's id.
func (s *Socket) ID() string { return "" }

// Namespace returns the socket's namespace.
func (s *Socket) Namespace() *Namespace { return nil }

// Context is canceled when the socket disconnects.
func (s *Socket) Context() context.Context { return context.Background() }

// SetDispatcher installs the socket's event dispatcher.
func (s *Socket) SetDispatcher(d Dispatcher) {}

// OnDisconnect sets the socket's disconnect handler.
func (s *Socket) OnDisconnect(h DisconnectHandler) {}

// Emit sends an event to the socket's client.
func (s *Socket) Emit(event string, args ...any) error { return nil }

// Join adds the socket to rooms.
func (s *Socket) Join(rooms ...string) {}

// Leave removes the socket from room.
func (s *Socket) Leave(room string) {}

// To selects rooms for a broadcast that excludes this socket.
func (s *Socket) To(rooms ...string) *BroadcastOperator { return &BroadcastOperator{} }

// Disconnect disconnects the socket from its namespace, or the whole client
// connection when close is true.
func (s *Socket) Disconnect(close bool) {}

// BroadcastOperator targets a set of sockets.
type BroadcastOperator struct{}

// To adds rooms.
func (b *BroadcastOperator) To(rooms ...string) *BroadcastOperator { return b }

// Except excludes rooms.
func (b *BroadcastOperator) Except(rooms ...string) *BroadcastOperator { return b }

// Emit broadcasts the event.
func (b *BroadcastOperator) Emit(event string, args ...any) error { return nil }
