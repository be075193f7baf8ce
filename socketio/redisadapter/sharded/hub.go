package sharded

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio/redisadapter/internal/publish"
	"github.com/siogo/sio/socketio/redisadapter/internal/request"
)

// factory is the state behind one [New]: the hub its adapters share, made
// with the first adapter and stopped when the last one closes.
type factory struct {
	client redis.UniversalClient
	opts   Options
	hubs   request.Shared[*hub]
}

func (f *factory) attach() *hub {
	return f.hubs.Attach(func() *hub { return newHub(f.client, &f.opts) })
}

func (f *factory) detach(h *hub) {
	if f.hubs.Detach(h) {
		h.stop()
	}
}

// hub holds the sharded subscriptions of every namespace of one server on
// one pub/sub connection per Redis node: with a plain client one in all,
// with a cluster client one per master that owns the slot of a channel in
// use (so at most one per master), each read by one goroutine. Each
// channel is subscribed with an SSUBSCRIBE of its own, which stays within
// its slot.
//
// go-redis sends all of a connection's channels in one SSUBSCRIBE when it
// reconnects, which a Redis Cluster refuses (CROSSSLOT) when they hash to
// different slots. The connection's reader sees that error, as any error
// reply (MOVED after a slot migrated), an unrequested SUNSUBSCRIBE (Redis
// 7 sends one when a channel's slot moves) and a connection that answers
// no PING; the manager then drops the connection, reloads the cluster's
// slot map and subscribes its channels again, each on its slot's current
// master, after a short pause (rebuildPause).
type hub struct {
	client redis.UniversalClient
	log    *slog.Logger

	ctx    context.Context // canceled by stop
	cancel context.CancelFunc
	wg     sync.WaitGroup   // the receive goroutines, the manager and the publisher
	kickCh chan struct{}    // wakes the manager (capacity 1)
	out    chan publish.Msg // the publish queue, PublishQueueSize messages

	// dropped counts the messages dropped since the publish queue last
	// had room (logged when it starts and when it stops).
	dropped atomic.Int64

	// mu guards the fields below. It is never held across a Redis call or
	// a call into an adapter.
	mu        sync.Mutex
	stopped   bool
	routes    map[string][]*Adapter // channel -> adapters that want it
	conns     map[string]*nodeConn  // node address ("" for a plain client) -> connection
	chanConn  map[string]*nodeConn  // channel -> the connection carrying it
	confirmed map[string]bool       // channels Redis confirmed
	ops       []subOp               // work for the manager, in order
}

// nodeConn is one pub/sub connection to one node and the channels it
// carries. Only the manager changes conns, chanConn and channels (under
// hub.mu); the reader reads them under hub.mu.
type nodeConn struct {
	addr     string
	ps       *redis.PubSub
	channels map[string]bool
	// unsubs counts the SUNSUBSCRIBEs sent per channel and not answered
	// yet, telling them from those Redis sends when a slot moves.
	unsubs map[string]int
}

// subOp is the manager's work: (un)subscribe a channel, or rebuild a
// connection that failed.
type subOp struct {
	channel string
	sub     bool
	rebuild *nodeConn
}

// Connection health and recovery.
const (
	// pingInterval is how long a connection may stay silent before its
	// reader sends a PING; a connection silent for maxSilent intervals
	// is rebuilt.
	pingInterval = 5 * time.Second
	maxSilent    = 3
	// rebuildPause is how long the manager waits before subscribing the
	// channels of a rebuilt connection again.
	rebuildPause = 200 * time.Millisecond
)

func newHub(client redis.UniversalClient, o *Options) *hub {
	h := &hub{
		client:    client,
		log:       o.Logger.With("adapter", "sharded-redis"),
		kickCh:    make(chan struct{}, 1),
		out:       make(chan publish.Msg, PublishQueueSize),
		routes:    make(map[string][]*Adapter),
		conns:     make(map[string]*nodeConn),
		chanConn:  make(map[string]*nodeConn),
		confirmed: make(map[string]bool),
	}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	s := &publish.Sender{Client: client, Sharded: true, Timeout: o.RequestTimeout, Report: func(f publish.Failures) {
		if f.NotSent > 0 {
			h.log.Warn("socketio: sharded redis adapter: publish failed; other servers did not get these messages", "count", f.NotSent, "err", f.NotSentErr)
		}
		if f.Unknown > 0 {
			h.log.Warn("socketio: sharded redis adapter: publish outcome unknown; other servers may have missed these messages", "count", f.Unknown, "err", f.UnknownErr)
		}
	}}
	h.wg.Add(2)
	go h.manage()
	go func() {
		defer h.wg.Done()
		s.Run(h.ctx, h.out)
	}()
	return h
}

