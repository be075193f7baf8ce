package streams

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/siogo/sio/socketio/redisadapter/internal/cluster"
)

// factory is the state behind one [New]: the hub its adapters share, made
// with the first adapter and stopped when the last one closes.
type factory struct {
	client redis.UniversalClient
	opts   Options

	mu  sync.Mutex // guards hub
	hub *hub
}

func (f *factory) attach() *hub {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.hub == nil {
		f.hub = newHub(f.client, &f.opts)
	}
	f.hub.adapters++
	return f.hub
}

func (f *factory) detach(h *hub) {
	f.mu.Lock()
	h.adapters--
	last := h.adapters == 0
	if last && f.hub == h {
		f.hub = nil
	}
	f.mu.Unlock()
	if last {
		h.stop()
	}
}

// hub holds what every namespace of one server shares: one pub/sub
// connection for the requests and responses (its channels added and
// removed as namespaces come and go), and one connection blocked in XREAD
// on every stream the namespaces can use, whose entries it routes to the
// namespaces' adapters.
type hub struct {
	client redis.UniversalClient
	opts   *Options
	log    *slog.Logger
	// adapters counts the adapters attached; guarded by factory.mu.
	adapters int

	ctx    context.Context // canceled by stop
	cancel context.CancelFunc
	wg     sync.WaitGroup // the reader, the manager and the receive goroutine
	kickCh chan struct{}  // wakes the manager (capacity 1)
	// reader is the XREAD connections' client: a *redis.Client with a
	// pool of one, or a *redis.ClusterClient with one connection per
	// stream; nil when the client is of an unsupported kind (err says).
	reader io.Closer
	err    error
	// readerReady is closed once the readers know where each stream ends,
	// so that what is added from then on reaches the namespaces.
	readerReady chan struct{}

	// mu guards the fields below. It is never held across a Redis call or
	// a call into an adapter.
	mu        sync.Mutex
	stopped   bool
	routes    map[string][]*Adapter // channel -> adapters that want it
	nsps      map[string][]*Adapter // namespace -> its adapters (stream entries)
	ps        *redis.PubSub         // nil until the first subscription
	confirmed map[string]bool       // channels Redis confirmed
	ops       []subOp               // (un)subscriptions for the manager, in order
}

type subOp struct {
	channel string
	sub     bool
}

// ErrUnsupportedClient is returned by Start when the client given to New
// is neither a *redis.Client nor a *redis.ClusterClient, or is a
// ClusterClient with Options.UseShardedPubSub (whose channels would need a
// connection per hash slot).
var ErrUnsupportedClient = errors.New("socketio: redis streams adapter: unsupported Redis client")

func newHub(client redis.UniversalClient, opts *Options) *hub {
	h := &hub{
		client:      client,
		opts:        opts,
		log:         opts.Logger,
		kickCh:      make(chan struct{}, 1),
		readerReady: make(chan struct{}),
		routes:      make(map[string][]*Adapter),
		nsps:        make(map[string][]*Adapter),
		confirmed:   make(map[string]bool),
	}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	names := cluster.StreamNames(opts.StreamName, opts.StreamCount)
	var groups [][]string // the streams each XREAD loop reads
	// The readers' client dials as client does; it shares none of
	// client's per-client machinery (push notification handlers,
	// client-side cache), which a blocked XREAD does not use.
	switch c := client.(type) {
	case *redis.Client:
		ro := *c.Options()
		ro.PoolSize, ro.MinIdleConns, ro.MaxIdleConns = 1, 0, 1
		ro.PushNotificationProcessor = nil
		ro.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
		ro.ClientSideCache, ro.ClientSideCacheConfig = nil, nil
		h.reader = redis.NewClient(&ro)
		groups = [][]string{names}
	case *redis.ClusterClient:
		if opts.UseShardedPubSub {
			h.err = fmt.Errorf("%w: UseShardedPubSub with a ClusterClient", ErrUnsupportedClient)
			break
		}
		// One XREAD per stream: the streams may live on different nodes.
		ro := *c.Options()
		ro.PoolSize, ro.MinIdleConns, ro.MaxIdleConns = len(names), 0, len(names)
		ro.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
		h.reader = redis.NewClusterClient(&ro)
		for _, n := range names {
			groups = append(groups, []string{n})
		}
	default:
		h.err = fmt.Errorf("%w: %T", ErrUnsupportedClient, client)
	}
	if h.err != nil {
		return h
	}
	xr := h.reader.(xreader)
	h.wg.Add(1)
	go h.manage()
	var started sync.WaitGroup
	started.Add(len(groups))
	for _, g := range groups {
		h.wg.Add(1)
		go h.read(xr, g, started.Done)
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		started.Wait()
		if h.ctx.Err() == nil {
			close(h.readerReady)
		}
	}()
	return h
}

