package chat

import (
	"sync"
	"time"
)

// Message is one chat message, as broadcast in "message" and listed in the
// history of "joined".
type Message struct {
	// ID is unique within the process, increasing in send order.
	ID int64 `json:"id"`
	// Room is the room the message was sent to.
	Room string `json:"room"`
	// User is the sender's name.
	User string `json:"user"`
	// Text is the message.
	Text string `json:"text"`
	// Time is when the server received it, in milliseconds since the Unix
	// epoch (what JavaScript's Date takes).
	Time int64 `json:"time"`
}

// History keeps the last messages of each room, shared by every connection.
//
// Bounds: at most perRoom messages per room (the oldest are dropped first)
// and at most maxRooms rooms; when a message arrives for a new room and
// maxRooms rooms have history, the history of the room with the oldest
// last message is dropped. The memory it holds is therefore bounded by
// maxRooms × perRoom × (the largest message the handlers accept).
//
// History is safe for concurrent use: a mutex guards it.
type History struct {
	perRoom  int
	maxRooms int

	mu     sync.Mutex
	nextID int64
	rooms  map[string]*roomLog
}

// roomLog is one room's history, oldest first.
type roomLog struct {
	msgs []Message
	last int64 // ID of the newest message, for eviction
}

// NewHistory returns an empty history keeping perRoom messages for each of
// at most maxRooms rooms. Values below 1 mean 1.
func NewHistory(perRoom, maxRooms int) *History {
	return &History{
		perRoom:  max(perRoom, 1),
		maxRooms: max(maxRooms, 1),
		nextID:   1,
		rooms:    make(map[string]*roomLog),
	}
}

// Append records a message from user in room at time now and returns it
// with its ID.
func (h *History) Append(room, user, text string, now time.Time) Message {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := Message{ID: h.nextID, Room: room, User: user, Text: text, Time: now.UnixMilli()}
	h.nextID++
	r := h.rooms[room]
	if r == nil {
		if len(h.rooms) >= h.maxRooms {
			h.evictLocked()
		}
		r = &roomLog{msgs: make([]Message, 0, min(h.perRoom, 8))}
		h.rooms[room] = r
	}
	if len(r.msgs) == h.perRoom {
		copy(r.msgs, r.msgs[1:])
		r.msgs = r.msgs[:len(r.msgs)-1]
	}
	r.msgs = append(r.msgs, m)
	r.last = m.ID
	return m
}

// evictLocked drops the room whose newest message is the oldest.
func (h *History) evictLocked() {
	var victim string
	oldest := int64(-1)
	for name, r := range h.rooms {
		if oldest < 0 || r.last < oldest {
			victim, oldest = name, r.last
		}
	}
	delete(h.rooms, victim)
}

// Recent returns a copy of room's history, oldest first; an empty, non-nil
// slice when the room has none (so that it encodes as []).
func (h *History) Recent(room string) []Message {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.rooms[room]
	if r == nil {
		return []Message{}
	}
	return append([]Message(nil), r.msgs...)
}

// Rooms returns the number of rooms with history.
func (h *History) Rooms() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.rooms)
}
