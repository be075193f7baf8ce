package redisadapter

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/redisadapter/internal/request"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// ServerCount implements [socketio.Adapter]: the number of subscribers of
// the request channel (PUBSUB NUMSUB), this server included, once Redis has
// confirmed this adapter's subscriptions. With a Redis Cluster client it
// sums the counts of every node, as Node's adapter does: each subscription
// lives on exactly one node. It returns when ctx is done (or after the
// request timeout), whatever the client's own timeouts.
func (a *Adapter) ServerCount(ctx context.Context) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, a.opts.RequestTimeout)
	defer cancel()
	if err := a.waitReady(ctx); err != nil {
		return 0, err
	}
	return a.hub.serverCount(ctx, a.ch.Request)
}

// request publishes r and waits for p's responses, the request timeout
// or the end of ctx, once Redis has confirmed the subscriptions.
func (a *Adapter) request(ctx context.Context, r *wire.Request, p *request.Pending) error {
	b, err := wire.EncodeRequest(r)
	if err != nil {
		return err
	}
	return a.reqs.Request(ctx, r.RequestID, p, func(ctx context.Context) error {
		if err := a.waitReady(ctx); err != nil {
			return err
		}
		return a.publishWait(ctx, r.Type.String(), a.ch.Request, b)
	})
}

// requestOpts converts a selection for a request (rooms and except only).
func requestOpts(o *socketio.BroadcastOptions) *wire.BroadcastOptions {
	return &wire.BroadcastOptions{Rooms: wire.NonNil(o.Rooms), Except: wire.NonNil(dedupe(o.Except))}
}

// FetchSockets implements [socketio.Adapter]: the local sockets, plus,
// unless opts.Flags.Local and when other servers subscribe, theirs. It
// fails with a [*TimeoutError] when a server does not answer in time.
// Remote sockets' Data is the json.RawMessage of their socket.data (nil
// when unset).
func (a *Adapter) FetchSockets(ctx context.Context, opts *socketio.BroadcastOptions) ([]*socketio.RemoteSocket, error) {
	local, err := a.MemoryAdapter.FetchSockets(ctx, opts)
	if err != nil || opts.Flags.Local {
		return local, err
	}
	n, err := a.ServerCount(ctx)
	if err != nil {
		return local, err
	}
	if n <= 1 {
		return local, nil
	}
	p := request.NewPending(wire.RemoteFetch.String(), 1, n)
	r := &wire.Request{UID: a.uid, RequestID: newUID(), Type: wire.RemoteFetch, Opts: requestOpts(opts)}
	err = a.request(ctx, r, p)
	return p.Sockets(local), err
}

// AllRooms returns the rooms of every server (socket ids included), as
// Node's adapter.allRooms().
func (a *Adapter) AllRooms(ctx context.Context) ([]string, error) {
	local := a.MemoryAdapter.Rooms()
	n, err := a.ServerCount(ctx)
	if err != nil || n <= 1 {
		return local, err
	}
	p := request.NewPending(wire.AllRooms.String(), 1, n)
	err = a.request(ctx, &wire.Request{UID: a.uid, RequestID: newUID(), Type: wire.AllRooms}, p)
	return p.Rooms(local), err
}

// AddSockets implements [socketio.Adapter]: local sockets join at once;
// unless opts.Flags.Local, a REMOTE_JOIN goes to the other servers (no
// response is awaited, as in Node).
func (a *Adapter) AddSockets(ctx context.Context, opts *socketio.BroadcastOptions, rooms []string) error {
	_ = a.MemoryAdapter.AddSockets(ctx, opts, rooms)
	if opts.Flags.Local {
		return nil
	}
	return a.fireAndForget(ctx, &wire.Request{UID: a.uid, Type: wire.RemoteJoin, Opts: requestOpts(opts), Rooms: wire.NonNil(rooms)})
}

// DelSockets implements [socketio.Adapter], as AddSockets with REMOTE_LEAVE.
func (a *Adapter) DelSockets(ctx context.Context, opts *socketio.BroadcastOptions, rooms []string) error {
	_ = a.MemoryAdapter.DelSockets(ctx, opts, rooms)
	if opts.Flags.Local {
		return nil
	}
	return a.fireAndForget(ctx, &wire.Request{UID: a.uid, Type: wire.RemoteLeave, Opts: requestOpts(opts), Rooms: wire.NonNil(rooms)})
}

