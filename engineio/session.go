package engineio

import (
	"context"
	"net/http"
	"runtime/debug"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

type sessionState uint8

const (
	stateOpen    sessionState = iota
	stateClosing              // a close packet is queued; no more Send
	stateClosed               // finished; OnClose queued for delivery
)

// Session is one Engine.IO connection, whatever its transport. All methods
// are safe for concurrent use.
type Session struct {
	srv *Server
	cfg *config
	id  string
	hs  Handshake // the handshake request's facts, not the request
	// lease is the session's place in Options.Limits' MaxConnections,
	// released by Server.remove; nil when not counted.
	lease *limitLease

	mu        sync.Mutex
	state     sessionState
	reason    CloseReason
	closeErr  error
	transport string
	queue     []packet // outgoing packets not yet taken by a transport

	// long-polling
	pollWake chan struct{} // non-nil while a GET waits for packets
	polling  bool          // a GET is being served
	posting  bool          // a POST is being served
	post     *postBody     // the POST body being read, if any

	// WebSocket
	ws       *websocket.Conn
	flushing bool     // a flusher goroutine is writing the queue
	spare    []packet // an empty queue array for the flusher to swap in
	flushFn  func()   // s.flushWebSocket, made once (go statements with it allocate nothing)

	// upgrade to WebSocket
	upg           upgradeState
	probeWS       *websocket.Conn
	upgTimer      *time.Timer // UpgradeTimeout
	checkTimer    *time.Timer // the periodic check once probed (see upgradeCheck)
	noopDue       bool        // the waiting GET is to be answered with a noop
	checkDeferred bool        // the last check skipped its noop (see upgradeCheck)

	// heartbeat (one runtime timer; see heartbeat.go)
	hbTimer    *time.Timer
	hbPhase    hbPhase
	hbDeadline time.Time

	// received messages waiting for OnMessage (see receive and deliver)
	inbox      []inbound
	delivering bool          // a handler runs (deliver, or a reader in onBlock)
	inboxSpace chan struct{} // non-nil while a reader waits for room
	onMessage  func(Message)
	onBlock    func(Message) // OnMessageBlocking's, called by the reader
	onClose    func(CloseReason, error)
	// taken counts the messages the application took (delivered to
	// OnMessage, or returned from OnMessageBlocking); the heartbeat
	// compares it with takenMark, its value when the last ping was sent
	// (see onTimer).
	taken, takenMark uint64
	closing          chan struct{} // made by Closing, closed by finishLocked
	sendSpace        chan struct{} // non-nil while SendWait waits for room

	// cl is the session's state in a cluster (see cluster_owner.go), nil
	// until a node forwards one of its requests.
	cl *sessionCluster

	// done is closed after OnClose returned; made by doneChan, when
	// Shutdown waits, or set to closedChan once OnClose returned.
	done chan struct{}
}

// inbound is an entry of the inbox: a message, or the final close event.
type inbound struct {
	msg   Message
	close bool
}

func newSession(srv *Server, id string, r *http.Request, transport string) *Session {
	return &Session{
		srv:       srv,
		cfg:       srv.cfg,
		id:        id,
		hs:        newHandshake(r),
		transport: transport,
	}
}

// ID returns the session id (the "sid" of the protocol).
func (s *Session) ID() string { return s.id }

// Handshake returns what the session keeps of its handshake request:
// headers, URL, remote address, TLS state. It is the same for the
// session's whole life and must not be modified.
func (s *Session) Handshake() *Handshake { return &s.hs }

// Request returns the handshake request rebuilt from [Session.Handshake]
// (see [Handshake.Request]): a new *http.Request on each call, with the
// request's headers, URL with query, Host, RemoteAddr and TLS state, an
// empty body and a background context. The session does not keep the
// request itself, whose context and parsed form would stay in memory with
// every idle connection.
func (s *Session) Request() *http.Request { return s.hs.Request() }

// Transport returns the name of the current transport, "polling" or
// "websocket".
func (s *Session) Transport() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.transport
}

