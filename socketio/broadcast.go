package socketio

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/siogo/sio/socketio/parser"
)

// BroadcastOperator selects sockets of a namespace: those in any of its
// rooms (every socket when it has none) and in none of its excluded rooms.
// Its methods return new operators; an operator is immutable and safe to
// share.
type BroadcastOperator struct {
	nsp    *Namespace
	rooms  []string
	except []string
	flags  BroadcastFlags
}

func (b *BroadcastOperator) clone() *BroadcastOperator {
	c := *b
	return &c
}

// To adds rooms to the selection.
func (b *BroadcastOperator) To(rooms ...string) *BroadcastOperator {
	c := b.clone()
	c.rooms = append(slices.Clip(b.rooms), rooms...)
	return c
}

// In is To.
func (b *BroadcastOperator) In(rooms ...string) *BroadcastOperator { return b.To(rooms...) }

// Except excludes the sockets in any of rooms.
func (b *BroadcastOperator) Except(rooms ...string) *BroadcastOperator {
	c := b.clone()
	c.except = append(slices.Clip(b.except), rooms...)
	return c
}

// Local limits the operation to this server's sockets.
func (b *BroadcastOperator) Local() *BroadcastOperator {
	c := b.clone()
	c.flags.Local = true
	return c
}

// Volatile drops the event for receivers whose transport cannot write right
// now.
func (b *BroadcastOperator) Volatile() *BroadcastOperator {
	c := b.clone()
	c.flags.Volatile = true
	return c
}

// Options returns the adapter's view of the selection.
func (b *BroadcastOperator) Options() *BroadcastOptions {
	return &BroadcastOptions{Rooms: b.rooms, Except: b.except, Flags: b.flags}
}

// targets returns the namespaces the operation applies to: the namespace,
// or a dynamic namespace's children.
func (b *BroadcastOperator) targets() []*Namespace {
	if b.nsp.match != nil {
		return b.nsp.childList()
	}
	return []*Namespace{b.nsp}
}

// Emit sends an event to the selected sockets. The packet is encoded once
// and the same bytes are queued for every receiver.
func (b *BroadcastOperator) Emit(event string, args ...any) error {
	p, err := eventPacket(b.nsp.name, event, args)
	if err != nil {
		return err
	}
	b.nsp.eventSent(event)
	return b.broadcast(p)
}

// broadcast sends the EVENT packet p to the selected sockets, through the
// namespace's adapter (a dynamic namespace's adapter sends it to each
// child's). The adapter's ctx ends with the server.
func (b *BroadcastOperator) broadcast(p *parser.Packet) error {
	return b.nsp.adapter.Broadcast(b.nsp.srv.ctx, p, b.Options())
}

// EmitWithAck sends an event to the selected sockets, cluster wide, and
// waits until each of them acknowledged it or ctx is done. It returns the
// acknowledgements in arrival order; when ctx ends first it returns those
// received so far with an error wrapping ctx.Err() (Node's "operation has
// timed out").
func (b *BroadcastOperator) EmitWithAck(ctx context.Context, event string, args ...any) ([]*Args, error) {
	if b.nsp.match != nil {
		return nil, ErrParentNamespace
	}
	p, err := eventPacket(b.nsp.name, event, args)
	if err != nil {
		return nil, err
	}
	b.nsp.eventSent(event)
	var (
		mu              sync.Mutex
		responses       []*Args
		expectedServers = -1
		servers         int
		expectedClients int
		finished        bool
		done            = make(chan struct{})
	)
	check := func() {
		if !finished && expectedServers == servers && len(responses) == expectedClients {
			finished = true
			close(done)
		}
	}
	ackCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	err = b.nsp.adapter.BroadcastWithAck(ackCtx, p, b.Options(),
		func(n int) {
			mu.Lock()
			expectedClients += n
			servers++
			check()
			mu.Unlock()
		},
		func(a *Args) {
			mu.Lock()
			if !finished {
				responses = append(responses, a)
				check()
			}
			mu.Unlock()
		})
	if err != nil {
		return nil, err
	}
	count, err := b.nsp.adapter.ServerCount(ctx)
	if err != nil {
		return nil, err
	}
	mu.Lock()
	expectedServers = count
	check()
	mu.Unlock()
	select {
	case <-done:
		mu.Lock()
		defer mu.Unlock()
		return responses, nil
	case <-ctx.Done():
		mu.Lock()
		defer mu.Unlock()
		finished = true
		return slices.Clone(responses), fmt.Errorf("socketio: broadcast acknowledgements of %q: %w", event, ctx.Err())
	}
}

// FetchSockets describes the selected sockets.
func (b *BroadcastOperator) FetchSockets(ctx context.Context) ([]*RemoteSocket, error) {
	var out []*RemoteSocket
	for _, n := range b.targets() {
		rs, err := n.adapter.FetchSockets(ctx, b.Options())
		if err != nil {
			return out, err
		}
		for _, r := range rs {
			r.nsp = n
		}
		out = append(out, rs...)
	}
	return out, nil
}

// SocketsJoin makes the selected sockets join rooms.
func (b *BroadcastOperator) SocketsJoin(ctx context.Context, rooms ...string) error {
	for _, n := range b.targets() {
		if err := n.adapter.AddSockets(ctx, b.Options(), rooms); err != nil {
			return err
		}
	}
	return nil
}

// SocketsLeave makes the selected sockets leave rooms.
func (b *BroadcastOperator) SocketsLeave(ctx context.Context, rooms ...string) error {
	for _, n := range b.targets() {
		if err := n.adapter.DelSockets(ctx, b.Options(), rooms); err != nil {
			return err
		}
	}
	return nil
}

// DisconnectSockets disconnects the selected sockets; close closes their
// client connections.
func (b *BroadcastOperator) DisconnectSockets(ctx context.Context, close bool) error {
	for _, n := range b.targets() {
		if err := n.adapter.DisconnectSockets(ctx, b.Options(), close); err != nil {
			return err
		}
	}
	return nil
}
