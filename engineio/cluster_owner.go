package engineio

import (
	"errors"
	"time"
)

// The owner's side of forwarded requests: a session serves a GET, a POST
// or a WebSocket that another node (the forwarder) holds for its client.

// sessionCluster is what a session owned here knows of the nodes serving
// its client's requests. Guarded by Session.mu.
type sessionCluster struct {
	node *clusterNode

	readNode  string // the node holding a GET (Session.polling is true)
	writeNode string // the node forwarding a POST (Session.posting is true)
	writeReq  uint64
	writeTime *time.Timer // releases a write lock whose packets never came
	upgNode   string      // the node probing a WebSocket (Session.upg is upgradeProbed)
	wsNode    string      // the node streaming the session's WebSocket
	wsReq     uint64      // its lock's request id

	// delayed holds the OnConnection handler while the take-over window
	// runs (see delayConnection); delayTimer ends it.
	delayed    func(*Session)
	delayTimer *time.Timer

	// rin holds the received ClusterPackets waiting for handlePacket;
	// rinBytes bounds them (see maxRemoteInbox).
	rin      []*ClusterMessage
	rinBytes int
	rinBusy  bool // drainRemote runs
}

// maxRemoteInbox bounds, in bytes, the forwarded packets a session holds
// before its handlers took them: two MaxPayload (a POST, or the messages
// a streamed WebSocket sends while waiting for acks, each at most
// MaxPayload; see remoteWindow). More closes the session.
func (s *Session) maxRemoteInbox() int { return 2*s.cfg.maxPayload + remoteWindow*64 }

// clusterLocked returns the session's cluster state, made on first use.
func (s *Session) clusterLocked(c *clusterNode) *sessionCluster {
	if s.cl == nil {
		s.cl = &sessionCluster{node: c}
	}
	return s.cl
}

// onLockRequest answers a node asking to serve a request of this session.
// It runs on the bus's goroutine: the answer is published from another.
func (s *Session) onLockRequest(c *clusterNode, m *ClusterMessage) {
	ok, read := false, false
	s.mu.Lock()
	sc := s.clusterLocked(c)
	switch {
	case s.state == stateClosed:
	case m.TransportName == TransportPolling && m.LockType == "read":
		if s.transport == TransportPolling && !s.polling {
			ok, read = true, true
			s.polling = true
			sc.readNode = m.SenderID
		}
	case m.TransportName == TransportPolling && m.LockType == "write":
		if s.transport == TransportPolling && !s.posting {
			ok = true
			s.posting = true
			sc.writeNode, sc.writeReq = m.SenderID, m.RequestID
			// The forwarder reads the body, then sends the packets:
			// a write lock whose packets never come is released.
			req := m.RequestID
			sc.writeTime = time.AfterFunc(s.cfg.bodyTimeout+2*c.cfg.responseTimeout, func() { s.releaseWrite(req) })
		}
	case m.TransportName == TransportWebSocket:
		if s.state == stateOpen && s.transport == TransportPolling && s.upg == upgradeNone && s.cfg.allowUpgrades && s.cfg.websocket {
			ok = true
			s.upg = upgradeProbed
			sc.upgNode = m.SenderID
			node := m.SenderID
			s.upgTimer = time.AfterFunc(s.cfg.upgradeTimeout+c.cfg.responseTimeout, func() { s.cancelRemoteUpgrade(node) })
			// As with a local probe: a GET waiting with nothing to send
			// gets a noop, so that the client can pause polling.
			s.checkTimer = time.AfterFunc(upgradeCheckInterval, func() { s.upgradeCheck(nil) })
		}
	}
	s.mu.Unlock()
	resp := &ClusterMessage{Type: ClusterMsgAcquireLockResponse, RecipientID: m.SenderID, RequestID: m.RequestID, SID: s.id, Success: ok}
	go func() {
		err := c.publish(resp)
		if read {
			if err != nil {
				s.mu.Lock()
				s.polling = false
				s.cl.readNode = ""
				s.mu.Unlock()
				return
			}
			s.serveRemotePoll(c, m.SenderID, m.RequestID)
		}
	}()
}

// serveRemotePoll answers a GET held by node: it waits for packets as
// servePoll does, then sends them.
func (s *Session) serveRemotePoll(c *clusterNode, node string, req uint64) {
	s.mu.Lock()
	var batch []packet
	for {
		var ok bool
		if batch, ok = s.takePollLocked(); ok {
			break
		}
		wake := make(chan struct{})
		s.pollWake = wake
		s.mu.Unlock()
		<-wake // the session closing wakes it too
		s.mu.Lock()
	}
	s.polling = false
	s.cl.readNode = ""
	s.mu.Unlock()
	err := c.publish(&ClusterMessage{Type: ClusterMsgDrain, RecipientID: node, RequestID: req, SID: s.id, Packets: toCluster(batch)})
	switch {
	case err != nil:
		s.closeNow(ReasonTransportError, err)
	case batch[len(batch)-1].typ == typeClose:
		s.closeNow(ReasonTransportClose, nil) // keeps the closing reason
	}
}

