package cluster

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/parser"
	"github.com/siogo/sio/socketio/redisadapter/internal/request"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// ReceiveQueueSize bounds the messages received and not yet handled, per
// namespace (and the buffer of each pub/sub connection): a namespace whose
// handling lags that far behind drops what it receives next (logged).
const ReceiveQueueSize = 1024

// ErrClosed is returned by the adapter's methods after Close.
var ErrClosed = errors.New("socketio: cluster adapter closed")

// ErrTimeout is wrapped by the error of a request that did not get all its
// responses in time.
var ErrTimeout = errors.New("socketio: cluster adapter request timed out")

// Transport is what the cluster core needs from the message bus: Node's
// doPublish, doPublishResponse and serverCount.
type Transport interface {
	Publish(ctx context.Context, m *Message) error
	PublishResponse(ctx context.Context, requester string, m *Message) error
	ServerCount(ctx context.Context) (int, error)
}

// Core is Node's ClusterAdapter: the local part of each operation on the
// embedded MemoryAdapter, the remote part as [Message]s through a
// [Transport], and the handling of the other servers' messages
// (onMessage). It knows nothing of Redis, so other transports can carry it.
// An adapter embeds it; its exported methods implement [socketio.Adapter].
type Core struct {
	*socketio.MemoryAdapter
	nsp     *socketio.Namespace
	uid     string
	t       Transport
	timeout time.Duration
	log     *slog.Logger
	// local makes local sockets join and leave rooms, for AddSockets,
	// DelSockets and the other servers' SOCKETS_JOIN and SOCKETS_LEAVE:
	// the MemoryAdapter, unless the transport must see each room change.
	local LocalRooms
	// deliver, when set (SetDeliver), takes the other servers' broadcasts
	// without acks instead of the MemoryAdapter's Broadcast.
	deliver func(p *parser.Packet, opts *socketio.BroadcastOptions, m *Message)

	ctx    context.Context // canceled by close
	cancel context.CancelFunc

	// reqs holds the requests waiting for responses and the broadcasts
	// waiting for acks.
	reqs *request.Table

	// inMu guards the inbox, bounded by ReceiveQueueSize.
	inMu    sync.Mutex
	inbox   []*Message
	working bool
	dropped int            // messages dropped since the queue was last drained
	wg      sync.WaitGroup // the inbox goroutine
}

// LocalRooms are the local parts of AddSockets and DelSockets.
type LocalRooms interface {
	AddSockets(ctx context.Context, opts *socketio.BroadcastOptions, rooms []string) error
	DelSockets(ctx context.Context, opts *socketio.BroadcastOptions, rooms []string) error
}

// New returns the core of nsp's adapter, which publishes through t and
// bounds each request by timeout and logs to log.
func New(nsp *socketio.Namespace, t Transport, timeout time.Duration, log *slog.Logger) *Core {
	uid := newUID()
	c := &Core{
		MemoryAdapter: socketio.NewMemoryAdapter(nsp),
		nsp:           nsp,
		uid:           uid,
		t:             t,
		timeout:       timeout,
		log:           log.With("nsp", nsp.Name(), "uid", uid),
	}
	c.reqs = request.NewTable(timeout, ErrClosed, func(kind string, got, expected int, err error) error {
		terr := timeoutError(kind, got, expected, err)
		if errors.Is(err, context.DeadlineExceeded) { // not the caller canceling
			nsp.ObserveAdapterError(socketio.AdapterOpRequestTimeout, terr)
		}
		return terr
	})
	c.local = c.MemoryAdapter
	c.ctx, c.cancel = context.WithCancel(context.Background())
	return c
}

// newUID returns 16 hex digits, as Node's randomId.
func newUID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// UID returns the server's id on the wire (16 hex digits, as Node's
// randomId).
func (c *Core) UID() string { return c.uid }

// Logger returns the core's logger, tagged with the namespace and uid.
func (c *Core) Logger() *slog.Logger { return c.log }

// Done is closed when the core is closed.
func (c *Core) Done() <-chan struct{} { return c.ctx.Done() }

// SetLocalRooms replaces the local part of AddSockets, DelSockets and the
// other servers' SOCKETS_JOIN and SOCKETS_LEAVE (the MemoryAdapter), for a
// transport that must see each room change. Call it before use.
func (c *Core) SetLocalRooms(l LocalRooms) { c.local = l }