// offer queues a message without waiting; when the queue is full it is
// dropped, the first drop and the count when the queue has room again
// logged.
func (h *hub) offer(from publish.Origin, channel string, payload []byte) {
	if h.ctx.Err() != nil {
		return
	}
	select {
	case h.out <- publish.Msg{Channel: channel, Payload: payload, Origin: from}:
		if n := h.dropped.Swap(0); n > 0 {
			h.log.Warn("socketio: sharded redis adapter: publish queue has room again", "dropped", n)
		}
	default:
		from.NotPublished(errQueueFull)
		if h.dropped.Add(1) == 1 {
			h.log.Warn("socketio: sharded redis adapter: publish queue full; messages to other servers dropped")
		}
	}
}

// enqueue queues a message, waiting for room until ctx or done ends; with
// wait it also waits until the message is published (it is not sent once
// ctx is done).
func (h *hub) enqueue(ctx context.Context, from publish.Origin, done <-chan struct{}, channel string, payload []byte, wait bool) error {
	m := publish.Msg{Channel: channel, Payload: payload, Origin: from}
	if wait {
		m.Ctx, m.Errc = ctx, make(chan error, 1)
	}
	select {
	case h.out <- m:
	case <-done:
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("socketio: sharded redis adapter publish: %w", ctx.Err())
	}
	if !wait {
		return nil
	}
	select {
	case err := <-m.Errc:
		if err != nil {
			return fmt.Errorf("socketio: sharded redis adapter publish: %w", err)
		}
		return nil
	case <-done:
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("socketio: sharded redis adapter publish: %w", ctx.Err())
	}
}

// stop closes every connection and waits for the hub's goroutines.
func (h *hub) stop() {
	h.mu.Lock()
	h.stopped = true
	conns := h.conns
	h.conns = map[string]*nodeConn{}
	h.mu.Unlock()
	h.cancel()
	for _, c := range conns {
		_ = c.ps.Close()
	}
	h.wg.Wait()
	// A connection the manager opened while stop ran is closed here.
	h.mu.Lock()
	conns = h.conns
	h.conns = map[string]*nodeConn{}
	h.mu.Unlock()
	for _, c := range conns {
		_ = c.ps.Close()
	}
}

// subscribe routes channel to a, subscribing when it is new. It does no
// I/O: the manager goroutine sends the command.
func (h *hub) subscribe(channel string, a *Adapter) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped {
		return
	}
	list := h.routes[channel]
	h.routes[channel] = append(list[:len(list):len(list)], a)
	if len(list) == 0 {
		h.ops = append(h.ops, subOp{channel: channel, sub: true})
		h.kickLocked()
	}
}

// unsubscribe removes a's route to channel, unsubscribing when a was the
// last adapter that wanted it.
func (h *hub) unsubscribe(channel string, a *Adapter) {
	h.mu.Lock()
	defer h.mu.Unlock()
	list := h.routes[channel]
	out := make([]*Adapter, 0, len(list))
	for _, x := range list {
		if x != a {
			out = append(out, x)
		}
	}
	if len(out) == len(list) {
		return
	}
	if len(out) > 0 {
		h.routes[channel] = out
		return
	}
	delete(h.routes, channel)
	delete(h.confirmed, channel)
	if !h.stopped {
		h.ops = append(h.ops, subOp{channel: channel})
		h.kickLocked()
	}
}

func (h *hub) kickLocked() {
	select {
	case h.kickCh <- struct{}{}:
	default:
	}
}

// isConfirmed reports whether Redis confirmed every channel.
func (h *hub) isConfirmed(channels ...string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, c := range channels {
		if !h.confirmed[c] {
			return false
		}
	}
	return true
}

