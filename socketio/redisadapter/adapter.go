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
)

// DefaultRequestTimeout is how long a request (FetchSockets,
// ServerSideEmit with acks, AllRooms) waits for the other servers when
// Options.RequestTimeout is zero, as Node's requestsTimeout.
const DefaultRequestTimeout = 5 * time.Second

// Bounds of the adapter's queues.
const (
	// PublishQueueSize bounds the messages waiting to be published. A
	// broadcast finding the queue full is delivered locally only (and
	// logged); a request waits for room until its ctx is done.
	PublishQueueSize = 4096
	// ReceiveQueueSize bounds the messages received from Redis and not yet
	// handled. When it stays full for a minute go-redis drops messages.
	ReceiveQueueSize = 1024
	// maxBatch bounds the messages sent in one pipeline.
	maxBatch = 256
)

// ErrClosed is returned by the adapter's methods after Close.
var ErrClosed = errors.New("socketio: redis adapter closed")

// ErrTimeout is wrapped by the error of a request that did not get all its
// responses in time.
var ErrTimeout = errors.New("socketio: redis adapter request timed out")

// TimeoutError reports a request that did not hear from every server. It
// matches [ErrTimeout] with errors.Is and unwraps to the ctx error.
type TimeoutError struct {
	Type     RequestType // REMOTE_FETCH, SERVER_SIDE_EMIT, ALL_ROOMS
	Got      int         // responses received
	Expected int         // responses expected
	Err      error       // the context error (context.DeadlineExceeded, context.Canceled)
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("socketio: redis adapter %v: %d of %d responses: %v", e.Type, e.Got, e.Expected, e.Err)
}

// Is reports whether target is [ErrTimeout].
func (e *TimeoutError) Is(target error) bool { return target == ErrTimeout }

// Unwrap returns the context error.
func (e *TimeoutError) Unwrap() error { return e.Err }

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
	// reconnections; slog.Default() when nil.
	Logger *slog.Logger
}

