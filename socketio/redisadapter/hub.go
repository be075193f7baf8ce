package redisadapter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio/redisadapter/internal/request"
)

// MaxRedisCalls bounds the Redis commands (PUBSUB NUMSUB) in flight on
// behalf of callers, per server. A call whose caller's ctx ends first
// returns at once; its command keeps its place until go-redis ends it (at
// the client's read timeout), and a caller finding every place taken waits
// for one until its ctx is done.
const MaxRedisCalls = 64

// factory is the state behind one [New]: the hub its adapters share, made
// when the first adapter opens and stopped when the last one closes.
type factory struct {
	client redis.UniversalClient
	opts   Options
	hubs   request.Shared[*hub]
}

// attach returns the running hub, starting one if needed, and counts a on
// it.
func (f *factory) attach() *hub {
	return f.hubs.Attach(func() *hub { return newHub(f.client, f.opts) })
}

// detach uncounts an adapter of h and stops h when it was the last one.
func (f *factory) detach(h *hub) error {
	if !f.hubs.Detach(h) {
		return nil
	}
	return h.stop()
}

// hub is what the adapters of one server (one [New]) share: one pub/sub
// connection with the channels of every namespace, the goroutine that
// routes what it receives to the namespaces, and the publish queue with
// its goroutine, as Node's adapter shares one subscriber and one
// publisher client between namespaces. A namespace costs it four
// subscriptions, no connection and no goroutine.
type hub struct {
	client redis.UniversalClient
	opts   Options
	faults *faultLog

	ctx    context.Context // canceled by stop
	cancel context.CancelFunc
	ps     *redis.PubSub
	out    chan outMsg   // the publish queue
	calls  chan struct{} // places for Redis calls made for callers
	wg     sync.WaitGroup

	// mu guards the fields below. It is never held across a Redis call or
	// a call into an adapter.
	mu       sync.Mutex
	stopped  bool
	subs     map[subKey]*subscription
	peak     int                 // the largest len(subs) since subs was last copied
	changed  map[subKey]struct{} // subs changed since the manager last read them
	managing bool                // the manager goroutine runs
}

// subKey names a subscription: a pattern (PSUBSCRIBE) or a channel.
type subKey struct {
	pattern bool
	name    string
}

// subscription is one channel or pattern, with the adapters that want it
// (usually one; two when a namespace is closed and opened again while its
// old adapter is still registered).
type subscription struct {
	adapters []*Adapter // replaced, never modified in place
	sent     bool       // subscribed, as the manager last told Redis
	awaiting int        // subscribe commands sent and not confirmed yet
}

func newHub(client redis.UniversalClient, o Options) *hub {
	h := &hub{
		client:  client,
		opts:    o,
		faults:  newFaultLog(o.Logger),
		out:     make(chan outMsg, PublishQueueSize),
		calls:   make(chan struct{}, MaxRedisCalls),
		subs:    make(map[subKey]*subscription),
		changed: make(map[subKey]struct{}),
	}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	// Subscribing to nothing connects lazily, on the first subscription.
	h.ps = client.Subscribe(h.ctx)
	msgs := h.ps.ChannelWithSubscriptions(redis.WithChannelSize(ReceiveQueueSize))
	h.wg.Add(2)
	go h.receive(msgs)
	go h.publish()
	return h
}

// stop closes the pub/sub connection, waits for the hub's goroutines and
// logs the pending fault summaries.
func (h *hub) stop() error {
	h.mu.Lock()
	h.stopped = true
	h.mu.Unlock()
	h.cancel()
	err := h.ps.Close()
	h.wg.Wait()
	h.faults.stop()
	return err
}

// keys returns the subscriptions of an adapter.
func (a *Adapter) keys() [subscriptions]subKey {
	return [subscriptions]subKey{
		{pattern: true, name: a.ch.Broadcast + "*"},
		{name: a.ch.Request},
		{name: a.ch.Response},
		{name: a.ch.SpecificResponse},
	}
}

// subscriptions is how many channels and patterns an adapter subscribes to.
const subscriptions = 4

