package socketio

import (
	"context"
	"sync"
)

// tracker counts the goroutines the server started (event workers, close
// callbacks), so that Shutdown can wait for them. Unlike a
// sync.WaitGroup, it allows starting goroutines while someone waits.
type tracker struct {
	mu   sync.Mutex
	n    int
	idle chan struct{} // closed when n drops to 0; nil when nobody waits
}

// Add counts n more goroutines.
func (t *tracker) Add(n int) {
	t.mu.Lock()
	t.n += n
	t.mu.Unlock()
}

// Done counts one goroutine less.
func (t *tracker) Done() {
	t.mu.Lock()
	t.n--
	if t.n == 0 && t.idle != nil {
		close(t.idle)
		t.idle = nil
	}
	t.mu.Unlock()
}

// Wait waits until no tracked goroutine runs, or ctx is done.
func (t *tracker) Wait(ctx context.Context) error {
	t.mu.Lock()
	if t.n == 0 {
		t.mu.Unlock()
		return nil
	}
	if t.idle == nil {
		t.idle = make(chan struct{})
	}
	ch := t.idle
	t.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
