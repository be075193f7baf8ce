package shardch

import (
	"sync"
	"time"

	"github.com/siogo/sio/socketio/redisadapter/internal/cluster"
)

// MaxRecent bounds the rooms a [Recent] remembers; past it, every
// single-room broadcast goes on the namespace's channel until the grace
// period of the rooms it could not remember ends.
const MaxRecent = 4096

// Recent picks the channel of a broadcast like [Publish], except for the
// rooms that a SOCKETS_JOIN or SOCKETS_LEAVE of the same publisher named
// less than Grace ago: their broadcasts go on the namespace's channel.
//
// A server subscribes to a room's channel when it handles the
// SOCKETS_JOIN that puts one of its sockets in the room, which it receives
// on the namespace's channel; a broadcast published on the room's channel
// right after the join can reach Redis before that subscription and be
// lost (Node's sharded adapter has this race), and one published right
// after a SOCKETS_LEAVE can be handled before the leave, on another
// connection. On the namespace's channel, which every server of every mode
// subscribes to, the broadcast comes after the join or leave, in order.
// Grace must exceed the time a server takes to handle the join and
// subscribe (the adapters use the request timeout).
type Recent struct {
	Grace time.Duration

	// mu guards until and all.
	mu    sync.Mutex
	until map[string]time.Time // room channel -> end of its grace period
	all   time.Time            // every room until then (overflow)
}

// Note remembers the separate-channel rooms of m, a message about to be
// published on nspChannel in mode, when it is a SOCKETS_JOIN or
// SOCKETS_LEAVE.
func (r *Recent) Note(nspChannel, mode string, m *cluster.Message) {
	if m.Type != cluster.SocketsJoin && m.Type != cluster.SocketsLeave {
		return
	}
	now := time.Now()
	end := now.Add(r.Grace)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, room := range m.Rooms {
		if !Separate(mode, room) {
			continue
		}
		if r.until == nil {
			r.until = make(map[string]time.Time)
		}
		ch := Room(nspChannel, room)
		if _, ok := r.until[ch]; !ok && len(r.until) >= MaxRecent {
			r.prune(now)
			if len(r.until) >= MaxRecent {
				r.all = end
				continue
			}
		}
		r.until[ch] = end
	}
}

// prune forgets the rooms whose grace period ended. r.mu is held.
func (r *Recent) prune(now time.Time) {
	for ch, end := range r.until {
		if !now.Before(end) {
			delete(r.until, ch)
		}
	}
}

// Channel returns the channel to publish m on: [Publish]'s, unless it is a
// room's channel in its grace period.
func (r *Recent) Channel(nspChannel, mode string, m *cluster.Message) string {
	ch := Publish(nspChannel, mode, m)
	if ch == nspChannel {
		return ch
	}
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	if now.Before(r.all) {
		return nspChannel
	}
	end, ok := r.until[ch]
	if !ok {
		return ch
	}
	if now.Before(end) {
		return nspChannel
	}
	delete(r.until, ch)
	return ch
}