// manage sends the queued (un)subscriptions and rebuilds, in order.
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
				if h.ctx.Err() != nil {
					return
				}
				switch {
				case op.rebuild != nil:
					h.rebuild(op.rebuild)
				case op.sub:
					h.sub(op.channel)
				default:
					h.unsub(op.channel)
				}
			}
		}
	}
}

// node returns the client of the node that owns channel's slot and its
// address: the client itself and "" for a plain client.
func (h *hub) node(channel string) (redis.UniversalClient, string, error) {
	cluster, ok := h.client.(*redis.ClusterClient)
	if !ok {
		return h.client, "", nil
	}
	c, err := cluster.MasterForKey(h.ctx, channel)
	if err != nil {
		return nil, "", err
	}
	return c, c.Options().Addr, nil
}

// sub subscribes channel on the connection of its node, opening it when
// needed. Errors are logged; a failed subscription is tried again after
// rebuildPause.
func (h *hub) sub(channel string) {
	node, addr, err := h.node(channel)
	if err != nil {
		if h.ctx.Err() == nil {
			h.log.Warn("socketio: sharded redis adapter: no node for a channel; retrying", "channel", channel, "err", err)
			h.retryLater(subOp{channel: channel, sub: true})
		}
		return
	}
	h.mu.Lock()
	if h.stopped || len(h.routes[channel]) == 0 || h.chanConn[channel] != nil {
		h.mu.Unlock()
		return
	}
	c := h.conns[addr]
	if c == nil {
		// Only the manager opens connections: none can appear for addr
		// while it connects without the lock.
		h.mu.Unlock()
		// SSubscribe with a channel connects to the node and subscribes.
		ps := node.SSubscribe(h.ctx, channel)
		h.mu.Lock()
		if h.stopped || len(h.routes[channel]) == 0 {
			h.mu.Unlock()
			_ = ps.Close()
			return
		}
		c = &nodeConn{addr: addr, ps: ps, channels: map[string]bool{channel: true}, unsubs: map[string]int{}}
		h.conns[addr] = c
		h.chanConn[channel] = c
		h.wg.Add(1)
		h.mu.Unlock()
		go h.receive(c)
		return
	}
	c.channels[channel] = true
	h.chanConn[channel] = c
	h.mu.Unlock()
	if err := c.ps.SSubscribe(h.ctx, channel); err != nil && h.ctx.Err() == nil {
		h.log.Warn("socketio: sharded redis adapter: ssubscribe", "channel", channel, "err", err)
	}
}

// unsub unsubscribes channel, closing its connection when it was the last
// channel there.
func (h *hub) unsub(channel string) {
	h.mu.Lock()
	c := h.chanConn[channel]
	if c == nil || len(h.routes[channel]) > 0 {
		h.mu.Unlock()
		return
	}
	delete(h.chanConn, channel)
	delete(c.channels, channel)
	last := len(c.channels) == 0
	if last {
		delete(h.conns, c.addr)
	} else {
		c.unsubs[channel]++
	}
	h.mu.Unlock()
	if last {
		_ = c.ps.Close()
		return
	}
	if err := c.ps.SUnsubscribe(h.ctx, channel); err != nil && h.ctx.Err() == nil {
		h.log.Warn("socketio: sharded redis adapter: sunsubscribe", "channel", channel, "err", err)
	}
}

// requestRebuild asks the manager to rebuild c.
func (h *hub) requestRebuild(c *nodeConn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.stopped {
		h.ops = append(h.ops, subOp{rebuild: c})
		h.kickLocked()
	}
}

// pause waits rebuildPause; false when the hub stopped meanwhile.
func (h *hub) pause() bool {
	t := time.NewTimer(rebuildPause)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-h.ctx.Done():
		return false
	}
}

