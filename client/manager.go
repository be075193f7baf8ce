package client

import (
	"context"

	"fmt"
	"math/rand/v2"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/siogo/sio/client/internal/eio"
	"github.com/siogo/sio/socketio/parser"
)

// Close reasons a Socket's disconnect handlers receive, with
// socket.io-client's text.
const (
	// ReasonServerDisconnect: the server disconnected the socket; it does
	// not reconnect.
	ReasonServerDisconnect = "io server disconnect"
	// ReasonClientDisconnect: Socket.Disconnect or Manager.Close.
	ReasonClientDisconnect = "io client disconnect"
	// ReasonPingTimeout: the server stopped pinging.
	ReasonPingTimeout = eio.ReasonPingTimeout
	// ReasonTransportClose: the server closed the connection.
	ReasonTransportClose = eio.ReasonTransportClose
	// ReasonTransportError: the connection failed.
	ReasonTransportError = eio.ReasonTransportError
	// ReasonParseError: the server sent a packet that cannot be decoded.
	ReasonParseError = eio.ReasonParseError
	// ReasonForcedClose: the connection was closed on this side (for
	// example by Manager.Close) while the socket was connected.
	ReasonForcedClose = eio.ReasonForcedClose
)

// Manager is one connection to a Socket.IO server, shared by the Sockets of
// several namespaces (socket.io-client's Manager). Dial opens it; Socket
// returns the Socket of a namespace; Close closes it.
//
// After a lost connection the Manager reconnects with exponential backoff
// and jitter (see Options), then connects again every Socket that was
// connected, with connection state recovery when the server offers it.
type Manager struct {
	endpoint string
	opts     Options
	d        *dispatcher

	ctx    context.Context // canceled by Close: ends reconnection
	cancel context.CancelFunc
	wg     sync.WaitGroup // the reconnection goroutine

	mu sync.Mutex // guards the fields below
	// conn is the current connection, nil while disconnected; gen counts
	// connections, so that callbacks of an old one are ignored.
	conn    *eio.Conn
	gen     uint64
	sockets map[string]*Socket
	closed  bool
	// reconnecting is set while the reconnection goroutine runs.
	reconnecting bool
	backoff      backoff
	onReconnect  []func(attempt int)
	onAttempt    []func(attempt int)
	onRecError   []func(err error)
	onRecFailed  []func()
}

// Dial connects to the Socket.IO server at rawURL (scheme http, https, ws or
// wss, the host, and query parameters to send, with no path: the path is
// Options.Path, and namespaces are chosen with Manager.Socket)
// and returns the Manager once the Engine.IO connection is open. ctx bounds
// the attempt, as does Options.Timeout; a first attempt that fails is not
// retried. Sockets connect with Manager.Socket and Socket.Connect.
func Dial(ctx context.Context, rawURL string, opts *Options) (*Manager, error) {
	o := opts.withDefaults()
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("client: bad URL: %w", err)
	}
	if u.Path != "" && u.Path != "/" {
		return nil, fmt.Errorf("client: URL path %q: the Engine.IO path is Options.Path, and a namespace is chosen with Manager.Socket", u.Path)
	}
	u.Path = "/" + strings.Trim(o.Path, "/") + "/"
	u.Fragment = ""
	random := o.random
	if random == nil {
		random = rand.Float64
	}
	m := &Manager{
		endpoint: u.String(),
		opts:     o,
		d:        newDispatcher(o.Logger, o.EventQueueSize),
		sockets:  make(map[string]*Socket),
		backoff:  backoff{min: o.ReconnectionDelay, max: o.ReconnectionDelayMax, jitter: o.RandomizationFactor, random: random},
	}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	if err := m.open(ctx); err != nil {
		m.cancel()
		m.d.close()
		<-m.d.done
		return nil, err
	}
	return m, nil
}

