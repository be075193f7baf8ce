// Package sharded is the sharded Redis adapter: a [socketio.Adapter] that
// carries a namespace's broadcasts and requests between servers with Redis
// 7 sharded pub/sub (SPUBLISH, SSUBSCRIBE), wire-compatible with Node's
// createShardedAdapter of @socket.io/redis-adapter 8.3, so Go and Node
// servers can share one Redis or Redis Cluster.
//
// The messages are those of Node's ClusterAdapter (socket.io-adapter 2.5):
// {type, data, uid, nsp} objects, written as JSON, or as msgpack (the
// notepack.io encoding of the classic adapter's wire codec) when they carry
// binary. The cluster logic (what to publish for each operation, how to
// answer the other servers, how to collect responses) and the codec live in
// socketio/redisadapter/internal/cluster, shared with the other adapters
// built on Node's ClusterAdapter; this package is the Redis transport.
//
// # Bounds
//
// Each namespace keeps at most [ReceiveQueueSize] received messages
// waiting; malformed messages are logged at Debug and dropped; a request
// waits for at most ServerCount-1 responses, until Options.RequestTimeout or
// its ctx. A server (one [New]) has at most [PublishQueueSize] messages
// waiting to be published, sent in order by one goroutine; broadcasts and
// responses that find it full are dropped (logged), other messages wait
// for room within their ctx. It holds one pub/sub connection per Redis
// node with subscriptions (one with a plain client, at most one per
// master with a cluster client), whatever the number of namespaces and
// rooms. See docs/scaling.md for the channels, the subscription modes and
// the connections used.
//
// # Connections and reconnection
//
// Each channel is subscribed with an SSUBSCRIBE of its own on the
// connection to the master that owns its slot. When go-redis reconnects it
// subscribes a connection's channels again in one SSUBSCRIBE, which a
// Redis Cluster refuses (CROSSSLOT) when they span slots; the adapter sees
// the error (as a MOVED, an SUNSUBSCRIBE Redis sends when a slot migrates,
// or a connection silent to PINGs), drops the connection, reloads the slot
// map and subscribes its channels again one by one. Messages published
// meanwhile are lost, as with any pub/sub reconnection.
//
// # Rooms just joined
//
// In the dynamic modes a server subscribes to a room's channel when it
// handles the SOCKETS_JOIN that puts a socket of its own in the room; a
// broadcast published on the room's channel right after the join can beat
// that subscription and be lost (Node's adapter has this race). For the
// request timeout after it published a socketsJoin or socketsLeave naming a
// room, a sio server (and the sharded emitter) sends broadcasts to that
// room on the namespace's channel instead, after the join, which every
// server reads, Go or Node.
//
// # Binary
//
// Binary in broadcasts and acks crosses as attachments (msgpack on the
// wire, as Node sends it). The arguments of another server's server-side
// emit and the data of a fetched remote socket are JSON for Go; a Node
// Buffer there arrives as a base64 string, which encoding/json decodes into
// a []byte.
//
// # Concurrency
//
// An [Adapter]'s methods are safe for concurrent use. Messages from other
// servers are handled one at a time per namespace, in order, on a goroutine
// that runs while some are waiting; [socketio.Namespace.OnServerSideEmit]
// handlers run on it and must not block. Lock order: Adapter.roomMu, then
// the shared hub's mutex; no lock is held across a Redis call or a call
// into foreign code.
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
package sharded
