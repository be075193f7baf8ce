package socketio

import (
	"bytes"
	"context"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio/parser"
)

// engineConn is what the server needs of an Engine.IO session; tests and
// benchmarks use fakes.
type engineConn interface {
	ID() string
	Transport() string
	Handshake() *engineio.Handshake // nil when there is no request
	Send(msgs ...engineio.Message) error
	SendWait(ctx context.Context, msgs ...engineio.Message) error
	SendVolatile(msgs ...engineio.Message) bool
	Closing() <-chan struct{}
	Close()
}

// client is one Engine.IO connection, multiplexing sockets of several
// namespaces (Node's Client).
type client struct {
	srv  *Server
	conn engineConn
	// dec is the decoding state while a binary packet awaits attachments,
	// nil between packets (see onMessage); used only from onMessage,
	// which engineio serializes.
	dec *decoding
	// events is the connection's bucket of Options.EventsPerSecond, nil
	// without a limit; flooded is set once it disconnected the sockets
	// (see flood). Both are used only from onMessage.
	events  *rate.Limiter
	flooded bool

	mu sync.Mutex // guards the fields below
	// sockets are the connecting or connected sockets, one per namespace
	// (at most Options.MaxNamespacesPerConnection; mostly one, which a
	// slice holds in fewer bytes than a map).
	sockets []*Socket
	closed  bool
	// timer closes a connection that joins no namespace in time; nil once
	// a namespace is joined. After a flood it closes the connection
	// floodGrace later (see flood).
	timer *time.Timer
	// expired is set when the timer fired while connect steps were still
	// under way: the last of them to fail closes the connection.
	expired bool
	// refusing counts the refusals (Socket.reject) between removing their
	// socket and sending its CONNECT_ERROR: the timer leaves the closing to
	// them, so that the refusal goes out before the connection closes.
	refusing int
	// flooding is set when timer is flood's, which a namespace joined
	// meanwhile (a connect step that was under way) does not stop.
	flooding bool
}

// CONNECT_ERROR payloads of a CONNECT the server refuses by itself.
var (
	// invalidNamespace: no such namespace (Node's message), or a name
	// longer than Options.MaxNamespaceLength.
	invalidNamespace = []byte(`{"message":"Invalid namespace"}`)
	// tooManyNamespaces: the connection has Options.MaxNamespacesPerConnection
	// namespaces, or the server Options.MaxDynamicNamespaces children.
	tooManyNamespaces = []byte(`{"message":"Too many namespaces"}`)
)

func newClient(s *Server, conn engineConn) *client {
	c := &client{srv: s, conn: conn}
	if o := s.opts; o.EventsPerSecond > 0 {
		c.events = rate.NewLimiter(rate.Limit(o.EventsPerSecond), o.EventBurst)
	}
	c.mu.Lock()
	c.timer = time.AfterFunc(s.opts.ConnectTimeout, c.connectTimeout)
	c.mu.Unlock()
	return c
}

// socketLocked returns the socket of namespace name, or nil. c.mu is held.
func (c *client) socketLocked(name string) *Socket {
	for _, s := range c.sockets {
		if s.nsp.name == name {
			return s
		}
	}
	return nil
}

func (c *client) connectTimeout() {
	c.mu.Lock()
	idle := len(c.sockets) == 0 && c.refusing == 0 && !c.closed
	if !idle {
		// Connect steps are under way; each is bounded by ConnectTimeout
		// too, and the last to fail closes the connection (Socket.reject).
		c.expired = true
	}
	c.mu.Unlock()
	if idle {
		c.srv.log.Debug("socketio: no namespace joined in time, closing", "engine_id", c.conn.ID())
		c.closeWith(ReasonForcedServerClose)
	}
}

// decoding is a packet decoder and the packet it decodes into.
type decoding struct {
	dec parser.Decoder
	pkt parser.Packet
}

// decodings holds the decoders of connections between packets: a
// connection takes one for a packet and gives it back once the packet is
// handled (or keeps it while a binary packet awaits its attachments), so
// that an idle connection holds none. The decoders' caches of event names
// and namespaces are then shared by the connections, which is all they
// are: strings equal to the bytes they were made of.
var decodings = sync.Pool{New: func() any { return new(decoding) }}