// register adds a's subscriptions; the manager sends them to Redis.
func (h *hub) register(a *Adapter) {
	h.mu.Lock()
	for _, k := range a.keys() {
		s := h.subs[k]
		if s == nil {
			s = &subscription{}
			h.subs[k] = s
		}
		s.adapters = append(slices.Clip(s.adapters), a)
		h.changed[k] = struct{}{}
	}
	h.checkReady(a)
	h.kick()
	h.mu.Unlock()
}

// unregister removes a's subscriptions; the manager unsubscribes the
// channels no other adapter wants.
func (h *hub) unregister(a *Adapter) {
	h.mu.Lock()
	for _, k := range a.keys() {
		s := h.subs[k]
		if s == nil {
			continue
		}
		i := slices.Index(s.adapters, a)
		if i < 0 {
			continue
		}
		s.adapters = slices.Delete(slices.Clone(s.adapters), i, i+1)
		h.changed[k] = struct{}{}
	}
	h.kick()
	h.mu.Unlock()
}

// kick starts the manager when it is not running. h.mu is held.
func (h *hub) kick() {
	if h.managing || h.stopped || len(h.changed) == 0 {
		return
	}
	h.managing = true
	h.wg.Add(1)
	go h.manage()
}

// manage sends Redis the subscriptions that changed, batched, until there
// is nothing left to send. It runs apart from register and unregister
// because go-redis may block a subscription for as long as it reconnects.
func (h *hub) manage() {
	defer h.wg.Done()
	for {
		var sub, psub, unsub, punsub []string
		h.mu.Lock()
		if len(h.changed) == 0 || h.stopped {
			h.managing = false
			h.mu.Unlock()
			return
		}
		changed := h.changed
		h.changed = make(map[subKey]struct{})
		for k := range changed {
			s := h.subs[k]
			if s == nil {
				continue
			}
			want := len(s.adapters) > 0
			switch {
			case want && !s.sent:
				s.sent = true
				s.awaiting++
				if k.pattern {
					psub = append(psub, k.name)
				} else {
					sub = append(sub, k.name)
				}
			case !want && s.sent:
				s.sent = false
				if k.pattern {
					punsub = append(punsub, k.name)
				} else {
					unsub = append(unsub, k.name)
				}
				delete(h.subs, k)
			case !want:
				delete(h.subs, k)
			}
		}
		h.shrink()
		h.mu.Unlock()
		// An unsubscription that fails needs no retry: go-redis forgets
		// the channels at once and does not subscribe them again when it
		// reconnects.
		var err error
		if len(unsub) > 0 {
			err = errors.Join(err, h.ps.Unsubscribe(h.ctx, unsub...))
		}
		if len(punsub) > 0 {
			err = errors.Join(err, h.ps.PUnsubscribe(h.ctx, punsub...))
		}
		// A subscription that fails is sent again: go-redis remembers the
		// channels, but when the command failed because the connection
		// broke, it has already reconnected without them.
		var retry bool
		if len(sub) > 0 {
			if serr := h.ps.Subscribe(h.ctx, sub...); serr != nil {
				err, retry = errors.Join(err, serr), true
				h.unsent(false, sub)
			}
		}
		if len(psub) > 0 {
			if serr := h.ps.PSubscribe(h.ctx, psub...); serr != nil {
				err, retry = errors.Join(err, serr), true
				h.unsent(true, psub)
			}
		}
		if err != nil && h.ctx.Err() == nil {
			h.faults.add(slog.LevelWarn, "socketio: redis adapter: (un)subscribe failed; retrying", 1, slog.Any("err", err))
		}
		if retry {
			t := time.NewTimer(subscribeRetry)
			select {
			case <-t.C:
			case <-h.ctx.Done():
				t.Stop()
			}
		}
	}
}

// shrink copies subs into a smaller map once most of its entries are gone
// (a Go map keeps the room of its largest size), so that the memory of
// many namespaces closed is given back. h.mu is held.
func (h *hub) shrink() {
	n := len(h.subs)
	h.peak = max(h.peak, n)
	if h.peak < 1024 || n > h.peak/4 {
		return
	}
	subs := make(map[subKey]*subscription, n)
	maps.Copy(subs, h.subs)
	h.subs, h.peak = subs, n
}

