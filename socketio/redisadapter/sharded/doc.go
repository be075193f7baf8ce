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
// its ctx. See docs/scaling.md for the channels, the subscription modes and
// the connections used.
//
// # Concurrency
//
// An [Adapter]'s methods are safe for concurrent use. Messages from other
// servers are handled one at a time per namespace, in order, on a goroutine
// that runs while some are waiting; [socketio.Namespace.OnServerSideEmit]
// handlers run on it and must not block. Lock order: Adapter.roomMu, then
// the shared hub's mutex; no lock is held across a Redis call or a call
// into foreign code.
package sharded
