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
// Redis no connection and the server no goroutine while idle.
// docs/scaling.md documents the wire format in full (channels, messages),
// its operations, and the trust the adapter puts in whoever can publish on
// its channels.
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
// # Metrics
//
// The adapter reports to the server's [socketio.Observer] each message it
// publishes and each message of another server it handles
// (AdapterMessage, with the message's type as Node's adapter names it), and its
// failures (AdapterError: publish, decode, request_timeout,
// receive_queue_full); package socketio/metrics counts them as
// socketio_adapter_messages_total and socketio_adapter_errors_total. See
// docs/observability.md.
package redisadapter
