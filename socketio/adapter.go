package socketio

import (
	"context"
	"errors"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio/parser"
)

// Adapter owns a namespace's rooms and carries its broadcasts: to the local
// sockets, and, for a cluster adapter, to the other servers. Every
// namespace has one, made by [Options].Adapter (default
// [NewMemoryAdapter]).
//
// The contract follows Node's socket.io-adapter, so that an adapter
// talking to Node's cluster adapters (@socket.io/redis-adapter) can be
// written against it: what crosses servers is a [BroadcastOptions], the
// packet (type, namespace, JSON data, attachments, ack id), socket ids, room
// names and [RemoteSocket] descriptions. A cluster adapter embeds a
// *[MemoryAdapter], calls its methods for the local part of each operation,
// publishes the remote part, and calls the MemoryAdapter's methods (with
// the Local flag) for the requests it receives from other servers; see
// docs/socketio.md.
//
// Room methods (AddAll, Del, DelAll, SocketRooms, Sockets, Rooms) are local
// and must not block. The other methods may do network I/O and take a
// context. All methods are called from many goroutines at once, never with
// a lock of the server held.
//
// The factory (Options.Adapter) must be cheap: it runs when a namespace is
// made, also when a client's CONNECT makes a dynamic namespace's child, and
// its adapter may be thrown away (closed unused) when another goroutine made
// the same namespace first. An adapter that must do I/O before it serves
// (subscribe, connect) implements [AdapterStarter]. A dynamic namespace
// ([Server.OfFunc]) is only a placeholder: it gets no adapter from the
// factory, and its broadcasts go to its children's adapters.
type Adapter interface {
	// AddAll adds the socket with id to rooms.
	AddAll(id string, rooms []string)
	// Del removes the socket with id from room.
	Del(id, room string)
	// DelAll removes the socket with id from every room.
	DelAll(id string)
	// SocketRooms returns the rooms of the local socket with id, its own
	// id included, or nil when it is unknown.
	SocketRooms(id string) []string
	// Sockets returns the ids of the local sockets in any of rooms, or of
	// every local socket when rooms is empty.
	Sockets(rooms []string) []string
	// Rooms returns the names of the local rooms, socket ids included.
	Rooms() []string

	// Broadcast sends p (an EVENT, with its attachments) to the sockets
	// that opts selects, encoding it once for all of them.
	Broadcast(ctx context.Context, p *parser.Packet, opts *BroadcastOptions) error
	// BroadcastWithAck sends p, with an ack id the adapter assigns, to the
	// selected sockets and calls clientCount once per server with the
	// number of sockets it was sent to, and ack once per response, until
	// ctx is done.
	BroadcastWithAck(ctx context.Context, p *parser.Packet, opts *BroadcastOptions, clientCount func(n int), ack func(args *Args)) error
	// ServerCount returns the number of servers in the cluster, this one
	// included.
	ServerCount(ctx context.Context) (int, error)
	// FetchSockets describes the sockets that opts selects, cluster wide
	// unless opts.Flags.Local.
	FetchSockets(ctx context.Context, opts *BroadcastOptions) ([]*RemoteSocket, error)
	// AddSockets makes the selected sockets join rooms.
	AddSockets(ctx context.Context, opts *BroadcastOptions, rooms []string) error
	// DelSockets makes the selected sockets leave rooms.
	DelSockets(ctx context.Context, opts *BroadcastOptions, rooms []string) error
	// DisconnectSockets disconnects the selected sockets; close closes
	// their whole client connections.
	DisconnectSockets(ctx context.Context, opts *BroadcastOptions, close bool) error
	// ServerSideEmit sends data, the JSON array [event, args...], to the
	// namespace on every other server. With withAck it waits (until ctx is
	// done) for one response per other server and returns them.
	ServerSideEmit(ctx context.Context, data []byte, withAck bool) ([]*Args, error)

	// PersistSession keeps the state of a socket whose transport was cut,
	// for connection state recovery.
	PersistSession(s *SessionState)
	// RestoreSession returns the session pid with the packets sent after
	// offset to its rooms, or nil when it cannot be recovered (unknown,
	// expired, or offset no longer known). The server calls it in a
	// socket's connect step, after Start, off the connection's reading
	// goroutine, with a ctx that ends at Options.ConnectTimeout or
	// Shutdown; an error gives the socket a new session.
	RestoreSession(ctx context.Context, pid, offset string) (*SessionState, error)

	// Close releases the adapter's resources. The server calls it once:
	// on Shutdown, when a dynamic namespace's child is removed, or when
	// the adapter was made for a namespace another goroutine made first
	// (then maybe before or without Start).
	Close() error
}

