// Package emitter publishes to a cluster of Socket.IO servers that use a
// Redis adapter from a process that serves no clients. [New] is for the
// classic adapter (socketio/redisadapter, or Node's
// @socket.io/redis-adapter createAdapter), [NewSharded] for the sharded
// one (socketio/redisadapter/sharded, or Node's createShardedAdapter),
// [NewStreams] for the Redis Streams one (socketio/redisadapter/streams,
// or Node's @socket.io/redis-streams-adapter); all three return an
// [Emitter] with the same methods.
//
// New is the Go counterpart of Node's @socket.io/redis-emitter 5.x and
// writes the same messages on the same channels, byte for byte:
//
//   - Emit publishes the msgpack array ["emitter", packet, opts] on
//     "<key>#<nsp>#", or on "<key>#<nsp>#<room>#" when exactly one room is
//     targeted;
//   - SocketsJoin, SocketsLeave, DisconnectSockets and ServerSideEmit publish
//     JSON requests on "<key>-request#<nsp>#".
//
// NewSharded, which Node lacks, publishes what a sharded server publishes
// for the same call (see [NewSharded]); NewStreams, whose Node counterpart
// is not on npm, adds to the namespace's stream the entries a streams
// server adds (see [NewStreams]).
//
// Like Node's emitter it only publishes: it subscribes to nothing, waits for
// no answer, and so supports no acknowledgements and cannot tell how many
// servers or clients a message reached (a message published while no server
// listens is lost; a streams emitter's entry also reaches a server that
// was briefly cut from Redis).
//
// An [Emitter] and the [BroadcastOperator]s derived from it are immutable:
// each of To, In, Except, Volatile and Compress returns a new value, so they
// can be shared and used from many goroutines at once (a sharded emitter's
// memory of the rooms it just joined or left is shared by its copies and
// safe for concurrent use).
package emitter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio/parser"
	"github.com/siogo/sio/socketio/redisadapter/internal/cluster"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// UID is the server id the emitter's messages carry, as Node's emitter's.
// Servers ignore messages carrying their own id, and no server has this one.
const UID = "emitter"

// ErrReservedEvent is returned by Emit for an event name Socket.IO reserves
// ("connect", "connect_error", "disconnect", "disconnecting",
// "newListener", "removeListener").
var ErrReservedEvent = errors.New("socketio: reserved event name")

// ErrBinaryServerSideEmit is returned by ServerSideEmit when an argument
// holds binary data: server-side events travel as JSON, which has no binary
// form.
var ErrBinaryServerSideEmit = errors.New("socketio: server-side emit with binary data")

// reserved are the event names Emit refuses, as Node's emitter does.
var reserved = []string{"connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"}

// Options configures an Emitter. The zero value matches Node's defaults.
type Options struct {
	// Key is the prefix of the Redis channels; it must match the servers'
	// (redisadapter.Options.Key, or the key option of Node's adapter).
	// Default "socket.io".
	Key string
}

// Emitter publishes to the servers of one namespace. Create it with [New]
// and reach other namespaces with [Emitter.Of].
type Emitter struct {
	client redis.UniversalClient
	key    string
	nsp    string
	shard  *shardConf  // set by NewSharded
	stream *streamConf // set by NewStreams
}

// New returns an Emitter for the main namespace "/" that publishes through
// client. A nil opts means the defaults. New does no I/O; the client stays
// the caller's (the emitter never closes it).
func New(client redis.UniversalClient, opts *Options) *Emitter {
	key := wire.DefaultKey
	if opts != nil && opts.Key != "" {
		key = opts.Key
	}
	return &Emitter{client: client, key: key, nsp: "/"}
}

// Of returns an Emitter for namespace nsp ("/" is prepended when missing,
// so "chat" is "/chat").
func (e *Emitter) Of(nsp string) *Emitter {
	if len(nsp) == 0 || nsp[0] != '/' {
		nsp = "/" + nsp
	}
	return &Emitter{client: e.client, key: e.key, nsp: nsp, shard: e.shard, stream: e.stream}
}

// Namespace returns the emitter's namespace, such as "/" or "/chat".
func (e *Emitter) Namespace() string { return e.nsp }

func (e *Emitter) op() *BroadcastOperator { return &BroadcastOperator{e: e} }

// To returns an operator that targets the sockets in any of rooms (a
// socket id is a room too).
func (e *Emitter) To(rooms ...string) *BroadcastOperator { return e.op().To(rooms...) }

// In is the same as [Emitter.To].
func (e *Emitter) In(rooms ...string) *BroadcastOperator { return e.op().To(rooms...) }

// Except returns an operator that leaves out the sockets in any of rooms.
func (e *Emitter) Except(rooms ...string) *BroadcastOperator { return e.op().Except(rooms...) }