// xreader is what the XREAD loops need of the readers' client.
type xreader interface {
	XRevRangeN(ctx context.Context, stream, start, stop string, count int64) *redis.XMessageSliceCmd
	XRead(ctx context.Context, a *redis.XReadArgs) *redis.XStreamSliceCmd
}

// stop closes the connections and waits for the hub's goroutines.
func (h *hub) stop() {
	h.mu.Lock()
	h.stopped = true
	ps := h.ps
	h.ps = nil
	h.mu.Unlock()
	h.cancel()
	// Closing the readers' client closes their connections, which ends a
	// blocked XREAD.
	if h.reader != nil {
		_ = h.reader.Close()
	}
	if ps != nil {
		_ = ps.Close()
	}
	h.wg.Wait()
	// A connection the manager opened while stop ran is closed here.
	h.mu.Lock()
	ps = h.ps
	h.ps = nil
	h.mu.Unlock()
	if ps != nil {
		_ = ps.Close()
	}
}

// add routes the stream entries of a's namespace and the messages of its
// channels to a. It does no I/O: the manager goroutine subscribes.
func (h *hub) add(a *Adapter) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return
	}
	name := a.nspName
	list := h.nsps[name]
	h.nsps[name] = append(list[:len(list):len(list)], a)
	for _, ch := range []string{a.public, a.private} {
		list := h.routes[ch]
		h.routes[ch] = append(list[:len(list):len(list)], a)
		if len(list) == 0 {
			h.ops = append(h.ops, subOp{channel: ch, sub: true})
		}
	}
	h.kickLocked()
}

func without(list []*Adapter, a *Adapter) []*Adapter {
	out := make([]*Adapter, 0, len(list))
	for _, x := range list {
		if x != a {
			out = append(out, x)
		}
	}
	return out
}

// remove undoes add, unsubscribing the channels no adapter wants.
func (h *hub) remove(a *Adapter) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if l := without(h.nsps[a.nspName], a); len(l) > 0 {
		h.nsps[a.nspName] = l
	} else {
		delete(h.nsps, a.nspName)
	}
	for _, ch := range []string{a.public, a.private} {
		list := h.routes[ch]
		out := without(list, a)
		if len(out) == len(list) {
			continue
		}
		if len(out) > 0 {
			h.routes[ch] = out
			continue
		}
		delete(h.routes, ch)
		delete(h.confirmed, ch)
		if !h.stopped {
			h.ops = append(h.ops, subOp{channel: ch})
		}
	}
	h.kickLocked()
}

func (h *hub) kickLocked() {
	select {
	case h.kickCh <- struct{}{}:
	default:
	}
}

// isConfirmed reports whether Redis confirmed both channels.
func (h *hub) isConfirmed(a, b string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.confirmed[a] && h.confirmed[b]
}

// manage sends the queued (un)subscriptions, in order.
func (h *hub) manage() {
	defer h.wg.Done()
	for {
		select {
		case <-h.ctx.Done():
			return
		case <-h.kickCh:
		}
		for {
			h.mu.Lock()
			ops := h.ops
			h.ops = nil
			h.mu.Unlock()
			if len(ops) == 0 {
				break
			}
			for _, op := range ops {
				h.apply(op)
			}
		}
	}
}

// apply sends one (un)subscription. Errors are logged: go-redis sends a
// connection's channels again when it reconnects.
func (h *hub) apply(op subOp) {
	sharded := h.opts.UseShardedPubSub
	h.mu.Lock()
	if h.stopped {
		h.mu.Unlock()
		return
	}
	ps := h.ps
	if ps == nil {
		if !op.sub {
			h.mu.Unlock()
			return
		}
		if sharded {
			ps = h.client.SSubscribe(h.ctx, op.channel)
		} else {
			ps = h.client.Subscribe(h.ctx, op.channel)
		}
		h.ps = ps
		msgs := ps.ChannelWithSubscriptions(redis.WithChannelSize(ReceiveQueueSize))
		h.wg.Add(1)
		h.mu.Unlock()
		go h.receive(msgs)
		return
	}
	h.mu.Unlock()
	var err error
	switch {
	case op.sub && sharded:
		err = ps.SSubscribe(h.ctx, op.channel)
	case op.sub:
		err = ps.Subscribe(h.ctx, op.channel)
	case sharded:
		err = ps.SUnsubscribe(h.ctx, op.channel)
	default:
		err = ps.Unsubscribe(h.ctx, op.channel)
	}
	if err != nil && h.ctx.Err() == nil {
		h.log.Warn("socketio: redis streams adapter: (un)subscribe", "channel", op.channel, "err", err)
	}
}

