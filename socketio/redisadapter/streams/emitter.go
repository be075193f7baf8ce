package streams

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio/parser"
	"github.com/siogo/sio/socketio/redisadapter/internal/cluster"
)

// EmitterUID is the server id of the emitter's messages. Servers ignore
// messages carrying their own id, and no server has this one.
const EmitterUID = "emitter"

// ErrReservedEvent is returned by Emit for an event name Socket.IO reserves
// ("connect", "connect_error", "disconnect", "disconnecting",
// "newListener", "removeListener").
var ErrReservedEvent = errors.New("socketio: reserved event name")

// ErrBinaryServerSideEmit is returned by ServerSideEmit when an argument
// holds binary data, which the servers' server-side handlers do not get.
var ErrBinaryServerSideEmit = errors.New("socketio: server-side emit with binary data")

var reserved = []string{"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}

// Emitter publishes to a cluster of Socket.IO servers that use the Redis
// Streams adapter (this package's, or Node's
// @socket.io/redis-streams-adapter 0.3) from a process that serves no
// clients. Each operation is one entry of the namespace's stream (XADD
// MAXLEN ~ MaxLen), written as the adapters write theirs, with the server
// id [EmitterUID]: every server reads it, also one that was briefly cut
// from Redis, and with connection state recovery the events it carries
// are replayed to clients that missed them, like the servers' own.
//
// Like Node's emitters it only publishes: it waits for no answer, and so
// supports no acknowledgements and cannot tell how many servers or
// clients a message reached. An Emitter and the [EmitterOperator]s derived
// from it are immutable, safe for use from many goroutines at once.
type Emitter struct {
	client redis.UniversalClient
	opts   Options
	nsp    string
}

// NewEmitter returns an Emitter for the main namespace "/" that writes
// with client. Of opts, StreamName, StreamCount and MaxLen matter; they
// must match the servers'. opts may be nil; it is copied.
func NewEmitter(client redis.UniversalClient, opts *Options) *Emitter {
	return &Emitter{client: client, opts: opts.clone(), nsp: "/"}
}

// Of returns an Emitter for namespace nsp ("/" is prepended when missing).
func (e *Emitter) Of(nsp string) *Emitter {
	if !strings.HasPrefix(nsp, "/") {
		nsp = "/" + nsp
	}
	return &Emitter{client: e.client, opts: e.opts, nsp: nsp}
}

// Namespace returns the emitter's namespace, such as "/" or "/chat".
func (e *Emitter) Namespace() string { return e.nsp }

func (e *Emitter) op() *EmitterOperator { return &EmitterOperator{e: e} }

// To returns an operator that targets the sockets in any of rooms.
func (e *Emitter) To(rooms ...string) *EmitterOperator { return e.op().To(rooms...) }

// In is the same as [Emitter.To].
func (e *Emitter) In(rooms ...string) *EmitterOperator { return e.op().To(rooms...) }

// Except returns an operator that leaves out the sockets in any of rooms.
func (e *Emitter) Except(rooms ...string) *EmitterOperator { return e.op().Except(rooms...) }

// Volatile returns an operator whose events may be dropped by a server for
// a client that is not ready to receive them (and are not kept for
// recovery).
func (e *Emitter) Volatile() *EmitterOperator { return e.op().Volatile() }

// Emit sends event with args to every socket of the namespace on every
// server; see [EmitterOperator.Emit].
func (e *Emitter) Emit(ctx context.Context, event string, args ...any) error {
	return e.op().Emit(ctx, event, args...)
}

// SocketsJoin makes every socket of the namespace join rooms.
func (e *Emitter) SocketsJoin(ctx context.Context, rooms ...string) error {
	return e.op().SocketsJoin(ctx, rooms...)
}

// SocketsLeave makes every socket of the namespace leave rooms.
func (e *Emitter) SocketsLeave(ctx context.Context, rooms ...string) error {
	return e.op().SocketsLeave(ctx, rooms...)
}

// DisconnectSockets disconnects every socket of the namespace; with close
// their connections are closed too.
func (e *Emitter) DisconnectSockets(ctx context.Context, close bool) error {
	return e.op().DisconnectSockets(ctx, close)
}

// ServerSideEmit sends event with args to the namespace's server-side
// handlers ([socketio.Namespace.OnServerSideEmit], io.on in Node) on every
// server, without ack. The arguments are encoded as JSON; binary is
// refused with [ErrBinaryServerSideEmit].
func (e *Emitter) ServerSideEmit(ctx context.Context, event string, args ...any) error {
	data, attachments, err := parser.MarshalArgs(append([]any{event}, args...)...)
	if err != nil {
		return err
	}
	if len(attachments) > 0 {
		return ErrBinaryServerSideEmit
	}
	return e.add(ctx, &cluster.Message{Type: cluster.ServerSideEmit, Data: data})
}

// add writes m to the namespace's stream.
func (e *Emitter) add(ctx context.Context, m *cluster.Message) error {
	m.UID, m.Nsp = EmitterUID, e.nsp
	fields, err := cluster.EncodeFields(m)
	if err != nil {
		return err
	}
	return e.client.XAdd(ctx, &redis.XAddArgs{Stream: streamName(e.nsp, &e.opts), MaxLen: e.opts.MaxLen, Approx: true, Values: fields}).Err()
}

// EmitterOperator selects sockets of one namespace (rooms, except) and
// carries the flags of an emission. It is immutable: every method that
// changes it returns a new operator.
type EmitterOperator struct {
	e        *Emitter
	rooms    []string // distinct, in the order added
	except   []string // distinct, in the order added
	volatile bool
}

func addDistinct(set, add []string) []string {
	out := slices.Clone(set)
	for _, r := range add {
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// To returns a new operator that also targets the sockets in any of rooms.
func (o *EmitterOperator) To(rooms ...string) *EmitterOperator {
	return &EmitterOperator{e: o.e, rooms: addDistinct(o.rooms, rooms), except: o.except, volatile: o.volatile}
}

// In is the same as [EmitterOperator.To].
func (o *EmitterOperator) In(rooms ...string) *EmitterOperator { return o.To(rooms...) }

// Except returns a new operator that also leaves out the sockets in any of
// rooms.
func (o *EmitterOperator) Except(rooms ...string) *EmitterOperator {
	return &EmitterOperator{e: o.e, rooms: o.rooms, except: addDistinct(o.except, rooms), volatile: o.volatile}
}

// Volatile returns a new operator whose events may be dropped by a server
// for a client that is not ready to receive them.
func (o *EmitterOperator) Volatile() *EmitterOperator {
	return &EmitterOperator{e: o.e, rooms: o.rooms, except: o.except, volatile: true}
}

func (o *EmitterOperator) opts() *cluster.Opts {
	return &cluster.Opts{Rooms: o.rooms, Except: o.except, Volatile: o.volatile}
}

// Emit sends event with args to the selected sockets on every server. The
// arguments are encoded as socketio's Emit encodes them: []byte values (at
// any depth) travel as binary attachments, everything else as JSON. It
// returns once Redis has added the entry (or with its error). Reserved
// event names are refused with [ErrReservedEvent].
func (o *EmitterOperator) Emit(ctx context.Context, event string, args ...any) error {
	if slices.Contains(reserved, event) {
		return fmt.Errorf("%w: %q", ErrReservedEvent, event)
	}
	data, attachments, err := parser.MarshalArgs(append([]any{event}, args...)...)
	if err != nil {
		return err
	}
	return o.e.add(ctx, &cluster.Message{Type: cluster.Broadcast, Data: data, Attachments: attachments, Opts: o.opts()})
}

// SocketsJoin makes the selected sockets, on every server, join rooms.
func (o *EmitterOperator) SocketsJoin(ctx context.Context, rooms ...string) error {
	return o.e.add(ctx, &cluster.Message{Type: cluster.SocketsJoin, Opts: o.opts(), Rooms: rooms})
}

// SocketsLeave makes the selected sockets, on every server, leave rooms.
func (o *EmitterOperator) SocketsLeave(ctx context.Context, rooms ...string) error {
	return o.e.add(ctx, &cluster.Message{Type: cluster.SocketsLeave, Opts: o.opts(), Rooms: rooms})
}

// DisconnectSockets disconnects the selected sockets on every server; with
// close their connections are closed too.
func (o *EmitterOperator) DisconnectSockets(ctx context.Context, close bool) error {
	return o.e.add(ctx, &cluster.Message{Type: cluster.DisconnectSockets, Opts: o.opts(), Close: close})
}
