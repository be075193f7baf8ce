package socketio

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/siogo/sio/internal/jsontext"
	"github.com/siogo/sio/socketio/parser"
)

// recoveryStore keeps, for connection state recovery, the sessions of
// disconnected sockets and the events broadcast recently, as Node's
// SessionAwareAdapter does. Both expire after MaxDisconnectionDuration;
// the packets are also bounded by MaxPackets and MaxBytes, the oldest
// dropped first. Expired entries are dropped lazily, when the store is
// used, so the store runs no goroutine.
type recoveryStore struct {
	maxAge     time.Duration
	maxPackets int
	maxBytes   int
	prefix     string

	mu        sync.Mutex // guards the fields below
	seq       uint64
	sessions  map[string]storedSession
	packets   []storedPacket // oldest first, from head
	head      int
	bytes     int // size of packets[head:]
	lastSweep time.Time
}

type storedSession struct {
	state *SessionState
	at    time.Time
}

type storedPacket struct {
	offset string
	rooms  []string
	except []string
	p      *parser.Packet
	at     time.Time
	size   int // bytes counted against MaxBytes
}

// packetSize is what a kept packet counts against MaxBytes: its data and
// attachments.
func packetSize(p *parser.Packet) int {
	n := len(p.Data)
	for _, a := range p.Attachments {
		n += len(a)
	}
	return n
}

func newRecoveryStore(o *RecoveryOptions) *recoveryStore {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &recoveryStore{
		maxAge:     o.MaxDisconnectionDuration,
		maxPackets: o.MaxPackets,
		maxBytes:   cmp.Or(max(o.MaxBytes, 0), DefaultMaxRecoveryBytes),
		prefix:     hex.EncodeToString(b[:]) + "-",
		sessions:   make(map[string]storedSession),
	}
}

// store keeps a copy of the EVENT p with a fresh offset appended to its
// arguments, and returns that copy, which is what the receivers get. The
// oldest packets are dropped to keep MaxPackets and MaxBytes; a packet
// larger than MaxBytes by itself drops every packet and is not kept (the
// kept packets always are every packet after the oldest one, so a client
// whose offset is no longer kept is not recovered rather than recovered
// with a gap).
func (r *recoveryStore) store(p *parser.Packet, opts *BroadcastOptions) *parser.Packet {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	offset := r.prefix + strconv.FormatUint(r.seq, 36)
	q := *p
	q.Data = jsontext.AppendToArray(p.Data, offset)
	r.sweep(now)
	size := packetSize(&q)
	for r.head < len(r.packets) && (len(r.packets)-r.head >= r.maxPackets || r.bytes+size > r.maxBytes) {
		r.dropOldest()
	}
	if size > r.maxBytes {
		return &q
	}
	r.packets = append(r.packets, storedPacket{offset: offset, rooms: opts.Rooms, except: opts.Except, p: &q, at: now, size: size})
	r.bytes += size
	return &q
}

// dropOldest forgets the oldest kept packet. r.mu is held.
func (r *recoveryStore) dropOldest() {
	r.bytes -= r.packets[r.head].size
	r.packets[r.head] = storedPacket{}
	r.head++
}

// sweep drops expired packets (always) and sessions (at most once a
// second). r.mu is held.
func (r *recoveryStore) sweep(now time.Time) {
	limit := now.Add(-r.maxAge)
	for r.head < len(r.packets) && r.packets[r.head].at.Before(limit) {
		r.dropOldest()
	}
	if r.head > 0 && r.head >= len(r.packets)/2 {
		n := copy(r.packets, r.packets[r.head:])
		clear(r.packets[n:])
		r.packets, r.head = r.packets[:n], 0
	}
	if now.Sub(r.lastSweep) < time.Second {
		return
	}
	r.lastSweep = now
	for pid, s := range r.sessions {
		if s.at.Before(limit) {
			delete(r.sessions, pid)
		}
	}
}

func (r *recoveryStore) persist(s *SessionState) {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sweep(now)
	st := *s
	st.Rooms = slices.Clone(s.Rooms)
	r.sessions[s.PID] = storedSession{state: &st, at: now}
}

// restore returns session pid with the packets sent after offset to its
// rooms, or nil; a restored session is removed from the store.
func (r *recoveryStore) restore(pid, offset string) *SessionState {
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.sessions[pid]
	if !ok {
		return nil
	}
	if s.at.Add(r.maxAge).Before(now) {
		delete(r.sessions, pid)
		return nil
	}
	idx := -1
	for i := len(r.packets) - 1; i >= r.head; i-- {
		if r.packets[i].offset == offset {
			idx = i
			break
		}
	}
	if idx < 0 {
		return nil
	}
	delete(r.sessions, pid)
	st := *s.state
	for _, sp := range r.packets[idx+1:] {
		if includes(st.Rooms, sp.rooms, sp.except) {
			st.MissedPackets = append(st.MissedPackets, sp.p)
		}
	}
	return &st
}

// includes reports whether a session in sessionRooms would have received a
// packet sent to rooms except except.
func includes(sessionRooms, rooms, except []string) bool {
	in := len(rooms) == 0
	for _, r := range sessionRooms {
		if slices.Contains(except, r) {
			return false
		}
		if !in && slices.Contains(rooms, r) {
			in = true
		}
	}
	return in
}