func (o *Options) clone() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Key == "" {
		c.Key = DefaultKey
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Adapter is the Redis [socketio.Adapter] of one namespace. It embeds the
// namespace's *socketio.MemoryAdapter for the local part of every operation
// and publishes the remote part; its room methods are the MemoryAdapter's.
//
// Its methods are safe for concurrent use. Every message it publishes goes
// through one queue of [PublishQueueSize] messages and one goroutine, so
// other servers see a server's broadcasts and requests in the order it
// made them; local delivery never waits for Redis. Received messages are
// handled one at a time, in order, on one goroutine (after a buffer of
// [ReceiveQueueSize]); [socketio.Namespace.OnServerSideEmit] handlers run
// on it and must not block. Close stops both goroutines. See
// docs/scaling.md for what is lost while Redis is unreachable.
type Adapter struct {
	*socketio.MemoryAdapter

	nsp    *socketio.Namespace
	client redis.UniversalClient
	opts   Options
	uid    string
	ch     Channels
	log    *slog.Logger

	ctx    context.Context // canceled by Close
	cancel context.CancelFunc
	ps     *redis.PubSub
	out    chan outMsg
	wg     sync.WaitGroup
	ready  chan struct{} // closed once every subscription is confirmed

	closeOnce sync.Once

	mu          sync.Mutex
	closed      bool
	requests    map[string]*pending
	ackRequests map[string]*ackRequest
}

// outMsg is one message for the publisher; errc, when set, gets the
// result.
type outMsg struct {
	channel string
	payload []byte
	errc    chan error
}

// New returns an adapter factory for [socketio.Options].Adapter: each
// namespace gets an [*Adapter] publishing through client and subscribed
// through a dedicated pub/sub connection of client (go-redis opens one per
// subscription). opts may be nil; it is copied.
//
// The factory subscribes and waits, up to the request timeout, for Redis
// to confirm the subscriptions; when Redis is unreachable it logs and
// returns an adapter that works locally and subscribes once Redis is back.
func New(client redis.UniversalClient, opts *Options) func(nsp *socketio.Namespace) socketio.Adapter {
	o := opts.clone()
	return func(nsp *socketio.Namespace) socketio.Adapter {
		return newAdapter(client, o, nsp)
	}
}

func newAdapter(client redis.UniversalClient, o Options, nsp *socketio.Namespace) *Adapter {
	uid := newUID()
	a := &Adapter{
		MemoryAdapter: socketio.NewMemoryAdapter(nsp),
		nsp:           nsp,
		client:        client,
		opts:          o,
		uid:           uid,
		ch:            NewChannels(o.Key, nsp.Name(), uid),
		log:           o.Logger.With("nsp", nsp.Name(), "uid", uid),
		out:           make(chan outMsg, PublishQueueSize),
		ready:         make(chan struct{}),
		requests:      make(map[string]*pending),
		ackRequests:   make(map[string]*ackRequest),
	}
	a.ctx, a.cancel = context.WithCancel(context.Background())

	setup, cancel := context.WithTimeout(a.ctx, o.RequestTimeout)
	defer cancel()
	a.ps = client.PSubscribe(setup, a.ch.Broadcast+"*")
	err := a.ps.Subscribe(setup, a.ch.Request, a.ch.Response, a.ch.SpecificResponse)
	if err != nil {
		a.log.Warn("socketio: redis adapter: subscribe failed; will retry", "err", err)
	}
	msgs := a.ps.ChannelWithSubscriptions(redis.WithChannelSize(ReceiveQueueSize))
	a.wg.Add(2)
	go a.receive(msgs)
	go a.publish()
	select {
	case <-a.ready:
	case <-setup.Done():
		a.log.Warn("socketio: redis adapter: subscriptions not confirmed in time; receiving once Redis answers")
	}
	return a
}

// UID returns the adapter's server id on the wire (6 characters, random).
func (a *Adapter) UID() string { return a.uid }

// Channels returns the channels the adapter uses.
func (a *Adapter) Channels() Channels { return a.ch }

// Ready is closed once Redis has confirmed the adapter's subscriptions.
func (a *Adapter) Ready() <-chan struct{} { return a.ready }

// Close unsubscribes, stops the adapter's goroutines and fails the pending
// requests with [ErrClosed]. It does not close the Redis client.
func (a *Adapter) Close() error {
	var err error
	a.closeOnce.Do(func() {
		a.mu.Lock()
		a.closed = true
		for id, p := range a.requests {
			delete(a.requests, id)
			p.finish(ErrClosed)
		}
		clear(a.ackRequests)
		a.mu.Unlock()
		a.cancel()
		err = a.ps.Close()
		a.wg.Wait()
	})
	return err
}

// subscriptions is how many channels and patterns the adapter subscribes to.
const subscriptions = 4

// receive handles the messages of the pub/sub connection, one at a time
// and in order, until Close.
func (a *Adapter) receive(msgs <-chan any) {
	defer a.wg.Done()
	confirmed := 0
	readyOnce := false
	for m := range msgs {
		switch m := m.(type) {
		case *redis.Subscription:
			if m.Kind != "subscribe" && m.Kind != "psubscribe" {
				continue
			}
			confirmed++
			if confirmed%subscriptions != 0 {
				continue
			}
			if !readyOnce {
				readyOnce = true
				close(a.ready)
			} else {
				a.log.Info("socketio: redis adapter: resubscribed after reconnecting")
			}
		case *redis.Message:
			a.dispatch(m)
		}
	}
}

func (a *Adapter) dispatch(m *redis.Message) {
	defer func() {
		if r := recover(); r != nil {
			a.log.Error("socketio: redis adapter: panic handling a message", "channel", m.Channel, "panic", r)
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

// publish sends the queued messages in order, in pipelines of up to
// maxBatch, until Close.
func (a *Adapter) publish() {
	defer a.wg.Done()
	batch := make([]outMsg, 0, maxBatch)
	for {
		select {
		case m := <-a.out:
			batch = append(batch[:0], m)
		case <-a.ctx.Done():
			return
		}
	fill:
		for len(batch) < maxBatch {
			select {
			case m := <-a.out:
				batch = append(batch, m)
			default:
				break fill
			}
		}
		a.send(batch)
		clear(batch)
	}
}

func (a *Adapter) send(batch []outMsg) {
	ctx, cancel := context.WithTimeout(a.ctx, a.opts.RequestTimeout)
	defer cancel()
	cmds, err := a.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, m := range batch {
			p.Publish(ctx, m.channel, m.payload)
		}
		return nil
	})
	failed := 0
	for i, m := range batch {
		e := err
		if i < len(cmds) {
			e = cmds[i].Err()
		}
		if e != nil {
			failed++
		}
		if m.errc != nil {
			m.errc <- e
		}
	}
	if failed > 0 && a.ctx.Err() == nil {
		a.log.Warn("socketio: redis adapter: publish failed; other servers miss these messages", "messages", failed, "err", err)
	}
}

// enqueueBroadcast queues a message without waiting: when the queue is
// full the message is dropped and logged.
func (a *Adapter) enqueueBroadcast(channel string, payload []byte) {
	select {
	case a.out <- outMsg{channel: channel, payload: payload}:
	default:
		a.log.Warn("socketio: redis adapter: publish queue full; message not sent to other servers", "channel", channel)
	}
}

// enqueue queues a message, waiting for room until ctx is done, and
// returns once it is queued (not published).
func (a *Adapter) enqueue(ctx context.Context, channel string, payload []byte) error {
	if a.ctx.Err() != nil {
		return ErrClosed
	}
	select {
	case a.out <- outMsg{channel: channel, payload: payload}:
		return nil
	case <-a.ctx.Done():
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("socketio: redis adapter publish: %w", ctx.Err())
	}
}

// publishWait queues a message and waits until it is published.
func (a *Adapter) publishWait(ctx context.Context, channel string, payload []byte) error {
	if a.ctx.Err() != nil {
		return ErrClosed
	}
	errc := make(chan error, 1)
	select {
	case a.out <- outMsg{channel: channel, payload: payload, errc: errc}:
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
