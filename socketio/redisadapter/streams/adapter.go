package streams

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/internal/jsontext"
	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/parser"
	"github.com/siogo/sio/socketio/redisadapter/internal/cluster"
)

// Defaults of [Options], Node's.
const (
	DefaultStreamName       = cluster.DefaultStreamName
	DefaultChannelPrefix    = "socket.io"
	DefaultMaxLen           = cluster.DefaultStreamMaxLen
	DefaultReadCount        = 100
	DefaultBlockTime        = 5 * time.Second
	DefaultSessionKeyPrefix = "sio:session:"
	// DefaultRequestTimeout is how long a request (FetchSockets,
	// ServerSideEmit with acks) waits for the other servers, and Start for
	// the subscriptions, when Options.RequestTimeout is zero (Node's 5 s).
	DefaultRequestTimeout = 5 * time.Second
)

// Options configure the adapter; the zero value (or nil) means Node's
// defaults. Servers sharing a cluster, Go or Node, must agree on
// StreamName, StreamCount, ChannelPrefix, UseShardedPubSub and
// SessionKeyPrefix; an emitter (emitter.NewStreams) on StreamName,
// StreamCount and MaxLen.
type Options struct {
	// StreamName is the Redis stream, or with StreamCount > 1 the
	// streams' prefix: DefaultStreamName when empty.
	StreamName string
	// StreamCount spreads the namespaces over that many streams, each
	// namespace on one (by Node's hash of its name), so that Redis
	// Cluster can hold them on different nodes; 1 when zero.
	StreamCount int
	// ChannelPrefix prefixes the pub/sub channels of the requests and
	// responses: DefaultChannelPrefix when empty.
	ChannelPrefix string
	// UseShardedPubSub carries requests and responses with SPUBLISH and
	// SSUBSCRIBE (Redis 7) instead of PUBLISH and SUBSCRIBE.
	UseShardedPubSub bool
	// MaxLen trims the stream, approximately (XADD MAXLEN ~):
	// DefaultMaxLen when zero. It bounds how far back a session can be
	// recovered.
	MaxLen int64
	// ReadCount is the entries one XREAD reads: DefaultReadCount when zero.
	ReadCount int64
	// BlockTime is how long one XREAD blocks: DefaultBlockTime when zero.
	BlockTime time.Duration
	// SessionKeyPrefix prefixes the Redis keys of the sessions kept for
	// connection state recovery: DefaultSessionKeyPrefix when empty.
	SessionKeyPrefix string
	// RequestTimeout bounds requests, responses' publishing, Start and
	// session storage: DefaultRequestTimeout when zero.
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
	c.StreamName = cmp.Or(c.StreamName, DefaultStreamName)
	c.StreamCount = max(c.StreamCount, 1)
	c.ChannelPrefix = cmp.Or(c.ChannelPrefix, DefaultChannelPrefix)
	if c.MaxLen <= 0 {
		c.MaxLen = DefaultMaxLen
	}
	if c.ReadCount <= 0 {
		c.ReadCount = DefaultReadCount
	}
	if c.BlockTime <= 0 {
		c.BlockTime = DefaultBlockTime
	}
	c.SessionKeyPrefix = cmp.Or(c.SessionKeyPrefix, DefaultSessionKeyPrefix)
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Adapter is the Redis Streams [socketio.Adapter] of one namespace,
// wire-compatible with Node's @socket.io/redis-streams-adapter 0.3. It
// embeds the namespace's *socketio.MemoryAdapter for the local part of
// every operation; see the package doc for what goes where.
type Adapter struct {
	*cluster.Core
	hub     *hub
	fac     *factory
	opts    *Options
	nspName string
	// rec is the server's connection state recovery, nil when off: with
	// it, broadcast events carry their stream entry id as offset and
	// disconnected sessions are kept in Redis.
	rec     *socketio.RecoveryOptions
	stream  string
	public  string // <prefix>#<nsp>#
	private string // <prefix>#<nsp>#<uid>#
	ready   chan struct{}

	readyOnce sync.Once
	closeOnce sync.Once
}

// New returns a factory of Redis Streams adapters for
// [socketio.Options].Adapter. client is a *redis.Client or a
// *redis.ClusterClient (without UseShardedPubSub); with another kind,
// Start fails with [ErrUnsupportedClient]. The adapters of one New share
// one pub/sub connection and the connections blocked in XREAD on the
// streams (a client of their own, with client's options: one connection
// for all the streams with a *redis.Client, one per stream with a
// *redis.ClusterClient), besides client's pool for the commands; New does
// no I/O, [Adapter.Start] waits for the connections. opts may be nil; it
// is copied.
func New(client redis.UniversalClient, opts *Options) func(nsp *socketio.Namespace) socketio.Adapter {
	f := &factory{client: client, opts: opts.clone()}
	return func(nsp *socketio.Namespace) socketio.Adapter {
		return newAdapter(f, nsp)
	}
}

func newAdapter(f *factory, nsp *socketio.Namespace) *Adapter {
	a := &Adapter{
		fac:     f,
		opts:    &f.opts,
		nspName: nsp.Name(),
		rec:     nsp.ConnectionStateRecovery(),
		stream:  cluster.StreamName(nsp.Name(), f.opts.StreamName, f.opts.StreamCount),
		ready:   make(chan struct{}),
	}
	a.Core = cluster.New(nsp, bus{a}, f.opts.RequestTimeout, f.opts.Logger.With("adapter", "redis-streams"))
	a.SetDeliver(a.deliverRemote)
	a.public = f.opts.ChannelPrefix + "#" + a.nspName + "#"
	a.private = a.public + a.UID() + "#"
	a.hub = f.attach()
	a.hub.add(a)
	return a
}

// Stream returns the name of the namespace's stream.
func (a *Adapter) Stream() string { return a.stream }

// Ready is closed once Redis has confirmed the namespace's two channels
// and the server's stream reader knows where the streams end.
func (a *Adapter) Ready() <-chan struct{} { return a.ready }

func (a *Adapter) checkReady() {
	if a.hub.isConfirmed(a.public, a.private) {
		a.readyOnce.Do(func() { close(a.ready) })
	}
}

// waitReady waits, within ctx, until the subscriptions are confirmed and
// the reader started.
func (a *Adapter) waitReady(ctx context.Context) error {
	for _, ch := range []<-chan struct{}{a.ready, a.hub.readerReady} {
		select {
		case <-ch:
		case <-a.Done():
			return ErrClosed
		case <-ctx.Done():
			return fmt.Errorf("socketio: redis streams adapter: not ready: %w", ctx.Err())
		}
	}
	return nil
}

// Start implements [socketio.AdapterStarter]: it waits, up to the request
// timeout, for Redis to confirm the namespace's subscriptions and for the
// stream reader to start. When that takes longer it logs and returns nil:
// the adapter works locally and catches up once Redis answers. It fails
// only when ctx ends first or the adapter is closed.
func (a *Adapter) Start(ctx context.Context) error {
	if a.hub.err != nil {
		return a.hub.err
	}
	tctx, cancel := context.WithTimeout(ctx, a.opts.RequestTimeout)
	defer cancel()
	err := a.waitReady(tctx)
	switch {
	case err == nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case isDone(a.Done()):
		return ErrClosed
	}
	a.Logger().Warn("socketio: redis streams adapter: not ready in time; receiving once Redis answers")
	return nil
}

func isDone(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// Close stops routing the namespace's messages, fails its pending
// requests with [ErrClosed] and waits for its goroutine. It does not close
// the Redis client; the last adapter of a [New] to close also closes the
// shared connections.
func (a *Adapter) Close() error {
	a.closeOnce.Do(func() {
		a.hub.remove(a)
		a.Core.Close()
		a.fac.detach(a.hub)
	})
	return nil
}

func wireOpts(o *socketio.BroadcastOptions) *cluster.Opts {
	return &cluster.Opts{Rooms: o.Rooms, Except: o.Except, Volatile: o.Flags.Volatile}
}

// Broadcast implements [socketio.Adapter] as Node's ClusterAdapter: unless
// opts.Flags.Local, it adds p to the namespace's stream (XADD, trimmed to
// about MaxLen), waiting for Redis up to the request timeout. With
// recovery on, it delivers p to the local sockets once it has the entry
// id, their offset; without, it delivers p first. A failed XADD is
// logged; the local sockets get p all the same (without offset).
func (a *Adapter) Broadcast(ctx context.Context, p *parser.Packet, opts *socketio.BroadcastOptions) error {
	if opts.Flags.Local {
		a.deliver(p, opts, "")
		return nil
	}
	m := &cluster.Message{Type: cluster.Broadcast, UID: a.UID(), Nsp: a.nspName, Data: p.Data, Attachments: p.Attachments, Opts: wireOpts(opts)}
	if a.rec == nil {
		a.deliver(p, opts, "")
		_, err := a.xadd(ctx, m)
		a.Reporter().Published(m, err)
		if err != nil {
			a.Logger().Warn("socketio: redis streams adapter: broadcast not published", "err", err)
		}
		return nil
	}
	offset, err := a.xadd(ctx, m)
	a.Reporter().Published(m, err)
	if err != nil {
		a.Logger().Warn("socketio: redis streams adapter: broadcast not published", "err", err)
	}
	a.deliver(p, opts, offset)
	return nil
}

// deliverRemote delivers another server's broadcast, read from the stream.
func (a *Adapter) deliverRemote(p *parser.Packet, opts *socketio.BroadcastOptions, m *cluster.Message) {
	a.deliver(p, opts, m.Offset)
}

// deliver sends p to the local sockets, appending offset to an event's
// arguments as Node's addOffsetIfNecessary does: with recovery on, for an
// event without ack id that is not volatile.
func (a *Adapter) deliver(p *parser.Packet, opts *socketio.BroadcastOptions, offset string) {
	if offset != "" && a.rec != nil && p.Type == parser.Event && p.ID == parser.NoID && !opts.Flags.Volatile {
		q := *p
		q.Data = jsontext.AppendToArray(p.Data, offset)
		p = &q
	}
	a.MemoryAdapter.Deliver(p, opts)
}

// xadd appends m to the namespace's stream and returns the entry id,
// waiting for Redis up to the request timeout.
func (a *Adapter) xadd(ctx context.Context, m *cluster.Message) (string, error) {
	fields, err := cluster.EncodeFields(m)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, a.opts.RequestTimeout)
	defer cancel()
	return a.fac.client.XAdd(ctx, &redis.XAddArgs{Stream: a.stream, MaxLen: a.opts.MaxLen, Approx: true, Values: fields}).Result()
}

func (a *Adapter) publish(ctx context.Context, channel string, m *cluster.Message) error {
	b, err := cluster.EncodeMsgpack(m)
	if err != nil {
		return err
	}
	c := a.fac.client
	if a.opts.UseShardedPubSub {
		return c.SPublish(ctx, channel, b).Err()
	}
	return c.Publish(ctx, channel, b).Err()
}

// bus is the adapter's [cluster.Transport] (its methods would clash with
// the adapter's own ServerCount).
type bus struct{ a *Adapter }

// ephemeral reports whether Node's adapter sends m with pub/sub rather
// than in the stream: broadcasts with acks, server-side emits and fetches.
func ephemeral(m *cluster.Message) bool {
	switch m.Type {
	case cluster.Broadcast:
		return m.RequestID != ""
	case cluster.ServerSideEmit, cluster.FetchSockets:
		return true
	}
	return false
}

// Publish implements [cluster.Transport]: requests go to the namespace's
// public channel (after waiting for the subscriptions, so that the
// responses reach this server), the rest to the stream.
func (b bus) Publish(ctx context.Context, m *cluster.Message) error {
	a := b.a
	if !ephemeral(m) {
		_, err := a.xadd(ctx, m)
		return err
	}
	if m.RequestID != "" {
		if err := a.waitReady(ctx); err != nil {
			return err
		}
	}
	return a.publish(ctx, a.public, m)
}

// PublishResponse implements [cluster.Transport]: the requester's private
// channel.
func (b bus) PublishResponse(ctx context.Context, requester string, m *cluster.Message) error {
	a := b.a
	return a.publish(ctx, a.opts.ChannelPrefix+"#"+a.nspName+"#"+requester+"#", m)
}

// ServerCount implements [cluster.Transport]: the subscribers of the
// namespace's public channel (PUBSUB NUMSUB, or SHARDNUMSUB), once this
// server's subscriptions are confirmed.
func (b bus) ServerCount(ctx context.Context) (int, error) {
	a := b.a
	if err := a.waitReady(ctx); err != nil {
		return 0, err
	}
	numSub := func(c redis.Cmdable) (int64, error) {
		var (
			m   map[string]int64
			err error
		)
		if a.opts.UseShardedPubSub {
			m, err = c.PubSubShardNumSub(ctx, a.public).Result()
		} else {
			m, err = c.PubSubNumSub(ctx, a.public).Result()
		}
		return m[a.public], err
	}
	var (
		total int64
		err   error
	)
	if cc, ok := a.fac.client.(*redis.ClusterClient); ok {
		// Each node counts its own subscribers: sum over the masters, as
		// Node's adapter does.
		var mu sync.Mutex // guards total
		err = cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
			n, err := numSub(node)
			mu.Lock()
			total += n
			mu.Unlock()
			return err
		})
	} else {
		total, err = numSub(a.fac.client)
	}
	if err != nil {
		return 0, fmt.Errorf("socketio: redis streams adapter server count: %w", err)
	}
	return int(total), nil
}
