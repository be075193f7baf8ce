package socketio

import (
	"context"

	"github.com/siogo/sio/engineio"
)

// DrainOptions sets the pace of [Server.Drain]: the connections open when
// the drain starts are closed evenly over Period, at most Rate per second.
// It is [engineio.DrainOptions]; nil closes every connection at once.
type DrainOptions = engineio.DrainOptions

// Drain takes the server out of service gradually, for a deploy or a
// scale-down behind a load balancer: it stops accepting connections, closes
// the open ones at the pace opts sets, so that their clients reconnect to
// the other servers over a period instead of all at the same moment (the
// reconnect storm of a plain [Server.Shutdown]), and then shuts the server
// down as Shutdown does (adapters closed, handlers and adapter starts
// waited for).
//
// A new Engine.IO handshake is answered with HTTP status 503 Service
// Unavailable and "Connection: close" from the start of the drain (see
// [engineio.Server.Drain]); the sockets not closed yet keep working,
// events, broadcasts and acknowledgements included.
//
// Each connection is closed the way Node's io.close() closes it: no
// DISCONNECT packet, the Engine.IO transport is closed (a close packet). On
// the server its sockets disconnect with [ReasonServerShuttingDown], a
// recoverable reason: with [Options.ConnectionStateRecovery] their session
// is kept in the adapter, and a server sharing that adapter (the Redis
// streams adapter, say) restores it when the client reconnects there. The
// client sees "transport close", the disconnect after which
// socket.io-client (and this module's client) reconnects on its own, after
// its backoff (1 to 5 s by default); a server-side Socket.Disconnect would
// send a DISCONNECT packet instead, "io server disconnect", after which the
// client does not reconnect.
//
// When ctx ends before the drain is over, the connections left are closed
// at once and Drain returns ctx's error after closing the adapters, as
// [http.Server.Shutdown] does; handlers still running are not waited for.
func (s *Server) Drain(ctx context.Context, opts *DrainOptions) error {
	derr := s.engine.Drain(ctx, opts)
	err := s.Shutdown(ctx)
	if derr != nil {
		return derr
	}
	return err
}
