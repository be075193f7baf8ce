package sharded

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"

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

// hub holds the sharded subscriptions of every namespace of one server.
// go-redis sends a pub/sub connection's channels in one SSUBSCRIBE when it
// reconnects, which Redis refuses when they hash to different slots, so
// the hub keeps one connection per hash slot in use (with a plain client,
// one connection for everything), each read by one goroutine. Namespaces
// with the same channels' slots share them.
type hub struct {
	client  redis.UniversalClient
	cluster bool
	log     *slog.Logger

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
	conns     map[int]*slotConn     // slot (-1 for a plain client) -> connection
	confirmed map[string]bool       // channels Redis confirmed
	ops       []subOp               // (un)subscriptions for the manager, in order
}

// slotConn is one pub/sub connection and the channels it carries.
type slotConn struct {
	ps       *redis.PubSub
	channels int
}

type subOp struct {
	channel string
	sub     bool
}

func newHub(client redis.UniversalClient, o *Options) *hub {
	_, cluster := client.(*redis.ClusterClient)
	h := &hub{
		client:    client,
		cluster:   cluster,
		log:       o.Logger.With("adapter", "sharded-redis"),
		kickCh:    make(chan struct{}, 1),
		out:       make(chan publish.Msg, PublishQueueSize),
		routes:    make(map[string][]*Adapter),
		conns:     make(map[int]*slotConn),
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
func (h *hub) offer(channel string, payload []byte) {
	if h.ctx.Err() != nil {
		return
	}
	select {
	case h.out <- publish.Msg{Channel: channel, Payload: payload}:
		if n := h.dropped.Swap(0); n > 0 {
			h.log.Warn("socketio: sharded redis adapter: publish queue has room again", "dropped", n)
		}
	default:
		if h.dropped.Add(1) == 1 {
			h.log.Warn("socketio: sharded redis adapter: publish queue full; messages to other servers dropped")
		}
	}
}

// enqueue queues a message, waiting for room until ctx or done ends; with
// wait it also waits until the message is published (it is not sent once
// ctx is done).
func (h *hub) enqueue(ctx context.Context, done <-chan struct{}, channel string, payload []byte, wait bool) error {
	m := publish.Msg{Channel: channel, Payload: payload}
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
	h.conns = map[int]*slotConn{}
	h.mu.Unlock()
	h.cancel()
	for _, c := range conns {
		_ = c.ps.Close()
	}
	h.wg.Wait()
	// A connection the manager opened while stop ran is closed here.
	h.mu.Lock()
	conns = h.conns
	h.conns = map[int]*slotConn{}
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

func (h *hub) slotOf(channel string) int {
	if !h.cluster {
		return -1
	}
	return slot(channel)
}

// apply sends one (un)subscription. Errors are logged: go-redis sends a
// connection's channels again when it reconnects.
func (h *hub) apply(op subOp) {
	s := h.slotOf(op.channel)
	h.mu.Lock()
	if h.stopped {
		h.mu.Unlock()
		return
	}
	c := h.conns[s]
	if op.sub {
		if c == nil {
			// SSubscribe with a channel picks the node of its slot.
			c = &slotConn{ps: h.client.SSubscribe(h.ctx, op.channel), channels: 1}
			h.conns[s] = c
			msgs := c.ps.ChannelWithSubscriptions(redis.WithChannelSize(ReceiveQueueSize))
			h.wg.Add(1)
			h.mu.Unlock()
			go h.receive(msgs)
			return
		}
		c.channels++
		h.mu.Unlock()
		if err := c.ps.SSubscribe(h.ctx, op.channel); err != nil && h.ctx.Err() == nil {
			h.log.Warn("socketio: sharded redis adapter: ssubscribe", "channel", op.channel, "err", err)
		}
		return
	}
	if c == nil {
		h.mu.Unlock()
		return
	}
	c.channels--
	if c.channels == 0 {
		delete(h.conns, s)
	}
	h.mu.Unlock()
	if c.channels == 0 {
		_ = c.ps.Close()
		return
	}
	if err := c.ps.SUnsubscribe(h.ctx, op.channel); err != nil && h.ctx.Err() == nil {
		h.log.Warn("socketio: sharded redis adapter: sunsubscribe", "channel", op.channel, "err", err)
	}
}

// receive routes one connection's messages to the adapters, until the
// connection is closed.
func (h *hub) receive(msgs <-chan any) {
	defer h.wg.Done()
	for m := range msgs {
		switch m := m.(type) {
		case *redis.Subscription:
			if m.Kind != "ssubscribe" {
				continue
			}
			h.mu.Lock()
			_, wanted := h.routes[m.Channel]
			if wanted {
				h.confirmed[m.Channel] = true
			}
			list := h.routes[m.Channel]
			h.mu.Unlock()
			for _, a := range list {
				a.checkReady()
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

// slot is the Redis Cluster hash slot of key: CRC16 (XMODEM) of its hash
// tag (the part between the first '{' and the next '}', when not empty)
// or of the whole key, modulo 16384.
func slot(key string) int {
	if i := strings.IndexByte(key, '{'); i >= 0 {
		if j := strings.IndexByte(key[i+1:], '}'); j > 0 {
			key = key[i+1 : i+1+j]
		}
	}
	var crc uint16
	for k := 0; k < len(key); k++ {
		crc ^= uint16(key[k]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return int(crc) % 16384
}
