package client

import (
	"log/slog"
	"sync"
)

// dispatcher runs the application's handlers of one Manager, one at a time
// and in the order the packets that caused them arrived, on a goroutine of
// its own. Events (fed by the server) are bounded by Options.EventQueueSize:
// the reader waits while the queue holds that many. Lifecycle notifications
// (connect, disconnect, reconnection) are few per connection and never wait.
type dispatcher struct {
	log *slog.Logger
	max int

	mu sync.Mutex // guards the fields below
	// queue holds the pending calls; events counts the bounded ones.
	queue  []dispatchItem
	events int
	// noWait makes bounded pushes drop instead of waiting (the Manager is
	// closing); closed makes the loop return once the queue is empty.
	noWait, closed bool
	// cond is signalled when the queue changes or the state above does.
	cond *sync.Cond

	done chan struct{} // closed when the loop returned
}

type dispatchItem struct {
	fn      func()
	bounded bool
}

func newDispatcher(log *slog.Logger, max int) *dispatcher {
	d := &dispatcher{log: log, max: max, done: make(chan struct{})}
	d.cond = sync.NewCond(&d.mu)
	go d.loop()
	return d
}

// push queues fn. A bounded push waits while the queue is full; it reports
// false, dropping fn, when the dispatcher stops taking events.
func (d *dispatcher) push(fn func(), bounded bool) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for bounded && d.events >= d.max && !d.noWait && !d.closed {
		d.cond.Wait()
	}
	if d.closed || (bounded && d.noWait) {
		return false
	}
	d.queue = append(d.queue, dispatchItem{fn, bounded})
	if bounded {
		d.events++
	}
	d.cond.Broadcast()
	return true
}

// stopWaiting makes bounded pushes drop at once from now on.
func (d *dispatcher) stopWaiting() {
	d.mu.Lock()
	d.noWait = true
	d.cond.Broadcast()
	d.mu.Unlock()
}

// close makes the loop return after the calls already queued.
func (d *dispatcher) close() {
	d.mu.Lock()
	d.closed = true
	d.cond.Broadcast()
	d.mu.Unlock()
}

func (d *dispatcher) loop() {
	defer close(d.done)
	for {
		d.mu.Lock()
		for len(d.queue) == 0 && !d.closed {
			d.cond.Wait()
		}
		if len(d.queue) == 0 {
			d.mu.Unlock()
			return
		}
		it := d.queue[0]
		d.queue[0] = dispatchItem{}
		d.queue = d.queue[1:]
		if it.bounded {
			d.events--
		}
		d.cond.Broadcast()
		d.mu.Unlock()
		d.call(it.fn)
	}
}

// call runs one handler, logging a panic instead of crashing.
func (d *dispatcher) call(fn func()) {
	defer func() {
		if r := recover(); r != nil {
			d.log.Error("client: handler panicked", "panic", r)
		}
	}()
	fn()
}
