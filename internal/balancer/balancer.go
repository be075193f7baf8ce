// Package balancer is a load balancer for tests: two Socket.IO (or
// Engine.IO) servers behind one handler, the way a sticky-session balancer
// fronts them in production. New connections go to the first server while
// it is in rotation, then to the second (as once the first's health check
// fails); the requests of a long-polling session stick to the server whose
// handshake made it.
package balancer

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
)

// Balancer is the handler in front of the two servers.
type Balancer struct {
	first, second http.Handler
	firstUp       atomic.Bool

	mu     sync.Mutex // guards sticky
	sticky map[string]http.Handler
}

// New returns a Balancer sending new connections to first.
func New(first, second http.Handler) *Balancer {
	b := &Balancer{first: first, second: second, sticky: make(map[string]http.Handler)}
	b.firstUp.Store(true)
	return b
}

// TakeFirstOut sends the new connections to the second server from now on;
// the sessions made on the first still reach it.
func (b *Balancer) TakeFirstOut() { b.firstUp.Store(false) }

// ServeHTTP routes an Engine.IO request.
func (b *Balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if sid := r.URL.Query().Get("sid"); sid != "" {
		b.mu.Lock()
		h := b.sticky[sid]
		b.mu.Unlock()
		if h == nil {
			http.Error(w, "balancer: unknown sid", http.StatusBadRequest)
			return
		}
		h.ServeHTTP(w, r)
		return
	}
	h := b.second
	if b.firstUp.Load() {
		h = b.first
	}
	if r.URL.Query().Get("transport") != "polling" {
		h.ServeHTTP(w, r) // a WebSocket: no later request to route
		return
	}
	// A polling handshake: read the sid in the open packet.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if body := rec.Body.Bytes(); rec.Code == http.StatusOK && len(body) > 0 && body[0] == '0' {
		if end := bytes.IndexByte(body, 0x1e); end > 0 {
			body = body[:end]
		}
		var open struct {
			SID string `json:"sid"`
		}
		if json.Unmarshal(body[1:], &open) == nil && open.SID != "" {
			b.mu.Lock()
			b.sticky[open.SID] = h
			b.mu.Unlock()
		}
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}