// releaseWrite ends the write lock of request req, if it is still held.
func (s *Session) releaseWrite(req uint64) {
	s.mu.Lock()
	if s.cl != nil && s.cl.writeNode != "" && s.cl.writeReq == req {
		s.releaseWriteLocked()
	}
	s.mu.Unlock()
}

func (s *Session) releaseWriteLocked() {
	s.posting = false
	s.cl.writeNode, s.cl.writeReq = "", 0
	if s.cl.writeTime != nil {
		s.cl.writeTime.Stop()
		s.cl.writeTime = nil
	}
}

// onRemotePackets queues the packets a forwarder received from the client
// for the session's handlers, in order, on a goroutine of their own.
func (s *Session) onRemotePackets(c *clusterNode, m *ClusterMessage) {
	n := 0
	for _, p := range m.Packets {
		n += len(p.Data) + 64
	}
	s.mu.Lock()
	sc := s.clusterLocked(c)
	if s.state == stateClosed || (m.SenderID != sc.writeNode && m.SenderID != sc.wsNode) {
		s.mu.Unlock()
		if m.Ack {
			go c.publish(&ClusterMessage{Type: ClusterMsgPacketAck, RecipientID: m.SenderID, RequestID: m.RequestID, SID: s.id})
		}
		return
	}
	if sc.rinBytes+n > s.maxRemoteInbox() {
		after := s.finishLocked(ReasonTransportError, errors.Join(ErrPayloadTooLarge, errors.New("engineio: forwarded packets exceed the session's bound")))
		s.mu.Unlock()
		after()
		return
	}
	sc.rin = append(sc.rin, m)
	sc.rinBytes += n
	if !sc.rinBusy {
		sc.rinBusy = true
		go s.drainRemote(c)
	}
	s.mu.Unlock()
}

// drainRemote hands the queued forwarded packets to handlePacket, one
// message at a time, and acknowledges those sent with Ack.
func (s *Session) drainRemote(c *clusterNode) {
	for {
		s.mu.Lock()
		sc := s.cl
		if len(sc.rin) == 0 {
			sc.rinBusy = false
			sc.rin = nil
			s.mu.Unlock()
			return
		}
		m := sc.rin[0]
		sc.rin[0] = nil
		sc.rin = sc.rin[1:]
		s.mu.Unlock()
		ok := true
		for _, p := range fromCluster(m.Packets) {
			if ok = s.handlePacket(p); !ok {
				break
			}
		}
		n := 0
		for _, p := range m.Packets {
			n += len(p.Data) + 64
		}
		s.mu.Lock()
		sc.rinBytes -= n
		if sc.writeNode == m.SenderID && sc.writeReq == m.RequestID {
			s.releaseWriteLocked()
		}
		s.mu.Unlock()
		if m.Ack {
			_ = c.publish(&ClusterMessage{Type: ClusterMsgPacketAck, RecipientID: m.SenderID, RequestID: m.RequestID, SID: s.id, Success: ok})
		}
	}
}

// onRemoteClose closes the session because a node serving one of its
// requests reports that it ended (the client went away, a bound was
// exceeded). A report of a node that serves none of them is stale and
// ignored.
func (s *Session) onRemoteClose(m *ClusterMessage) {
	s.mu.Lock()
	sc := s.cl
	if sc == nil || s.state == stateClosed {
		s.mu.Unlock()
		return
	}
	switch m.SenderID {
	case sc.readNode, sc.writeNode, sc.wsNode:
	case sc.upgNode:
		s.mu.Unlock()
		s.cancelRemoteUpgrade(m.SenderID)
		return
	default:
		s.mu.Unlock()
		return
	}
	reason := CloseReason(m.Reason)
	var err error
	switch reason {
	case ReasonTransportClose:
	case ReasonParseError:
		err = &ParseError{Reason: "in a request forwarded by node " + m.SenderID}
	default:
		reason = ReasonTransportError
		err = protocolError("the request forwarded by node %s ended: %s", m.SenderID, m.Reason)
	}
	if sc.wsNode == m.SenderID {
		sc.wsNode = "" // gone: no CLOSE back
	}
	after := s.finishLocked(reason, err)
	s.mu.Unlock()
	after()
}

// onRemoteUpgrade completes (or abandons) an upgrade probed by another
// node: the session's WebSocket is then streamed through that node.
func (s *Session) onRemoteUpgrade(c *clusterNode, m *ClusterMessage) {
	if !m.Success {
		s.cancelRemoteUpgrade(m.SenderID)
		return
	}
	s.mu.Lock()
	sc := s.clusterLocked(c)
	if s.state == stateClosed || s.upg != upgradeProbed || s.probeWS != nil || sc.upgNode != m.SenderID {
		s.mu.Unlock()
		return // the forwarder times out and closes its WebSocket
	}
	if sc.delayed != nil {
		s.takeOverLocked(c, m) // unlocks
		return
	}
	s.stopUpgradeTimersLocked()
	s.upg = upgradeNone
	sc.upgNode = ""
	s.transport = TransportWebSocket
	sc.wsNode, sc.wsReq = m.SenderID, m.RequestID
	s.wakePollLocked() // a GET still waiting gets a noop
	s.kickLocked()
	s.mu.Unlock()
	go c.publish(&ClusterMessage{Type: ClusterMsgUpgradeResponse, RecipientID: m.SenderID, RequestID: m.RequestID, SID: s.id})
}

