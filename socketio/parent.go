package socketio

import (
	"context"
	"errors"

	"github.com/siogo/sio/socketio/parser"
)

// parentAdapter is the adapter of a dynamic namespace ([Server.OfFunc]), as
// Node's ParentBroadcastAdapter: the namespace is a placeholder with no
// sockets, so it needs no cluster adapter (no subscription, no connection);
// a broadcast on it goes to every child namespace through the child's own
// adapter, which carries it to the other servers. The room methods are the
// embedded MemoryAdapter's, always empty.
type parentAdapter struct {
	*MemoryAdapter
	nsp *Namespace
}

// Broadcast implements [Adapter]: p goes to every child, renamed to it.
func (a *parentAdapter) Broadcast(ctx context.Context, p *parser.Packet, opts *BroadcastOptions) error {
	var errs []error
	for _, c := range a.nsp.childList() {
		q := *p
		q.Namespace = c.name
		if err := c.adapter.Broadcast(ctx, &q, opts); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// BroadcastWithAck implements [Adapter]: acknowledgements are not collected
// across children.
func (a *parentAdapter) BroadcastWithAck(context.Context, *parser.Packet, *BroadcastOptions, func(int), func(*Args)) error {
	return ErrParentNamespace
}