// open makes one connection attempt and, when it succeeds, connects the
// active sockets over it.
func (m *Manager) open(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, m.opts.Timeout)
	defer cancel()
	m.mu.Lock()
	gen := m.gen + 1
	m.mu.Unlock()
	dec := &parser.Decoder{MaxAttachments: m.opts.MaxAttachments}
	var conn *eio.Conn
	var err error
	conn, err = eio.Dial(ctx, m.endpoint, &eio.Options{
		Transports:     m.opts.Transports,
		NoUpgrade:      m.opts.DisableUpgrade,
		Header:         m.opts.Header,
		HTTPClient:     m.opts.HTTPClient,
		Dialer:         m.opts.Dialer,
		WriteQueueSize: m.opts.WriteQueueSize,
		MaxMessageSize: m.opts.MaxMessageSize,
		Logger:         m.opts.Logger,
		OnMessage:      func(msg eio.Message) { m.onMessage(gen, dec, msg) },
		OnClose:        func(reason string, err error) { m.onClose(gen, reason, err) },
	})
	if err != nil {
		return err
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		_ = conn.Close()
		return ErrClosed
	}
	m.gen, m.conn = gen, conn
	var active []*Socket
	for _, s := range m.sockets {
		active = append(active, s)
	}
	m.mu.Unlock()
	for _, s := range active {
		s.onOpen(conn)
	}
	return nil
}

// current returns the open connection, or nil.
func (m *Manager) current() *eio.Conn {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.conn
}

// ID returns the Engine.IO session id of the current connection, or "".
func (m *Manager) ID() string {
	if c := m.current(); c != nil {
		return c.ID()
	}
	return ""
}

// Transport returns the current transport ("polling" or "websocket"), or ""
// while disconnected.
func (m *Manager) Transport() string {
	if c := m.current(); c != nil {
		return c.Transport()
	}
	return ""
}

// onMessage decodes a message of connection gen, on its reading goroutine,
// and hands the packet to its socket.
func (m *Manager) onMessage(gen uint64, dec *parser.Decoder, msg eio.Message) {
	p, err := dec.Add(msg.Data, msg.Binary)
	m.mu.Lock()
	conn := m.conn
	if gen != m.gen || conn == nil {
		m.mu.Unlock()
		return
	}
	if err != nil {
		m.mu.Unlock()
		m.opts.Logger.Warn("client: malformed packet from server", "err", err)
		conn.Abort(ReasonParseError, err)
		return
	}
	if p == nil {
		m.mu.Unlock()
		return
	}
	s := m.sockets[p.Namespace]
	m.mu.Unlock()
	if s != nil {
		s.onPacket(conn, p)
	}
}

// onClose handles the end of connection gen: every socket is disconnected,
// and the Manager reconnects unless it is closed or told not to.
func (m *Manager) onClose(gen uint64, reason string, err error) {
	m.mu.Lock()
	if gen != m.gen || m.conn == nil {
		m.mu.Unlock()
		return
	}
	m.conn = nil
	closed := m.closed
	var socks []*Socket
	for _, s := range m.sockets {
		socks = append(socks, s)
	}
	m.mu.Unlock()
	m.opts.Logger.Debug("client: connection closed", "reason", reason, "err", err)
	for _, s := range socks {
		s.onClose(reason)
	}
	if !closed && !m.opts.DisableReconnection && reason != ReasonForcedClose {
		m.reconnect()
	}
}

// reconnect starts the reconnection goroutine unless it runs.
func (m *Manager) reconnect() {
	m.mu.Lock()
	if m.reconnecting || m.closed {
		m.mu.Unlock()
		return
	}
	m.reconnecting = true
	m.wg.Add(1)
	m.mu.Unlock()
	go m.reconnectLoop()
}

