package eio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/siogo/sio/internal/eiocodec"
)

// Transport names.
const (
	Polling   = "polling"
	WebSocket = "websocket"
)

// Close reasons, with the text engine.io-client gives them.
const (
	ReasonForcedClose    = "forced close"
	ReasonTransportClose = "transport close"
	ReasonTransportError = "transport error"
	ReasonPingTimeout    = "ping timeout"
	ReasonParseError     = "parse error"
)

// Defaults of Options.
const (
	DefaultWriteQueueSize = 1024
	DefaultMaxMessageSize = 100 << 20 // Node's ws maxPayload
	closeTimeout          = 5 * time.Second
)

// Errors.
var (
	// ErrClosed is returned by Send once the connection closed or started
	// closing.
	ErrClosed = errors.New("client: connection closed")
	// ErrQueueFull is returned by Send when the messages would exceed
	// Options.WriteQueueSize.
	ErrQueueFull = errors.New("client: write queue full")
)

// Message is one Engine.IO message.
type Message struct {
	Data   []byte
	Binary bool
}

// Options configures a Conn. The zero value of a field means its default.
type Options struct {
	// Transports lists the transports to use, the first one to open the
	// connection with. Default polling then websocket.
	Transports []string
	// NoUpgrade keeps a polling connection on polling.
	NoUpgrade bool
	// Header is added to every HTTP request and the WebSocket handshake.
	Header http.Header
	// HTTPClient makes the polling requests. Default a client of its own.
	HTTPClient *http.Client
	// Dialer dials WebSockets. Default websocket.DefaultDialer's settings.
	Dialer *websocket.Dialer
	// WriteQueueSize bounds the messages waiting to be written. Default 1024.
	WriteQueueSize int
	// MaxMessageSize bounds a polling response body and a WebSocket message,
	// in bytes. Default 100 MiB.
	MaxMessageSize int64
	// Logger receives debug logs. Default slog.Default().
	Logger *slog.Logger
	// OnMessage receives the messages, on the reading goroutine, in order.
	OnMessage func(Message)
	// OnClose is called once when the connection closed, after the last
	// OnMessage call returned.
	OnClose func(reason string, err error)
	// OnUpgrade, when set, is called once the connection moved to WebSocket.
	OnUpgrade func()
}

// handshake is the data of the open packet.
type handshake struct {
	SID          string   `json:"sid"`
	Upgrades     []string `json:"upgrades"`
	PingInterval int64    `json:"pingInterval"`
	PingTimeout  int64    `json:"pingTimeout"`
	MaxPayload   int      `json:"maxPayload"`
}

// Conn is one Engine.IO connection.
type Conn struct {
	opts     Options
	endpoint *url.URL
	log      *slog.Logger
	hc       *http.Client
	dialer   *websocket.Dialer

	ctx    context.Context // canceled by shutdown: ends requests
	cancel context.CancelFunc

	sid          string
	pingInterval time.Duration
	pingTimeout  time.Duration
	maxPayload   int
	upgrades     []string

	mu sync.Mutex // guards the fields below
	// transport is the current transport's name.
	transport string
	// ws is the WebSocket once it is the transport.
	ws *websocket.Conn
	// queue holds the packets waiting for the writer; msgs counts its
	// messages (the bounded part).
	queue []eiocodec.Packet
	msgs  int
	// upgrading holds the writer back while polling pauses.
	upgrading bool
	// closing is set by Close: Send fails from then on.
	closing bool
	// closed is set once the connection shut down.
	closed    bool
	pingTimer *time.Timer
	reason    string
	err       error

	wake     chan struct{}        // cap 1: the writer has work
	switchTo chan *websocket.Conn // probe → writer: switch to this WebSocket
	switched chan struct{}        // closed by the writer after the switch
	pollStop chan struct{}        // closed to ask the polling loop to stop
	pollDone chan struct{}        // closed when the polling loop returned
	done     chan struct{}        // closed at shutdown
	finished chan struct{}        // closed after OnClose returned
	readers  sync.WaitGroup       // the reader and probe goroutines
	writerWG sync.WaitGroup       // the writer goroutine
	stopOnce sync.Once
}

