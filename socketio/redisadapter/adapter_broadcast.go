package redisadapter

import (
	"bytes"
	"context"
	"slices"
	"time"

	"github.com/siogo/sio/socketio"
	"github.com/siogo/sio/socketio/parser"
	"github.com/siogo/sio/socketio/redisadapter/internal/request"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
)

// Broadcast implements [socketio.Adapter]: it delivers p to the local
// sockets, then, unless opts.Flags.Local, queues it for the other servers.
// It never waits for Redis; when the publish queue is full or Redis is
// unreachable the other servers miss the packet (logged).
func (a *Adapter) Broadcast(ctx context.Context, p *parser.Packet, opts *socketio.BroadcastOptions) error {
	if !opts.Flags.Local {
		msg := &wire.BroadcastMessage{UID: a.uid, Packet: wirePacket(p), Opts: wireOpts(opts, nil)}
		if b, err := wire.EncodeBroadcast(msg); err != nil {
			a.log.Warn("socketio: redis adapter: cannot encode broadcast", "err", err)
		} else {
			a.enqueueBroadcast(wire.Broadcast.String(), a.ch.BroadcastTo(opts.Rooms), b)
		}
	}
	return a.MemoryAdapter.Broadcast(ctx, p, opts)
}

// BroadcastWithAck implements [socketio.Adapter]: the local sockets get p
// at once; the other servers get a BROADCAST request and answer with their
// client counts and their clients' acks (the first argument of each) until
// ctx is done. The request's timeout flag is ctx's deadline, or the request
// timeout when ctx has none. It first waits, within ctx, for Redis to
// confirm the adapter's subscriptions, so that the answers reach it.
func (a *Adapter) BroadcastWithAck(ctx context.Context, p *parser.Packet, opts *socketio.BroadcastOptions, clientCount func(int), ack func(*socketio.Args)) error {
	if !opts.Flags.Local {
		timeout := a.opts.RequestTimeout
		if d, ok := ctx.Deadline(); ok {
			timeout = max(time.Until(d), time.Millisecond)
		}
		if err := a.waitReady(ctx); err != nil {
			return err
		}
		id := newUID()
		req := &wire.Request{UID: a.uid, RequestID: id, Type: wire.Broadcast, Packet: newPtr(wirePacket(p)), Opts: newPtr(wireOpts(opts, &timeout))}
		b, err := wire.EncodeRequest(req)
		if err != nil {
			return err
		}
		if err := a.reqs.AddAck(ctx, id, &request.Ack{ClientCount: clientCount, Ack: ack}); err != nil {
			return err
		}
		if err := a.enqueue(ctx, wire.Broadcast.String(), a.ch.Request, b); err != nil {
			return err
		}
	}
	return a.MemoryAdapter.BroadcastWithAck(ctx, p, opts, clientCount, ack)
}

func newPtr[T any](v T) *T { return &v }

// wirePacket converts a socketio EVENT packet to the packet object of the
// wire format, binary attachments in place.
func wirePacket(p *parser.Packet) wire.Packet {
	return wire.Packet{Type: int(parser.Event), Nsp: p.Namespace, Data: wire.JSONData{JSON: p.Data, Attachments: p.Attachments}}
}

// wireOpts converts broadcast options; timeout, when set, is the ack
// timeout flag.
func wireOpts(o *socketio.BroadcastOptions, timeout *time.Duration) wire.BroadcastOptions {
	return wire.BroadcastOptions{
		Rooms:  o.Rooms,
		Except: dedupe(o.Except),
		Flags:  &wire.BroadcastFlags{Volatile: o.Flags.Volatile, Timeout: timeout},
	}
}

