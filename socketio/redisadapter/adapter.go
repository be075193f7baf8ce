package redisadapter

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/internal/request"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// DefaultRequestTimeout is how long a request (FetchSockets,
// ServerSideEmit with acks, AllRooms) waits for the other servers when
// Options.RequestTimeout is zero, as Node's requestsTimeout.
const DefaultRequestTimeout = request.DefaultTimeout

// Bounds of the adapter's queues.
const (
	// PublishQueueSize bounds the messages waiting to be published, for
	// all the namespaces of a server together. A broadcast finding the
	// queue full is delivered locally only (and logged); a request waits
	// for room until its ctx is done.
	PublishQueueSize = 4096
	// ReceiveQueueSize bounds the messages received from Redis and not yet
	// handled, per namespace; a namespace whose handling lags that far
	// behind drops what it receives next (logged), without slowing the
	// other namespaces. It is also the buffer between go-redis and the
	// goroutine that hands the messages to the namespaces.
	ReceiveQueueSize = 1024
)

// ErrClosed is returned by the adapter's methods after Close.
var ErrClosed = errors.New("socketio: redis adapter closed")

// ErrTimeout is wrapped by the error of a request that did not get all its
// responses in time.
var ErrTimeout = errors.New("socketio: redis adapter request timed out")

// TimeoutError reports a request that did not hear from every server. It
// matches [ErrTimeout] with errors.Is and unwraps to the ctx error.
type TimeoutError struct {
	// Type names the request as Node's adapter does: "REMOTE_FETCH",
	// "SERVER_SIDE_EMIT" or "ALL_ROOMS".
	Type     string
	Got      int   // responses received
	Expected int   // responses expected
	Err      error // the context error (context.DeadlineExceeded, context.Canceled)
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("socketio: redis adapter %s: %d of %d responses: %v", e.Type, e.Got, e.Expected, e.Err)
}

// Is reports whether target is [ErrTimeout].
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// Unwrap returns the context error.
func (e *TimeoutError) Unwrap() error { return e.Err }

func newTimeoutError(kind string, got, expected int, err error) error {
	return &TimeoutError{Type: kind, Got: got, Expected: expected, Err: err}
}

// Options configure the adapter; the zero value (or nil) means Node's
// defaults.
type Options struct {
	// Key is the channel prefix, "socket.io" when empty (Node's key).
	Key string
	// RequestTimeout bounds how long a request waits for the other
	// servers' responses (Node's requestsTimeout), DefaultRequestTimeout
	// when zero. A ctx with an earlier deadline ends it sooner.
	RequestTimeout time.Duration
	// PublishOnSpecificResponseChannel sends this server's responses to
	// the requester's own response channel instead of the shared one
	// (Node's publishOnSpecificResponseChannel).
	PublishOnSpecificResponseChannel bool
	// Logger receives publish failures, malformed messages and
	// reconnections, each kind of fault logged once and then summarized
	// with counts every LogInterval; slog.Default() when nil.
	Logger *slog.Logger
}

func (o *Options) clone() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Key == "" {
		c.Key = wire.DefaultKey
	}
	c.RequestTimeout = request.Timeout(c.RequestTimeout)
	c.Logger = request.Logger(c.Logger)
	return c
}

// Adapter is the Redis [socketio.Adapter] of one namespace. It embeds the
// namespace's *socketio.MemoryAdapter for the local part of every operation
// and publishes the remote part; its room methods are the MemoryAdapter's.
//
// The adapters of one server (made by one [New]) share one pub/sub
// connection, on which each namespace adds its four subscriptions, and one
// publish queue of [PublishQueueSize] messages with one goroutine, so other
// servers see a server's broadcasts and requests in the order it made
// them; local delivery never waits for Redis. The messages received for a
// namespace are handled one at a time, in order, on a goroutine that runs
// only while some are waiting (at most [ReceiveQueueSize] of them);
// [socketio.Namespace.OnServerSideEmit] handlers run on it and must not
// block. Its methods are safe for concurrent use. See docs/scaling.md for
// what is lost while Redis is unreachable.
type Adapter struct {
	*socketio.MemoryAdapter

	nsp  *socketio.Namespace
	hub  *hub
	fac  *factory
	opts Options
	uid  string
	ch   wire.Channels
	log  *slog.Logger

	ctx    context.Context // canceled by Close
	cancel context.CancelFunc
	ready  chan struct{} // closed once every subscription is confirmed
	// isReady tells whether ready is closed; guarded by hub.mu.
	isReady bool

	closeOnce sync.Once

	// reqs holds the requests waiting for responses and the broadcasts
	// waiting for acks.
	reqs *request.Table

	inMu     sync.Mutex       // guards inbox, working and inClosed
	inbox    []*redis.Message // received, not handled yet
	working  bool             // a goroutine is handling the inbox
	inClosed bool
}

