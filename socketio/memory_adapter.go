package socketio

import (
	"context"
	"slices"
	"sync"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio/parser"
)

// MemoryAdapter is the default [Adapter]: rooms and broadcasts of one
// server, plus, when connection state recovery is on, the sessions and
// packets kept for recovery. A cluster adapter embeds it for the local
// part of its work.
//
// It sees its namespace only through [AdapterNamespace], and its sockets
// through their exported methods: an adapter of another package could be
// written the same way.
type MemoryAdapter struct {
	nsp AdapterNamespace

	mu sync.RWMutex // guards rooms and sids
	// rooms maps a room to its sockets, except that a socket's own room
	// (named by its id) is not listed for that socket: see sidRooms.
	rooms map[string]map[string]struct{}
	sids  map[string]sidRooms // socket id -> its rooms

	rec *recoveryStore // nil when recovery is off
}

// sidRooms holds the rooms of one socket. Every socket joins the room
// named by its own id, and most join no other: that membership is the
// flag self, not an entry of MemoryAdapter.rooms, so that a socket in no
// other room costs no map of its own.
type sidRooms struct {
	self   bool                // in the room named by the socket's id
	others map[string]struct{} // the other rooms; nil until one
}

// NewMemoryAdapter returns the in-memory adapter of nsp (a *[Namespace],
// as the factory of Options.Adapter gets).
func NewMemoryAdapter(nsp AdapterNamespace) *MemoryAdapter {
	a := &MemoryAdapter{
		nsp:   nsp,
		rooms: make(map[string]map[string]struct{}),
		sids:  make(map[string]sidRooms),
	}
	if r := nsp.ConnectionStateRecovery(); r != nil {
		a.rec = newRecoveryStore(r)
	}
	return a
}

// Namespace returns the adapter's namespace.
func (a *MemoryAdapter) Namespace() AdapterNamespace { return a.nsp }

// AddAll implements [Adapter].
func (a *MemoryAdapter) AddAll(id string, rooms []string) {
	n, joined := a.roomHook(true)
	var added []string // for the observer
	a.mu.Lock()
	defer func() {
		a.mu.Unlock()
		for _, r := range added {
			joined(n, id, r)
		}
	}()
	mine := a.sids[id]
	for _, r := range rooms {
		if r == id {
			if joined != nil && !mine.self {
				added = append(added, r)
			}
			mine.self = true
			continue
		}
		if _, ok := mine.others[r]; joined != nil && !ok {
			added = append(added, r)
		}
		if mine.others == nil {
			mine.others = make(map[string]struct{}, len(rooms))
		}
		mine.others[r] = struct{}{}
		members := a.rooms[r]
		if members == nil {
			members = make(map[string]struct{}, 1)
			a.rooms[r] = members
		}
		members[id] = struct{}{}
	}
	a.sids[id] = mine
}

// Del implements [Adapter].
func (a *MemoryAdapter) Del(id, room string) {
	a.mu.Lock()
	mine, ok := a.sids[id]
	var was bool // id was in room
	if ok && room == id {
		was = mine.self
		mine.self = false
		a.sids[id] = mine
	} else {
		_, was = mine.others[room]
		a.del(id, room)
	}
	a.mu.Unlock()
	if n, left := a.roomHook(false); left != nil && was {
		left(n, id, room)
	}
}

// del removes id from room, which is not id's own. a.mu is held.
func (a *MemoryAdapter) del(id, room string) {
	delete(a.sids[id].others, room)
	if members := a.rooms[room]; members != nil {
		delete(members, id)
		if len(members) == 0 {
			delete(a.rooms, room)
		}
	}
}

// DelAll implements [Adapter].
func (a *MemoryAdapter) DelAll(id string) {
	n, left := a.roomHook(false)
	var removed []string // for the observer
	a.mu.Lock()
	mine := a.sids[id]
	if left != nil && mine.self {
		removed = append(removed, id)
	}
	for r := range mine.others {
		if left != nil {
			removed = append(removed, r)
		}
		a.del(id, r)
	}
	delete(a.sids, id)
	a.mu.Unlock()
	for _, r := range removed {
		left(n, id, r)
	}
}