// receive routes the pub/sub connection's messages to the adapters, until
// the connection is closed.
func (h *hub) receive(msgs <-chan any) {
	defer h.wg.Done()
	for m := range msgs {
		switch m := m.(type) {
		case *redis.Subscription:
			if m.Kind != "subscribe" && m.Kind != "ssubscribe" {
				continue
			}
			h.mu.Lock()
			list := h.routes[m.Channel]
			if len(list) > 0 {
				h.confirmed[m.Channel] = true
			}
			h.mu.Unlock()
			for _, a := range list {
				a.checkReady()
			}
		case *redis.Message:
			h.mu.Lock()
			list := h.routes[m.Channel]
			h.mu.Unlock()
			for _, a := range list {
				a.Deliver(m.Payload, m.Channel == a.private)
			}
		}
	}
}

// read is an XREAD loop on names: it finds where each stream ends (then
// calls started), then reads what is added, ReadCount entries at a time,
// blocking up to BlockTime, from the last entry it read, also across Redis
// outages (retrying with a growing pause, up to a second).
func (h *hub) read(r xreader, names []string, started func()) {
	defer h.wg.Done()
	ids := make([]string, len(names))
	pause := func(d *time.Duration) bool {
		*d = min(max(2**d, 50*time.Millisecond), time.Second)
		t := time.NewTimer(*d)
		defer t.Stop()
		select {
		case <-h.ctx.Done():
			return false
		case <-t.C:
			return true
		}
	}
	var backoff time.Duration
	for i := 0; i < len(names); {
		last, err := r.XRevRangeN(h.ctx, names[i], "+", "-", 1).Result()
		if err != nil {
			if h.ctx.Err() != nil {
				started()
				return
			}
			h.log.Warn("socketio: redis streams adapter: cannot read the stream's end", "stream", names[i], "err", err)
			if !pause(&backoff) {
				started()
				return
			}
			continue
		}
		ids[i] = "0-0"
		if len(last) > 0 {
			ids[i] = last[0].ID
		}
		i++
	}
	started()
	backoff = 0
	failing := false
	streams := make([]string, 2*len(names))
	for {
		copy(streams, names)
		copy(streams[len(names):], ids)
		res, err := r.XRead(h.ctx, &redis.XReadArgs{Streams: streams, Count: h.opts.ReadCount, Block: h.opts.BlockTime}).Result()
		if h.ctx.Err() != nil {
			return
		}
		if err != nil && !errors.Is(err, redis.Nil) {
			if !failing {
				h.log.Warn("socketio: redis streams adapter: XREAD failed; retrying", "err", err)
			}
			failing = true
			if !pause(&backoff) {
				return
			}
			continue
		}
		if failing {
			h.log.Info("socketio: redis streams adapter: XREAD works again")
		}
		failing, backoff = false, 0
		for _, s := range res {
			k := indexOf(names, s.Stream)
			if k < 0 {
				continue
			}
			for _, e := range s.Messages {
				h.route(e)
				ids[k] = e.ID
			}
		}
	}
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// route decodes one stream entry and queues it on its namespace's
// adapters; entries of namespaces without adapter here, and the adapters'
// own, are skipped undecoded, malformed entries logged (Debug) and
// dropped.
func (h *hub) route(e redis.XMessage) {
	nsp, _ := e.Values["nsp"].(string)
	uid, _ := e.Values["uid"].(string)
	h.mu.Lock()
	var list []*Adapter
	for _, a := range h.nsps[nsp] {
		if a.UID() != uid {
			list = append(list, a)
		}
	}
	h.mu.Unlock()
	if len(list) == 0 {
		return
	}
	m, err := cluster.DecodeFields(e.Values)
	if err != nil {
		h.log.Debug("socketio: redis streams adapter: ignoring malformed entry", "id", e.ID, "err", err)
		for _, a := range list {
			a.Reporter().Malformed(err)
		}
		return
	}
	m.Offset = e.ID
	for _, a := range list {
		a.DeliverMessage(m, false)
	}
}