// AdapterNamespace is what an [Adapter] needs of its namespace, as Node's
// adapter sees its nsp: the name, the connected local sockets by id, the
// encoder, acknowledgement ids, the hook for the events other servers send
// with ServerSideEmit, the recovery options, and the observer hooks of a
// cluster adapter's traffic. *[Namespace] implements it.
//
// [MemoryAdapter] uses nothing else of its namespace, and of the sockets
// only their exported methods ([Socket.ID], [Socket.Deliver],
// [Socket.ExpectAck], [Socket.CancelAck], [Socket.Handshake], [Socket.Data],
// [Socket.Disconnect]): an adapter written in another package can do all
// it does. The methods take no lock of the adapter's and call no adapter
// method, so an adapter may call them from its own methods, but not while
// holding its own lock (see Lock order in the package doc).
type AdapterNamespace interface {
	// Name returns the namespace's name, e.g. "/chat".
	Name() string
	// Socket returns the connected local socket with id.
	Socket(id string) (*Socket, bool)
	// AppendSockets appends to dst the connected local sockets whose ids
	// are in ids, in that order, skipping the ids of no such socket, and
	// returns the extended slice. It looks them up under one read lock,
	// for a broadcast's receivers.
	AppendSockets(dst []*Socket, ids []string) []*Socket
	// Encode returns the Engine.IO messages of p (its text, then its
	// binary attachments), to be written with [Socket.Deliver] to every
	// receiver: a broadcast is encoded once.
	Encode(p *parser.Packet) []engineio.Message
	// NextAckID returns an acknowledgement id unique in the namespace, for
	// a packet that expects acknowledgements ([Socket.ExpectAck]).
	NextAckID() int64
	// HandleServerSideEmit delivers an event another server sent with
	// ServerSideEmit to the namespace's handler; see
	// [Namespace.HandleServerSideEmit].
	HandleServerSideEmit(ctx context.Context, data []byte, ack AckFunc) error
	// ConnectionStateRecovery returns a copy of the server's
	// Options.ConnectionStateRecovery, nil when recovery is off.
	ConnectionStateRecovery() *RecoveryOptions
	// ObserveAdapterMessage reports a message the adapter sent to the
	// other servers (out) or received from one, kind being its type as
	// Node's adapters name it; see Observer.AdapterMessage.
	ObserveAdapterMessage(out bool, kind string)
	// ObserveAdapterError reports an operation of the adapter that failed
	// (op: one of the AdapterOp constants); see Observer.AdapterError.
	ObserveAdapterError(op string, err error)
}

var _ AdapterNamespace = (*Namespace)(nil)

// AdapterStarter is implemented by an [Adapter] that must do I/O before it
// serves its namespace, such as subscribing to a cluster's channels. The
// factory that makes the adapter stays cheap, and the server calls Start
// apart from it, never holding a lock, on a goroutine of its own, with a
// context that ends with [Server.Shutdown]:
//
//   - [Server.Of] starts it in the background;
//   - a CONNECT to the namespace waits for the start before the namespace's
//     middleware runs, bounded by Options.ConnectTimeout, while connections
//     to other namespaces go on; concurrent CONNECTs wait for the same
//     start;
//   - when Start fails, the waiting CONNECTs are refused with
//     [ErrNamespaceUnavailable] (the error itself is logged), and the next
//     CONNECT starts it again; [Namespace.Start] returns the error.
//
// Start is not called again once it succeeded. Before it returns, the
// adapter may already get calls (a broadcast the application makes, a
// session to restore): it should serve them locally. Close may come before
// or during Start, which should then return.
type AdapterStarter interface {
	Start(ctx context.Context) error
}

// ErrNamespaceUnavailable refuses a CONNECT when the namespace's adapter
// could not start (see [AdapterStarter]): the client gets a CONNECT_ERROR
// "Namespace unavailable" (the start's error, which may name hosts, is
// logged, not sent), and its next CONNECT tries again.
var ErrNamespaceUnavailable = errors.New("socketio: namespace unavailable")

// namespaceUnavailableMessage is the CONNECT_ERROR message of
// ErrNamespaceUnavailable.
const namespaceUnavailableMessage = "Namespace unavailable"

// BroadcastOptions selects the receivers of a broadcast, as Node's
// BroadcastOptions: the sockets in any of Rooms (every socket when Rooms is
// empty) that are in none of Except.
type BroadcastOptions struct {
	Rooms  []string
	Except []string
	Flags  BroadcastFlags
}

// BroadcastFlags modify a broadcast.
type BroadcastFlags struct {
	// Local limits the broadcast to this server.
	Local bool `json:"local,omitempty"`
	// Volatile drops the packet for receivers whose transport cannot
	// write right now.
	Volatile bool `json:"volatile,omitempty"`
}

// RemoteSocket describes a socket that may live on another server, as
// returned by FetchSockets. Its methods act through the adapter, so they
// work wherever the socket lives. An adapter's FetchSockets leaves the
// namespace unset: [BroadcastOperator.FetchSockets] sets it.
type RemoteSocket struct {
	ID        string
	Handshake *Handshake
	Rooms     []string
	Data      any

	nsp *Namespace
}

// errNoNamespace is the error of the methods of a RemoteSocket that did
// not come from FetchSockets.
var errNoNamespace = errors.New("socketio: remote socket without namespace (not returned by FetchSockets)")

// Emit sends an event to the socket.
func (r *RemoteSocket) Emit(event string, args ...any) error {
	if r.nsp == nil {
		return errNoNamespace
	}
	return r.nsp.To(r.ID).Emit(event, args...)
}

// Join makes the socket join rooms.
func (r *RemoteSocket) Join(ctx context.Context, rooms ...string) error {
	if r.nsp == nil {
		return errNoNamespace
	}
	return r.nsp.In(r.ID).SocketsJoin(ctx, rooms...)
}

// Leave makes the socket leave rooms.
func (r *RemoteSocket) Leave(ctx context.Context, rooms ...string) error {
	if r.nsp == nil {
		return errNoNamespace
	}
	return r.nsp.In(r.ID).SocketsLeave(ctx, rooms...)
}

// Disconnect disconnects the socket; close closes its client connection.
func (r *RemoteSocket) Disconnect(ctx context.Context, close bool) error {
	if r.nsp == nil {
		return errNoNamespace
	}
	return r.nsp.In(r.ID).DisconnectSockets(ctx, close)
}

// SessionState is what connection state recovery keeps of a disconnected
// socket, and gives back on recovery.
type SessionState struct {
	// SID is the socket id, PID the private session id the client
	// presents to recover.
	SID, PID string
	Rooms    []string
	Data     any
	// MissedPackets are the EVENT packets sent to the session's rooms
	// after the client's offset, set by RestoreSession.
	MissedPackets []*parser.Packet
}
