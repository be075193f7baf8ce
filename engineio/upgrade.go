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
//	    (the waiting GET is answered with a noop, later GETs too, and
//	    queued packets wait for the WebSocket)
//	upgradeProbed --"5" received--> upgradeNone, transport "websocket";
//	    the queue is flushed on the WebSocket, in order
//	any other packet, the WebSocket failing, UpgradeTimeout passing, or the
//	session closing --> upgradeNone, the probing WebSocket closed, polling
//	goes on.
type upgradeState uint8

const (
	upgradeNone upgradeState = iota
	upgradeProbing
	upgradeProbed
)

// serveUpgrade handles a WebSocket connecting to a polling session.
func (s *Session) serveUpgrade(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.state != stateOpen || s.transport != TransportPolling || s.upg != upgradeNone {
		s.mu.Unlock()
		writeRefusal(w, refuse(CodeBadRequest), true)
		return
	}
	s.upg = upgradeProbing // reserved while the handshake runs
	s.mu.Unlock()
	wc, err := s.srv.acceptWebSocket(w, r, nil)
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
		if s.probeWS == conn {
			s.upg = upgradeProbed
			s.wakePollLocked() // answered with a noop
		}
		s.mu.Unlock()
		return true
	case p.typ == typeUpgrade:
		s.mu.Lock()
		if s.probeWS != conn || s.upg != upgradeProbed || s.state == stateClosed {
			s.mu.Unlock()
			s.cancelUpgrade(conn)
			return false
		}
		s.upgTimer.Stop()
		s.upgTimer = nil
		s.probeWS = nil
		s.upg = upgradeNone
		s.transport = TransportWebSocket
		s.ws = conn
		s.wakePollLocked() // a GET still waiting gets a noop
		s.kickLocked()
		s.mu.Unlock()
		return false
	case p.typ == typeNoop:
		return true
	}
	s.cancelUpgrade(conn)
	return false
}

// cancelUpgrade abandons the upgrade over conn, if it is still probing.
func (s *Session) cancelUpgrade(conn *websocket.Conn) {
	s.mu.Lock()
	if s.probeWS == conn {
		s.cancelUpgradeLocked()
	}
	s.mu.Unlock()
	_ = conn.Close()
}

// cancelUpgradeLocked abandons a running upgrade and returns the probing
// connection for the caller to close after unlocking (nil when none).
func (s *Session) cancelUpgradeLocked() *websocket.Conn {
	conn := s.probeWS
	if s.upgTimer != nil {
		s.upgTimer.Stop()
		s.upgTimer = nil
	}
	s.probeWS = nil
	if s.upg != upgradeNone {
		s.upg = upgradeNone
		s.kickLocked() // packets held back for the upgrade go by polling
	}
	return conn
}
