package engineio

import "time"

// hbPhase is what the session's single timer currently measures.
type hbPhase uint8

const (
	hbInterval hbPhase = iota + 1 // time until the next ping
	hbPong                        // time left for the pong
	hbClosing                     // time left for a graceful close
)

// The heartbeat: every PingInterval the server queues a ping and gives the
// client PingTimeout to answer with a pong. One time.AfterFunc timer per
// session does all of it (no goroutine while waiting); it is re-armed with
// Reset, and a callback that lost a race with a Reset notices it by its
// deadline not having passed yet. Pongs are handled by the transport's
// reader, never behind application code; but a reader pushing back on a
// client (a full inbox, or an OnMessageBlocking handler that blocks) reads
// nothing, so the pong may wait, unread, behind the client's messages.
// Hence the rule when the pong is late: if the reader is held behind the
// application right then and the application took at least one message of
// the client during the last PingTimeout, the client's input is still
// flowing and the session waits another PingTimeout; otherwise (the client
// is gone, it does not answer pings though nothing holds its input back,
// or the application has not taken a message for a whole PingTimeout
// while the client is pushed back) it closes with ReasonPingTimeout.

// startHeartbeat schedules the first ping.
func (s *Session) startHeartbeat() {
	s.mu.Lock()
	if s.state == stateOpen {
		s.armLocked(hbInterval, s.cfg.pingInterval)
	}
	s.mu.Unlock()
}

// armLocked (re)starts the timer for phase, firing after d.
func (s *Session) armLocked(phase hbPhase, d time.Duration) {
	s.hbPhase = phase
	s.hbDeadline = time.Now().Add(d)
	if s.hbTimer == nil {
		s.hbTimer = time.AfterFunc(d, s.onTimer)
		return
	}
	s.hbTimer.Reset(d)
}

// onTimer runs when the timer fires.
func (s *Session) onTimer() {
	s.mu.Lock()
	if s.state == stateClosed || time.Now().Before(s.hbDeadline) {
		s.mu.Unlock()
		return
	}
	switch s.hbPhase {
	case hbInterval:
		if s.state == stateOpen {
			s.queue = append(s.queue, packet{typ: typePing})
			s.kickLocked()
			s.takenMark = s.taken
			s.armLocked(hbPong, s.cfg.pingTimeout)
		}
	case hbPong:
		held := s.inboxSpace != nil || (s.onBlock != nil && s.delivering)
		if held && s.taken != s.takenMark {
			// The reader is held behind the application while messages
			// flow: the pong may be unread behind them. Wait on while the
			// application makes progress.
			s.takenMark = s.taken
			s.armLocked(hbPong, s.cfg.pingTimeout)
			break
		}
		after := s.finishLocked(ReasonPingTimeout, nil)
		s.mu.Unlock()
		after()
		return
	case hbClosing:
		after := s.finishLocked(s.reason, nil)
		s.mu.Unlock()
		after()
		return
	}
	s.mu.Unlock()
}

// onPong handles a pong: the next ping is due PingInterval later.
func (s *Session) onPong() {
	s.mu.Lock()
	if s.state == stateOpen && s.hbPhase == hbPong {
		s.armLocked(hbInterval, s.cfg.pingInterval)
	}
	s.mu.Unlock()
}