func (m *Manager) reconnectLoop() {
	defer m.wg.Done()
	for {
		m.mu.Lock()
		if m.closed {
			m.reconnecting = false
			m.mu.Unlock()
			return
		}
		if max := m.opts.ReconnectionAttempts; max > 0 && m.backoff.attempts >= max {
			m.backoff.reset()
			m.reconnecting = false
			fns := m.onRecFailed
			m.mu.Unlock()
			m.opts.Logger.Warn("client: reconnection failed", "attempts", max)
			m.d.push(func() {
				for _, fn := range fns {
					fn()
				}
			}, false)
			return
		}
		delay := m.backoff.duration()
		attempt := m.backoff.attempts
		m.mu.Unlock()
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-m.ctx.Done():
			t.Stop()
			continue
		}
		m.notify(func() []func(int) { return m.onAttempt }, attempt)
		err := m.open(m.ctx)
		if err == nil {
			m.mu.Lock()
			m.backoff.reset()
			m.reconnecting = false
			m.mu.Unlock()
			m.opts.Logger.Debug("client: reconnected", "attempt", attempt)
			m.notify(func() []func(int) { return m.onReconnect }, attempt)
			return
		}
		if m.ctx.Err() != nil {
			continue // closed meanwhile
		}
		m.opts.Logger.Debug("client: reconnection attempt failed", "attempt", attempt, "err", err)
		m.mu.Lock()
		fns := m.onRecError
		m.mu.Unlock()
		m.d.push(func() {
			for _, fn := range fns {
				fn(err)
			}
		}, false)
	}
}

// notify queues a call of the handlers list returns (read under m.mu).
func (m *Manager) notify(list func() []func(int), attempt int) {
	m.mu.Lock()
	fns := list()
	m.mu.Unlock()
	if len(fns) == 0 {
		return
	}
	m.d.push(func() {
		for _, fn := range fns {
			fn(attempt)
		}
	}, false)
}

// OnReconnectAttempt registers fn, called before each reconnection attempt
// with its number (1 for the first).
func (m *Manager) OnReconnectAttempt(fn func(attempt int)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.onAttempt = append(m.onAttempt, fn)
}

// OnReconnect registers fn, called once a reconnection succeeded, with the
// number of the attempt that did.
func (m *Manager) OnReconnect(fn func(attempt int)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.onReconnect = append(m.onReconnect, fn)
}

// OnReconnectError registers fn, called with the error of each failed
// reconnection attempt.
func (m *Manager) OnReconnectError(fn func(err error)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.onRecError = append(m.onRecError, fn)
}

// OnReconnectFailed registers fn, called when Options.ReconnectionAttempts
// attempts failed; the Manager then stays disconnected.
func (m *Manager) OnReconnectFailed(fn func()) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.onRecFailed = append(m.onRecFailed, fn)
}

// Socket returns the Socket of namespace nsp ("/" when empty), creating it,
// not connected, on first use; later calls return the same Socket. opts
// applies only on creation.
func (m *Manager) Socket(nsp string, opts *SocketOptions) *Socket {
	if nsp == "" {
		nsp = "/"
	}
	if !strings.HasPrefix(nsp, "/") {
		nsp = "/" + nsp
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.sockets[nsp]; ok {
		return s
	}
	s := newSocket(m, nsp, opts)
	m.sockets[nsp] = s
	return s
}

// Close disconnects every connected Socket (the server sees "client
// namespace disconnect"), closes the connection after what is queued was
// written (waiting at most 5 s), and stops reconnecting. The packets still
// in a send buffer or retry queue are dropped: their EmitWithAck calls
// return ErrClosed, as Emit and EmitWithAck do afterwards. The handlers
// already queued, and the disconnect handlers, still run, on the
// dispatching goroutine, which returns afterwards (see Done). Close may be
// called from a handler. It is idempotent.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	conn := m.conn
	var socks []*Socket
	for _, s := range m.sockets {
		socks = append(socks, s)
	}
	m.mu.Unlock()
	m.cancel()
	m.d.stopWaiting()
	for _, s := range socks {
		s.Disconnect()
		s.shutdown()
	}
	if conn != nil {
		_ = conn.Close()
	}
	m.wg.Wait()
	m.d.close()
	return nil
}

// Done returns a channel closed once the Manager is closed and its last
// handler returned.
func (m *Manager) Done() <-chan struct{} { return m.d.done }