func dedupe(s []string) []string {
	if len(s) < 2 {
		return s
	}
	out := make([]string, 0, len(s))
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// localOpts converts received options to a local-only selection.
func localOpts(o *wire.BroadcastOptions, volatile bool) *socketio.BroadcastOptions {
	if o == nil {
		return &socketio.BroadcastOptions{Flags: socketio.BroadcastFlags{Local: true}}
	}
	return &socketio.BroadcastOptions{Rooms: o.Rooms, Except: o.Except, Flags: socketio.BroadcastFlags{Local: true, Volatile: volatile}}
}

// eventPacket converts a received packet object to a socketio EVENT
// packet; ok is false for anything but an event with an array payload.
func eventPacket(p *wire.Packet) (*parser.Packet, bool) {
	if p.Type != int(parser.Event) && p.Type != int(parser.BinaryEvent) {
		return nil, false
	}
	data, att, err := wire.DataJSON(p.Data)
	if err != nil || !bytes.HasPrefix(data, []byte("[")) {
		return nil, false
	}
	return &parser.Packet{Type: parser.Event, Namespace: p.Nsp, ID: parser.NoID, Data: data, Attachments: att}, true
}

// onBroadcast handles a message of the broadcast pattern, as Node's
// onmessage: drop room broadcasts for rooms without local sockets before
// decoding, own messages and other namespaces' packets.
func (a *Adapter) onBroadcast(channel string, payload []byte) {
	room, ok := a.ch.Room(channel)
	if !ok {
		return
	}
	if room != "" && len(a.MemoryAdapter.Sockets([]string{room})) == 0 {
		return
	}
	m, err := wire.DecodeBroadcast(payload)
	if err != nil {
		a.malformed("broadcast", err)
		return
	}
	if m.UID == a.uid || m.Packet.Nsp != a.nsp.Name() {
		return
	}
	p, ok := eventPacket(&m.Packet)
	if !ok {
		a.malformed("broadcast (not an event)", nil)
		return
	}
	a.nsp.ObserveAdapterMessage(false, wire.Broadcast.String())
	volatile := m.Opts.Flags != nil && m.Opts.Flags.Volatile
	_ = a.MemoryAdapter.Broadcast(a.ctx, p, localOpts(&m.Opts, volatile))
}

// onBroadcastRequest answers another server's broadcast with acks: the
// local client count, then each client's first ack argument, until the
// request's timeout.
func (a *Adapter) onBroadcastRequest(r *wire.Request) {
	if r.UID == a.uid || r.Packet == nil || r.Packet.Nsp != a.nsp.Name() {
		return
	}
	if a.reqs.Ack(r.RequestID) != nil {
		return
	}
	p, ok := eventPacket(r.Packet)
	if !ok {
		return
	}
	timeout := a.opts.RequestTimeout
	if r.Opts != nil && r.Opts.Flags != nil && r.Opts.Flags.Timeout != nil {
		timeout = *r.Opts.Flags.Timeout
	}
	respCh := a.ch.ResponseChannelFor(r.UID, a.opts.PublishOnSpecificResponseChannel)
	broadcast := func(ctx context.Context, clientCount func(int), ack func(*socketio.Args)) error {
		return a.MemoryAdapter.BroadcastWithAck(ctx, p, localOpts(r.Opts, false), clientCount, ack)
	}
	request.AnswerAcks(a.ctx, timeout, broadcast,
		func(n int) {
			b, err := wire.EncodeResponse(&wire.Response{Type: wire.BroadcastClientCount, RequestID: r.RequestID, ClientCount: n})
			if err == nil {
				a.enqueueBroadcast(wire.BroadcastClientCount.String(), respCh, b)
			}
		},
		func(args *socketio.Args) {
			resp := &wire.Response{Type: wire.BroadcastAck, RequestID: r.RequestID}
			if raw := args.Raw(0); raw != nil {
				resp.Packet = wire.JSONData{JSON: bytes.Clone(raw), Attachments: args.Attachments()}
				resp.HasPacket = true
			}
			if b, err := wire.EncodeResponse(resp); err == nil {
				a.enqueueBroadcast(wire.BroadcastAck.String(), respCh, b)
			} else {
				a.log.Warn("socketio: redis adapter: cannot encode ack", "err", err)
			}
		})
}

// onAckResponse relays a BROADCAST_CLIENT_COUNT or BROADCAST_ACK to the
// pending broadcast; it reports whether r belonged to one.
func (a *Adapter) onAckResponse(r *wire.Response) bool {
	req := a.reqs.Ack(r.RequestID)
	if req == nil {
		return false
	}
	switch r.Type {
	case wire.BroadcastClientCount:
		req.ClientCount(r.ClientCount)
	case wire.BroadcastAck:
		args := socketio.NewArgs([]byte("[]"), nil)
		if r.HasPacket {
			data, att, err := wire.DataJSON(r.Packet)
			if err != nil {
				a.malformed("ack", err)
				return true
			}
			raw := make([]byte, 0, len(data)+2)
			raw = append(append(append(raw, '['), data...), ']')
			args = socketio.NewArgs(raw, att)
		}
		req.Ack(args)
	}
	return true
}
