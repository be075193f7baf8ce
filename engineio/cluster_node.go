package engineio

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// clusterNode is a Server's part in a cluster: it answers the messages of
// the bus, as the owner of local sessions and as the forwarder of requests
// for remote ones.
type clusterNode struct {
	srv *Server
	cfg *clusterConfig
	id  string

	// mu guards the fields below. No other lock is taken while it is
	// held, and it is not taken while a session's lock is held.
	mu       sync.Mutex
	nextReq  uint64
	waits    map[uint64]chan *ClusterMessage // answers awaited, by request id
	streams  map[uint64]*remoteStream        // WebSockets streamed for their owner, by lock request id
	inflight int                             // forwarded requests in progress (not streams)
	bySID    map[string]uint8                // forwarded requests in progress per session (kind bits)
	down     bool                            // Shutdown started
	stop     chan struct{}                   // closed by shutdown
}

// Kinds of forwarded requests, at most one of each per session at once.
const (
	kindGet uint8 = 1 << iota
	kindPost
	kindUpgrade
)

func newClusterNode(srv *Server, cfg *clusterConfig) *clusterNode {
	return &clusterNode{
		srv:     srv,
		cfg:     cfg,
		id:      cfg.bus.NodeID(),
		waits:   make(map[uint64]chan *ClusterMessage),
		streams: make(map[uint64]*remoteStream),
		bySID:   make(map[string]uint8),
		stop:    make(chan struct{}),
	}
}

// publish sends msgs from this node, within ResponseTimeout.
func (c *clusterNode) publish(msgs ...*ClusterMessage) error {
	for _, m := range msgs {
		m.SenderID = c.id
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.responseTimeout)
	defer cancel()
	err := c.cfg.bus.Publish(ctx, msgs...)
	if err != nil {
		c.srv.cfg.logger.Warn("engineio: cluster publish failed", "err", err)
	}
	return err
}

// onMessage dispatches a message of the bus. It runs on the bus's
// goroutine and does not block: publishing and handlers run elsewhere.
func (c *clusterNode) onMessage(m *ClusterMessage) {
	if m.SenderID == c.id || (m.RecipientID != "" && m.RecipientID != c.id) {
		return
	}
	switch m.Type {
	case ClusterMsgAcquireLock:
		if sess := c.srv.session(m.SID); sess != nil {
			sess.onLockRequest(c, m)
		}
	case ClusterMsgPacket:
		if sess := c.srv.session(m.SID); sess != nil {
			sess.onRemotePackets(c, m)
		} else if m.Ack {
			// Closed meanwhile: do not keep the forwarder waiting.
			go c.publish(&ClusterMessage{Type: ClusterMsgPacketAck, RecipientID: m.SenderID, RequestID: m.RequestID, SID: m.SID})
		}
	case ClusterMsgUpgrade:
		if sess := c.srv.session(m.SID); sess != nil {
			sess.onRemoteUpgrade(c, m)
		}
	case ClusterMsgClose:
		if sess := c.srv.session(m.SID); sess != nil {
			sess.onRemoteClose(m)
			return
		}
		if st := c.stream(m.RequestID); st != nil && st.owner == m.SenderID {
			st.ownerClosed()
		}
	case ClusterMsgDrain:
		if st := c.stream(m.RequestID); st != nil && st.owner == m.SenderID {
			st.push(fromCluster(m.Packets))
			return
		}
		c.answer(m)
	case ClusterMsgAcquireLockResponse, ClusterMsgUpgradeResponse, ClusterMsgPacketAck:
		c.answer(m)
	}
}

// answer hands m to the request waiting for it, if any.
func (c *clusterNode) answer(m *ClusterMessage) {
	c.mu.Lock()
	ch := c.waits[m.RequestID]
	c.mu.Unlock()
	if ch != nil {
		select {
		case ch <- m:
		default: // more answers than expected: a confused peer
		}
	}
}

func (c *clusterNode) stream(req uint64) *remoteStream {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.streams[req]
}

// newRequest returns a request id and the channel its answers arrive on.
func (c *clusterNode) newRequest() (uint64, chan *ClusterMessage) {
	ch := make(chan *ClusterMessage, remoteWindow+4)
	c.mu.Lock()
	c.nextReq++
	req := c.nextReq
	c.waits[req] = ch
	c.mu.Unlock()
	return req, ch
}

// endRequest forgets request req.
func (c *clusterNode) endRequest(req uint64) {
	c.mu.Lock()
	delete(c.waits, req)
	c.mu.Unlock()
}

// begin reserves a forwarded request of kind for sid, within the bounds
// (MaxForwarded per node, one request of each kind per session). It
// returns the function that releases it, or the HTTP status refusing the
// request.
func (c *clusterNode) begin(sid string, kind uint8) (release func(), status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.down:
		return nil, http.StatusServiceUnavailable
	case c.inflight >= c.cfg.maxForwarded:
		return nil, http.StatusServiceUnavailable
	case c.bySID[sid]&kind != 0:
		return nil, http.StatusBadRequest
	}
	c.inflight++
	c.bySID[sid] |= kind
	return func() {
		c.mu.Lock()
		c.inflight--
		if c.bySID[sid] &^= kind; c.bySID[sid] == 0 {
			delete(c.bySID, sid)
		}
		c.mu.Unlock()
	}, 0
}

// acquire asks the cluster for a lock on sid and waits for the owner's
// answer, at most ResponseTimeout. It returns the owner's id, or "" when
// no node granted it.
func (c *clusterNode) acquire(ctx context.Context, req uint64, ch chan *ClusterMessage, sid, transport, lockType string) string {
	if c.publish(&ClusterMessage{Type: ClusterMsgAcquireLock, RequestID: req, SID: sid, TransportName: transport, LockType: lockType}) != nil {
		return ""
	}
	m := c.await(ctx, ch, ClusterMsgAcquireLockResponse)
	if m == nil || !m.Success {
		return ""
	}
	return m.SenderID
}

// await waits at most ResponseTimeout for an answer of type typ on ch.
func (c *clusterNode) await(ctx context.Context, ch chan *ClusterMessage, typ ClusterMessageType) *ClusterMessage {
	t := time.NewTimer(c.cfg.responseTimeout)
	defer t.Stop()
	for {
		select {
		case m := <-ch:
			if m.Type == typ {
				return m
			}
		case <-t.C:
			return nil
		case <-ctx.Done():
			return nil
		case <-c.stop:
			return nil
		}
	}
}

// shutdown ends the forwarded requests and streams of this node.
func (c *clusterNode) shutdown() {
	c.mu.Lock()
	if c.down {
		c.mu.Unlock()
		return
	}
	c.down = true
	close(c.stop)
	streams := make([]*remoteStream, 0, len(c.streams))
	for _, st := range c.streams {
		streams = append(streams, st)
	}
	c.mu.Unlock()
	for _, st := range streams {
		st.fail(ReasonServerShutdown)
	}
}
