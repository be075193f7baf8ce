package siotest

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogo/sio/client"
)

// Defaults of Options.
const (
	// DefaultMaxEvents is the default bound of a Client's recorder.
	DefaultMaxEvents = 1000
	// DefaultTimeout is the default bound of the kit's waits (Connect,
	// Expect, ExpectDisconnect, Call).
	DefaultTimeout = 10 * time.Second
)

// URL is the address the kit's clients dial; any host is served by the
// kit's handler, over the in-memory network.
const URL = "http://siotest"

// Options configures a Kit. A nil *Options means the defaults; New copies
// the struct.
type Options struct {
	// Client is the base configuration of every client (copied): its
	// Transports choose polling, WebSocket or the upgrade between them
	// (client's default: polling, upgraded to WebSocket). The kit sets
	// HTTPClient and Dialer to its in-memory network, and Logger, when
	// nil, to a logger that discards. Nil means client's defaults.
	Client *client.Options
	// MaxEvents bounds the events each Client's recorder keeps, and the
	// disconnect reasons: beyond it the oldest are dropped (and counted,
	// see Client.Dropped). Default 1000.
	MaxEvents int
	// Timeout bounds Connect and the waits of Expect, ExpectDisconnect and
	// Call. Inside a testing/synctest bubble it is fake time: it passes at
	// once when nothing else can happen. Default 10 s.
	Timeout time.Duration
}

// Kit serves one http.Handler (typically a *socketio.Server) on an
// in-memory network and connects clients to it. New makes one; the test's
// cleanup closes its clients, then the network. All methods are safe for
// concurrent use.
type Kit struct {
	opts      Options
	net       *network
	hs        *http.Server
	serveDone chan struct{} // closed when hs.Serve returned

	mu      sync.Mutex // guards the fields below
	clients map[*Client]struct{}
	closed  bool
}

// New serves h on a new in-memory network and returns the Kit that
// connects clients to it. tb's cleanup closes the kit (see Kit.Close); it
// does not shut h down. To test timers with testing/synctest, call New,
// and create h, inside the bubble.
func New(tb testing.TB, h http.Handler, opts *Options) *Kit {
	tb.Helper()
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MaxEvents <= 0 {
		o.MaxEvents = DefaultMaxEvents
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	k := &Kit{
		opts:      o,
		net:       newNetwork(),
		serveDone: make(chan struct{}),
		clients:   make(map[*Client]struct{}),
	}
	k.hs = &http.Server{Handler: h}
	go func() {
		defer close(k.serveDone)
		_ = k.hs.Serve(k.net)
	}()
	tb.Cleanup(k.Close)
	return k
}

// transport returns an http.Transport and a websocket.Dialer whose
// connections go through g.
func (k *Kit) transport(g *gate) (*http.Transport, *websocket.Dialer) {
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) { return k.net.dial(ctx, g) }
	tr := &http.Transport{
		DialContext:         dial,
		MaxIdleConnsPerHost: 4, // a polling client holds two requests at once
	}
	d := &websocket.Dialer{
		NetDialContext:   dial,
		HandshakeTimeout: k.opts.Timeout,
	}
	return tr, d
}

// Connect connects a new client to the namespace nsp with the auth payload
// (nil for none; it must encode to a JSON object) and returns it once the
// server accepted the socket; it fails tb when the server refuses or
// Options.Timeout passes. Use Dial to test refusals.
func (k *Kit) Connect(tb testing.TB, nsp string, auth any) *Client {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), k.opts.Timeout)
	defer cancel()
	c, err := k.Dial(ctx, nsp, auth, nil)
	if err != nil {
		tb.Fatalf("siotest: connect to %s: %v", nsp, err)
	}
	return c
}

// Dial connects a new client to the namespace nsp with the auth payload
// within ctx; opts, when not nil, replaces Options.Client for this client
// (the kit still sets HTTPClient and Dialer). It returns the error of
// client.Dial or Socket.Connect: a *client.ConnectError when the server
// refuses the socket (the client is closed then). The kit closes the
// client when it closes.
func (k *Kit) Dial(ctx context.Context, nsp string, auth any, opts *client.Options) (*Client, error) {
	var o client.Options
	switch {
	case opts != nil:
		o = *opts
	case k.opts.Client != nil:
		o = *k.opts.Client
	}
	g := &gate{}
	tr, d := k.transport(g)
	o.HTTPClient = &http.Client{Transport: tr}
	o.Dialer = d
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{kit: k, gate: g, tr: tr, rec: newRecorder(k.opts.MaxEvents)}
	k.mu.Lock()
	closed := k.closed
	k.mu.Unlock()
	if closed {
		return nil, ErrClosed
	}
	m, err := client.Dial(ctx, URL, &o)
	if err != nil {
		tr.CloseIdleConnections()
		return nil, err
	}
	c.m = m
	c.Socket = m.Socket(nsp, &client.SocketOptions{Auth: auth})
	c.Socket.OnAny(c.rec.event)
	c.Socket.OnDisconnect(c.rec.disconnect)
	if err := c.Socket.Connect(ctx); err != nil {
		c.Close()
		return nil, err
	}
	// Registered once complete, so that Close never sees it half made; a
	// Close that came meanwhile closed the network under it.
	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		c.Close()
		return nil, ErrClosed
	}
	k.clients[c] = struct{}{}
	k.mu.Unlock()
	return c, nil
}

// forget removes c from the kit's clients.
func (k *Kit) forget(c *Client) {
	k.mu.Lock()
	delete(k.clients, c)
	k.mu.Unlock()
}

// Close closes every client of the kit (resuming the suspended ones first,
// so that each leaves as it would: the server sees "client namespace
// disconnect" and its Engine.IO session closes), then the in-memory
// network and its http.Server, and waits for their goroutines. The test's
// cleanup calls it; it is idempotent. It does not shut the handler down.
func (k *Kit) Close() {
	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		return
	}
	k.closed = true
	clients := make([]*Client, 0, len(k.clients))
	for c := range k.clients {
		clients = append(clients, c)
	}
	k.mu.Unlock()
	for _, c := range clients {
		c.Close()
	}
	_ = k.hs.Close()
	_ = k.net.Close()
	<-k.serveDone
}

// ErrClosed is returned by Dial once the kit is closed.
var ErrClosed = errors.New("siotest: kit closed")