// onMessage handles one Engine.IO message.
func (c *client) onMessage(m engineio.Message) {
	if c.flooded {
		return
	}
	d := c.dec
	if d == nil {
		d = decodings.Get().(*decoding)
		d.dec.MaxAttachments = c.srv.opts.MaxAttachments
	}
	done, err := d.dec.AddTo(&d.pkt, m.Data, m.Binary)
	if err != nil {
		c.dec = nil
		d.release()
		c.srv.log.Debug("socketio: closing connection", "engine_id", c.conn.ID(), "error", err)
		if f := c.srv.obs.DecodeError; f != nil {
			f(err)
		}
		c.closeWith(ReasonParseError)
		return
	}
	if !done {
		c.dec = d // attachments to come
		return
	}
	c.dec = nil
	c.onPacket(&d.pkt)
	d.release()
}

// release gives d back to decodings, keeping no reference to the last
// message: a pooled decoder must not hold a connection's bytes.
func (d *decoding) release() {
	d.dec.Reset()
	d.pkt = parser.Packet{}
	decodings.Put(d)
}

func (c *client) onPacket(p *parser.Packet) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	s := c.socketLocked(p.Namespace)
	c.mu.Unlock()
	switch {
	case s == nil && p.Type == parser.Connect:
		c.connect(p.Namespace, p.Data)
	case s != nil && p.Type != parser.Connect && p.Type != parser.ConnectError:
		if c.events != nil && (p.Type == parser.Event || p.Type == parser.BinaryEvent) && !c.events.Allow() {
			c.srv.log.Debug("socketio: event rate limit exceeded, disconnecting", "engine_id", c.conn.ID(), "limit", c.srv.opts.EventsPerSecond, "burst", c.srv.opts.EventBurst)
			c.flood()
			return
		}
		s.onPacket(p)
	default:
		// Node's Client closes the connection on a packet for a namespace
		// it has no socket for, or a CONNECT for one it has.
		c.srv.log.Debug("socketio: packet in invalid state, closing", "engine_id", c.conn.ID(), "type", p.Type, "namespace", p.Namespace)
		c.closeWith(ReasonForcedServerClose)
	}
}

func (c *client) connect(name string, auth []byte) {
	if c.srv.closed.Load() {
		return
	}
	if len(name) > c.srv.opts.MaxNamespaceLength {
		// Not worth a lookup (match functions may be costly); Node, which
		// has no such bound, would answer an unknown name the same way.
		c.refuse(name, invalidNamespace)
		c.observeRefusal(RefusalInvalidNamespace)
		return
	}
	c.mu.Lock()
	full := len(c.sockets) >= c.srv.opts.MaxNamespacesPerConnection
	c.mu.Unlock()
	if full {
		c.srv.log.Debug("socketio: too many namespaces on one connection", "engine_id", c.conn.ID(), "limit", c.srv.opts.MaxNamespacesPerConnection)
		c.refuse(name, tooManyNamespaces)
		c.observeRefusal(RefusalTooManyNamespaces)
		return
	}
	n, refusal := c.srv.acquire(name, auth)
	if n == nil {
		c.refuse(name, refusal)
		if bytes.Equal(refusal, tooManyNamespaces) {
			c.observeRefusal(RefusalTooManyNamespaces)
		} else {
			c.observeRefusal(RefusalInvalidNamespace)
		}
		return
	}
	s := newSocket(n, c, auth)
	s.mu.Lock() // the timer may fire before AfterFunc returns
	s.connectTimer = time.AfterFunc(c.srv.opts.ConnectTimeout, s.connectTimedOut)
	s.mu.Unlock()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		s.stopConnectTimer()
		s.releaseNamespace()
		return
	}
	c.sockets = append(c.sockets, s)
	c.mu.Unlock()
	s.push(item{kind: itemConnect, body: auth})
}

// refuse answers a CONNECT to name with a CONNECT_ERROR carrying payload.
func (c *client) refuse(name string, payload []byte) {
	_ = c.sendPacket(&parser.Packet{Type: parser.ConnectError, Namespace: name, ID: parser.NoID, Data: payload})
}