// OnMessage sets the function called with each message the client sends.
// Calls for one session are sequential, in the order the messages arrived;
// the callee owns Message.Data. Set it inside the OnConnection handler so
// that no message is missed. Messages arriving while no handler is set are
// dropped.
func (s *Session) OnMessage(fn func(Message)) {
	s.mu.Lock()
	s.onMessage = fn
	s.mu.Unlock()
}

// OnMessageBlocking sets a function called with each message the client
// sends, like OnMessage's, but on the goroutine that reads the client's
// transport, with no queue in between, so that fn may block to push back
// on a client faster than the application: while fn runs, nothing more is
// read from that client (over WebSocket, TCP flow control stops the
// client; over polling, the POST is answered once fn has taken every
// packet of it). Calls are sequential, in arrival order, and OnClose runs
// after the last one returned. While the pong answering a ping is unread
// behind the messages, the heartbeat waits on as long as the application
// keeps taking messages (see Bounds in the package documentation). A fn
// that blocks must give up when [Session.Closing] is closed. When set,
// OnMessage's function is not called; the session's ReceiveQueueSize is
// not used.
func (s *Session) OnMessageBlocking(fn func(Message)) {
	s.mu.Lock()
	s.onBlock = fn
	s.mu.Unlock()
}

// Closing returns a channel closed when the session closes, before OnClose
// runs (OnClose waits for the message handler running). A handler blocked
// for backpressure selects on it to give up.
func (s *Session) Closing() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing == nil {
		s.closing = make(chan struct{})
		if s.state == stateClosed {
			close(s.closing)
		}
	}
	return s.closing
}

// OnClose sets the function called once when the session closes, after
// every message received before was delivered to OnMessage. err carries
// details for error reasons and is nil otherwise.
func (s *Session) OnClose(fn func(reason CloseReason, err error)) {
	s.mu.Lock()
	s.onClose = fn
	s.mu.Unlock()
}

// Send queues msgs, all of them in order and with no message of another
// Send in between, and returns without waiting for the network. It returns
// ErrClosed once the session is closed or closing. When the queue would
// exceed Options.SendQueueSize, the session is closed with
// ReasonSendQueueFull and ErrSendQueueFull is returned. A text message
// whose Data is not valid UTF-8 makes Send return ErrInvalidUTF8 without
// sending any of msgs. The caller must not modify the messages' Data
// afterwards; the server does not modify it.
func (s *Session) Send(msgs ...Message) error {
	if !validText(msgs) {
		return ErrInvalidUTF8
	}
	s.mu.Lock()
	if s.state != stateOpen {
		s.mu.Unlock()
		return ErrClosed
	}
	if len(s.queue)+len(msgs) > s.cfg.sendQueueSize {
		after := s.finishLocked(ReasonSendQueueFull, ErrSendQueueFull)
		s.mu.Unlock()
		after()
		return ErrSendQueueFull
	}
	s.enqueueLocked(msgs)
	s.mu.Unlock()
	return nil
}

// SendWait sends msgs like Send, but when the queue has no room for them
// it waits until the transport has written enough instead of closing the
// session: it paces a large sender (a replay of missed packets) to the
// client. It returns ErrClosed when the session closes first, ctx.Err()
// when ctx is done first, and ErrSendQueueFull (without closing the
// session) when msgs alone exceed Options.SendQueueSize.
func (s *Session) SendWait(ctx context.Context, msgs ...Message) error {
	if len(msgs) > s.cfg.sendQueueSize {
		return ErrSendQueueFull
	}
	s.mu.Lock()
	for s.state == stateOpen && len(s.queue)+len(msgs) > s.cfg.sendQueueSize {
		if s.sendSpace == nil {
			s.sendSpace = make(chan struct{})
		}
		ch := s.sendSpace
		s.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		s.mu.Lock()
	}
	if s.state != stateOpen {
		s.mu.Unlock()
		return ErrClosed
	}
	s.enqueueLocked(msgs)
	s.mu.Unlock()
	return nil
}

