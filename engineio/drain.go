package engineio

import (
	"context"
	"math"
	"net/http"
	"time"
)

// DrainOptions configures [Server.Drain]: how fast the sessions open when
// the drain starts are closed. nil, or the zero value (or non-positive
// fields), closes them all at once, as [Server.Shutdown] does.
//
// With n sessions, the drain closes one every max(Period/n, 1/Rate): the
// first at once, the last after (n-1) such intervals, so with Rate unset
// the last close happens before Period has passed.
type DrainOptions struct {
	// Period is the time over which the closes are spread evenly.
	Period time.Duration
	// Rate, when positive, bounds the closes to Rate per second. When
	// n > Period×Rate, the drain takes (n-1)/Rate, longer than Period;
	// the caller's context bounds it in any case.
	Rate float64
}

// interval returns the time between two closes of a drain of n sessions,
// 0 for all at once.
func (o *DrainOptions) interval(n int) time.Duration {
	if o == nil || n == 0 {
		return 0
	}
	var gap time.Duration
	if o.Period > 0 {
		gap = o.Period / time.Duration(n)
	}
	if o.Rate > 0 {
		// A rate so low that the interval overflows waits "forever":
		// the caller's context ends the drain.
		gap = max(gap, time.Duration(min(math.Ceil(float64(time.Second)/o.Rate), maxGap)))
	}
	return gap
}

// maxGap bounds the interval of a drain (about 146 years).
const maxGap = 1 << 62

// mulSat returns i×d, or the largest Duration when that overflows.
func mulSat(i int, d time.Duration) time.Duration {
	if i > 0 && d > math.MaxInt64/time.Duration(i) {
		return math.MaxInt64
	}
	return time.Duration(i) * d
}

// Drain stops accepting new sessions and closes the open ones gradually,
// at the pace opts sets, so that their clients reconnect (to another server
// behind the load balancer) over a period rather than all at the same
// moment; then it waits, as [Server.Shutdown], until every session is
// closed and its OnClose handler has returned.
//
// Each session is closed as Shutdown closes it: its queued packets, then a
// close packet, reason [ReasonServerShutdown]. A client sees the transport
// close (not a close it asked for) and reconnects: socket.io-client and
// engine.io-client report "transport close" and, with reconnection on (the
// default), reconnect after their backoff.
//
// From the start of the drain, a handshake is answered with HTTP status
// 503 Service Unavailable and "Connection: close" (a WebSocket handshake
// too, before the upgrade): a load balancer takes the server out of
// rotation or retries another backend, and an Engine.IO client treats it
// as a failed attempt and tries again after its backoff. Requests of the
// sessions not closed yet are served as usual. (The Node.js server has no
// such state: it stops listening instead.)
//
// When ctx ends before the drain is over, the sessions left are closed at
// once, without waiting for their clients, and ctx's error is returned, as
// [http.Server.Shutdown] does. Drain and Shutdown may be called more than
// once; a later call closes the sessions still open at its own pace.
func (s *Server) Drain(ctx context.Context, opts *DrainOptions) error {
	s.mu.Lock()
	s.shutdown = true
	if s.empty == nil {
		s.empty = make(chan struct{})
	}
	s.noteEmptyLocked()
	empty := s.empty
	all := make([]*Session, 0, len(s.sessions))
	for _, sess := range s.sessions {
		all = append(all, sess)
	}
	s.mu.Unlock()
	gap := opts.interval(len(all))
	if gap == 0 && s.cl != nil {
		// All at once: the cluster's streams end first, as before.
		s.cl.shutdown()
	}
	if err := closePaced(ctx, all, gap, empty); err != nil {
		if s.cl != nil {
			s.cl.shutdown()
		}
		return err
	}
	if s.cl != nil {
		s.cl.shutdown()
	}
	for _, sess := range all {
		select {
		case <-sess.doneChan():
		case <-ctx.Done():
			closeAllNow(all)
			return ctx.Err()
		}
	}
	return nil
}

// closePaced closes the sessions of all gracefully, one every gap from
// now. Sessions due while the goroutine was late are closed together, so
// a slow timer does not stretch the drain; once empty is closed (no
// session is left: their clients left on their own), it returns early.
// When ctx ends first, it closes the remaining sessions at once and
// returns ctx's error.
func closePaced(ctx context.Context, all []*Session, gap time.Duration, empty <-chan struct{}) error {
	if gap == 0 {
		for _, sess := range all {
			sess.closeGracefully(ReasonServerShutdown)
		}
		return nil
	}
	start := time.Now()
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for i := 0; i < len(all); {
		if wait := time.Until(start.Add(mulSat(i, gap))); wait > 0 {
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			select {
			case <-timer.C:
			case <-empty:
				return nil
			case <-ctx.Done():
				closeAllNow(all)
				return ctx.Err()
			}
		}
		due := min(len(all), max(i+1, int(time.Since(start)/gap)+1))
		for ; i < due; i++ {
			all[i].closeGracefully(ReasonServerShutdown)
		}
	}
	return nil
}

// closeAllNow closes every session of all at once (those already closed
// are left alone).
func closeAllNow(all []*Session) {
	for _, sess := range all {
		sess.closeNow(ReasonServerShutdown, nil)
	}
}

// noteEmptyLocked closes s.empty when the server shuts down and no
// session is left. s.mu must be held.
func (s *Server) noteEmptyLocked() {
	if s.empty != nil && !s.emptied && len(s.sessions) == 0 {
		s.emptied = true
		close(s.empty)
	}
}

// shuttingDown reports whether Drain or Shutdown has started.
func (s *Server) shuttingDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.shutdown
}

// refuseShuttingDown refuses a handshake while the server drains or shuts
// down: 503, and the connection closed after the answer so that the
// client's next attempt goes through the load balancer anew.
func (s *Server) refuseShuttingDown(w http.ResponseWriter) {
	if f := s.cfg.obs.HandshakeShuttingDown; f != nil {
		f()
	}
	w.Header().Set("Connection", "close")
	http.Error(w, "engineio: server shutting down", http.StatusServiceUnavailable)
}
