package engineio

import (
	"net/http"
	"time"

	"github.com/gorilla/websocket"
)

// The upgrade from long-polling to WebSocket, a state machine per session:
//
//	upgradeNone --WebSocket with the sid connects--> upgradeProbing
//	upgradeProbing --"2probe" received, "3probe" sent--> upgradeProbed
//	    (every upgradeCheckInterval, a GET waiting with nothing to send is
//	    answered with a noop, so that the client can pause polling)
//	upgradeProbed --"5" received--> upgradeNone, transport "websocket";
//	    what is still queued is flushed on the WebSocket, in order
//	any other packet, the WebSocket failing, UpgradeTimeout passing, or the
//	session closing --> upgradeNone, the probing WebSocket closed, polling
//	goes on.
//
// As with Node.js, packets keep flowing over polling until the switch:
// the queue is one, taken by a GET or by the WebSocket flusher, so that no
// packet is lost, duplicated or reordered. (engine.io-client sends "5"
// only after its last GET has returned, and sends no GET after it.)
type upgradeState uint8

const (
	upgradeNone upgradeState = iota
	upgradeProbing
	upgradeProbed
)

// upgradeCheckInterval is how often, once the probe is answered, the
// session checks for a GET waiting with nothing to send and answers it
// with a noop (Node.js's 100 ms check during an upgrade).
const upgradeCheckInterval = 100 * time.Millisecond

// serveUpgrade handles a WebSocket connecting to a polling session.
func (s *Session) serveUpgrade(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.state != stateOpen || s.transport != TransportPolling || s.upg != upgradeNone {
		s.mu.Unlock()
		// Upgrading, upgraded or closing: as Node.js's onWebSocket, the
		// handshake completes, then the WebSocket is closed.
		if wc, err := s.srv.acceptWebSocket(w, r, nil, false); err == nil {
			closeWebSocket(wc.Conn, websocket.CloseNoStatusReceived)
		}
		return
	}
	s.upg = upgradeProbing // reserved while the handshake runs
	s.mu.Unlock()
	wc, err := s.srv.acceptWebSocket(w, r, nil, false)
	s.mu.Lock()
	if err != nil {
		s.upg = upgradeNone
		s.mu.Unlock()
		return
	}
	conn := wc.Conn
	if s.state == stateClosed {
		s.upg = upgradeNone
		s.mu.Unlock()
		_ = conn.Close()
		return
	}
	s.probeWS = conn
	s.upgTimer = time.AfterFunc(s.cfg.upgradeTimeout, func() { s.cancelUpgrade(conn) })
	s.mu.Unlock()
	go s.readWebSocket(wc, true)
}

// handleProbePacket handles a packet on the probing conn and reports
// whether the conn is still probing.
func (s *Session) handleProbePacket(conn *websocket.Conn, p packet) bool {
	switch {
	case p.typ == typePing && string(p.data) == probe:
		if err := s.writeWebSocket(conn, &packet{typ: typePong, data: []byte(probe)}); err != nil {
			s.cancelUpgrade(conn)
			return false
		}
		s.mu.Lock()
		if s.probeWS == conn && s.state != stateClosed {
			s.upg = upgradeProbed
			if s.checkTimer != nil {
				s.checkTimer.Stop() // another probe: the interval starts again, as in Node.js
			}
			s.checkTimer = time.AfterFunc(upgradeCheckInterval, func() { s.upgradeCheck(conn) })
		}
		s.mu.Unlock()
		return true
	case p.typ == typeUpgrade:
		s.mu.Lock()
		if s.probeWS != conn || s.upg != upgradeProbed || s.state == stateClosed {
			s.mu.Unlock()
			s.abortProbe(conn, websocket.CloseProtocolError)
			return false
		}
		s.stopUpgradeTimersLocked()
		s.probeWS = nil
		s.upg = upgradeNone
		s.transport = TransportWebSocket
		s.ws = conn
		s.wakePollLocked() // a GET still waiting gets a noop
		s.kickLocked()
		s.mu.Unlock()
		if f := s.cfg.obs.SessionUpgraded; f != nil {
			f(s)
		}
		return false
	case p.typ == typeNoop:
		return true
	}
	s.abortProbe(conn, websocket.CloseProtocolError)
	return false
}

// abortProbe abandons the upgrade over conn, if it is still probing, and
// closes conn with a close frame carrying code (see closeWebSocket). Only
// conn's reader calls it.
func (s *Session) abortProbe(conn *websocket.Conn, code int) {
	s.mu.Lock()
	if s.probeWS == conn {
		s.cancelUpgradeLocked()
	}
	s.mu.Unlock()
	closeWebSocket(conn, code)
}

// upgradeCheck answers a GET waiting with nothing to send with a noop,
// while the upgrade over conn is probed, and checks again after
// upgradeCheckInterval.
func (s *Session) upgradeCheck(conn *websocket.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.probeWS != conn || s.upg != upgradeProbed || s.checkTimer == nil {
		return // the upgrade ended
	}
	switch {
	case s.transport != TransportPolling || s.pollWake == nil || len(s.queue) != 0:
		// Nothing waits, or it is answered with packets anyway.
	case s.delivering && !s.checkDeferred:
		// A received message is being handled and its reply is likely
		// to follow at once (Node.js runs handlers to completion before
		// its check can run): wait one more interval, once.
		s.checkDeferred = true
	default:
		s.checkDeferred = false
		s.noopDue = true
		s.wakePollLocked()
	}
	s.checkTimer.Reset(upgradeCheckInterval)
}

// stopUpgradeTimersLocked stops the upgrade's timeout and periodic check.
func (s *Session) stopUpgradeTimersLocked() {
	if s.upgTimer != nil {
		s.upgTimer.Stop()
		s.upgTimer = nil
	}
	if s.checkTimer != nil {
		s.checkTimer.Stop()
		s.checkTimer = nil
	}
	s.noopDue = false
	s.checkDeferred = false
}

// cancelUpgrade abandons the upgrade over conn, if it is still probing.
// conn gets a close frame without a status code first, as Node.js's
// transport.close() sends (its reader, if any, is not waited for).
func (s *Session) cancelUpgrade(conn *websocket.Conn) {
	s.mu.Lock()
	if s.probeWS == conn {
		s.cancelUpgradeLocked()
	}
	s.mu.Unlock()
	_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNoStatusReceived, ""), time.Now().Add(wsCloseWait))
	_ = conn.Close()
}

// cancelUpgradeLocked abandons a running upgrade and returns the probing
// connection for the caller to close after unlocking (nil when none).
func (s *Session) cancelUpgradeLocked() *websocket.Conn {
	conn := s.probeWS
	s.stopUpgradeTimersLocked()
	s.probeWS = nil
	s.upg = upgradeNone
	return conn
}