// New returns an adapter factory for [socketio.Options].Adapter: each
// namespace gets an [*Adapter] publishing through client. The adapters
// share one subscriber connection of client (opened with the first
// adapter, closed with the last), so a namespace, static or a dynamic
// namespace's child, costs Redis no connection. Use one New per server.
// opts may be nil; it is copied.
//
// The factory does no I/O: it registers the namespace's subscriptions with
// the shared connection, which sends them to Redis on its own goroutine.
// [Adapter.Start], which the server calls apart from the factory and
// outside its locks, waits for Redis to confirm them (see
// [socketio.AdapterStarter]). Requests wait for the confirmation too,
// within their ctx. A dynamic namespace ([socketio.Server.OfFunc]) gets no
// adapter of its own: its broadcasts go through its children's.
func New(client redis.UniversalClient, opts *Options) func(nsp *socketio.Namespace) socketio.Adapter {
	f := &factory{client: client, opts: opts.clone()}
	return func(nsp *socketio.Namespace) socketio.Adapter {
		return newAdapter(f, nsp)
	}
}

func newAdapter(f *factory, nsp *socketio.Namespace) *Adapter {
	uid := newUID()
	a := &Adapter{
		MemoryAdapter: socketio.NewMemoryAdapter(nsp),
		nsp:           nsp,
		fac:           f,
		opts:          f.opts,
		uid:           uid,
		ch:            wire.NewChannels(f.opts.Key, nsp.Name(), uid),
		log:           f.opts.Logger.With("nsp", nsp.Name(), "uid", uid),
		ready:         make(chan struct{}),
	}
	a.reqs = request.NewTable(f.opts.RequestTimeout, ErrClosed, func(kind string, got, expected int, err error) error {
		terr := newTimeoutError(kind, got, expected, err)
		if errors.Is(err, context.DeadlineExceeded) { // not the caller canceling
			nsp.ObserveAdapterError(socketio.AdapterOpRequestTimeout, terr)
		}
		return terr
	})
	a.ctx, a.cancel = context.WithCancel(context.Background())
	a.hub = f.attach()
	a.hub.register(a)
	return a
}

