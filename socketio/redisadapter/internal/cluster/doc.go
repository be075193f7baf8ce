// Package cluster is Node's ClusterAdapter (socket.io-adapter 2.5) without
// its message bus: [Core] does the local part of each adapter operation on
// a [socketio.MemoryAdapter], publishes the remote part as [Message]s
// through a [Transport], answers the other servers' messages and collects
// their responses. [Encode] and [Decode] are the messages' wire form (JSON,
// or msgpack when they carry binary), byte-compatible with Node's.
//
// The sharded Redis adapter is a Transport over SPUBLISH/SSUBSCRIBE.
// [EncodeFields], [DecodeFields] and [StreamName] are the Redis Streams
// adapter's stream entries and streams, shared with the emitter that
// writes to them.
//
// # Bounds
//
// A Core keeps at most [ReceiveQueueSize] received messages waiting;
// malformed messages are logged at Debug and dropped; a request waits for
// at most ServerCount-1 responses, until the request timeout or its ctx.
//
// # Observer
//
// A Core reports the messages it publishes and handles, and its failures,
// to the namespace's observer ([socketio.Namespace.ObserveAdapterMessage],
// ObserveAdapterError); a transport reports what it does itself (a full
// publish queue, a malformed stream entry) through [Core.Reporter].
//
// # Concurrency
//
// A Core's methods are safe for concurrent use. Received messages are
// handled one at a time, in order, on a goroutine that runs while some are
// waiting. The requests and acks are kept in a request.Table (its own lock
// order); Core.inMu is never held with another lock; none is held across a
// Transport call or a call into foreign code.
package cluster