// SetDeliver makes fn deliver the other servers' broadcasts without acks
// to the local sockets, instead of the MemoryAdapter's Broadcast: for a
// transport that gives each message an offset of its own (a stream entry
// id, Message.Offset). Call it before use.
func (c *Core) SetDeliver(fn func(p *parser.Packet, opts *socketio.BroadcastOptions, m *Message)) {
	c.deliver = fn
}

// Close fails the pending requests, drops the inbox and waits for the
// inbox goroutine.
func (c *Core) Close() {
	c.reqs.Close()
	c.cancel()
	c.inMu.Lock()
	c.inbox = nil
	c.inMu.Unlock()
	c.wg.Wait()
}

func wireOpts(o *socketio.BroadcastOptions) *Opts {
	return &Opts{Rooms: o.Rooms, Except: o.Except, Volatile: o.Flags.Volatile}
}

func localOpts(o *Opts) *socketio.BroadcastOptions {
	if o == nil {
		return &socketio.BroadcastOptions{Flags: socketio.BroadcastFlags{Local: true}}
	}
	return &socketio.BroadcastOptions{Rooms: o.Rooms, Except: o.Except, Flags: socketio.BroadcastFlags{Local: true, Volatile: o.Volatile}}
}

// publish hands m to the transport, reporting it to the namespace's
// observer: sent, or failed (AdapterOpPublish).
func (c *Core) publish(ctx context.Context, m *Message) error {
	err := c.t.Publish(ctx, m)
	c.Reporter().Published(m, err)
	return err
}

// Reporter returns what tells the namespace's observer of the traffic a
// transport handles itself ([socketio.Observer].AdapterMessage and
// AdapterError): the Core reports the messages that pass through it.
func (c *Core) Reporter() Reporter { return Reporter{c.nsp} }

// Reporter tells a namespace's observer of its adapter's traffic. It is
// one pointer: storing it in an interface (publish.Origin) does not
// allocate.
type Reporter struct{ nsp *socketio.Namespace }

// Published reports a message published (err nil) or not, for a
// transport that publishes some messages itself (the streams adapter's
// broadcasts).
func (r Reporter) Published(m *Message, err error) {
	if err != nil {
		r.nsp.ObserveAdapterError(socketio.AdapterOpPublish, err)
		return
	}
	r.nsp.ObserveAdapterMessage(true, m.Type.String())
}

// Malformed reports (AdapterOpDecode) a received message that could not
// be decoded and is dropped, for a transport that decodes some messages
// itself (the streams adapter's entries).
func (r Reporter) Malformed(err error) {
	r.nsp.ObserveAdapterError(socketio.AdapterOpDecode, err)
}

// NotPublished reports a message the transport accepted but could not
// publish afterwards (its publish queue was full, or Redis failed it); it
// implements publish.Origin.
func (r Reporter) NotPublished(err error) {
	r.nsp.ObserveAdapterError(socketio.AdapterOpPublish, err)
}

func (c *Core) message(t MessageType) *Message {
	return &Message{Type: t, UID: c.uid, Nsp: c.nsp.Name()}
}

// Broadcast implements [socketio.Adapter]: it publishes p (unless
// opts.Flags.Local), then delivers it locally, as Node's ClusterAdapter. A
// failed publish is logged; the local sockets get p all the same.
func (c *Core) Broadcast(ctx context.Context, p *parser.Packet, opts *socketio.BroadcastOptions) error {
	if !opts.Flags.Local {
		m := c.message(Broadcast)
		m.Data, m.Attachments, m.Opts = p.Data, p.Attachments, wireOpts(opts)
		if err := c.publish(ctx, m); err != nil {
			c.log.Warn("socketio: cluster adapter: broadcast not published", "err", err)
		}
	}
	return c.MemoryAdapter.Broadcast(ctx, p, opts)
}

// BroadcastWithAck implements [socketio.Adapter]: the other servers answer
// with their client counts and their clients' first ack arguments until
// ctx is done (whose deadline, or the request timeout, is the timeout
// flag).
func (c *Core) BroadcastWithAck(ctx context.Context, p *parser.Packet, opts *socketio.BroadcastOptions, clientCount func(int), ack func(*socketio.Args)) error {
	if !opts.Flags.Local {
		timeout := c.timeout
		if d, ok := ctx.Deadline(); ok {
			timeout = max(time.Until(d), time.Millisecond)
		}
		id := newUID()
		if err := c.reqs.AddAck(ctx, id, &request.Ack{ClientCount: clientCount, Ack: ack}); err != nil {
			return err
		}
		m := c.message(Broadcast)
		m.RequestID = id
		m.Data, m.Attachments, m.Opts = p.Data, p.Attachments, wireOpts(opts)
		m.Opts.Timeout = timeout
		if err := c.publish(ctx, m); err != nil {
			return err
		}
	}
	return c.MemoryAdapter.BroadcastWithAck(ctx, p, opts, clientCount, ack)
}