// tookLocked is called by a transport that took packets off the queue:
// it wakes the SendWait calls waiting for room.
func (s *Session) tookLocked() {
	if s.sendSpace != nil {
		close(s.sendSpace)
		s.sendSpace = nil
	}
}

// SendVolatile sends msgs like Send, but only when the transport can write
// them right now: nothing is queued, and a polling GET is waiting or the
// WebSocket is idle. Otherwise, or when a text message is not valid UTF-8,
// it drops them and returns false.
func (s *Session) SendVolatile(msgs ...Message) bool {
	ok := s.sendVolatile(msgs)
	if f := s.cfg.obs.SendDropped; !ok && f != nil {
		f(s)
	}
	return ok
}

func (s *Session) sendVolatile(msgs []Message) bool {
	if !validText(msgs) {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateOpen || len(s.queue) != 0 || len(s.queue)+len(msgs) > s.cfg.sendQueueSize {
		return false
	}
	switch s.transport {
	case TransportPolling:
		if s.pollWake == nil {
			return false
		}
	case TransportWebSocket:
		if s.flushing {
			return false
		}
	}
	s.enqueueLocked(msgs)
	return true
}

// validText reports whether the text messages of msgs are valid UTF-8, so
// that no text frame or polling payload the server writes is not: a shared
// message was checked once by NewSharedMessage, others are checked here.
func validText(msgs []Message) bool {
	for i := range msgs {
		m := &msgs[i]
		switch {
		case m.Binary:
		case m.shared != nil:
			if !m.shared.utf8 {
				return false
			}
		case !utf8.Valid(m.Data):
			return false
		}
	}
	return true
}

func (s *Session) enqueueLocked(msgs []Message) {
	for _, m := range msgs {
		s.queue = append(s.queue, packet{typ: typeMessage, binary: m.Binary, data: m.Data, shared: m.shared})
	}
	s.kickLocked()
}

// kickLocked makes the current transport write the queue: it wakes a
// waiting GET, or starts a WebSocket flusher goroutine when none runs.
func (s *Session) kickLocked() {
	if len(s.queue) == 0 {
		return
	}
	switch s.transport {
	case TransportPolling:
		s.wakePollLocked()
	case TransportWebSocket:
		if !s.flushing && s.ws != nil {
			s.flushing = true
			if s.flushFn == nil {
				s.flushFn = s.flushWebSocket
			}
			go s.flushFn()
		} else if !s.flushing && s.streamingLocked() {
			s.flushing = true
			go s.flushRemote()
		}
	}
}

// Close closes the session: queued packets and a close packet are sent,
// then the session closes with ReasonForcedClose.
func (s *Session) Close() { s.closeGracefully(ReasonForcedClose) }

// closeGracefully queues a close packet after the queued packets and closes
// the session once it is written, or after the close timeout.
func (s *Session) closeGracefully(reason CloseReason) {
	s.mu.Lock()
	if s.state != stateOpen {
		s.mu.Unlock()
		return
	}
	s.state = stateClosing
	s.reason = reason
	s.queue = append(s.queue, packet{typ: typeClose})
	// An upgrade in progress goes on: the close packet is written on
	// whichever transport the client ends up with.
	s.armLocked(hbClosing, s.closeTimeout())
	s.kickLocked()
	post := s.post
	s.mu.Unlock()
	if post != nil {
		// Its messages would be dropped (the session is closing); Node
		// destroys the request too.
		post.abort(abortClosed)
	}
}

// closeTimeout bounds a graceful close: Node's 30 s, but no longer than a
// live client takes to poll again.
func (s *Session) closeTimeout() time.Duration {
	return min(30*time.Second, s.cfg.pingInterval+s.cfg.pingTimeout)
}

// closeNow closes the session at once (no-op when closed).
func (s *Session) closeNow(reason CloseReason, err error) {
	s.mu.Lock()
	after := s.finishLocked(reason, err)
	s.mu.Unlock()
	after()
}

// finishLocked moves the session to stateClosed: it forgets it in the
// server, stops its timers, answers a waiting GET with a close packet and
// queues the OnClose call. A session that was closing keeps the reason it
// was closing for. The returned function closes the connections; call it
// after unlocking.
func (s *Session) finishLocked(reason CloseReason, err error) (after func()) {
	if s.state == stateClosed {
		return func() {}
	}
	if s.state == stateClosing {
		reason, err = s.reason, nil
	}
	s.state = stateClosed
	s.reason, s.closeErr = reason, err
	if s.hbTimer != nil {
		s.hbTimer.Stop()
	}
	probe := s.cancelUpgradeLocked()
	ws := s.ws
	post := s.post
	clear(s.queue)
	s.queue = nil
	if s.pollWake != nil {
		// Release the waiting GET: with a close packet, or a noop when
		// the client itself closed (as Node.js does).
		typ := typeClose
		if reason == ReasonTransportClose {
			typ = typeNoop
		}
		s.queue = []packet{{typ: typ}}
		s.wakePollLocked()
	}
	if s.inboxSpace != nil {
		close(s.inboxSpace)
		s.inboxSpace = nil
	}
	if s.closing != nil {
		close(s.closing)
	} else {
		s.closing = closedChan
	}
	s.tookLocked()
	s.inbox = append(s.inbox, inbound{close: true})
	if !s.delivering {
		s.delivering = true
		go s.deliver()
	}
	s.srv.remove(s)
	remote := s.remoteCloseLocked()
	return func() {
		if remote != nil {
			remote()
		}
		if post != nil {
			post.abort(abortClosed) // as Node destroys the request
		}
		if probe != nil {
			_ = probe.Close()
		}
		if ws != nil {
			lingerWebSocket(ws)
		}
	}
}

// doneChan returns a channel closed once OnClose returned.
func (s *Session) doneChan() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.done == nil {
		s.done = make(chan struct{})
	}
	return s.done
}

