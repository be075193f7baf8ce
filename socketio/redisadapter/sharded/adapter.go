package sharded

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/internal/cluster"
	"github.com/siogo/sio/socketio/redisadapter/internal/request"
	"github.com/siogo/sio/socketio/redisadapter/internal/shardch"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// DefaultRequestTimeout is how long a request (FetchSockets,
// ServerSideEmit with acks) waits for the other servers, and Start for the
// subscriptions, when Options.RequestTimeout is zero (Node's 5 s).
const DefaultRequestTimeout = request.DefaultTimeout

// SubscriptionMode says which channels a namespace subscribes to, as
// Node's subscriptionMode option.
type SubscriptionMode string

// The subscription modes of Node's sharded adapter.
const (
	// Static: two channels per namespace, every broadcast on the
	// namespace's channel. For many (dynamic) namespaces.
	Static SubscriptionMode = shardch.Static
	// Dynamic (the default): also one channel per room that Node's
	// adapter sends single-room broadcasts to (every room whose name is
	// not 20 characters long, Node's test for a socket id), so that such a
	// broadcast reaches only the servers with sockets in the room.
	Dynamic SubscriptionMode = shardch.Dynamic
	// DynamicPrivate: one channel per room, socket ids included.
	DynamicPrivate SubscriptionMode = shardch.DynamicPrivate
)

// Options configure the adapter; the zero value (or nil) means Node's
// defaults.
type Options struct {
	// ChannelPrefix is Node's channelPrefix, "socket.io" when empty.
	ChannelPrefix string
	// SubscriptionMode is Dynamic when empty.
	SubscriptionMode SubscriptionMode
	// RequestTimeout bounds requests, responses' publishing, a publish
	// pipeline and Start, and is how long broadcasts to a room this server
	// just named in a socketsJoin or socketsLeave go on the namespace's
	// channel (see the package doc); DefaultRequestTimeout when zero.
	RequestTimeout time.Duration
	// Logger receives publish failures and malformed messages;
	// slog.Default() when nil.
	Logger *slog.Logger
}

func (o *Options) clone() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.ChannelPrefix == "" {
		c.ChannelPrefix = wire.DefaultKey
	}
	if c.SubscriptionMode == "" {
		c.SubscriptionMode = Dynamic
	}
	c.RequestTimeout = request.Timeout(c.RequestTimeout)
	c.Logger = request.Logger(c.Logger)
	return c
}

// Adapter is the sharded Redis [socketio.Adapter] of one namespace,
// wire-compatible with Node's createShardedAdapter (@socket.io/redis-adapter
// 8.3): it publishes Node's ClusterAdapter messages with SPUBLISH on
//
//   - <prefix>#<nsp>#         messages to every server;
//   - <prefix>#<nsp>#<room>#  single-room broadcasts without acks, in the
//     dynamic modes;
//   - <prefix>#<nsp>#<uid>#   responses to the server with that uid,
//
// and subscribes (SSUBSCRIBE) to the first, its own response channel and,
// in the dynamic modes, the channels of its local rooms. ServerCount is
// PUBSUB SHARDNUMSUB of the namespace's channel (summed over a Redis
// Cluster's masters). It embeds the namespace's *socketio.MemoryAdapter
// for the local part of every operation.
type Adapter struct {
	*cluster.Core
	hub      *hub
	fac      *factory
	mode     SubscriptionMode
	channel  string
	response string
	timeout  time.Duration
	ready    chan struct{}
	// recent sends broadcasts to rooms just joined or left on the
	// namespace's channel (see Publish).
	recent shardch.Recent

	readyOnce sync.Once
	closeOnce sync.Once

	// roomMu guards rooms and orders the room subscriptions; taken
	// before hub.mu.
	roomMu sync.Mutex
	rooms  map[string]int // local members of the rooms with a channel of their own
	closed bool
}

// New returns a factory of sharded adapters for [socketio.Options].Adapter.
// client is a *redis.Client (Redis 7 or later) or a *redis.ClusterClient.
// The adapters of one New share its pub/sub connections: one in all with a
// plain client, one per master owning a channel in use with a cluster
// client (each channel subscribed with an SSUBSCRIBE of its own; see the
// package doc for reconnection), and one publish queue
// ([PublishQueueSize]) with one goroutine. The factory does no I/O;
// [Adapter.Start] waits for the subscriptions. opts may be nil; it is
// copied.
func New(client redis.UniversalClient, opts *Options) func(nsp *socketio.Namespace) socketio.Adapter {
	f := &factory{client: client, opts: opts.clone()}
	return func(nsp *socketio.Namespace) socketio.Adapter {
		return newAdapter(f, nsp)
	}
}