// ServerCount implements [socketio.Adapter] with the transport's count.
func (c *Core) ServerCount(ctx context.Context) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	return c.t.ServerCount(ctx)
}

func (c *Core) fireAndForget(ctx context.Context, m *Message) error {
	return c.publish(ctx, m)
}

// AddSockets implements [socketio.Adapter].
func (c *Core) AddSockets(ctx context.Context, opts *socketio.BroadcastOptions, rooms []string) error {
	if !opts.Flags.Local {
		m := c.message(SocketsJoin)
		m.Opts, m.Rooms = wireOpts(opts), wire.NonNil(rooms)
		if err := c.fireAndForget(ctx, m); err != nil {
			return err
		}
	}
	return c.local.AddSockets(ctx, opts, rooms)
}

// DelSockets implements [socketio.Adapter].
func (c *Core) DelSockets(ctx context.Context, opts *socketio.BroadcastOptions, rooms []string) error {
	if !opts.Flags.Local {
		m := c.message(SocketsLeave)
		m.Opts, m.Rooms = wireOpts(opts), wire.NonNil(rooms)
		if err := c.fireAndForget(ctx, m); err != nil {
			return err
		}
	}
	return c.local.DelSockets(ctx, opts, rooms)
}

// DisconnectSockets implements [socketio.Adapter].
func (c *Core) DisconnectSockets(ctx context.Context, opts *socketio.BroadcastOptions, close bool) error {
	if !opts.Flags.Local {
		m := c.message(DisconnectSockets)
		m.Opts, m.Close = wireOpts(opts), close
		if err := c.fireAndForget(ctx, m); err != nil {
			return err
		}
	}
	return c.MemoryAdapter.DisconnectSockets(ctx, opts, close)
}

// timeoutError is the error of a request that timed out.
func timeoutError(kind string, got, expected int, err error) error {
	return fmt.Errorf("%w: %s: %d of %d responses: %w", ErrTimeout, kind, got, expected, err)
}

// request publishes m and waits for p's responses, until the request
// timeout or the end of ctx.
func (c *Core) request(ctx context.Context, m *Message, p *request.Pending) error {
	m.RequestID = newUID()
	return c.reqs.Request(ctx, m.RequestID, p, func(ctx context.Context) error {
		return c.publish(ctx, m)
	})
}

// FetchSockets implements [socketio.Adapter]: the local sockets and, unless
// opts.Flags.Local, those of the other servers (ServerCount-1 responses).
func (c *Core) FetchSockets(ctx context.Context, opts *socketio.BroadcastOptions) ([]*socketio.RemoteSocket, error) {
	local, _ := c.MemoryAdapter.FetchSockets(ctx, opts)
	if opts.Flags.Local {
		return local, nil
	}
	n, err := c.ServerCount(ctx)
	if err != nil {
		return nil, err
	}
	if n-1 <= 0 {
		return local, nil
	}
	m := c.message(FetchSockets)
	m.Opts = wireOpts(opts)
	p := request.NewPending(FetchSockets.String(), 0, n-1)
	err = c.request(ctx, m, p)
	return p.Sockets(local), err
}

// ServerSideEmit implements [socketio.Adapter].
func (c *Core) ServerSideEmit(ctx context.Context, data []byte, withAck bool) ([]*socketio.Args, error) {
	if !bytes.HasPrefix(data, []byte("[")) {
		return nil, errors.New("socketio: cluster adapter server-side emit: data is not a JSON array")
	}
	m := c.message(ServerSideEmit)
	m.Data = data
	if !withAck {
		return nil, c.fireAndForget(ctx, m)
	}
	n, err := c.ServerCount(ctx)
	if err != nil {
		return nil, err
	}
	if n-1 <= 0 {
		return nil, nil
	}
	p := request.NewPending(ServerSideEmit.String(), 0, n-1)
	err = c.request(ctx, m, p)
	return p.Responses(), err
}

