// Package redisadapter is the Redis adapter for sio's Socket.IO server: it lets
// several servers, Go or Node.js, share rooms and broadcasts through one Redis
// over pub/sub, wire-compatible with Node's @socket.io/redis-adapter 8.x
// (the classic adapter made by createAdapter(pubClient, subClient, opts)).
//
// [New] returns the adapter factory for [socketio.Options].Adapter:
//
//	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379"})
//	io := socketio.NewServer(&socketio.Options{Adapter: redisadapter.New(rdb, nil)})
//
// Each namespace gets an [Adapter] that embeds the in-memory adapter for its
// local sockets and publishes the remote part of every operation. The
// adapters made by one New share one subscriber connection (each namespace
// adds its four subscriptions to it and removes them when it closes), one
// goroutine routing what it receives, and one publish queue with its
// goroutine, as Node's adapter shares its two clients: a namespace costs
// Redis no connection and the server no goroutine while idle. The wire
// codec below (channels, messages) is exported too; docs/scaling.md
// documents the wire format in full, its operations, and the trust the
// adapter puts in whoever can publish on its channels.
//
// # Concurrency and bounds
//
// Every method of an Adapter is safe from many goroutines. Local delivery
// never waits on Redis: what is published goes through an ordered queue of
// [PublishQueueSize] messages per server, and what is received through a
// queue of [ReceiveQueueSize] per namespace, handled in order on a
// goroutine that runs only while messages wait; when Redis is unreachable
// or a queue is full, the other servers miss those messages. Redis calls
// made for a caller ([Adapter.ServerCount] and the requests) end when the
// caller's ctx is done, whatever the go-redis client's timeouts, with at
// most [MaxRedisCalls] in flight per server; requests end at
// Options.RequestTimeout or their context's deadline, whichever comes
// first. Server-side-emit handlers run on the namespace's receiving
// goroutine and must not block.
//
// # Logs
//
// Faults (publish failures, full queues, malformed messages, lost
// subscriptions) are logged to Options.Logger once when they first happen,
// then summarized once per [LogInterval] while they go on, each line with
// a count. A publish is reported as failed only when it certainly did not
// happen (Redis answered an error, or no connection could be had);
// otherwise its outcome is reported as unknown, since Redis may have
// delivered it.
//
// # Channels
//
// With the default key "socket.io" and a namespace nsp, a server publishes and
// subscribes on
//
//   - socket.io#<nsp>#          broadcasts to all sockets or to several rooms
//   - socket.io#<nsp>#<room>#   broadcasts to exactly one room
//   - socket.io-request#<nsp>#  requests to every server
//   - socket.io-response#<nsp>#         responses (shared channel)
//   - socket.io-response#<nsp>#<uid>#   responses to one server, when the
//     requester asked for specific response channels
//
// [Channels] builds these names and [Channels.Room] recovers the room from a
// broadcast channel.
//
// # Messages
//
// A broadcast is a msgpack array [uid, packet, opts], decoded by
// [DecodeBroadcast] and encoded by [EncodeBroadcast]. Requests and responses
// are JSON objects, except the BROADCAST request and the BROADCAST_ACK
// response, which are msgpack maps because their packets may carry binary;
// [DecodeRequest] and [DecodeResponse] tell the two apart the way Node does
// (a message starting with '{' is JSON), and [EncodeRequest] and
// [EncodeResponse] pick the format Node uses for each type.
//
// The msgpack written here follows notepack.io, the encoder Node uses: the
// smallest integer form (unsigned for non-negative values), integral floats
// written as integers, str8 for 32–255 byte strings, bin for []byte, and map
// keys in a fixed order that matches the order Node's objects have. Object
// values inside event data are decoded to map[string]any, which does not keep
// key order; [JSONData] keeps it when encoding.
//
// # Bounds
//
// Decoders reject nesting deeper than [MaxDepth], array and map lengths larger
// than the bytes left in the message, and trailing bytes. They keep no state;
// the size of a message is bounded by the caller (the adapter reads them from
// Redis, which caps a message at its proto-max-bulk-len).
//
// # Concurrency
//
// Every function in this package is safe to call from many goroutines at
// once. Decoded values share no memory with the input message.
package redisadapter
