package socketio

import (
	"context"

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
// context. All methods are called from many goroutines at once.
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
	// expired, or offset no longer known).
	RestoreSession(ctx context.Context, pid, offset string) (*SessionState, error)

	// Close releases the adapter's resources; the server calls it on
	// shutdown.
	Close() error
}

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
// work wherever the socket lives.
type RemoteSocket struct {
	ID        string
	Handshake *Handshake
	Rooms     []string
	Data      any

	nsp *Namespace
}

// Emit sends an event to the socket.
func (r *RemoteSocket) Emit(event string, args ...any) error {
	return r.nsp.To(r.ID).Emit(event, args...)
}

// Join makes the socket join rooms.
func (r *RemoteSocket) Join(ctx context.Context, rooms ...string) error {
	return r.nsp.In(r.ID).SocketsJoin(ctx, rooms...)
}

// Leave makes the socket leave rooms.
func (r *RemoteSocket) Leave(ctx context.Context, rooms ...string) error {
	return r.nsp.In(r.ID).SocketsLeave(ctx, rooms...)
}

// Disconnect disconnects the socket; close closes its client connection.
func (r *RemoteSocket) Disconnect(ctx context.Context, close bool) error {
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