// DisconnectSockets implements [socketio.Adapter], as AddSockets with
// REMOTE_DISCONNECT.
func (a *Adapter) DisconnectSockets(ctx context.Context, opts *socketio.BroadcastOptions, close bool) error {
	_ = a.MemoryAdapter.DisconnectSockets(ctx, opts, close)
	if opts.Flags.Local {
		return nil
	}
	return a.fireAndForget(ctx, &wire.Request{UID: a.uid, Type: wire.RemoteDisconnect, Opts: requestOpts(opts), Close: close})
}

func (a *Adapter) fireAndForget(ctx context.Context, r *wire.Request) error {
	b, err := wire.EncodeRequest(r)
	if err != nil {
		return err
	}
	return a.enqueue(ctx, r.Type.String(), a.ch.Request, b)
}

// ServerSideEmit implements [socketio.Adapter]. Without acks it returns once
// the request is queued. With acks it waits for one response from each
// other server (NUMSUB−1) and returns them, each as Args holding the first
// argument the remote handler acknowledged with; on timeout it returns
// those received and a [*TimeoutError].
func (a *Adapter) ServerSideEmit(ctx context.Context, data []byte, withAck bool) ([]*socketio.Args, error) {
	var elems []json.RawMessage
	if err := json.Unmarshal(data, &elems); err != nil || len(elems) == 0 {
		return nil, fmt.Errorf("socketio: redis adapter server-side emit: data is not a JSON array")
	}
	r := &wire.Request{UID: a.uid, Type: wire.ServerSideEmit, Data: elems}
	if !withAck {
		return nil, a.fireAndForget(ctx, r)
	}
	n, err := a.ServerCount(ctx)
	if err != nil {
		return nil, err
	}
	if n-1 <= 0 {
		return nil, nil
	}
	r.RequestID = newUID()
	p := request.NewPending(wire.ServerSideEmit.String(), 0, n-1)
	err = a.request(ctx, r, p)
	return p.Responses(), err
}

// onRequest handles a message of the request channel, as Node's onrequest.
func (a *Adapter) onRequest(payload []byte) {
	r, err := wire.DecodeRequest(payload)
	if err != nil {
		a.malformed("request", err)
		return
	}
	if r.UID != a.uid {
		a.nsp.ObserveAdapterMessage(false, r.Type.String())
	}
	switch r.Type {
	case wire.Sockets:
		if a.isOwn(r) {
			return
		}
		ids := a.MemoryAdapter.Sockets(r.Rooms)
		a.respond(r, &wire.Response{Type: wire.NoType, RequestID: r.RequestID, SocketIDs: wire.NonNil(ids)})
	case wire.AllRooms:
		if a.isOwn(r) {
			return
		}
		a.respond(r, &wire.Response{Type: wire.NoType, RequestID: r.RequestID, Rooms: wire.NonNil(a.MemoryAdapter.Rooms())})
	case wire.RemoteJoin, wire.RemoteLeave, wire.RemoteDisconnect:
		a.onRemoteRooms(r)
	case wire.RemoteFetch:
		if a.isOwn(r) {
			return
		}
		a.onRemoteFetch(r)
	case wire.ServerSideEmit:
		if r.UID != a.uid {
			a.onServerSideEmit(r)
		}
	case wire.Broadcast:
		a.onBroadcastRequest(r)
	}
}

// isOwn reports whether r is one of this server's requests.
func (a *Adapter) isOwn(r *wire.Request) bool {
	return r.UID == a.uid || a.reqs.Pending(r.RequestID) != nil
}

func (a *Adapter) respond(r *wire.Request, resp *wire.Response) {
	b, err := wire.EncodeResponse(resp)
	if err != nil {
		a.log.Warn("socketio: redis adapter: cannot encode response", "type", r.Type, "err", err)
		return
	}
	a.enqueueBroadcast(responseKind(resp.Type), a.ch.ResponseChannelFor(r.UID, a.opts.PublishOnSpecificResponseChannel), b)
}

