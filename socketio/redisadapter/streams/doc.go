// Package streams is the Redis Streams adapter: a [socketio.Adapter]
// wire-compatible with Node's @socket.io/redis-streams-adapter 0.3, so Go
// and Node servers can share one Redis, and the only Redis adapter with
// which a client recovers its session (connection state recovery) on any
// server of the cluster.
//
// The messages are those of Node's ClusterAdapter (socket.io-adapter 2.5),
// carried as Node's adapter carries them:
//
//   - broadcasts without acks, socketsJoin, socketsLeave and
//     disconnectSockets are entries of a Redis stream (XADD MAXLEN ~
//     MaxLen), fields uid, nsp, type and data (the JSON text of the
//     message's data, or the base64 of its msgpack when it carries
//     binary). Every server reads the streams with one blocking XREAD loop
//     on a connection of its own, shared by all its namespaces (with a
//     Redis Cluster client, one loop and connection per stream). With
//     StreamCount > 1 each namespace uses one of several streams, by
//     Node's hash of its name, so that a Redis Cluster can spread them;
//   - broadcasts with acks, server-side emits and fetchSockets are
//     published (msgpack) on <prefix>#<nsp>#, the responses on
//     <prefix>#<nsp>#<uid>#, with PUBLISH (or SPUBLISH with
//     UseShardedPubSub) over one pub/sub connection per server;
//   - ServerCount is PUBSUB NUMSUB (SHARDNUMSUB) of <prefix>#<nsp>#,
//     summed over the masters of a Redis Cluster. Node's 0.3 adapter sends
//     no heartbeat (it is a ClusterAdapter, not a
//     ClusterAdapterWithHeartbeat), so neither does this one: a server
//     leaves the count when Redis sees its connection close.
//
// A process that serves no clients (a worker, a cron job) writes to the
// streams with emitter.NewStreams (package socketio/redisadapter/emitter),
// whose entries the servers read, and replay to recovering clients, as
// their own.
//
// # Connection state recovery
//
// With the server's socketio.Options.ConnectionStateRecovery, an event broadcast
// to clients carries the stream entry id as its offset, a disconnected
// socket's session is stored in Redis (SET <SessionKeyPrefix><pid>, PX
// MaxDisconnectionDuration), and a client that reconnects to any server,
// Go or Node, gets back its id, rooms and data, and the events it missed,
// read from the stream after its offset. How far back depends on MaxLen.
// Data restored on a server comes back as the json.RawMessage of what was
// stored.
//
// # Bounds
//
// Each namespace keeps at most [ReceiveQueueSize] received messages
// waiting; malformed entries and messages are logged at Debug and dropped;
// a request waits for at most ServerCount-1 responses, until
// Options.RequestTimeout or its ctx. RestoreSession reads at most
// [MaxRestorePages] pages of [RestorePageSize] entries and looks up pids
// of at most [MaxPIDLength] bytes.
//
// # Trust
//
// Every server, and anything else that can write to the Redis, is
// trusted: what is in the streams and channels is delivered to clients
// and acted on, and the stored sessions give their ids, rooms and data to
// whoever presents their pid. Keep Redis on a private network, with ACLs.
//
// # Concurrency
//
// An [Adapter]'s methods are safe for concurrent use. Messages from other
// servers are handled one at a time per namespace, in order, on a goroutine
// that runs while some are waiting; [socketio.Namespace.OnServerSideEmit]
// handlers run on it and must not block. The adapters of one [New] share a
// hub whose mutex is never held across a Redis call or a call into an
// adapter; an adapter holds no lock of its own.
//
// # Metrics
//
// The adapter reports to the server's [socketio.Observer] each message it
// publishes and each message of another server it handles
// (AdapterMessage, with the message's type as Node's ClusterAdapter names it), and its
// failures (AdapterError: publish, decode, request_timeout,
// receive_queue_full); package socketio/metrics counts them as
// socketio_adapter_messages_total and socketio_adapter_errors_total. See
// docs/observability.md.
package streams