func newAdapter(f *factory, nsp *socketio.Namespace) *Adapter {
	a := &Adapter{
		fac:     f,
		mode:    f.opts.SubscriptionMode,
		timeout: f.opts.RequestTimeout,
		ready:   make(chan struct{}),
		rooms:   make(map[string]int),
	}
	a.recent.Grace = f.opts.RequestTimeout
	a.Core = cluster.New(nsp, bus{a}, f.opts.RequestTimeout, f.opts.Logger.With("adapter", "sharded-redis"))
	if a.mode != Static {
		a.SetLocalRooms(dynamicRooms{a})
	}
	a.channel = shardch.Namespace(f.opts.ChannelPrefix, nsp.Name())
	a.response = a.channel + a.UID() + "#"
	a.hub = f.attach()
	a.hub.subscribe(a.channel, a)
	a.hub.subscribe(a.response, a)
	return a
}

// Ready is closed once Redis has confirmed the namespace's two channels.
func (a *Adapter) Ready() <-chan struct{} { return a.ready }

func (a *Adapter) checkReady() {
	if a.hub.isConfirmed(a.channel, a.response) {
		a.readyOnce.Do(func() { close(a.ready) })
	}
}

// Start implements [socketio.AdapterStarter]: it waits, up to the request
// timeout, for Redis to confirm the namespace's subscriptions. When they
// are not confirmed in time it logs and returns nil: the adapter works
// locally and receives once Redis answers. It fails only when ctx ends
// first or the adapter is closed.
func (a *Adapter) Start(ctx context.Context) error {
	t := time.NewTimer(a.timeout)
	defer t.Stop()
	select {
	case <-a.ready:
		return nil
	case <-t.C:
		a.Logger().Warn("socketio: sharded redis adapter: subscriptions not confirmed in time; receiving once Redis answers")
		return nil
	case <-a.Done():
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close unsubscribes the namespace's channels, fails its pending requests
// with [ErrClosed] and waits for its goroutine. It does not close the
// Redis client; the last adapter of a [New] to close also closes the
// shared pub/sub connections.
func (a *Adapter) Close() error {
	a.closeOnce.Do(func() {
		a.roomMu.Lock()
		a.closed = true
		for r := range a.rooms {
			a.hub.unsubscribe(a.roomChannel(r), a)
		}
		clear(a.rooms)
		a.roomMu.Unlock()
		a.hub.unsubscribe(a.channel, a)
		a.hub.unsubscribe(a.response, a)
		a.Core.Close()
		a.fac.detach(a.hub)
	})
	return nil
}

// separateChannel reports whether Node's adapter sends a single-room
// broadcast to room on the room's own channel (its computeChannel).
func (a *Adapter) separateChannel(room string) bool { return shardch.Separate(string(a.mode), room) }

func (a *Adapter) roomChannel(room string) string { return shardch.Room(a.channel, room) }

// waitReady waits, within ctx, until Redis has confirmed the namespace's
// channels, so that this server counts in ServerCount and the responses to
// its requests reach it.
func (a *Adapter) waitReady(ctx context.Context) error {
	select {
	case <-a.ready:
		return nil
	case <-a.Done():
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("socketio: sharded redis adapter: subscriptions not confirmed: %w", ctx.Err())
	}
}

// bus is the adapter's [cluster.Transport] (its methods would clash with
// the adapter's own ServerCount).
type bus struct{ a *Adapter }

// Publish implements [cluster.Transport]: it queues m on the server's
// publish queue (see [PublishQueueSize]) for the channel Node's
// computeChannel picks, except that for the request timeout after this
// server published a SOCKETS_JOIN or SOCKETS_LEAVE naming a room, a
// broadcast to that room goes on the namespace's channel, after the join
// or leave, rather than on the room's channel, which the other servers
// subscribe to (or leave) only once they handled it: Node's adapter
// loses such a broadcast when it wins the race. A broadcast without acks is dropped when the queue
// is full (logged); the other messages wait for room within ctx, and a
// request (a message with a request id) first waits for the subscriptions
// and then until Redis took it.
func (b bus) Publish(ctx context.Context, m *cluster.Message) error {
	a := b.a
	if m.RequestID != "" {
		if err := a.waitReady(ctx); err != nil {
			return err
		}
	}
	enc, err := cluster.Encode(m)
	if err != nil {
		return err
	}
	a.recent.Note(a.channel, string(a.mode), m)
	ch := a.recent.Channel(a.channel, string(a.mode), m)
	if m.Type == cluster.Broadcast && m.RequestID == "" {
		a.hub.offer(a.Reporter(), ch, enc)
		return nil
	}
	return a.hub.enqueue(ctx, a.Reporter(), a.Done(), ch, enc, m.RequestID != "")
}

// PublishResponse implements [cluster.Transport]: responses are queued
// without waiting, dropped when the queue is full (the requester then
// times out).
func (b bus) PublishResponse(_ context.Context, requester string, m *cluster.Message) error {
	a := b.a
	enc, err := cluster.Encode(m)
	if err != nil {
		return err
	}
	a.hub.offer(a.Reporter(), a.channel+requester+"#", enc)
	return nil
}

// ServerCount implements [cluster.Transport], once the namespace's
// subscriptions are confirmed.
func (b bus) ServerCount(ctx context.Context) (int, error) {
	a := b.a
	if err := a.waitReady(ctx); err != nil {
		return 0, err
	}
	return a.hub.shardNumSub(ctx, a.channel)
}

// deliver takes a message the hub received on one of a's channels.
func (a *Adapter) deliver(channel, payload string) {
	a.Core.Deliver(payload, channel == a.response)
}

// The room methods below keep, in the dynamic modes, the number of local
// members of each room that has a channel of its own, subscribing to the
// channel when the first socket joins and unsubscribing when the last one
// leaves, as Node's create-room and delete-room handlers do. roomMu
// serializes them, so subscriptions follow the room changes in order.

// joined counts id's new rooms; called with roomMu held.
func (a *Adapter) joined(before map[string]bool, rooms []string) {
	for _, r := range rooms {
		if before[r] || !a.separateChannel(r) {
			continue
		}
		before[r] = true // a room listed twice counts once
		a.rooms[r]++
		if a.rooms[r] == 1 && !a.closed {
			a.hub.subscribe(a.roomChannel(r), a)
		}
	}
}

// left uncounts rooms that id left; called with roomMu held.
func (a *Adapter) left(rooms []string) {
	for _, r := range rooms {
		if a.rooms[r] == 0 {
			continue
		}
		a.rooms[r]--
		if a.rooms[r] == 0 {
			delete(a.rooms, r)
			if !a.closed {
				a.hub.unsubscribe(a.roomChannel(r), a)
			}
		}
	}
}

func (a *Adapter) roomSet(id string) map[string]bool {
	set := make(map[string]bool)
	for _, r := range a.MemoryAdapter.SocketRooms(id) {
		set[r] = true
	}
	return set
}

// AddAll implements [socketio.Adapter], subscribing to new rooms' channels.
func (a *Adapter) AddAll(id string, rooms []string) {
	if a.mode == Static {
		a.MemoryAdapter.AddAll(id, rooms)
		return
	}
	a.roomMu.Lock()
	defer a.roomMu.Unlock()
	before := a.roomSet(id)
	a.MemoryAdapter.AddAll(id, rooms)
	a.joined(before, rooms)
}

// Del implements [socketio.Adapter], unsubscribing from emptied rooms.
func (a *Adapter) Del(id, room string) {
	if a.mode == Static {
		a.MemoryAdapter.Del(id, room)
		return
	}
	a.roomMu.Lock()
	defer a.roomMu.Unlock()
	if !a.roomSet(id)[room] {
		return
	}
	a.MemoryAdapter.Del(id, room)
	a.left([]string{room})
}

// DelAll implements [socketio.Adapter], unsubscribing from emptied rooms.
func (a *Adapter) DelAll(id string) {
	if a.mode == Static {
		a.MemoryAdapter.DelAll(id)
		return
	}
	a.roomMu.Lock()
	defer a.roomMu.Unlock()
	rooms := a.MemoryAdapter.SocketRooms(id)
	a.MemoryAdapter.DelAll(id)
	a.left(rooms)
}

// dynamicRooms is the local part of AddSockets and DelSockets in the
// dynamic modes: each selected socket joins or leaves through the
// Adapter's AddAll and Del, which count the rooms.
type dynamicRooms struct{ a *Adapter }

func (d dynamicRooms) AddSockets(ctx context.Context, opts *socketio.BroadcastOptions, rooms []string) error {
	socks, _ := d.a.MemoryAdapter.FetchSockets(ctx, opts)
	for _, s := range socks {
		d.a.AddAll(s.ID, rooms)
	}
	return nil
}

func (d dynamicRooms) DelSockets(ctx context.Context, opts *socketio.BroadcastOptions, rooms []string) error {
	socks, _ := d.a.MemoryAdapter.FetchSockets(ctx, opts)
	for _, s := range socks {
		for _, r := range rooms {
			d.a.Del(s.ID, r)
		}
	}
	return nil
}
