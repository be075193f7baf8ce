package engineio

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// The forwarder's side: this node serves a request for a session another
// node owns.

// remoteWindow bounds the ClusterPackets a streamed WebSocket has sent and
// the owner has not acknowledged yet: the reader waits beyond it, so that
// a client cannot send faster than the owner's handlers take its messages.
const remoteWindow = 16

// serveRemote serves a request naming session sid, unknown here, for the
// node that owns it. It returns false, having written nothing, when no
// node owns it.
func (c *clusterNode) serveRemote(w http.ResponseWriter, r *http.Request, sid string, upgrade bool) bool {
	if !isSessionID(sid) {
		return false // not one of ours: no need to ask
	}
	kind := kindGet
	switch {
	case upgrade:
		kind = kindUpgrade
	case r.Method == http.MethodPost:
		kind = kindPost
	case r.Method != http.MethodGet:
		return false
	}
	release, status := c.begin(sid, kind)
	if release == nil {
		msg := "engineio: too many forwarded requests"
		if status == http.StatusBadRequest {
			msg = "engineio: overlapping forwarded requests"
		}
		http.Error(w, msg, status)
		return true
	}
	defer release()
	req, ch := c.newRequest()
	defer c.endRequest(req)
	switch kind {
	case kindGet:
		return c.forwardGet(w, r, sid, req, ch)
	case kindPost:
		return c.forwardPost(w, r, sid, req, ch)
	}
	return c.forwardUpgrade(w, r, sid, req, ch)
}

