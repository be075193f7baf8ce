// Package socketio is a Socket.IO (protocol v5) server, feature for feature
// with the Node.js reference server socket.io 4.8, and spoken to by
// socket.io-client 4.x. It runs on the [engineio] package.
//
// # Server
//
// [NewServer] returns a [Server], an [net/http.Handler] answering under
// Options.Path (default "/socket.io/"):
//
//	io := socketio.NewServer(nil)
//	io.OnConnection(func(ctx context.Context, s *socketio.Socket, auth []byte) error {
//		s.On("chat", func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
//			return s.Broadcast().Emit("chat", args) // forwards the arguments unchanged
//		})
//		return s.Emit("welcome", s.ID())
//	})
//	http.Handle("/socket.io/", io)
//
// A client's Engine.IO connection carries one [Socket] per [Namespace] it
// joins. Namespaces are static ([Server.Of]) or dynamic ([Server.OfRegexp],
// [Server.OfFunc]): a dynamic namespace creates a child namespace for each
// matching name on demand, sharing its middleware and handlers (Node's
// ParentNamespace). A CONNECT to an unknown namespace is answered with
// CONNECT_ERROR "Invalid namespace". A child is removed, and its adapter
// closed, when no socket holds it any more (Node's
// cleanupEmptyChildNamespaces; Options.KeepEmptyChildNamespaces keeps them,
// Node's default); a cut socket that may still recover its session holds
// it until the session expires.
//
// # Connecting
//
// A CONNECT packet runs the namespace's [Middleware] in order, then its
// [ConnectionHandler]; an error from either rejects the socket with a
// CONNECT_ERROR carrying the error's message (and the Data of a
// [*ConnectError]). A panic in either rejects it with "Internal server
// error": the panic's text and stack go to the log, never to the client.
// Otherwise the server replies CONNECT {"sid":...} (plus "pid" with
// connection state recovery), and then sends what the handlers emitted
// meanwhile. An event the client sends as soon as it has the reply is
// handled after the connect step.
//
// The connect step is bounded by Options.ConnectTimeout (45 s): past it,
// the socket's ctx is cancelled with cause [ErrConnectTimeout], the client
// gets CONNECT_ERROR "Connection timeout", and the step's result, whenever
// it comes, is discarded (Node has no such bound). A client that joins no
// namespace within ConnectTimeout is closed; if connect steps are still
// under way then, once the last of them is refused (Node closes it at
// once).
//
// [Handshake] encodes to JSON as Node's socket.handshake, which
// applications send to clients.
//
// # Events
//
// Incoming events go to, in this order: the socket's [Socket.OnAny]
// listeners, then the first of the socket's handler for the event
// ([Socket.On]), the namespace's ([Namespace.On]) and the socket's
// [Dispatcher] ([Socket.SetDispatcher], which siogen's generated code
// installs). A Dispatcher returns [ErrUnknownEvent] for events it does not
// know; such events are only seen by OnAny listeners.
//
// The decoder reads a packet's header and event name and hands the rest of
// the JSON text, undecoded, to the handler as [*Args]; handlers decode each
// argument once, into its final type. []byte arguments of Emit become binary
// attachments; an *Args as the only argument of Emit or of an [AckFunc]
// forwards received arguments unchanged.
//
// [Socket.EmitWithAck] waits for the client's acknowledgement until its ctx
// is done; [BroadcastOperator.EmitWithAck] collects one acknowledgement per
// receiver, cluster wide.
//
// # Ordering
//
// A socket's events reach its handlers one at a time, in the order the
// client sent them, on a worker goroutine that exists only while the socket
// has events waiting (an idle socket costs no goroutine). The connection
// handler runs on the same worker before any event, and the disconnect
// handlers after the handler running at the disconnection returned. With
// Options.ConcurrentEvents each event runs on a goroutine of its own
// instead. A slow handler delays only its own socket's later events: not
// heartbeats (the engineio layer answers them), acknowledgements (resolved
// on the reading goroutine) or other sockets. A panicking handler is
// recovered and logged with log/slog; the socket stays usable.
//
// The socket's queue is the one place that keeps this order and that
// pushes back on a client faster than its handlers: the connection is read
// on one goroutine (engineio's OnMessageBlocking), which decodes each
// packet and queues its event; while the queue holds EventQueueSize
// events or EventQueueBytes bytes of them, that goroutine waits for a handler to take one, so the server
// reads nothing more from that client (over WebSocket, TCP flow control
// stops it; over polling, its POST is answered once every packet of it is
// queued). The client is slowed, never disconnected, for being fast; its
// pong may wait behind its events, and the heartbeat waits on as long as
// the handlers keep taking events (see Bounds). While the reader waits,
// the client's acknowledgements, DISCONNECT and events for other
// namespaces of the connection wait too: a handler that waits for an
// acknowledgement from its own client while that client fills the queue
// waits until its ctx ends or the heartbeat's bound closes the connection.
//
// When a socket disconnects while one of its handlers runs (maybe blocked,
// for a client that is gone), the events still waiting in its queue are
// dropped at once, with their memory, and their handlers never run; the
// running handler returns in its own time (its ctx is canceled), then the
// disconnect handlers run. When no handler runs, the events already queued
// run before the disconnect handlers. (Node, which has no queue, has
// called the handler of every event received before a disconnection; a
// client that needs an event handled before it disconnects should wait for
// its acknowledgement.)
//
// Packets sent to one socket arrive in the order they were sent. A
// broadcast is encoded once, and the same bytes are queued on every
// receiver's Engine.IO session.
//
// # Rooms and broadcasts
//
// Every socket is in the room named by its id, and joins and leaves others
// with [Socket.Join] and [Socket.Leave]. [BroadcastOperator] selects the
// sockets in any of some rooms (To, In) and in none of others (Except), and
// can be Volatile (dropped for receivers whose transport cannot write right
// now) or Local (this server only). It emits, collects acknowledgements,
// describes sockets (FetchSockets), makes them join or leave rooms
// (SocketsJoin, SocketsLeave) and disconnects them (DisconnectSockets).
//
// # Adapters
//
// Rooms and broadcasts are the [Adapter]'s business. [MemoryAdapter], the
// default, serves one server; a cluster adapter, such as package
// redisadapter's, embeds it and adds the traffic between servers.
// docs/socketio.md gives the contract.
//
// # Connection state recovery
//
// With Options.ConnectionStateRecovery, a socket whose transport was cut
// (not one disconnected on purpose) can come back within
// MaxDisconnectionDuration (default 2 minutes) with its id, rooms and data,
// and receive the events broadcast to its rooms meanwhile: the CONNECT
// reply carries a private session id, and every event the socket receives
// carries an offset as its last argument, which socket.io-client sends back
// on reconnection, as with Node. [Socket.Recovered] reports a recovery;
// middleware is skipped for recovered sockets unless SkipMiddlewares is
// false. The missed packets follow the CONNECT reply at the pace the
// client reads them, however many were kept, and the packets sent to the
// socket meanwhile follow them, in order.
//
// # Disconnection
//
// A socket leaves its namespace with one of the [DisconnectReason]s Node
// reports: "client namespace disconnect", "server namespace disconnect"
// ([Socket.Disconnect]), "server shutting down" ([Server.Shutdown],
// [Server.Drain]), or the
// Engine.IO connection's close reason ("transport close", "ping timeout",
// "forced close", ...). [Socket.OnDisconnecting] handlers still see the
// socket's rooms; [Socket.OnDisconnect] handlers run after it left them.
// A malformed packet closes that client's connection ("parse error") and
// nothing else; a flood of events beyond Options.EventsPerSecond
// disconnects that connection's sockets ("event rate limit exceeded",
// with a DISCONNECT packet to each) and nothing else.
//
// # Bounds
//
//   - Options.EventQueueSize (default 256) events, and
//     Options.EventQueueBytes (1 MiB) of them (one larger event alone),
//     wait or run per socket; while they do, the server stops reading that
//     client (see Ordering). The
//     hard bound for a client that does not let its handlers progress: when
//     the pong answering a ping is late and the connection's handlers took
//     none of its events for a whole engineio.Options.PingTimeout (20 s),
//     the connection closes with "ping timeout" (the client is gone, or a
//     handler is stuck while the client is pushed back).
//   - Outgoing packets are bounded by the Engine.IO session's send queue
//     (engineio.Options.SendQueueSize). A recovery replay is paced to the
//     client through that queue (it waits for room); packets sent to the
//     socket during the replay wait behind it, at most SendQueueSize of
//     them, beyond which the connection is closed as for a full send queue.
//   - A packet carries at most Options.MaxAttachments (10) attachments (a
//     header announcing 0 is malformed too), and each message at most
//     engineio.Options.MaxPayload bytes.
//   - A connection joins, or is joining, at most
//     Options.MaxNamespacesPerConnection (100) namespaces; the dynamic
//     namespaces hold at most Options.MaxDynamicNamespaces (10,000) children
//     together; a CONNECT beyond either gets CONNECT_ERROR "Too many
//     namespaces". A namespace name longer than Options.MaxNamespaceLength
//     (256 bytes) is an "Invalid namespace". Empty children are removed.
//   - A connect step (middleware and connection handler) lasts at most
//     Options.ConnectTimeout; a step that ignores its ctx keeps only its own
//     goroutine, not the socket.
//   - Connection state recovery keeps at most RecoveryOptions.MaxPackets
//     (10,000) packets and RecoveryOptions.MaxBytes (32 MiB) of them per
//     namespace, each for at most MaxDisconnectionDuration, and one session
//     per cut socket for as long; every kept packet missed by a recovering
//     client is replayed.
//   - Emits made by a connection handler are held until the CONNECT reply;
//     that buffer is bounded by what the handler emits.
//   - Off by default: a connection sends at most Options.EventsPerSecond
//     events on average (Options.EventBurst at once), or is disconnected
//     with [ReasonEventRateLimit]; engineio.Options.Limits bounds the
//     handshakes per second and the open connections of one client (IP
//     address or key). docs/limits.md describes both.
//
// # Observing
//
// Options.Observer ([Observer]) is told of sockets connecting and
// disconnecting, refused CONNECTs, events received, handled and sent,
// acknowledgements, decode errors, panics, recoveries and room changes,
// synchronously and with no lock held; a nil hook costs one comparison.
// Packages socketio/metrics (Prometheus) and socketio/tracing
// (OpenTelemetry) build on it; docs/observability.md describes both.
//
// # Concurrency
//
// [Server], [Namespace], [Socket], [BroadcastOperator] and [MemoryAdapter]
// methods are safe for concurrent use. Handlers run on the socket's worker
// goroutine (see Ordering). [*Args] passed to an event handler is valid
// only during the call; Args returned by EmitWithAck stay valid. Emits never
// wait for the network.
//
// # Adapter lifecycle
//
// Options.Adapter runs when a namespace is made, never under a lock of the
// server, and must be cheap; an adapter that must do I/O first implements
// [AdapterStarter], whose Start the server calls on a goroutine of its own
// (in the background for [Server.Of], and awaited by the first CONNECTs,
// which a failed start refuses with "Namespace unavailable" until a later
// CONNECT's start succeeds). A dynamic namespace is a placeholder without a
// cluster adapter: its broadcasts go through its children's adapters (Node's
// ParentBroadcastAdapter). [Server.Shutdown] closes every adapter the
// server made, each once; so does the removal of an empty child. Adapter
// calls made for an emit get a context that ends with the server's
// Shutdown. A session recovery (RestoreSession, which a cluster adapter
// may answer from other servers) runs in the connect step, after the
// adapter's start, on the socket's worker rather than the connection's
// reading goroutine, with a context that ends with the connect step
// (Options.ConnectTimeout) and with Shutdown: a failed restore gives the
// socket a new session, as in Node, and a restore outliving the connect
// step refuses the CONNECT with "Connection timeout" (a session restored
// too late is handed back to the adapter, PersistSession, for the client's
// next attempt). An adapter sees its namespace through [AdapterNamespace].
//
// # Lock order
//
// No lock is held while calling into foreign code: an adapter's methods or
// factory, a match function, a handler, middleware, an Observer hook, the
// Engine.IO connection (Send, Close). Two mutexes are held at once only in
// this order, never the other way round: Server.mu (the namespace registry,
// clients, child counts, Namespace.refs), then a dynamic namespace's
// Namespace.mu (its children), when a child is added or removed.
//
// Every other mutex is a leaf, nothing is taken under it: Namespace.mu
// otherwise (the sockets, looked up by [AdapterNamespace] methods),
// Namespace.startMu (the adapter start), hooks.mu (a namespace's
// registrations), Socket.mu (a socket's state, acks, handlers, pending
// packets, and its id while it connects), client.mu (a client's sockets),
// queue.mu (a socket's event queue), replay.mu (a recovery replay),
// MemoryAdapter.mu (rooms: a broadcast collects the ids of its receivers
// under it, and looks their sockets up from the namespace after releasing
// it), the recovery store's mu, and the Redis adapter's factory.mu,
// Adapter.mu, Adapter.inMu and hub.mu (never held across a Redis call or a
// call into another adapter or the namespace).
//
// tracker.mu (Shutdown's count of goroutines) is a leaf too.
package socketio