// observeRefusal tells the observer of a CONNECT refused before it had a
// namespace.
func (c *client) observeRefusal(r Refusal) {
	if f := c.srv.obs.ConnectRefused; f != nil {
		f(nil, r)
	}
}

// connected is called when a socket's CONNECT reply went out.
func (c *client) connected() {
	c.mu.Lock()
	if c.timer != nil && !c.flooding {
		c.timer.Stop()
		c.timer = nil // an idle connection keeps no timer
	}
	c.expired = false
	c.mu.Unlock()
}

// remove forgets s.
func (c *client) remove(s *Socket) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeLocked(s)
}

// removeLocked forgets s. c.mu is held.
func (c *client) removeLocked(s *Socket) {
	if i := slices.Index(c.sockets, s); i >= 0 {
		c.sockets = slices.Delete(c.sockets, i, i+1)
	}
}

// startRefusal forgets s, whose CONNECT is refused; the caller sends the
// CONNECT_ERROR and then calls endRefusal.
func (c *client) startRefusal(s *Socket) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.removeLocked(s)
	c.refusing++
}

// endRefusal ends a refusal begun by startRefusal; it reports whether the
// connection is now idle past Options.ConnectTimeout (no namespace joined,
// none being joined or refused) and must be closed.
func (c *client) endRefusal() (idle bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refusing--
	return c.expired && len(c.sockets) == 0 && c.refusing == 0 && !c.closed
}

func (c *client) sendPacket(p *parser.Packet) error {
	return c.conn.Send(encodeMessages(p)...)
}

// disconnectAll disconnects every socket with DISCONNECT packets and closes
// the connection (Socket.Disconnect(true)).
func (c *client) disconnectAll() {
	for _, s := range c.snapshot() {
		s.Disconnect(false)
	}
	c.closeWith(ReasonForcedServerClose)
}

// floodGrace is how long a connection whose sockets the event rate limit
// disconnected stays open for their DISCONNECT packets to reach the client
// (see flood).
const floodGrace = time.Second

// flood disconnects every socket of a connection that exceeded
// Options.EventsPerSecond, with a DISCONNECT packet and
// ReasonEventRateLimit, as Node's Socket.disconnect() would; from then on
// the connection's input is dropped unread, and the connection is closed
// floodGrace later unless the client closed it first (socket.io-client
// does once its last socket is gone). Closing it at once could lose the
// DISCONNECT packets to a client still writing, which would then see
// "transport error" and reconnect. It runs on the reading goroutine.
func (c *client) flood() {
	c.flooded = true
	if d := c.dec; d != nil {
		c.dec = nil
		d.release()
	}
	for _, s := range c.snapshot() {
		s.close(ReasonEventRateLimit, true)
	}
	c.mu.Lock()
	if !c.closed {
		if c.timer != nil {
			c.timer.Stop()
		}
		c.flooding = true
		c.timer = time.AfterFunc(floodGrace, func() { c.closeWith(ReasonEventRateLimit) })
	}
	c.mu.Unlock()
}

func (c *client) snapshot() []*Socket {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sockets)
}

// closeWith closes the sockets with reason, then the Engine.IO connection.
func (c *client) closeWith(reason DisconnectReason) {
	if c.shut(reason) {
		c.conn.Close()
	}
}

func (c *client) onEngineClose(reason DisconnectReason, err error) {
	if err != nil {
		c.srv.log.Debug("socketio: connection closed", "engine_id", c.conn.ID(), "reason", reason, "error", err)
	}
	c.shut(reason)
}

// shut marks the client closed and closes its sockets; it reports whether
// it did so (false when the client was already closed).
func (c *client) shut(reason DisconnectReason) bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return false
	}
	c.closed = true
	if c.timer != nil {
		c.timer.Stop()
	}
	c.mu.Unlock()
	for _, s := range c.snapshot() {
		s.close(reason, false)
	}
	c.srv.detach(c)
	return true
}

// encodeMessages returns the Engine.IO messages of p: its text, then its
// attachments.
func encodeMessages(p *parser.Packet) []engineio.Message {
	msgs := make([]engineio.Message, 1+len(p.Attachments))
	msgs[0] = engineio.Message{Data: p.Encode()}
	for i, a := range p.Attachments {
		msgs[i+1] = engineio.Message{Data: a, Binary: true}
	}
	return msgs
}
