package engineio

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// This file holds the cluster test environment: an in-memory ClusterBus
// and servers behind a round-robin handler.

// memHub connects the memBuses of a test cluster.
type memHub struct {
	// mu guards nodes.
	mu    sync.Mutex
	nodes map[string]*memBus
	// counts counts the messages published, by type.
	counts [ClusterMsgPacketAck + 1]atomic.Int64
}

func newMemHub() *memHub { return &memHub{nodes: make(map[string]*memBus)} }

// memBus is a ClusterBus delivering through a queue per node, one
// goroutine each, in publishing order.
type memBus struct {
	hub *memHub
	id  string
	in  chan *ClusterMessage

	// mu guards fn.
	mu   sync.Mutex
	fn   func(*ClusterMessage)
	done chan struct{}
}

// join adds a node to the hub; it leaves (detach) at cleanup.
func (h *memHub) join(t testing.TB) *memBus {
	h.mu.Lock()
	b := &memBus{hub: h, id: "n" + strconv.Itoa(len(h.nodes)), in: make(chan *ClusterMessage, 1<<14), done: make(chan struct{})}
	h.nodes[b.id] = b
	h.mu.Unlock()
	go func() {
		defer close(b.done)
		for m := range b.in {
			b.mu.Lock()
			fn := b.fn
			b.mu.Unlock()
			if fn != nil {
				fn(m)
			}
		}
	}()
	t.Cleanup(b.detach)
	return b
}

// detach takes the node off the hub, as a crash would: nothing more
// reaches it, and what it publishes is lost.
func (b *memBus) detach() {
	b.hub.mu.Lock()
	_, ok := b.hub.nodes[b.id]
	delete(b.hub.nodes, b.id)
	if ok {
		close(b.in)
	}
	b.hub.mu.Unlock()
	<-b.done
}

func (b *memBus) NodeID() string { return b.id }

func (b *memBus) Handle(fn func(*ClusterMessage)) {
	b.mu.Lock()
	b.fn = fn
	b.mu.Unlock()
}

func (b *memBus) Publish(_ context.Context, msgs ...*ClusterMessage) error {
	h := b.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.nodes[b.id] == nil {
		return nil // detached: lost
	}
	for _, m := range msgs {
		h.counts[m.Type].Add(1)
		for id, n := range h.nodes {
			if id != b.id && (m.RecipientID == "" || m.RecipientID == id) {
				c := *m
				n.in <- &c
			}
		}
	}
	return nil
}

// total returns the number of messages published.
func (h *memHub) total() int64 {
	var n int64
	for i := range h.counts {
		n += h.counts[i].Load()
	}
	return n
}

// rrHandler sends every request to the next server.
type rrHandler struct {
	srvs []*Server
	next atomic.Uint64
}

func (h *rrHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := (h.next.Add(1) - 1) % uint64(len(h.srvs))
	h.srvs[i].ServeHTTP(w, r)
}

// clusterEnv is an env whose requests go round-robin to n servers sharing a
// memHub (the first is env.srv).
type clusterEnv struct {
	*env
	hub   *memHub
	srvs  []*Server
	buses []*memBus
}

// newClusterEnv starts n servers configured by opts (its Cluster is set
// here), in a cluster, behind a round-robin handler; their sessions echo.
func newClusterEnv(t testing.TB, n int, opts Options, inMemory bool) *clusterEnv {
	t.Helper()
	ce := &clusterEnv{hub: newMemHub()}
	e := &env{
		t:        t,
		sessions: make(chan *Session, 1024),
		closes:   make(chan closeEvent, 1024),
		wait:     10 * time.Second,
	}
	ce.env = e
	rr := &rrHandler{}
	for range n {
		bus := ce.hub.join(t)
		o := opts
		co := ClusterOptions{Bus: bus}
		if opts.Cluster != nil {
			co = *opts.Cluster
			co.Bus = bus
		}
		o.Cluster = &co
		srv := NewServer(&o)
		srv.OnConnection(func(s *Session) {
			s.OnClose(func(reason CloseReason, err error) {
				e.closes <- closeEvent{s.ID(), reason, err}
			})
			s.OnMessage(func(m Message) { _ = s.Send(m) })
			e.sessions <- s
		})
		ce.srvs = append(ce.srvs, srv)
		ce.buses = append(ce.buses, bus)
	}
	e.srv = ce.srvs[0]
	rr.srvs = ce.srvs
	path := e.srv.cfg.path
	shutdown := func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for _, s := range ce.srvs {
			_ = s.Shutdown(ctx)
		}
	}
	if inMemory {
		l := newPipeListener()
		hs := &http.Server{Handler: rr}
		go func() { _ = hs.Serve(l) }()
		tr := &http.Transport{DialContext: func(context.Context, string, string) (net.Conn, error) { return l.dial() }}
		e.http = &http.Client{Transport: tr}
		e.dialer = &websocket.Dialer{NetDialContext: func(context.Context, string, string) (net.Conn, error) { return l.dial() }}
		e.rawDial = l.dial
		e.base = "http://eio.test" + path
		e.wait = time.Hour // fake time
		t.Cleanup(func() {
			shutdown()
			e.closeClients()
			_ = hs.Close()
			tr.CloseIdleConnections()
		})
		return ce
	}
	hs := httptest.NewServer(rr)
	tr := &http.Transport{}
	e.http = &http.Client{Transport: tr}
	e.dialer = &websocket.Dialer{}
	e.base = hs.URL + path
	e.rawDial = func() (net.Conn, error) { return net.Dial("tcp", hs.Listener.Addr().String()) }
	t.Cleanup(func() {
		shutdown()
		e.closeClients()
		hs.Close()
		tr.CloseIdleConnections()
	})
	return ce
}