// closedChan is a closed channel, for Closing after the session closed.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// receive queues a message for OnMessage. When ReceiveQueueSize messages
// wait already, it blocks until the handler takes one (backpressure on the
// client). With OnMessageBlocking, it calls that handler instead (see
// receiveBlocking). A message that arrives while the session is closing is
// dropped, as Node.js drops packets on a socket that is not open, but the
// reader goes on, so that the client's own close packet is still seen. It
// returns false when the session is closed.
func (s *Session) receive(m Message) bool {
	s.mu.Lock()
	if s.onBlock != nil {
		return s.receiveBlocking(m)
	}
	s.waitInboxLocked(func() bool { return len(s.inbox) >= s.cfg.recvQueueSize })
	if s.state != stateOpen {
		closed := s.state == stateClosed
		s.mu.Unlock()
		return !closed
	}
	s.inbox = append(s.inbox, inbound{msg: m})
	if !s.delivering {
		s.delivering = true
		go s.deliver()
	}
	s.mu.Unlock()
	return true
}

// waitInboxLocked waits, with s.mu held on entry and on return, while the
// session is open and busy reports that the reader must not hand over a
// message yet; deliver signals inboxSpace when that may have changed.
func (s *Session) waitInboxLocked(busy func() bool) {
	for s.state == stateOpen && busy() {
		if s.inboxSpace == nil {
			s.inboxSpace = make(chan struct{})
		}
		ch := s.inboxSpace
		s.mu.Unlock()
		<-ch
		s.mu.Lock()
	}
}