// subscribeRetry is how long the manager waits before sending a failed
// subscription again.
const subscribeRetry = time.Second

// unsent marks subscriptions whose command failed as not sent, for the
// manager to send them again.
func (h *hub) unsent(pattern bool, names []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, name := range names {
		k := subKey{pattern: pattern, name: name}
		if s := h.subs[k]; s != nil && s.sent {
			s.sent = false
			s.awaiting = max(0, s.awaiting-1)
			h.changed[k] = struct{}{}
		}
	}
}

// receive routes what the pub/sub connection receives until stop:
// subscription confirmations make adapters ready, messages go to the
// adapters of their channel or pattern.
func (h *hub) receive(msgs <-chan any) {
	defer h.wg.Done()
	for m := range msgs {
		switch m := m.(type) {
		case *redis.Subscription:
			h.confirmed(m)
		case *redis.Message:
			k := subKey{pattern: m.Pattern != "", name: m.Channel}
			if k.pattern {
				k.name = m.Pattern
			}
			h.mu.Lock()
			var to []*Adapter
			if s := h.subs[k]; s != nil {
				to = s.adapters
			}
			h.mu.Unlock()
			for _, a := range to {
				a.deliver(m)
			}
		}
	}
}

// confirmed handles a subscription confirmation.
func (h *hub) confirmed(m *redis.Subscription) {
	var k subKey
	switch m.Kind {
	case "subscribe":
		k = subKey{name: m.Channel}
	case "psubscribe":
		k = subKey{pattern: true, name: m.Channel}
	default:
		return
	}
	h.mu.Lock()
	s := h.subs[k]
	if s == nil || !s.sent {
		h.mu.Unlock()
		return
	}
	resubscribed := s.awaiting == 0
	if s.awaiting > 0 {
		s.awaiting--
	}
	if s.awaiting == 0 {
		for _, a := range s.adapters {
			h.checkReady(a)
		}
	}
	h.mu.Unlock()
	if resubscribed {
		// go-redis subscribes to everything again after reconnecting.
		h.faults.add(slog.LevelInfo, "socketio: redis adapter: resubscribed after reconnecting", 1, slog.String("channel", m.Channel))
	}
}

// checkReady marks a ready once Redis has confirmed all its subscriptions.
// h.mu is held.
func (h *hub) checkReady(a *Adapter) {
	if a.isReady {
		return
	}
	for _, k := range a.keys() {
		if s := h.subs[k]; s == nil || !s.sent || s.awaiting > 0 {
			return
		}
	}
	a.isReady = true
	close(a.ready)
}

// call runs fn, a Redis command made for a caller, and returns its error,
// or ctx's as soon as ctx is done, whether or not the client applies ctx
// to its connections (go-redis does only with ContextTimeoutEnabled).
func (h *hub) call(ctx context.Context, fn func(ctx context.Context) error) error {
	select {
	case h.calls <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	h.mu.Lock()
	if h.stopped {
		h.mu.Unlock()
		<-h.calls
		return ErrClosed
	}
	h.wg.Add(1)
	h.mu.Unlock()
	done := make(chan error, 1)
	go func() {
		defer h.wg.Done()
		defer func() { <-h.calls }()
		done <- fn(ctx)
	}()
	select {
	case err := <-done:
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// serverCount is PUBSUB NUMSUB channel, summed over every node of a
// Redis Cluster (each subscription lives on exactly one node).
func (h *hub) serverCount(ctx context.Context, channel string) (int, error) {
	var n int64
	err := h.call(ctx, func(ctx context.Context) error {
		cluster, ok := h.client.(*redis.ClusterClient)
		if !ok {
			m, err := h.client.PubSubNumSub(ctx, channel).Result()
			n = m[channel]
			return err
		}
		var mu sync.Mutex // guards total
		var total int64
		err := cluster.ForEachShard(ctx, func(ctx context.Context, node *redis.Client) error {
			m, err := node.PubSubNumSub(ctx, channel).Result()
			if err != nil {
				return err
			}
			mu.Lock()
			total += m[channel]
			mu.Unlock()
			return nil
		})
		mu.Lock()
		n = total
		mu.Unlock()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("socketio: redis adapter server count: %w", err)
	}
	return int(n), nil
}
