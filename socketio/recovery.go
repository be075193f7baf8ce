package socketio

import (
	"sync"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio/parser"
)

// replay is a recovered socket's replay of the packets it missed. The
// packets are written through the Engine.IO session's flow control
// (SendWait), as fast as the client reads them, so that every kept packet
// arrives however many there are; packets sent to the socket meanwhile
// wait in live, behind the replay, so that the client gets everything in
// order. A Socket points to its replay only while it runs.
type replay struct {
	mu   sync.Mutex // guards the fields below
	live [][]engineio.Message
	n    int  // messages in live
	over bool // the replay ended; send directly
}

// startReplayLocked returns the packets a recovered socket missed, and
// starts holding the packets sent to the socket when there are some. s.mu
// is held.
func (s *Socket) startReplayLocked() []*parser.Packet {
	if s.recovered == nil || len(s.recovered.MissedPackets) == 0 {
		return nil
	}
	missed := s.recovered.MissedPackets
	s.recovered.MissedPackets = nil
	s.replay.Store(new(replay))
	return missed
}

// runReplay writes the missed packets, then the packets held meanwhile,
// then ends the replay. It stops when the socket disconnects.
func (s *Socket) runReplay(missed []*parser.Packet) {
	defer s.nsp.srv.wg.Done()
	r := s.replay.Load()
	conn := s.client.conn
	ok := true
	for i, p := range missed {
		missed[i] = nil
		q := *p
		q.Namespace = s.nsp.name
		if conn.SendWait(s.ctx, encodeMessages(&q)...) != nil {
			ok = false
			break
		}
	}
	for {
		r.mu.Lock()
		live := r.live
		r.live, r.n = nil, 0
		if !ok || len(live) == 0 {
			r.over = true
			s.replay.Store(nil)
			r.mu.Unlock()
			return
		}
		r.mu.Unlock()
		for _, msgs := range live {
			if conn.SendWait(s.ctx, msgs...) != nil {
				ok = false
				break
			}
		}
	}
}

// holdDuringReplay queues msgs behind the running replay r. held is false
// when the replay has ended (send directly); ok reports whether msgs will
// be sent. Volatile packets are dropped, as for a busy transport. Holding
// more than the Engine.IO send queue would take closes the connection, as
// a full send queue does: the client reads slower than the server sends.
func (s *Socket) holdDuringReplay(r *replay, msgs []engineio.Message, volatile bool) (held, ok bool) {
	r.mu.Lock()
	if r.over {
		r.mu.Unlock()
		return false, false
	}
	if volatile {
		r.mu.Unlock()
		return true, false
	}
	limit := s.nsp.srv.opts.Engine.SendQueueSize
	if limit <= 0 {
		limit = engineio.DefaultSendQueueSize
	}
	if r.n+len(msgs) > limit {
		r.live, r.n = nil, 0
		r.mu.Unlock()
		s.nsp.srv.log.Warn("socketio: closing connection", "socket", s.id, "error", "packets held behind the recovery replay exceed the send queue size")
		s.client.conn.Close()
		return true, false
	}
	r.live = append(r.live, msgs)
	r.n += len(msgs)
	r.mu.Unlock()
	return true, true
}