// Dial opens an Engine.IO connection to endpoint, the URL of the server's
// path (for example http://host/socket.io/) with any query parameters to
// send: it makes the handshake, bounded by ctx, and returns the open Conn,
// which upgrades to WebSocket in the background when it can.
func Dial(ctx context.Context, endpoint string, opts *Options) (*Conn, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("client: bad URL: %w", err)
	}
	switch u.Scheme {
	case "ws":
		u.Scheme = "http"
	case "wss":
		u.Scheme = "https"
	case "http", "https":
	default:
		return nil, fmt.Errorf("client: bad URL scheme %q", u.Scheme)
	}
	c := &Conn{
		endpoint: u,
		wake:     make(chan struct{}, 1),
		switchTo: make(chan *websocket.Conn),
		switched: make(chan struct{}),
		pollStop: make(chan struct{}),
		pollDone: make(chan struct{}),
		done:     make(chan struct{}),
		finished: make(chan struct{}),
	}
	if opts != nil {
		c.opts = *opts
	}
	o := &c.opts
	if len(o.Transports) == 0 {
		o.Transports = []string{Polling, WebSocket}
	}
	if o.WriteQueueSize <= 0 {
		o.WriteQueueSize = DefaultWriteQueueSize
	}
	if o.MaxMessageSize <= 0 {
		o.MaxMessageSize = DefaultMaxMessageSize
	}
	c.log = o.Logger
	if c.log == nil {
		c.log = slog.Default()
	}
	c.hc = o.HTTPClient
	if c.hc == nil {
		c.hc = &http.Client{}
	}
	c.dialer = o.Dialer
	if c.dialer == nil {
		d := *websocket.DefaultDialer
		c.dialer = &d
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())

	var leftover []eiocodec.Packet
	var ws *websocket.Conn
	switch o.Transports[0] {
	case Polling:
		leftover, err = c.openPolling(ctx)
	case WebSocket:
		ws, err = c.openWebSocket(ctx)
	default:
		err = fmt.Errorf("client: unknown transport %q", o.Transports[0])
	}
	if err != nil {
		c.cancel()
		return nil, err
	}
	c.mu.Lock()
	c.pingTimer = time.AfterFunc(c.pingInterval+c.pingTimeout, c.onPingTimeout)
	c.mu.Unlock()
	c.writerWG.Add(1)
	go c.writeLoop()
	c.readers.Add(1)
	if ws != nil {
		close(c.pollDone)
		close(c.switched)
		go func() {
			defer c.readers.Done()
			c.readWebSocket(ws)
		}()
		return c, nil
	}
	go c.pollLoop(leftover)
	if !o.NoUpgrade && slices.Contains(c.upgrades, WebSocket) && slices.Contains(o.Transports, WebSocket) {
		c.readers.Add(1)
		go c.probe()
	}
	return c, nil
}

// ID returns the session id.
func (c *Conn) ID() string { return c.sid }

// Transport returns the current transport, Polling or WebSocket.
func (c *Conn) Transport() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.transport
}

// Done is closed once the connection shut down.
func (c *Conn) Done() <-chan struct{} { return c.done }

// url returns the endpoint with the protocol's query parameters.
func (c *Conn) url(transport string, withSID bool) string {
	u := *c.endpoint
	q := u.Query()
	q.Set("EIO", "4")
	q.Set("transport", transport)
	if withSID {
		q.Set("sid", c.sid)
	}
	u.RawQuery = q.Encode()
	if transport == WebSocket {
		u.Scheme = strings.Replace(u.Scheme, "http", "ws", 1)
	}
	return u.String()
}

func (c *Conn) onOpen(data []byte, transport string) error {
	var h handshake
	if err := json.Unmarshal(data, &h); err != nil || h.SID == "" {
		return fmt.Errorf("client: bad handshake %q", data)
	}
	c.sid = h.SID
	c.upgrades = h.Upgrades
	c.pingInterval = time.Duration(h.PingInterval) * time.Millisecond
	c.pingTimeout = time.Duration(h.PingTimeout) * time.Millisecond
	c.maxPayload = h.MaxPayload
	c.transport = transport
	return nil
}