// Deliver decodes a received message and queues it for the namespace's
// goroutine; response is true for the server's own response channel.
// Malformed messages are logged (Debug) and dropped, as is what arrives
// when ReceiveQueueSize messages wait.
func (c *Core) Deliver(payload string, response bool) {
	m, err := Decode([]byte(payload))
	if err != nil {
		c.log.Debug("socketio: cluster adapter: ignoring malformed message", "err", err)
		c.Reporter().Malformed(err)
		return
	}
	c.DeliverMessage(m, response)
}

// DeliverMessage queues a decoded message as Deliver does; m must not be
// changed afterwards.
func (c *Core) DeliverMessage(m *Message, response bool) {
	if !response && (m.UID == c.uid || m.Nsp != c.nsp.Name()) {
		return
	}
	c.inMu.Lock()
	if c.ctx.Err() != nil {
		c.inMu.Unlock()
		return
	}
	if len(c.inbox) >= ReceiveQueueSize {
		c.dropped++
		first := c.dropped == 1
		c.inMu.Unlock()
		c.nsp.ObserveAdapterError(socketio.AdapterOpReceiveQueueFull, errReceiveQueueFull)
		if first {
			c.log.Warn("socketio: cluster adapter: receive queue full; dropping messages from other servers")
		}
		return
	}
	c.inbox = append(c.inbox, m)
	start := !c.working
	c.working = true
	if start {
		c.wg.Add(1)
	}
	c.inMu.Unlock()
	if start {
		go c.work()
	}
}

func (c *Core) work() {
	defer c.wg.Done()
	for {
		c.inMu.Lock()
		if len(c.inbox) == 0 || c.ctx.Err() != nil {
			c.working = false
			c.inbox = nil
			dropped := c.dropped
			c.dropped = 0
			c.inMu.Unlock()
			if dropped > 0 {
				c.log.Warn("socketio: cluster adapter: receive queue drained", "dropped", dropped)
			}
			return
		}
		m := c.inbox[0]
		c.inbox[0] = nil
		c.inbox = c.inbox[1:]
		c.inMu.Unlock()
		c.handle(m)
	}
}

// errReceiveQueueFull is the error of a message dropped by DeliverMessage.
var errReceiveQueueFull = errors.New("socketio: cluster adapter: receive queue full")

func (c *Core) handle(m *Message) {
	c.nsp.ObserveAdapterMessage(false, m.Type.String())
	defer func() {
		if r := recover(); r != nil {
			c.log.Error("socketio: cluster adapter: panic handling a message", "panic", r)
		}
	}()
	switch m.Type {
	case BroadcastClientCount, BroadcastAck, FetchSocketsResponse, ServerSideEmitResponse:
		c.onResponse(m)
	default:
		c.onMessage(m)
	}
}

// respond publishes a response to the requester, bounded by the request
// timeout.
func (c *Core) respond(requester string, m *Message) {
	ctx, cancel := context.WithTimeout(c.ctx, c.timeout)
	defer cancel()
	err := c.t.PublishResponse(ctx, requester, m)
	if err != nil && c.ctx.Err() != nil {
		return // closed: not a failure of the cluster
	}
	c.Reporter().Published(m, err)
	if err != nil {
		c.log.Warn("socketio: cluster adapter: response not published", "err", err)
	}
}

// onMessage handles another server's message, as Node's
// ClusterAdapter.onMessage.
func (c *Core) onMessage(m *Message) {
	if m.UID == c.uid || m.Nsp != c.nsp.Name() {
		return
	}
	switch m.Type {
	case Broadcast:
		p := &parser.Packet{Type: parser.Event, Namespace: c.nsp.Name(), ID: parser.NoID, Data: m.Data, Attachments: m.Attachments}
		if m.RequestID == "" {
			if c.deliver != nil {
				c.deliver(p, localOpts(m.Opts), m)
				return
			}
			_ = c.MemoryAdapter.Broadcast(c.ctx, p, localOpts(m.Opts))
			return
		}
		c.onBroadcastWithAck(m, p)
	case SocketsJoin:
		_ = c.local.AddSockets(c.ctx, localOpts(m.Opts), m.Rooms)
	case SocketsLeave:
		_ = c.local.DelSockets(c.ctx, localOpts(m.Opts), m.Rooms)
	case DisconnectSockets:
		_ = c.MemoryAdapter.DisconnectSockets(c.ctx, localOpts(m.Opts), m.Close)
	case FetchSockets:
		local, _ := c.MemoryAdapter.FetchSockets(c.ctx, localOpts(m.Opts))
		r := c.message(FetchSocketsResponse)
		r.RequestID = m.RequestID
		r.Sockets = make([]wire.RemoteSocket, 0, len(local))
		for _, s := range local {
			r.Sockets = append(r.Sockets, request.WireSocket(s, c.log))
		}
		c.respond(m.UID, r)
	case ServerSideEmit:
		c.onServerSideEmit(m)
	}
}