// receiveBlocking calls the OnMessageBlocking handler with m on the
// reader's goroutine, once no other handler of the session runs (two
// readers overlap only when a client misbehaves around an upgrade).
// s.mu is held on entry and released on return.
func (s *Session) receiveBlocking(m Message) bool {
	s.waitInboxLocked(func() bool { return s.delivering })
	if s.state != stateOpen {
		closed := s.state == stateClosed
		s.mu.Unlock()
		return !closed
	}
	s.delivering = true
	fn := s.onBlock
	s.mu.Unlock()
	s.guard("OnMessageBlocking", func() { fn(m) })
	s.mu.Lock()
	s.taken++
	if len(s.inbox) > 0 {
		// The session closed meanwhile: deliver its close entry.
		go s.deliver()
	} else {
		s.delivering = false
		if s.inboxSpace != nil {
			close(s.inboxSpace)
			s.inboxSpace = nil
		}
	}
	closed := s.state == stateClosed
	s.mu.Unlock()
	return !closed
}

// deliver calls the handlers for the inbox entries, one at a time; it runs
// only while the inbox is non-empty.
func (s *Session) deliver() {
	for {
		s.mu.Lock()
		if len(s.inbox) == 0 {
			s.delivering = false
			s.mu.Unlock()
			return
		}
		it := s.inbox[0]
		s.inbox[0] = inbound{}
		s.inbox = s.inbox[1:]
		if len(s.inbox) == 0 {
			s.inbox = nil
		}
		if s.inboxSpace != nil {
			close(s.inboxSpace)
			s.inboxSpace = nil
		}
		if !it.close {
			s.taken++
		}
		onMessage, onBlock, onClose := s.onMessage, s.onBlock, s.onClose
		reason, err := s.reason, s.closeErr
		transport := s.transport
		s.mu.Unlock()
		if it.close {
			if f := s.cfg.obs.SessionClosed; f != nil {
				f(s, transport, reason)
			}
			if onClose != nil {
				s.guard("OnClose", func() { onClose(reason, err) })
			}
			s.mu.Lock()
			if s.done != nil {
				close(s.done)
			} else {
				s.done = closedChan
			}
			s.mu.Unlock()
			return // nothing follows the close entry
		}
		switch {
		case onBlock != nil:
			// Messages received before OnConnection (a cluster's
			// take-over window) reach a blocking handler this way.
			s.guard("OnMessageBlocking", func() { onBlock(it.msg) })
		case onMessage != nil:
			s.guard("OnMessage", func() { onMessage(it.msg) })
		}
	}
}

// callConnection runs the server's OnConnection handler for s. It counts
// as a running handler, so that a close it causes (a Send beyond the
// queue, Close) reaches OnClose only after it returned.
func (s *Session) callConnection(fn func(*Session)) {
	s.mu.Lock()
	s.delivering = true
	s.mu.Unlock()
	s.guard("OnConnection", func() { fn(s) })
	s.mu.Lock()
	if len(s.inbox) > 0 {
		go s.deliver()
	} else {
		s.delivering = false
	}
	s.mu.Unlock()
}

// guard runs a handler, recovering and logging a panic.
func (s *Session) guard(name string, fn func()) {
	defer func() {
		if v := recover(); v != nil {
			s.cfg.logger.Error("engineio: handler panicked", "handler", name, "sid", s.id, "panic", v, "stack", string(debug.Stack()))
		}
	}()
	fn()
}

// handlePacket handles a packet received on the session's transport. It
// returns false when the session closed because of it.
func (s *Session) handlePacket(p packet) bool {
	switch p.typ {
	case typeMessage:
		return s.receive(Message{Data: p.data, Binary: p.binary})
	case typePong:
		s.onPong()
	case typeClose:
		s.closeNow(ReasonTransportClose, nil)
		return false
	case typePing:
		s.closeNow(ReasonTransportError, protocolError("ping from the client (invalid heartbeat direction)"))
		return false
	}
	// open, upgrade and noop packets are ignored, as in Node.js.
	return true
}