// Send queues msgs, in order and without other messages between them. It
// never blocks.
func (c *Conn) Send(msgs ...Message) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closing || c.closed {
		return ErrClosed
	}
	if c.msgs+len(msgs) > c.opts.WriteQueueSize {
		return ErrQueueFull
	}
	for _, m := range msgs {
		c.queue = append(c.queue, eiocodec.Packet{Type: eiocodec.TypeMessage, Binary: m.Binary, Data: m.Data})
	}
	c.msgs += len(msgs)
	c.signal()
	return nil
}

// Writable reports whether a message sent now would be written at once:
// the connection is open, not upgrading and nothing is queued (what
// engine.io-client calls a writable transport; volatile messages are dropped
// otherwise).
func (c *Conn) Writable() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return !c.closing && !c.closed && !c.upgrading && len(c.queue) == 0
}

// signal wakes the writer. c.mu may be held.
func (c *Conn) signal() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// control queues a packet that is not counted against the bound.
func (c *Conn) control(p eiocodec.Packet) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.queue = append(c.queue, p)
	c.signal()
}

// Close closes the connection gracefully: what is queued is written, then
// the close packet. It waits for this at most 5 s, and for the goroutines
// to end. It must not be called from OnMessage (use Abort).
func (c *Conn) Close() error {
	c.mu.Lock()
	if !c.closing && !c.closed {
		c.closing = true
		c.queue = append(c.queue, eiocodec.Packet{Type: eiocodec.TypeClose})
		c.signal()
	}
	c.mu.Unlock()
	t := time.NewTimer(closeTimeout)
	defer t.Stop()
	select {
	case <-c.done:
	case <-t.C:
		c.shutdown(ReasonForcedClose, nil)
	}
	<-c.finished
	return nil
}

// Abort closes the connection at once with reason, without waiting. It may
// be called from OnMessage.
func (c *Conn) Abort(reason string, err error) { c.shutdown(reason, err) }

// shutdown closes the connection once: it stops the timer, cancels the
// requests, closes the WebSocket, and calls OnClose once the reader and the
// writer returned.
func (c *Conn) shutdown(reason string, err error) {
	c.stopOnce.Do(func() {
		c.mu.Lock()
		if c.closing && reason != ReasonPingTimeout {
			// Close was called: whatever ends the connection now is the
			// close it asked for (engine.io-client's "forced close").
			reason, err = ReasonForcedClose, nil
		}
		c.closed = true
		c.reason, c.err = reason, err
		if c.pingTimer != nil {
			c.pingTimer.Stop()
		}
		ws := c.ws
		c.queue = nil
		c.msgs = 0
		c.mu.Unlock()
		c.cancel()
		close(c.done)
		if ws != nil {
			_ = ws.Close()
		}
		c.log.Debug("engine.io client closed", "sid", c.sid, "reason", reason, "err", err)
		go func() {
			c.readers.Wait()
			c.writerWG.Wait()
			if c.opts.OnClose != nil {
				c.opts.OnClose(reason, err)
			}
			close(c.finished)
		}()
	})
}

func (c *Conn) onPingTimeout() { c.shutdown(ReasonPingTimeout, nil) }

// onPacket handles a received packet on the reading goroutine; it reports
// false when reading must stop.
func (c *Conn) onPacket(p eiocodec.Packet) bool {
	switch p.Type {
	case eiocodec.TypePing:
		c.mu.Lock()
		if c.pingTimer != nil && !c.closed {
			c.pingTimer.Reset(c.pingInterval + c.pingTimeout)
		}
		c.mu.Unlock()
		c.control(eiocodec.Packet{Type: eiocodec.TypePong})
	case eiocodec.TypeMessage:
		if c.opts.OnMessage != nil {
			c.opts.OnMessage(Message{Data: p.Data, Binary: p.Binary})
		}
	case eiocodec.TypeClose:
		c.shutdown(ReasonTransportClose, nil)
		return false
	}
	return true
}

func (c *Conn) isClosed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}