// Volatile returns an operator whose events may be dropped by a server for a
// client that is not ready to receive them.
func (e *Emitter) Volatile() *BroadcastOperator { return e.op().Volatile() }

// Compress returns an operator with the compress flag set to compress.
func (e *Emitter) Compress(compress bool) *BroadcastOperator { return e.op().Compress(compress) }

// Emit sends event with args to every socket of the namespace on every
// server. See [BroadcastOperator.Emit].
func (e *Emitter) Emit(ctx context.Context, event string, args ...any) error {
	return e.op().Emit(ctx, event, args...)
}

// SocketsJoin makes every socket of the namespace join rooms. See
// [BroadcastOperator.SocketsJoin].
func (e *Emitter) SocketsJoin(ctx context.Context, rooms ...string) error {
	return e.op().SocketsJoin(ctx, rooms...)
}

// SocketsLeave makes every socket of the namespace leave rooms. See
// [BroadcastOperator.SocketsLeave].
func (e *Emitter) SocketsLeave(ctx context.Context, rooms ...string) error {
	return e.op().SocketsLeave(ctx, rooms...)
}

// DisconnectSockets disconnects every socket of the namespace; with close
// true the underlying connections are closed too. See
// [BroadcastOperator.DisconnectSockets].
func (e *Emitter) DisconnectSockets(ctx context.Context, close bool) error {
	return e.op().DisconnectSockets(ctx, close)
}