// roomHook returns the Observer's RoomJoined (join) or RoomLeft hook of
// the adapter's namespace, nil when there is none.
func (a *MemoryAdapter) roomHook(join bool) (*Namespace, func(nsp *Namespace, id, room string)) {
	n, ok := a.nsp.(*Namespace)
	if !ok || n == nil {
		return nil, nil
	}
	joined, left := n.RoomObserver()
	if join {
		return n, joined
	}
	return n, left
}

// SocketRooms implements [Adapter].
func (a *MemoryAdapter) SocketRooms(id string) []string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	mine, ok := a.sids[id]
	if !ok {
		return nil
	}
	out := make([]string, 0, len(mine.others)+1)
	if mine.self {
		out = append(out, id)
	}
	for r := range mine.others {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// members calls fn for each socket id in room r. a.mu is held.
func (a *MemoryAdapter) members(r string, fn func(id string)) {
	for id := range a.rooms[r] {
		fn(id)
	}
	// A socket in its own room is not in a.rooms[r] (see sidRooms).
	if a.sids[r].self {
		fn(r)
	}
}

// Sockets implements [Adapter].
func (a *MemoryAdapter) Sockets(rooms []string) []string {
	var out []string
	a.each(&BroadcastOptions{Rooms: rooms}, func(s *Socket) { out = append(out, s.ID()) })
	return out
}

// Rooms implements [Adapter].
func (a *MemoryAdapter) Rooms() []string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	out := make([]string, 0, len(a.rooms)+len(a.sids))
	for r := range a.rooms {
		out = append(out, r)
	}
	for id, mine := range a.sids {
		if _, listed := a.rooms[id]; mine.self && !listed {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return out
}

// selection is the scratch space of a broadcast: the ids it selects, then
// their sockets. selections recycles them, so that a broadcast allocates
// nothing per receiver.
type selection struct {
	ids     []string
	sockets []*Socket
}

var selections = sync.Pool{New: func() any { return new(selection) }}

// collectIDs appends the ids of the local sockets that opts selects, each
// once.
func (a *MemoryAdapter) collectIDs(dst []string, opts *BroadcastOptions) []string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	var except map[string]struct{}
	if len(opts.Except) > 0 {
		except = make(map[string]struct{})
		for _, r := range opts.Except {
			a.members(r, func(id string) { except[id] = struct{}{} })
		}
	}
	add := func(id string) {
		if _, ok := except[id]; !ok {
			dst = append(dst, id)
		}
	}
	switch len(opts.Rooms) {
	case 0:
		dst = slices.Grow(dst, len(a.sids))
		for id := range a.sids {
			add(id)
		}
	case 1:
		dst = slices.Grow(dst, len(a.rooms[opts.Rooms[0]])+1)
		a.members(opts.Rooms[0], add)
	default:
		seen := make(map[string]struct{})
		for _, r := range opts.Rooms {
			a.members(r, func(id string) {
				if _, ok := seen[id]; !ok {
					seen[id] = struct{}{}
					add(id)
				}
			})
		}
	}
	return dst
}

// each calls fn for each local socket that opts selects, outside of the
// adapter's locks.
func (a *MemoryAdapter) each(opts *BroadcastOptions, fn func(s *Socket)) {
	a.eachOf(opts, nil, fn)
}

// eachOf is each, calling before (when not nil) with the number of
// selected sockets first. The ids are collected under a.mu, and their
// sockets looked up from the namespace after a.mu is released.
func (a *MemoryAdapter) eachOf(opts *BroadcastOptions, before func(n int), fn func(s *Socket)) {
	sel := selections.Get().(*selection)
	sel.ids = a.collectIDs(sel.ids[:0], opts)
	sel.sockets = a.nsp.AppendSockets(sel.sockets[:0], sel.ids)
	clear(sel.ids)
	list := sel.sockets
	if before != nil {
		before(len(list))
	}
	for _, s := range list {
		fn(s)
	}
	clear(list)
	selections.Put(sel)
}

// Broadcast implements [Adapter]: it encodes p once and queues the same
// messages on every selected socket's connection. With recovery on, an
// event without ack id that is not volatile gets an offset as its last
// argument and is kept for replay.
func (a *MemoryAdapter) Broadcast(_ context.Context, p *parser.Packet, opts *BroadcastOptions) error {
	if a.rec != nil && p.Type == parser.Event && p.ID == parser.NoID && !opts.Flags.Volatile {
		p = a.rec.store(p, opts)
	}
	a.Deliver(p, opts)
	return nil
}

// Deliver encodes p once and queues it on every local socket that opts
// selects, without keeping it for recovery: for cluster adapters that add
// offsets of their own (a stream's, say) before delivering.
func (a *MemoryAdapter) Deliver(p *parser.Packet, opts *BroadcastOptions) {
	msgs := a.nsp.Encode(p)
	volatile := opts.Flags.Volatile
	a.eachOf(opts, func(n int) { shareMessages(msgs, n) }, func(s *Socket) { s.Deliver(p, msgs, volatile) })
}

// shareMessages turns msgs into shared Engine.IO messages when they go to
// more than one receiver, so that their WebSocket frames are built once
// for all the receivers instead of once per receiver.
func shareMessages(msgs []engineio.Message, receivers int) {
	if receivers < 2 {
		return
	}
	for i, m := range msgs {
		msgs[i] = engineio.NewSharedMessage(m.Data, m.Binary)
	}
}

// BroadcastWithAck implements [Adapter]. All receivers get the same ack id,
// unique in the namespace, so the packet is encoded once.
func (a *MemoryAdapter) BroadcastWithAck(ctx context.Context, p *parser.Packet, opts *BroadcastOptions, clientCount func(int), ack func(*Args)) error {
	q := *p
	q.ID = a.nsp.NextAckID()
	msgs := a.nsp.Encode(&q)
	var sent []*Socket
	a.eachOf(opts, func(n int) { shareMessages(msgs, n) }, func(s *Socket) {
		if s.ExpectAck(q.ID, ack) && s.Deliver(&q, msgs, opts.Flags.Volatile) {
			sent = append(sent, s)
		} else {
			s.CancelAck(q.ID)
		}
	})
	clientCount(len(sent))
	if len(sent) > 0 {
		context.AfterFunc(ctx, func() {
			for _, s := range sent {
				s.CancelAck(q.ID)
			}
		})
	}
	return nil
}

// ServerCount implements [Adapter]: one server.
func (a *MemoryAdapter) ServerCount(context.Context) (int, error) { return 1, nil }

// FetchSockets implements [Adapter] for the local sockets.
func (a *MemoryAdapter) FetchSockets(_ context.Context, opts *BroadcastOptions) ([]*RemoteSocket, error) {
	var out []*RemoteSocket
	a.each(opts, func(s *Socket) {
		out = append(out, &RemoteSocket{ID: s.ID(), Handshake: s.Handshake(), Rooms: a.SocketRooms(s.ID()), Data: s.Data()})
	})
	return out, nil
}

// AddSockets implements [Adapter] for the local sockets.
func (a *MemoryAdapter) AddSockets(_ context.Context, opts *BroadcastOptions, rooms []string) error {
	a.each(opts, func(s *Socket) { a.AddAll(s.ID(), rooms) })
	return nil
}

// DelSockets implements [Adapter] for the local sockets.
func (a *MemoryAdapter) DelSockets(_ context.Context, opts *BroadcastOptions, rooms []string) error {
	a.each(opts, func(s *Socket) {
		for _, r := range rooms {
			a.Del(s.ID(), r)
		}
	})
	return nil
}

// DisconnectSockets implements [Adapter] for the local sockets.
func (a *MemoryAdapter) DisconnectSockets(_ context.Context, opts *BroadcastOptions, close bool) error {
	var list []*Socket
	a.each(opts, func(s *Socket) { list = append(list, s) })
	for _, s := range list {
		s.Disconnect(close)
	}
	return nil
}

// ServerSideEmit implements [Adapter]: there are no other servers, so
// nothing is sent and no response awaited.
func (a *MemoryAdapter) ServerSideEmit(context.Context, []byte, bool) ([]*Args, error) {
	return nil, nil
}

// PersistSession implements [Adapter].
func (a *MemoryAdapter) PersistSession(s *SessionState) {
	if a.rec != nil {
		a.rec.persist(s)
	}
}

// RestoreSession implements [Adapter].
func (a *MemoryAdapter) RestoreSession(_ context.Context, pid, offset string) (*SessionState, error) {
	if a.rec == nil {
		return nil, nil
	}
	return a.rec.restore(pid, offset), nil
}

// Close implements [Adapter].
func (a *MemoryAdapter) Close() error { return nil }