// Start implements [socketio.AdapterStarter]: it waits, up to the request
// timeout, for Redis to confirm the namespace's subscriptions, so that the
// first sockets get the other servers' broadcasts. The server calls it in
// the background for a namespace the application makes, and a CONNECT
// waits for it, also the CONNECT that makes a dynamic namespace's child:
// the child subscribes on the server's shared connection (no connection of
// its own), and its first socket is connected once Redis has confirmed.
// When Redis is unreachable it logs and returns nil: the adapter works
// locally and receives once Redis is back. Start fails only when ctx ends
// first (the server shuts down, or the CONNECT's connect timeout passed)
// or the adapter is closed.
func (a *Adapter) Start(ctx context.Context) error {
	t := time.NewTimer(a.opts.RequestTimeout)
	defer t.Stop()
	select {
	case <-a.ready:
		return nil
	case <-t.C:
		// Logged once, then counted: while Redis is unreachable every new
		// dynamic namespace's child comes here.
		a.hub.faults.add(slog.LevelWarn, "socketio: redis adapter: subscriptions not confirmed in time; receiving once Redis answers", 1,
			slog.String("nsp", a.nsp.Name()))
		return nil
	case <-a.ctx.Done():
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// UID returns the adapter's server id on the wire (6 characters, random).
func (a *Adapter) UID() string { return a.uid }

// Ready is closed once Redis has confirmed the adapter's subscriptions.
func (a *Adapter) Ready() <-chan struct{} { return a.ready }

// waitReady waits until Redis has confirmed the subscriptions, so that the
// responses to a request reach this adapter, or until ctx is done.
func (a *Adapter) waitReady(ctx context.Context) error {
	select {
	case <-a.ready:
		return nil
	case <-a.ctx.Done():
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("socketio: redis adapter: subscriptions not confirmed: %w", ctx.Err())
	}
}

// Close unsubscribes the namespace's channels, fails its pending requests
// with [ErrClosed] and releases its state. It does not close the Redis
// client; the last adapter of a [New] to close also closes the shared
// subscriber connection.
func (a *Adapter) Close() error {
	var err error
	a.closeOnce.Do(func() {
		a.reqs.Close()
		a.cancel()
		a.hub.unregister(a)
		a.inMu.Lock()
		a.inClosed = true
		a.inbox = nil
		a.inMu.Unlock()
		err = a.fac.detach(a.hub)
	})
	return err
}

// deliver queues a received message for the adapter's goroutine, starting
// it when idle. A namespace with ReceiveQueueSize messages waiting drops
// the new ones (logged with counts).
func (a *Adapter) deliver(m *redis.Message) {
	if m.Pattern != "" && a.isEcho(m.Payload) {
		return
	}
	a.inMu.Lock()
	if a.inClosed {
		a.inMu.Unlock()
		return
	}
	if len(a.inbox) >= ReceiveQueueSize {
		a.inMu.Unlock()
		a.nsp.ObserveAdapterError(socketio.AdapterOpReceiveQueueFull, errReceiveQueueFull)
		a.hub.faults.add(slog.LevelWarn, "socketio: redis adapter: receive queue full; messages from other servers dropped", 1,
			slog.String("nsp", a.nsp.Name()))
		return
	}
	a.inbox = append(a.inbox, m)
	start := !a.working
	a.working = true
	a.inMu.Unlock()
	if start {
		a.hub.wg.Add(1) // the hub's receive goroutine, counted, calls deliver
		go a.work()
	}
}

// isEcho reports whether a broadcast is one of the adapter's own, which
// Redis sends back to it and which it would drop after decoding: its uid
// is the first element of the msgpack array [uid, packet, opts], a fixstr
// of 6 bytes. Dropping them before they are queued keeps a burst of this
// server's own broadcasts out of the namespace's receive queue.
func (a *Adapter) isEcho(payload string) bool {
	return len(payload) > 2+len(a.uid) && payload[0] == 0x93 && payload[1] == 0xa0|byte(len(a.uid)) &&
		payload[2:2+len(a.uid)] == a.uid
}

// work handles the inbox, in order, until it is empty or the adapter
// closes.
func (a *Adapter) work() {
	defer a.hub.wg.Done()
	for {
		a.inMu.Lock()
		if len(a.inbox) == 0 || a.inClosed {
			a.working = false
			a.inbox = nil
			a.inMu.Unlock()
			return
		}
		m := a.inbox[0]
		a.inbox[0] = nil
		a.inbox = a.inbox[1:]
		a.inMu.Unlock()
		a.dispatch(m)
	}
}

func (a *Adapter) dispatch(m *redis.Message) {
	defer func() {
		if r := recover(); r != nil {
			a.hub.faults.add(slog.LevelError, "socketio: redis adapter: panic handling a message", 1,
				slog.String("nsp", a.nsp.Name()), slog.String("channel", m.Channel), slog.Any("panic", r))
		}
	}()
	payload := []byte(m.Payload)
	switch {
	case m.Pattern != "":
		a.onBroadcast(m.Channel, payload)
	case m.Channel == a.ch.Request:
		a.onRequest(payload)
	case m.Channel == a.ch.Response || m.Channel == a.ch.SpecificResponse:
		a.onResponse(payload)
	}
}

// malformed logs (at Debug, with counts) a message that could not be
// decoded, and reports it to the namespace's observer.
func (a *Adapter) malformed(what string, err error) {
	a.hub.faults.add(slog.LevelDebug, "socketio: redis adapter: ignoring malformed "+what, 1,
		slog.String("nsp", a.nsp.Name()), slog.Any("err", err))
	if err == nil {
		err = errors.New("socketio: redis adapter: malformed " + what)
	}
	a.nsp.ObserveAdapterError(socketio.AdapterOpDecode, err)
}

// Errors reported to the namespace's observer.
var (
	errReceiveQueueFull = errors.New("socketio: redis adapter: receive queue full")
	errPublishQueueFull = errors.New("socketio: redis adapter: publish queue full")
)

// origin is an adapter's publish.Origin: told of the messages Redis did
// not publish (or whose outcome is unknown). It is one pointer: storing
// it in an interface does not allocate.
type origin struct{ nsp *socketio.Namespace }

func (o origin) NotPublished(err error) {
	o.nsp.ObserveAdapterError(socketio.AdapterOpPublish, err)
}

// sent reports a message handed to the publisher (kind: its type as
// Node's adapter names it), or one that could not be (err not nil; not
// reported when a is closed).
func (a *Adapter) sent(kind string, err error) {
	switch {
	case err == nil:
		a.nsp.ObserveAdapterMessage(true, kind)
	case !errors.Is(err, ErrClosed):
		a.nsp.ObserveAdapterError(socketio.AdapterOpPublish, err)
	}
}

// responseKind names a response of type t for the observer: Node's
// ClusterAdapter's name for a SERVER_SIDE_EMIT answer, RESPONSE for one
// without type.
func responseKind(t wire.RequestType) string {
	switch t {
	case wire.NoType:
		return socketio.AdapterKindResponse
	case wire.ServerSideEmit:
		return "SERVER_SIDE_EMIT_RESPONSE"
	}
	return t.String()
}

// enqueueBroadcast queues a message of kind without waiting: when the
// queue is full the message is dropped (logged with counts).
func (a *Adapter) enqueueBroadcast(kind, channel string, payload []byte) {
	if a.ctx.Err() != nil {
		return
	}
	select {
	case a.hub.out <- outMsg{Channel: channel, Payload: payload, Origin: origin{a.nsp}}:
		a.sent(kind, nil)
	default:
		a.sent(kind, errPublishQueueFull)
		a.hub.faults.add(slog.LevelWarn, "socketio: redis adapter: publish queue full; messages not sent to other servers", 1,
			slog.String("channel", channel))
	}
}

// enqueue queues a message of kind, waiting for room until ctx is done,
// and returns once it is queued (not published).
func (a *Adapter) enqueue(ctx context.Context, kind, channel string, payload []byte) (err error) {
	defer func() { a.sent(kind, err) }()
	if a.ctx.Err() != nil {
		return ErrClosed
	}
	select {
	case a.hub.out <- outMsg{Channel: channel, Payload: payload, Origin: origin{a.nsp}}:
		return nil
	case <-a.ctx.Done():
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("socketio: redis adapter publish: %w", ctx.Err())
	}
}

// publishWait queues a message of kind and waits until it is published,
// or ctx is done (then the message is not sent if it has not been yet).
func (a *Adapter) publishWait(ctx context.Context, kind, channel string, payload []byte) (err error) {
	defer func() { a.sent(kind, err) }()
	if a.ctx.Err() != nil {
		return ErrClosed
	}
	errc := make(chan error, 1)
	select {
	case a.hub.out <- outMsg{Channel: channel, Payload: payload, Ctx: ctx, Errc: errc}:
	case <-a.ctx.Done():
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("socketio: redis adapter publish: %w", ctx.Err())
	}
	select {
	case err := <-errc:
		if err != nil {
			return fmt.Errorf("socketio: redis adapter publish: %w", err)
		}
		return nil
	case <-a.ctx.Done():
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("socketio: redis adapter publish: %w", ctx.Err())
	}
}

// uidAlphabet is uid2's alphabet.
const uidAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// newUID returns 6 random characters, as Node's uid2(6).
func newUID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = uidAlphabet[b[i]&63]
	}
	return string(b[:])
}

var _ socketio.AdapterStarter = (*Adapter)(nil)