func (c *Core) onBroadcastWithAck(m *Message, p *parser.Packet) {
	timeout := c.timeout
	if m.Opts != nil && m.Opts.Timeout > 0 {
		timeout = m.Opts.Timeout
	}
	broadcast := func(ctx context.Context, clientCount func(int), ack func(*socketio.Args)) error {
		return c.MemoryAdapter.BroadcastWithAck(ctx, p, localOpts(m.Opts), clientCount, ack)
	}
	request.AnswerAcks(c.ctx, timeout, broadcast,
		func(n int) {
			r := c.message(BroadcastClientCount)
			r.RequestID, r.ClientCount = m.RequestID, n
			c.respond(m.UID, r)
		},
		func(args *socketio.Args) {
			r := c.message(BroadcastAck)
			r.RequestID = m.RequestID
			if raw := args.Raw(0); raw != nil {
				r.Data, r.Attachments = bytes.Clone(raw), args.Attachments()
			}
			c.respond(m.UID, r)
		})
}

// onServerSideEmit hands another server's event to the namespace's
// handler. Binary arguments (Node sends Buffers as msgpack binary) reach
// it as base64 JSON strings, see [InlineBinary]: Args.Decode into a
// []byte gives the bytes.
func (c *Core) onServerSideEmit(m *Message) {
	var ack socketio.AckFunc
	if m.RequestID != "" {
		var once sync.Once
		ack = func(args ...any) error {
			err := socketio.ErrAckSent
			once.Do(func() {
				r := c.message(ServerSideEmitResponse)
				r.RequestID = m.RequestID
				if len(args) > 0 {
					b, merr := json.Marshal(args[0])
					if merr != nil {
						err = fmt.Errorf("socketio: cluster adapter server-side ack: %w", merr)
						return
					}
					r.Data = b
				}
				go c.respond(m.UID, r)
				err = nil
			})
			return err
		}
	}
	data, err := InlineBinary(m.Data, m.Attachments)
	if err != nil {
		c.log.Debug("socketio: cluster adapter: ignoring malformed server-side event", "err", err)
		return
	}
	if err := c.nsp.HandleServerSideEmit(c.ctx, data, ack); err != nil {
		c.log.Debug("socketio: cluster adapter: server-side event not handled", "err", err)
	}
}

// onResponse handles a response to one of this server's requests, as
// Node's ClusterAdapter.onResponse; responses to unknown requests are
// dropped.
func (c *Core) onResponse(m *Message) {
	switch m.Type {
	case BroadcastClientCount:
		if req := c.reqs.Ack(m.RequestID); req != nil {
			req.ClientCount(m.ClientCount)
		}
	case BroadcastAck:
		if req := c.reqs.Ack(m.RequestID); req != nil {
			req.Ack(argsOf(m))
		}
	case FetchSocketsResponse:
		if p := c.reqs.Pending(m.RequestID); p != nil && p.Kind() == FetchSockets.String() {
			socks := make([]*socketio.RemoteSocket, 0, len(m.Sockets))
			for i := range m.Sockets {
				s := &m.Sockets[i]
				if data, err := InlineBinary(s.Data, m.Attachments); err == nil {
					s.Data = data
				}
				socks = append(socks, request.LocalSocket(s))
			}
			p.AddSockets(socks...)
		}
	case ServerSideEmitResponse:
		if p := c.reqs.Pending(m.RequestID); p != nil && p.Kind() == ServerSideEmit.String() {
			p.AddArgs(argsOf(m))
		}
	}
}

// argsOf makes the Args of an ack argument: [arg], or [] when absent.
func argsOf(m *Message) *socketio.Args {
	if m.Data == nil {
		return socketio.NewArgs([]byte("[]"), nil)
	}
	raw := make([]byte, 0, len(m.Data)+2)
	raw = append(append(append(raw, '['), m.Data...), ']')
	return socketio.NewArgs(raw, m.Attachments)
}
