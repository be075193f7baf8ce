// Package adapterobs records what cluster adapters report through
// [socketio.Observer].AdapterMessage and AdapterError, for the tests of the
// adapters and of socketio/metrics.
package adapterobs

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/siogo/sio/socketio"
)

// Recorder counts the adapter messages and errors reported to its
// observer, by namespace name.
type Recorder struct {
	mu     sync.Mutex     // guards counts
	counts map[string]int // "nsp dir kind" and "nsp error op"
}

// New returns an empty Recorder.
func New() *Recorder { return &Recorder{counts: make(map[string]int)} }

// Observer returns an observer feeding r.
func (r *Recorder) Observer() *socketio.Observer {
	return &socketio.Observer{
		AdapterMessage: func(nsp *socketio.Namespace, direction, kind string) {
			r.add(nsp.Name() + " " + direction + " " + kind)
		},
		AdapterError: func(nsp *socketio.Namespace, op string, err error) {
			if err == nil {
				panic("adapterobs: AdapterError without error")
			}
			r.add(nsp.Name() + " error " + op)
		},
	}
}

func (r *Recorder) add(k string) {
	r.mu.Lock()
	r.counts[k]++
	r.mu.Unlock()
}

// Count returns how many messages of nsp went in direction with kind.
func (r *Recorder) Count(nsp, direction, kind string) int {
	return r.get(nsp + " " + direction + " " + kind)
}

// Errors returns how many errors of op nsp had.
func (r *Recorder) Errors(nsp, op string) int { return r.get(nsp + " error " + op) }

func (r *Recorder) get(k string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts[k]
}

// Snapshot returns a copy of the counts, keyed "nsp direction kind" and
// "nsp error op".
func (r *Recorder) Snapshot() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.counts)
}

// Wait polls until cond holds or ctx ends (then it returns an error
// naming what and the counts).
func (r *Recorder) Wait(ctx context.Context, what string, cond func() bool) error {
	for !cond() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("timed out waiting for %s; counts %v", what, r.Snapshot())
		case <-time.After(5 * time.Millisecond):
		}
	}
	return nil
}
