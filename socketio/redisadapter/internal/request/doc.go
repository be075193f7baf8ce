// Package request is the bookkeeping every Redis adapter of this module
// repeats around the other servers' answers: the requests waiting for
// responses ([Table], [Pending]), the broadcasts waiting for acks
// ([Table.AddAck]), the sockets of a fetch response ([WireSocket],
// [LocalSocket]), the option defaults ([Timeout], [Logger]) and the state
// one adapter factory shares between its namespaces ([Shared]). The
// classic adapter (socketio/redisadapter) and Node's ClusterAdapter core
// (socketio/redisadapter/internal/cluster) both build on it; it knows
// nothing of Redis nor of a wire format.
//
// # Bounds
//
// A [Pending] counts at most its expected responses: it finishes at the
// last one and ignores what comes after, as it ignores responses once its
// request timed out or its table closed. [Table.Request] waits at most the
// table's timeout, less when its ctx ends sooner. An ack registration lasts
// until its ctx ends.
//
// # Concurrency
//
// Every type is safe for concurrent use. Lock order: Table.mu, then a
// Pending's mu; Shared.mu is never held with another. No lock is held
// across a call into foreign code (publish functions, ack callbacks,
// factories excepted: [Shared.Attach] runs its start function under
// Shared.mu, which must not block).
package request