// ServerSideEmit sends event with args to every server of the namespace,
// whose server-side handlers (socketio.Namespace.OnServerSideEmit, or
// io.on(event) in Node) receive it with no ack function: like Node's
// emitter, it supports no acknowledgements. The arguments are encoded as
// JSON as socketio's Emit encodes them; an argument holding binary data
// ([]byte) is refused with [ErrBinaryServerSideEmit] by a classic or
// streams emitter, and sent as msgpack binary by a sharded one (a sio server's handler gets
// it as a base64 string, which Args.Decode turns into a []byte).
func (e *Emitter) ServerSideEmit(ctx context.Context, event string, args ...any) error {
	data, attachments, err := parser.MarshalArgs(append([]any{event}, args...)...)
	if err != nil {
		return err
	}
	if len(attachments) > 0 && e.shard == nil {
		return ErrBinaryServerSideEmit
	}
	if e.clusterMessages() {
		return e.sendCluster(ctx, &cluster.Message{Type: cluster.ServerSideEmit, Data: data, Attachments: attachments})
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(data, &elems); err != nil {
		return err
	}
	return e.publishRequest(ctx, &wire.Request{UID: UID, Type: wire.ServerSideEmit, Data: elems})
}

// clusterMessages reports whether the emitter sends Node's ClusterAdapter
// messages (sharded and streams emitters) rather than the classic
// adapter's.
func (e *Emitter) clusterMessages() bool { return e.shard != nil || e.stream != nil }

// sendCluster sends m as the sharded or the streams adapter would.
func (e *Emitter) sendCluster(ctx context.Context, m *cluster.Message) error {
	if e.stream != nil {
		return e.addStream(ctx, m)
	}
	return e.publishSharded(ctx, m)
}

func (e *Emitter) publishRequest(ctx context.Context, r *wire.Request) error {
	msg, err := wire.EncodeEmitterRequest(r)
	if err != nil {
		return err
	}
	ch := wire.NewChannels(e.key, e.nsp, UID)
	return e.client.Publish(ctx, ch.Request, msg).Err()
}

// BroadcastOperator selects sockets of one namespace (rooms, except) and
// carries the flags of an emission. It is immutable: every method that
// changes it returns a new operator.
type BroadcastOperator struct {
	e      *Emitter
	rooms  []string    // distinct, in the order added
	except []string    // distinct, in the order added
	flags  wire.Object // volatile/compress, in the order set
}

// addDistinct returns a new slice holding set then the elements of add not
// already in it, as a JavaScript Set keeps them.
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
func (o *BroadcastOperator) To(rooms ...string) *BroadcastOperator {
	return &BroadcastOperator{e: o.e, rooms: addDistinct(o.rooms, rooms), except: o.except, flags: o.flags}
}

// In is the same as [BroadcastOperator.To].
func (o *BroadcastOperator) In(rooms ...string) *BroadcastOperator { return o.To(rooms...) }

// Except returns a new operator that also leaves out the sockets in any of
// rooms.
func (o *BroadcastOperator) Except(rooms ...string) *BroadcastOperator {
	return &BroadcastOperator{e: o.e, rooms: o.rooms, except: addDistinct(o.except, rooms), flags: o.flags}
}

// withFlag returns a new operator with flag key set to v; a flag set again
// keeps its place, as Object.assign does.
func (o *BroadcastOperator) withFlag(key string, v bool) *BroadcastOperator {
	flags := slices.Clone(o.flags)
	i := slices.IndexFunc(flags, func(m wire.Member) bool { return m.Key == key })
	if i >= 0 {
		flags[i].Value = v
	} else {
		flags = append(flags, wire.Member{Key: key, Value: v})
	}
	return &BroadcastOperator{e: o.e, rooms: o.rooms, except: o.except, flags: flags}
}

// Volatile returns a new operator whose events may be dropped by a server
// for a client that is not ready to receive them.
func (o *BroadcastOperator) Volatile() *BroadcastOperator { return o.withFlag("volatile", true) }

// Compress returns a new operator with the compress flag set to compress.
func (o *BroadcastOperator) Compress(compress bool) *BroadcastOperator {
	return o.withFlag("compress", compress)
}

// Emit sends event with args to the selected sockets on every server. The
// arguments are encoded as socketio's Emit encodes them: []byte values (at
// any depth) travel as binary attachments, everything else as JSON. An ack
// function is not supported. Emit returns once Redis has taken the message
// (or with the publish error); it cannot tell whether any server received
// it. Reserved event names are refused with [ErrReservedEvent].
func (o *BroadcastOperator) Emit(ctx context.Context, event string, args ...any) error {
	if slices.Contains(reserved, event) {
		return fmt.Errorf("%w: %q", ErrReservedEvent, event)
	}
	data, attachments, err := parser.MarshalArgs(append([]any{event}, args...)...)
	if err != nil {
		return err
	}
	if o.e.clusterMessages() {
		return o.e.sendCluster(ctx, &cluster.Message{Type: cluster.Broadcast, Data: data, Attachments: attachments, Opts: o.clusterOpts()})
	}
	p := &wire.Packet{Type: int(parser.Event), Nsp: o.e.nsp, Data: wire.JSONData{JSON: data, Attachments: attachments}}
	msg, err := wire.EncodeEmitterBroadcast(UID, p, o.rooms, o.except, o.flags)
	if err != nil {
		return err
	}
	ch := wire.NewChannels(o.e.key, o.e.nsp, UID)
	return o.e.client.Publish(ctx, ch.BroadcastTo(o.rooms), msg).Err()
}

func (o *BroadcastOperator) opts() *wire.BroadcastOptions {
	return &wire.BroadcastOptions{Rooms: o.rooms, Except: o.except}
}

// SocketsJoin makes the selected sockets, on every server, join rooms.
func (o *BroadcastOperator) SocketsJoin(ctx context.Context, rooms ...string) error {
	if o.e.clusterMessages() {
		return o.e.sendCluster(ctx, &cluster.Message{Type: cluster.SocketsJoin, Opts: o.clusterOpts(), Rooms: wire.NonNil(rooms)})
	}
	return o.e.publishRequest(ctx, &wire.Request{Type: wire.RemoteJoin, Opts: o.opts(), Rooms: wire.NonNil(rooms)})
}

// SocketsLeave makes the selected sockets, on every server, leave rooms.
func (o *BroadcastOperator) SocketsLeave(ctx context.Context, rooms ...string) error {
	if o.e.clusterMessages() {
		return o.e.sendCluster(ctx, &cluster.Message{Type: cluster.SocketsLeave, Opts: o.clusterOpts(), Rooms: wire.NonNil(rooms)})
	}
	return o.e.publishRequest(ctx, &wire.Request{Type: wire.RemoteLeave, Opts: o.opts(), Rooms: wire.NonNil(rooms)})
}

// DisconnectSockets disconnects the selected sockets on every server; with
// close true their underlying connections are closed too (and the other
// namespaces' sockets on them disconnected).
func (o *BroadcastOperator) DisconnectSockets(ctx context.Context, close bool) error {
	if o.e.clusterMessages() {
		return o.e.sendCluster(ctx, &cluster.Message{Type: cluster.DisconnectSockets, Opts: o.clusterOpts(), Close: close})
	}
	return o.e.publishRequest(ctx, &wire.Request{Type: wire.RemoteDisconnect, Opts: o.opts(), Close: close})
}

// clusterOpts returns the operator's selection and flags as the sharded
// and streams messages carry them.
func (o *BroadcastOperator) clusterOpts() *cluster.Opts {
	opts := &cluster.Opts{Rooms: o.rooms, Except: o.except}
	for _, f := range o.flags {
		v, _ := f.Value.(bool)
		switch f.Key {
		case "volatile":
			opts.Volatile = v
		case "compress":
			opts.Compress = &v
		}
	}
	return opts
}
