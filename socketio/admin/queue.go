package admin

import "sync"

// uiEvent is an event waiting to be sent to the UIs.
type uiEvent struct {
	name string
	args []any
	size int // the bytes it holds, counted against the queue's bound
}

// queue holds the events for the UIs between the server's goroutines,
// which report them from Observer hooks and must not block, and the
// admin's own goroutine, which emits them. It holds at most max bytes:
// beyond, new events are dropped and counted.
type queue struct {
	max  int
	wake chan struct{} // signaled when events were added

	mu      sync.Mutex // guards items, bytes and dropped
	items   []uiEvent
	bytes   int
	dropped int64
}

func newQueue(max int) *queue {
	return &queue{max: max, wake: make(chan struct{}, 1)}
}

// eventOverhead is the size counted for an event besides its arguments'
// bytes (the serialized socket, the names, the time).
const eventOverhead = 256

// push adds an event, or drops it when the queue is full.
func (q *queue) push(e uiEvent) {
	e.size += eventOverhead
	q.mu.Lock()
	if q.bytes+e.size > q.max {
		q.dropped++
		q.mu.Unlock()
		return
	}
	q.items = append(q.items, e)
	q.bytes += e.size
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// take returns the waiting events and empties the queue.
func (q *queue) take() []uiEvent {
	q.mu.Lock()
	defer q.mu.Unlock()
	items := q.items
	q.items = nil
	q.bytes = 0
	return items
}

// droppedCount returns the number of events dropped so far.
func (q *queue) droppedCount() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.dropped
}
