package engineio

import "github.com/siogo/sio/internal/hookchain"

// Observer receives the facts of an Engine.IO server's life, for metrics,
// tracing or an admin view, in the manner of net/http/httptrace: every
// field is optional, and a nil field costs one comparison. Set it in
// Options.Observer.
//
// The functions are called synchronously, on the goroutine where the fact
// happens (a request's, a connection's reader or writer), concurrently for
// different sessions, and never while a lock of the server is held; they
// must be fast, must not block and must not panic (they are not
// recovered). No argument is an unbounded string taken from the client:
// transports are TransportPolling or TransportWebSocket, reasons are the
// CloseReason and LimitReason constants, codes the ErrorCode constants.
type Observer struct {
	// SessionOpened is called when a handshake opened a session over
	// transport, before the server's OnConnection handler runs.
	SessionOpened func(s *Session, transport string)
	// SessionUpgraded is called when a session moved from polling to
	// WebSocket.
	SessionUpgraded func(s *Session)
	// SessionClosed is called once per opened session, just before its
	// OnClose handler, with the transport it was on when it closed.
	SessionClosed func(s *Session, transport string, reason CloseReason)
	// RequestRefused is called for every request answered with an
	// Engine.IO error (a refused handshake, an unknown session id, a
	// request refused by Options.AllowRequest, ...).
	RequestRefused func(code ErrorCode)
	// HandshakeLimited is called for every handshake refused by
	// Options.Limits, with the limit that refused it, before
	// RequestRefused is called with CodeForbidden.
	HandshakeLimited func(reason LimitReason)
	// HandshakeShuttingDown is called for every handshake answered with
	// 503 because the server drains or shuts down (see Server.Drain).
	HandshakeShuttingDown func()
	// PollingRequest is called for every long-polling request of a session
	// (not the handshake), with its method (GET, POST, or another method,
	// which is refused).
	PollingRequest func(method string)
	// BytesReceived is called with the size of each WebSocket message and
	// each long-polling POST body read: Engine.IO payload bytes, without
	// HTTP or WebSocket framing. With Options.Cluster, bytes are counted
	// by the server that read them, the session's owner or not.
	BytesReceived func(transport string, n int)
	// BytesSent is called with the size of each long-polling response body
	// (after compression) and of each Engine.IO packet written to a
	// WebSocket (before permessage-deflate); with Options.Cluster, by the
	// server that wrote them.
	BytesSent func(transport string, n int)
	// SendDropped is called when Session.SendVolatile dropped its
	// messages because the transport could not write them at once. A Send
	// beyond Options.SendQueueSize closes the session instead, which
	// SessionClosed reports with ReasonSendQueueFull.
	SendDropped func(s *Session)
}

// frameSize is the size of p's WebSocket frame payload: its data, after
// the type digit of a text packet.
func (p *packet) frameSize() int {
	if p.binary {
		return len(p.data)
	}
	return 1 + len(p.data)
}

// MergeObservers returns an Observer calling each of obs (nil ones
// skipped) in order. It returns nil when all are nil, and the one observer
// itself when there is only one.
func MergeObservers(obs ...*Observer) *Observer {
	list := hookchain.NonNil(obs)
	switch len(list) {
	case 0:
		return nil
	case 1:
		return list[0]
	}
	var m Observer
	for _, o := range list {
		m.SessionOpened = hookchain.Then2(m.SessionOpened, o.SessionOpened)
		m.SessionUpgraded = hookchain.Then1(m.SessionUpgraded, o.SessionUpgraded)
		m.SessionClosed = hookchain.Then3(m.SessionClosed, o.SessionClosed)
		m.RequestRefused = hookchain.Then1(m.RequestRefused, o.RequestRefused)
		m.HandshakeLimited = hookchain.Then1(m.HandshakeLimited, o.HandshakeLimited)
		m.HandshakeShuttingDown = hookchain.Then0(m.HandshakeShuttingDown, o.HandshakeShuttingDown)
		m.PollingRequest = hookchain.Then1(m.PollingRequest, o.PollingRequest)
		m.BytesReceived = hookchain.Then2(m.BytesReceived, o.BytesReceived)
		m.BytesSent = hookchain.Then2(m.BytesSent, o.BytesSent)
		m.SendDropped = hookchain.Then1(m.SendDropped, o.SendDropped)
	}
	return &m
}