// onRemoteRooms applies REMOTE_JOIN, REMOTE_LEAVE and REMOTE_DISCONNECT. This
// server applied its own already.
func (a *Adapter) onRemoteRooms(r *wire.Request) {
	if r.UID == a.uid {
		return
	}
	if r.Opts != nil {
		opts := localOpts(r.Opts, false)
		switch r.Type {
		case wire.RemoteJoin:
			_ = a.MemoryAdapter.AddSockets(a.ctx, opts, r.Rooms)
		case wire.RemoteLeave:
			_ = a.MemoryAdapter.DelSockets(a.ctx, opts, r.Rooms)
		default:
			_ = a.MemoryAdapter.DisconnectSockets(a.ctx, opts, r.Close)
		}
		return
	}
	// The single-socket form of adapter ≤ 6, answered once done.
	s, ok := a.nsp.Socket(r.SID)
	if !ok {
		return
	}
	switch r.Type {
	case wire.RemoteJoin:
		s.Join(r.Room)
	case wire.RemoteLeave:
		s.Leave(r.Room)
	default:
		s.Disconnect(r.Close)
	}
	a.respond(r, &wire.Response{Type: wire.NoType, RequestID: r.RequestID})
}

func (a *Adapter) onRemoteFetch(r *wire.Request) {
	local, _ := a.MemoryAdapter.FetchSockets(a.ctx, localOpts(r.Opts, false))
	socks := make([]wire.RemoteSocket, 0, len(local))
	for _, s := range local {
		socks = append(socks, request.WireSocket(s, a.log))
	}
	a.respond(r, &wire.Response{Type: wire.NoType, RequestID: r.RequestID, RemoteSockets: socks})
}

func (a *Adapter) onServerSideEmit(r *wire.Request) {
	data := []byte{'['}
	for i, e := range r.Data {
		if i > 0 {
			data = append(data, ',')
		}
		data = append(data, e...)
	}
	data = append(data, ']')
	var ack socketio.AckFunc
	if r.RequestID != "" {
		var once sync.Once
		ack = func(args ...any) error {
			err := socketio.ErrAckSent
			once.Do(func() {
				resp := &wire.Response{Type: wire.ServerSideEmit, RequestID: r.RequestID}
				if len(args) > 0 {
					b, merr := json.Marshal(args[0])
					if merr != nil {
						err = fmt.Errorf("socketio: redis adapter server-side ack: %w", merr)
						return
					}
					resp.Data = b
				}
				b, eerr := wire.EncodeResponse(resp)
				if eerr != nil {
					err = eerr
					return
				}
				// Node sends these on the shared channel, always.
				a.enqueueBroadcast(responseKind(wire.ServerSideEmit), a.ch.Response, b)
				err = nil
			})
			return err
		}
	}
	if err := a.nsp.HandleServerSideEmit(a.ctx, data, ack); err != nil {
		a.log.Debug("socketio: redis adapter: server-side event not handled", "err", err)
	}
}

// onResponse handles a message of a response channel, as Node's onresponse.
func (a *Adapter) onResponse(payload []byte) {
	r, err := wire.DecodeResponse(payload)
	if err != nil {
		a.malformed("response", err)
		return
	}
	if a.onAckResponse(r) {
		a.nsp.ObserveAdapterMessage(false, responseKind(r.Type))
		return
	}
	p := a.reqs.Pending(r.RequestID)
	if p == nil {
		return // another server's
	}
	a.nsp.ObserveAdapterMessage(false, responseKind(r.Type))
	switch p.Kind() {
	case wire.RemoteFetch.String():
		socks := make([]*socketio.RemoteSocket, 0, len(r.RemoteSockets))
		for i := range r.RemoteSockets {
			socks = append(socks, request.LocalSocket(&r.RemoteSockets[i]))
		}
		p.AddSockets(socks...)
	case wire.AllRooms.String():
		p.AddRooms(r.Rooms...)
	case wire.ServerSideEmit.String():
		raw := []byte("[]")
		if r.Data != nil {
			raw = append(append([]byte{'['}, r.Data...), ']')
		}
		p.AddArgs(socketio.NewArgs(raw, nil))
	}
}