// cancelRemoteUpgrade abandons the upgrade node probes, if it still does.
func (s *Session) cancelRemoteUpgrade(node string) {
	s.mu.Lock()
	if s.cl != nil && s.cl.upgNode == node && s.upg == upgradeProbed && s.probeWS == nil {
		s.cl.upgNode = ""
		s.cancelUpgradeLocked()
	}
	s.mu.Unlock()
}

// streamingLocked reports whether the session's WebSocket is streamed
// through another node.
func (s *Session) streamingLocked() bool { return s.cl != nil && s.cl.wsNode != "" }

// flushRemote sends the queue to the node streaming the session's
// WebSocket until it is empty (the WebSocket flusher's counterpart).
func (s *Session) flushRemote() {
	s.mu.Lock()
	for {
		if s.state == stateClosed || !s.streamingLocked() || len(s.queue) == 0 {
			s.flushing = false
			s.mu.Unlock()
			return
		}
		batch := s.queue
		s.queue = nil
		s.tookLocked()
		c, node, req := s.cl.node, s.cl.wsNode, s.cl.wsReq
		s.mu.Unlock()
		if err := c.publish(&ClusterMessage{Type: ClusterMsgDrain, RecipientID: node, RequestID: req, SID: s.id, Packets: toCluster(batch)}); err != nil {
			s.closeNow(ReasonTransportError, err)
			return
		}
		if batch[len(batch)-1].typ == typeClose {
			s.closeNow(ReasonTransportClose, nil) // keeps the closing reason
			return
		}
		s.mu.Lock()
	}
}

// remoteCloseLocked returns a function telling the node streaming the
// session's WebSocket, if any, to close it; finishLocked calls it after
// unlocking. It does not wait.
func (s *Session) remoteCloseLocked() func() {
	if !s.streamingLocked() {
		return nil
	}
	c, node, req := s.cl.node, s.cl.wsNode, s.cl.wsReq
	reason := string(s.reason)
	s.cl.wsNode = ""
	return func() {
		go c.publish(&ClusterMessage{Type: ClusterMsgClose, RecipientID: node, RequestID: req, SID: s.id, Reason: reason})
	}
}

// delayConnection holds back the OnConnection call of a new polling
// session for the take-over window (ClusterOptions.TakeOverWindow), so that
// an upgrade landing on another node can move the session there before
// any handler saw it. Messages received meanwhile wait in the inbox. It
// returns false, having done nothing, when there is no window.
func (s *Session) delayConnection(fn func(*Session)) bool {
	c := s.srv.cl
	if c == nil || c.cfg.takeOverWindow == 0 || s.transport != TransportPolling || len(s.cfg.upgrades(TransportPolling)) == 0 {
		return false
	}
	s.mu.Lock()
	sc := s.clusterLocked(c)
	sc.delayed = fn
	s.delivering = true // hold the inbox until the handler ran
	sc.delayTimer = time.AfterFunc(c.cfg.takeOverWindow, s.connectDelayed)
	s.mu.Unlock()
	return true
}

// connectDelayed ends the take-over window: OnConnection runs, then the
// messages received meanwhile are delivered (and OnClose, if the session
// closed meanwhile).
func (s *Session) connectDelayed() {
	s.mu.Lock()
	fn := s.cl.delayed
	s.cl.delayed = nil
	s.mu.Unlock()
	if fn != nil {
		s.callConnection(fn)
	}
}

// takeOverLocked hands the session, whose OnConnection has not run, to
// the node that completed its upgrade (m): the session ends here without
// a trace (no handler saw it), and the messages it received go with the
// answer. s.mu is held on entry and released on return.
func (s *Session) takeOverLocked(c *clusterNode, m *ClusterMessage) {
	sc := s.cl
	sc.delayed = nil
	sc.delayTimer.Stop()
	s.stopUpgradeTimersLocked()
	s.upg = upgradeNone
	sc.upgNode = ""
	var msgs []packet
	for _, it := range s.inbox {
		if !it.close {
			msgs = append(msgs, packet{typ: typeMessage, binary: it.msg.Binary, data: it.msg.Data})
		}
	}
	s.inbox = nil
	s.delivering = false
	// A GET still waiting gets a noop, as after an upgrade; what was
	// queued for the client (a ping at most: nothing else knew the
	// session) is dropped, the new owner's heartbeat starts afresh.
	s.transport = TransportWebSocket
	after := s.finishLocked(ReasonTransportClose, nil)
	s.mu.Unlock()
	after()
	go c.publish(&ClusterMessage{Type: ClusterMsgUpgradeResponse, RecipientID: m.SenderID, RequestID: m.RequestID, SID: s.id, TakeOver: true, Packets: toCluster(msgs)})
}