// retryLater queues op after rebuildPause.
func (h *hub) retryLater(op subOp) {
	if !h.pause() {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.stopped {
		h.ops = append(h.ops, op)
		h.kickLocked()
	}
}

// rebuild closes c and, after rebuildPause and a reload of the cluster's
// slot map, subscribes its channels again, each on its slot's master.
func (h *hub) rebuild(c *nodeConn) {
	h.mu.Lock()
	if h.conns[c.addr] != c {
		h.mu.Unlock()
		return
	}
	delete(h.conns, c.addr)
	var again []string
	for ch := range c.channels {
		delete(h.chanConn, ch)
		delete(h.confirmed, ch)
		if len(h.routes[ch]) > 0 {
			again = append(again, ch)
		}
	}
	h.mu.Unlock()
	_ = c.ps.Close()
	h.log.Info("socketio: sharded redis adapter: subscribing a connection's channels again", "node", c.addr, "channels", len(again))
	if !h.pause() {
		return
	}
	if cluster, ok := h.client.(*redis.ClusterClient); ok {
		cluster.ReloadState(h.ctx)
	}
	for _, ch := range again {
		h.sub(ch)
	}
}

// receive reads one connection until it is closed: confirmations mark the
// channels ready, messages go to the adapters, and a connection that
// fails in a way go-redis does not recover from is handed to the manager
// to rebuild (see hub).
func (h *hub) receive(c *nodeConn) {
	defer h.wg.Done()
	silent := 0
	for {
		m, err := c.ps.ReceiveTimeout(h.ctx, pingInterval)
		if err != nil {
			if h.ctx.Err() != nil || errors.Is(err, redis.ErrClosed) {
				return
			}
			var nerr net.Error
			if errors.As(err, &nerr) && nerr.Timeout() {
				if silent++; silent >= maxSilent {
					h.requestRebuild(c)
					return
				}
				_ = c.ps.Ping(h.ctx)
				continue
			}
			var rerr redis.Error
			if errors.As(err, &rerr) {
				h.log.Warn("socketio: sharded redis adapter: error on a pub/sub connection; subscribing again", "node", c.addr, "err", err)
				h.requestRebuild(c)
				return
			}
			// A broken connection: go-redis reconnects on the next
			// receive, and subscribes the channels again.
			if !h.pause() {
				return
			}
			continue
		}
		silent = 0
		switch m := m.(type) {
		case *redis.Subscription:
			h.mu.Lock()
			mine := c.channels[m.Channel] && h.chanConn[m.Channel] == c
			asked := false
			if m.Kind == "sunsubscribe" && c.unsubs[m.Channel] > 0 {
				asked = true
				if c.unsubs[m.Channel]--; c.unsubs[m.Channel] == 0 {
					delete(c.unsubs, m.Channel)
				}
			}
			h.mu.Unlock()
			switch {
			case m.Kind == "ssubscribe" && mine:
				h.confirm(m.Channel)
			case m.Kind == "sunsubscribe" && mine && !asked:
				// Not asked for: the channel's slot moved.
				h.requestRebuild(c)
				return
			}
		case *redis.Message:
			h.mu.Lock()
			list := h.routes[m.Channel]
			h.mu.Unlock()
			for _, a := range list {
				a.deliver(m.Channel, m.Payload)
			}
		}
	}
}

// confirm marks channel as confirmed by Redis and tells its adapters.
func (h *hub) confirm(channel string) {
	h.mu.Lock()
	list := h.routes[channel]
	if len(list) > 0 {
		h.confirmed[channel] = true
	}
	h.mu.Unlock()
	for _, a := range list {
		a.checkReady()
	}
}

// shardNumSub is PUBSUB SHARDNUMSUB channel, summed over the masters of a
// Redis Cluster as Node's adapter does.
func (h *hub) shardNumSub(ctx context.Context, channel string) (int, error) {
	cluster, ok := h.client.(*redis.ClusterClient)
	if !ok {
		m, err := h.client.PubSubShardNumSub(ctx, channel).Result()
		if err != nil {
			return 0, fmt.Errorf("socketio: sharded redis adapter server count: %w", err)
		}
		return int(m[channel]), nil
	}
	var mu sync.Mutex // guards total
	var total int64
	err := cluster.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		m, err := node.PubSubShardNumSub(ctx, channel).Result()
		if err != nil {
			return err
		}
		mu.Lock()
		total += m[channel]
		mu.Unlock()
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("socketio: sharded redis adapter server count: %w", err)
	}
	mu.Lock()
	defer mu.Unlock()
	return int(total), nil
}