// isSessionID reports whether sid has the shape of newSessionID's ids (24
// base64url characters), so that a made-up id costs no cluster message.
func isSessionID(sid string) bool {
	if len(sid) != 24 {
		return false
	}
	for i := 0; i < len(sid); i++ {
		c := sid[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// getWait bounds the wait for the owner's answer to a GET: the owner
// sends a ping every PingInterval, so a live session answers within it.
func (c *clusterNode) getWait() time.Duration {
	return c.srv.cfg.pingInterval + c.srv.cfg.pingTimeout + c.cfg.responseTimeout
}

// forwardGet serves a long-polling GET: the owner answers with the packets
// it would have answered a local GET with.
func (c *clusterNode) forwardGet(w http.ResponseWriter, r *http.Request, sid string, req uint64, ch chan *ClusterMessage) bool {
	owner := c.acquire(r.Context(), req, ch, sid, TransportPolling, "read")
	if owner == "" {
		return false
	}
	t := time.NewTimer(c.getWait())
	defer t.Stop()
	for {
		select {
		case m := <-ch:
			if m.Type != ClusterMsgDrain {
				continue
			}
			pkts := fromCluster(m.Packets)
			if len(pkts) == 0 {
				pkts = []packet{{typ: typeNoop}}
			}
			c.srv.cfg.writePollResponse(w, r, pkts)
			return true
		case <-r.Context().Done():
			// As a local GET closed prematurely.
			_ = c.publish(&ClusterMessage{Type: ClusterMsgClose, RecipientID: owner, RequestID: req, SID: sid, Reason: string(ReasonTransportError)})
			return true
		case <-t.C:
			// The owner is gone (or cut off): its packets would come
			// too late for this GET.
			_ = c.publish(&ClusterMessage{Type: ClusterMsgClose, RecipientID: owner, RequestID: req, SID: sid, Reason: string(ReasonTransportError)})
			writeRefusal(w, refuse(CodeUnknownSID), false)
			return true
		case <-c.stop:
			_ = c.publish(&ClusterMessage{Type: ClusterMsgClose, RecipientID: owner, RequestID: req, SID: sid, Reason: string(ReasonServerShutdown)})
			http.Error(w, "engineio: server shutting down", http.StatusServiceUnavailable)
			return true
		}
	}
}

// forwardPost serves a long-polling POST: its packets go to the owner,
// which acknowledges them once its handlers took them. The body is read
// within the same bounds as a local one.
func (c *clusterNode) forwardPost(w http.ResponseWriter, r *http.Request, sid string, req uint64, ch chan *ClusterMessage) bool {
	owner := c.acquire(r.Context(), req, ch, sid, TransportPolling, "write")
	if owner == "" {
		return false
	}
	fail := func(status int, reason CloseReason) bool {
		_ = c.publish(&ClusterMessage{Type: ClusterMsgClose, RecipientID: owner, RequestID: req, SID: sid, Reason: string(reason)})
		if r.ProtoMajor == 1 {
			w.Header().Set("Connection", "close")
		}
		w.WriteHeader(status)
		return true
	}
	cfg := c.srv.cfg
	if ct := r.Header.Get("Content-Type"); ct == "application/octet-stream" || !postContentTypeOK(ct) {
		return fail(http.StatusBadRequest, ReasonTransportError)
	}
	if r.ContentLength > int64(cfg.maxPayload) {
		return fail(http.StatusRequestEntityTooLarge, ReasonTransportError)
	}
	deadline := time.Now().Add(cfg.bodyTimeout)
	_ = http.NewResponseController(w).SetReadDeadline(deadline)
	body, err := readBody(r.Body, cfg.maxPayload, cfg.maxBodyChunks, deadline)
	switch {
	case errors.Is(err, ErrPayloadTooLarge):
		return fail(http.StatusRequestEntityTooLarge, ReasonTransportError)
	case errors.Is(err, errBodyTimeout) || errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fail(http.StatusRequestTimeout, ReasonTransportError)
	case err != nil:
		return fail(http.StatusBadRequest, ReasonTransportError)
	}
	if f := cfg.obs.BytesReceived; f != nil {
		f(TransportPolling, len(body)) // received here, whoever owns the session
	}
	var pkts []packet
	if err := decodePayload(body, func(p packet) error { pkts = append(pkts, p); return nil }); err != nil {
		return fail(http.StatusBadRequest, ReasonParseError)
	}
	if err := c.publish(&ClusterMessage{Type: ClusterMsgPacket, RecipientID: owner, RequestID: req, SID: sid, Packets: toCluster(pkts), Ack: true}); err != nil {
		return fail(http.StatusBadRequest, ReasonTransportError)
	}
	// The owner's handlers may push back; a live owner answers within a
	// heartbeat. Without an answer the packets were sent all the same:
	// the POST is answered as cluster-engine answers it.
	t := time.NewTimer(c.getWait())
	defer t.Stop()
wait:
	for {
		select {
		case m := <-ch:
			if m.Type == ClusterMsgPacketAck {
				break wait
			}
		case <-t.C:
			break wait
		case <-r.Context().Done():
			break wait
		case <-c.stop:
			break wait
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/html")
	h.Set("Content-Length", "2")
	h.Set("Cache-Control", "no-store")
	cfg.responseHeaders(h, r)
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "ok")
	return true
}

// isTimeout reports whether err is a network timeout (the read deadline).
func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

// forwardUpgrade serves a WebSocket upgrade: this node answers the probe,
// then streams the session between the client and its owner.
func (c *clusterNode) forwardUpgrade(w http.ResponseWriter, r *http.Request, sid string, req uint64, ch chan *ClusterMessage) bool {
	owner := c.acquire(r.Context(), req, ch, sid, TransportWebSocket, "read")
	if owner == "" {
		return false
	}
	upgrade := func(ok bool) {
		_ = c.publish(&ClusterMessage{Type: ClusterMsgUpgrade, RecipientID: owner, RequestID: req, SID: sid, Success: ok})
	}
	wc, err := c.srv.acceptWebSocket(w, r, nil, false)
	if err != nil {
		upgrade(false)
		return true
	}
	conn := wc.Conn
	_ = conn.SetReadDeadline(time.Now().Add(c.srv.cfg.upgradeTimeout))
	for probed := false; ; {
		mt, data, err := conn.ReadMessage()
		if err != nil {
			upgrade(false)
			_ = conn.Close()
			return true
		}
		if f := c.srv.cfg.obs.BytesReceived; f != nil {
			f(TransportWebSocket, len(data))
		}
		var p packet
		if mt == websocket.TextMessage && utf8.Valid(data) {
			p, err = decodeText(data)
		} else {
			err = errors.New("binary frame during the probe")
		}
		switch {
		case err == nil && p.typ == typePing && string(p.data) == probe:
			pong := &packet{typ: typePong, data: []byte(probe)}
			if err := c.srv.cfg.writeWebSocket(conn, pong); err != nil {
				upgrade(false)
				_ = conn.Close()
				return true
			}
			if f := c.srv.cfg.obs.BytesSent; f != nil {
				f(TransportWebSocket, pong.frameSize())
			}
			probed = true
			continue
		case err == nil && p.typ == typeNoop:
			continue
		case err == nil && p.typ == typeUpgrade && probed:
		default:
			upgrade(false)
			closeWebSocket(conn, websocket.CloseProtocolError)
			return true
		}
		break
	}
	_ = conn.SetReadDeadline(time.Time{})
	st := &remoteStream{c: c, conn: conn, owner: owner, sid: sid, req: req, wake: make(chan struct{}, 1), acks: make(chan struct{}, remoteWindow)}
	c.mu.Lock()
	if c.down {
		c.mu.Unlock()
		upgrade(false)
		closeWebSocket(conn, websocket.CloseGoingAway)
		return true
	}
	c.streams[req] = st // before UPGRADE: the owner's DRAINs follow it at once
	c.mu.Unlock()
	upgrade(true)
	resp := c.await(context.Background(), ch, ClusterMsgUpgradeResponse)
	switch {
	case resp == nil:
		st.fail(ReasonTransportError)
		st.finish()
	case resp.TakeOver:
		st.finish()
		c.srv.takeOver(sid, r, wc, fromCluster(resp.Packets))
	default:
		st.run(wc, ch)
	}
	return true
}

// takeOver makes this node the owner of session sid, moved here by its
// former owner before any handler saw it: a new session on the upgraded
// WebSocket wc (its handshake is the upgrade request r), which gets the
// messages received before the move first, then what wc reads.
func (s *Server) takeOver(sid string, r *http.Request, wc *wsConn, msgs []packet) {
	sess := newSession(s, sid, r, TransportWebSocket)
	sess.ws = wc.Conn
	for _, p := range msgs {
		sess.inbox = append(sess.inbox, inbound{msg: Message{Data: p.data, Binary: p.binary}})
	}
	s.mu.Lock()
	if s.shutdown || s.sessions[sid] != nil {
		s.mu.Unlock()
		closeWebSocket(wc.Conn, websocket.CloseGoingAway)
		return
	}
	s.sessions[sid] = sess
	onConn := s.onConnection
	s.mu.Unlock()
	if onConn != nil {
		sess.callConnection(onConn)
	} else if len(sess.inbox) > 0 {
		sess.mu.Lock()
		sess.delivering = true
		sess.mu.Unlock()
		go sess.deliver()
	}
	sess.startWebSocket(wc)
	sess.startHeartbeat()
}

// remoteStream is a WebSocket this node streams for the session's owner:
// what the owner sends (DRAIN) is written to it, what the client sends is
// sent to the owner (PACKET).
type remoteStream struct {
	c     *clusterNode
	conn  *websocket.Conn
	owner string
	sid   string
	req   uint64
	wake  chan struct{} // signals the writer
	acks  chan struct{} // the window of unacknowledged PACKETs

	// mu guards the fields below.
	mu      sync.Mutex
	queue   []packet // packets to write
	closing bool     // the owner closed the session: write the queue, then close
	failed  bool     // the stream ended: the reader stops, the writer drops the queue
}

// push queues packets the owner sent, for the writer. A client that does
// not read them fast enough (more than SendQueueSize waiting) loses its
// stream, as a local session would.
func (st *remoteStream) push(pkts []packet) {
	st.mu.Lock()
	over := len(st.queue)+len(pkts) > st.c.srv.cfg.sendQueueSize
	if !over {
		st.queue = append(st.queue, pkts...)
	}
	st.mu.Unlock()
	if over {
		go st.fail(ReasonSendQueueFull) // publishes: not on the bus's goroutine
		return
	}
	select {
	case st.wake <- struct{}{}:
	default:
	}
}

// ownerClosed handles the owner's CLOSE: the queued packets are written,
// then the WebSocket is closed.
func (st *remoteStream) ownerClosed() {
	st.mu.Lock()
	st.closing = true
	st.mu.Unlock()
	select {
	case st.wake <- struct{}{}:
	default:
	}
}

// fail ends the stream at once and tells the owner why.
func (st *remoteStream) fail(reason CloseReason) {
	st.mu.Lock()
	if st.failed {
		st.mu.Unlock()
		return
	}
	st.failed = true
	notify := !st.closing
	st.mu.Unlock()
	if notify {
		_ = st.c.publish(&ClusterMessage{Type: ClusterMsgClose, RecipientID: st.owner, RequestID: st.req, SID: st.sid, Reason: string(reason)})
	}
	_ = st.conn.Close()
	select {
	case st.wake <- struct{}{}:
	default:
	}
}

// finish forgets the stream.
func (st *remoteStream) finish() {
	st.c.mu.Lock()
	delete(st.c.streams, st.req)
	st.c.mu.Unlock()
}

// run streams until the WebSocket or the session ends: the writer on a
// goroutine of its own, the reader on this one.
func (st *remoteStream) run(wc *wsConn, ch chan *ClusterMessage) {
	defer st.finish()
	done := make(chan struct{})
	go func() {
		defer close(done)
		st.write()
	}()
	defer func() { <-done }()
	conn := wc.Conn
	for {
		mt, data, err := conn.ReadMessage()
		if err != nil {
			reason := ReasonTransportError
			var ce *websocket.CloseError
			if errors.As(err, &ce) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				reason = ReasonTransportClose
			}
			st.fail(reason)
			return
		}
		if f := st.c.srv.cfg.obs.BytesReceived; f != nil {
			f(TransportWebSocket, len(data))
		}
		var p packet
		if mt == websocket.BinaryMessage {
			p = packet{typ: typeMessage, binary: true, data: data}
		} else if !utf8.Valid(data) {
			st.fail(ReasonParseError)
			return
		} else if p, err = decodeText(data); err != nil {
			st.fail(ReasonParseError)
			return
		}
		switch p.typ {
		case typePing:
			st.fail(ReasonTransportError)
			return
		case typeClose:
			st.fail(ReasonTransportClose)
			return
		}
		st.mu.Lock()
		closing := st.closing
		st.mu.Unlock()
		if closing {
			continue // the session closed: dropped, as its owner would
		}
		// Wait for room in the window: the acks of earlier PACKETs.
		for len(st.acks) == cap(st.acks) {
			m := st.c.awaitAny(ch)
			if m == nil {
				st.fail(ReasonTransportError)
				return
			}
			if m.Type == ClusterMsgPacketAck {
				<-st.acks
			}
		}
		st.acks <- struct{}{}
		if err := st.c.publish(&ClusterMessage{Type: ClusterMsgPacket, RecipientID: st.owner, RequestID: st.req, SID: st.sid, Packets: toCluster([]packet{p}), Ack: true}); err != nil {
			st.fail(ReasonTransportError)
			return
		}
		// Take the acks that arrived meanwhile.
		for drained := false; !drained; {
			select {
			case m := <-ch:
				if m.Type == ClusterMsgPacketAck && len(st.acks) > 0 {
					<-st.acks
				}
			default:
				drained = true
			}
		}
	}
}

// awaitAny waits for the next answer on ch, at most a heartbeat.
func (c *clusterNode) awaitAny(ch chan *ClusterMessage) *ClusterMessage {
	t := time.NewTimer(c.getWait())
	defer t.Stop()
	select {
	case m := <-ch:
		return m
	case <-t.C:
		return nil
	case <-c.stop:
		return nil
	}
}

// write writes the owner's packets to the WebSocket until the stream ends.
// An owner that sends nothing, not even a ping, for PingInterval +
// PingTimeout + ResponseTimeout is gone: the stream ends.
func (st *remoteStream) write() {
	idle := time.NewTimer(st.c.getWait())
	defer idle.Stop()
	for {
		select {
		case <-st.wake:
		case <-idle.C:
			st.fail(ReasonPingTimeout)
			return
		}
		st.mu.Lock()
		batch, closing, failed := st.queue, st.closing, st.failed
		st.queue = nil
		st.mu.Unlock()
		if failed {
			return
		}
		if len(batch) > 0 {
			idle.Reset(st.c.getWait())
		}
		for i := range batch {
			p := &batch[i]
			if err := st.c.srv.cfg.writeWebSocket(st.conn, p); err != nil {
				st.fail(ReasonTransportError)
				return
			}
			if f := st.c.srv.cfg.obs.BytesSent; f != nil {
				f(TransportWebSocket, p.frameSize())
			}
			if p.typ == typeClose {
				closing = true
				st.mu.Lock()
				st.closing = true
				st.mu.Unlock()
				break
			}
		}
		if closing {
			st.mu.Lock()
			empty := len(st.queue) == 0
			st.mu.Unlock()
			if empty {
				// The owner knows (no CLOSE to send). As a local session
				// does (lingerWebSocket): a close frame, and the reader
				// goes on, dropping what it reads, until the client's
				// close frame or wsCloseWait; it then closes conn.
				deadline := time.Now().Add(wsCloseWait)
				_ = st.conn.SetReadDeadline(deadline)
				_ = st.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), deadline)
				return
			}
		}
	}
}
