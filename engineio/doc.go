// Package engineio implements the server side of the Engine.IO protocol,
// version 4, as spoken by the JavaScript engine.io-client 6.x (and through
// it socket.io-client 4.x), behaving like the Node.js engine.io 6.6 server.
//
// A [Server] is an [net/http.Handler] mounted at [Options.Path]
// ("/engine.io/" by default). Each client connection is a [Session]; the
// application sees messages ([Message], text or binary) and nothing of the
// transports:
//
//	srv := engineio.NewServer(nil)
//	srv.OnConnection(func(s *engineio.Session) {
//		s.OnMessage(func(m engineio.Message) { _ = s.Send(m) })
//		s.OnClose(func(reason engineio.CloseReason, err error) { ... })
//	})
//	http.Handle("/engine.io/", srv)
//
// # Transports
//
// Long-polling ("polling"): the client keeps one GET waiting for packets
// and sends packets with POST; a payload holds packets separated by 0x1e,
// binary messages as 'b' followed by base64. WebSocket ("websocket", via
// github.com/gorilla/websocket): one packet per frame, binary messages as
// binary frames. A session starts on either; a polling session upgrades to
// WebSocket with the probe exchange ("2probe"/"3probe", then "5"). As with
// Node.js, packets keep flowing over polling while the probe is under way;
// a GET waiting with nothing to send is released with a noop by a check
// every 100 ms, and what is still queued at the switch is written, once
// and in order, on the WebSocket. After the upgrade, polling requests for
// the session are refused, and a second WebSocket for it is accepted and
// closed at once.
//
// # Heartbeat and closing
//
// The server pings every [Options.PingInterval] and closes the session
// with [ReasonPingTimeout] when the pong does not arrive within
// [Options.PingTimeout]. One runtime timer per session drives the
// heartbeat; pongs are handled by the transport, never behind application
// handlers. A reader that pushes back on its client (see Flow control)
// reads nothing, so the pong may wait unread behind the client's messages:
// when the pong is late while the reader is held back and the application
// took at least one of the client's messages during the last PingTimeout,
// the session waits another PingTimeout, and so on (Node's server, which
// never stops reading, closes at PingTimeout whatever it received). A
// client that is not held back and does not answer pings is closed at
// PingTimeout, however much else it sends. A session closes exactly once,
// with one of the [CloseReason] constants, reported to the OnClose handler.
//
// # Flow control
//
// Received messages reach the application in one of two ways. With
// [Session.OnMessage], they wait in a queue of [Options.ReceiveQueueSize]
// messages for a goroutine that calls the handler; when it is full, the
// transport stops reading. With [Session.OnMessageBlocking], the transport's
// reader calls the handler itself, which may block: an application with a
// bounded queue of its own (socketio's per-socket event queue) blocks
// there while it is full, and that is the only queue. Either way a client
// faster than the application is slowed, not dropped: over WebSocket, TCP
// flow control stops it; over polling, its POST is answered once the
// application has taken every packet of it. [Session.Closing] tells a
// blocked handler to give up.
//
// Outgoing, [Session.Send] never blocks and closes a session whose queue
// would exceed [Options.SendQueueSize] (a client reading slower than the
// server sends); [Session.SendWait] instead waits for the transport to
// make room, to pace a large, finite sender (socketio's recovery replay) to
// the client.
//
// [Session.Close] closes gracefully, like Node's socket.close(): the
// packets queued before it are written first, in order, then the close
// packet; over long-polling the close packet answers a GET of its own
// (clients act on a close before the messages decoded with it, so
// batching it would lose them). The wait is bounded (see Bounds); what is
// still unwritten then is dropped with the session.
//
// # Broadcasting
//
// To send one message to many sessions, make it with [NewSharedMessage]:
// its WebSocket frame (compressed, with permessage-deflate, when large
// enough) is built once, on the first write, and written as is to every
// WebSocket session, so that a receiver costs no allocation beyond its
// queue entry (see BenchmarkWebSocketSend). Polling sessions encode it
// like any message.
//
// # Errors
//
// Refused requests are answered like the Node.js server: HTTP 400 (403 for
// [CodeForbidden]) with the JSON body {"code":N,"message":"..."}; see
// [ErrorCode] and [RequestError]. Malformed input closes only the session
// it came from ([ReasonParseError], [ReasonTransportError]); errors
// reported to OnClose match [ErrMalformed], [ErrProtocol],
// [ErrPayloadTooLarge] or [ErrSendQueueFull] with errors.Is.
//
// Over WebSocket, such input ends the connection with a close frame
// (then the TCP close, once the client answered or after 1 s): 1007 for a
// text frame that is not UTF-8 and 1009 for a message over MaxPayload, as
// Node's ws; 1002 for an undecodable packet or a ping from the client and
// 1000 after the client's close packet, where Node.js sends a close frame
// without a status code (a deliberate difference: the code says why, and
// clients treat both alike).
//
// The server never writes text that is not UTF-8: [Session.Send] refuses
// a text message that is not with [ErrInvalidUTF8] (checked once for a
// [NewSharedMessage], when it is made).
//
// # Bounds
//
// Every buffer is bounded:
//   - a POST body, a WebSocket message: [Options.MaxPayload] (1e6 bytes);
//     larger input closes the session (HTTP 413 for a POST). A POST body
//     is read into a buffer that grows with the bytes received (at most
//     twice them), never with the Content-Length announced; it must arrive
//     within [Options.HTTPRequestBodyTimeout] (30 s; HTTP 408) and in at
//     most [Options.MaxBufferedChunks] reads (10,000; HTTP 413); each
//     closes the session with [ReasonTransportError], and a session that
//     closes or starts closing ends the POST still being read (as Node);
//   - a GET response: MaxPayload, except that a single larger packet is
//     sent alone; what does not fit waits for the next GET (no packet is
//     dropped);
//   - packets queued for a client: [Options.SendQueueSize] (1024); a Send
//     beyond it closes the session with [ReasonSendQueueFull];
//   - received messages waiting for OnMessage: [Options.ReceiveQueueSize]
//     (64); beyond it the server stops reading from that client (with
//     OnMessageBlocking, while the handler blocks);
//   - a client the server stops reading: when its pong is late and the
//     application took none of its messages for a whole PingTimeout, the
//     session closes with [ReasonPingTimeout] (the client is gone, or the
//     application is stuck while the client is pushed back); a client
//     that is not held back gets no such grace;
//   - a graceful close waits for the close packet to be written at most
//     min(30 s, PingInterval+PingTimeout); an upgrade at most
//     [Options.UpgradeTimeout] (10 s); a WebSocket closed for bad input
//     waits at most 1 s for the client's close frame;
//   - handshakes per second and open sessions of one client (an IP
//     address, or the key of [LimitOptions].Key): [Options.Limits], off by
//     default; a handshake beyond them is refused (HTTP 403, code 4), and
//     the keys tracked for it are bounded by LimitOptions.MaxKeys
//     (100,000).
//
// An idle WebSocket session holds one parked reader goroutine with a
// minimal stack, a 512-byte read buffer and no writer goroutine or write
// buffer (writers are started while packets are queued and borrow pooled
// buffers; the queue array kept between flushes holds at most 8 packets),
// under 8 KiB in all (see BenchmarkIdleWebSocket).
//
// # Headers
//
// Every HTTP response under Options.Path but the 101 of a WebSocket
// upgrade carries X-Content-Type-Options: nosniff. A POST's
// Content-Type must be absent or text/plain (charset UTF-8 when given), as
// every client sends it; anything else is answered 400 and closes the
// session. [Options.InitialHeaders] and [Options.Headers] add headers to
// the responses of a session (cookies, affinity), like Node's
// "initial_headers" and "headers" events.
//
// # Clusters without sticky sessions
//
// Behind a load balancer that sends each request to any node, a
// long-polling client's requests reach nodes that do not know its
// session. With [Options.Cluster] set, such a node (the forwarder) asks
// the cluster, over a [ClusterBus] (package engineio/redisbus: Redis
// Pub/Sub), which node owns the session, and serves the request for it:
//
//   - a GET is held by the owner as a local one, then answered with the
//     packets the owner would have answered it with;
//   - a POST's packets are delivered to the owner, which acknowledges them
//     once its handlers took them (the POST is answered then, as a local
//     one, backpressure included);
//   - a WebSocket upgrade is probed by the forwarder. A new polling
//     session's OnConnection waits [ClusterOptions.TakeOverWindow] (300
//     ms): an upgrade completed within it moves the session to the
//     forwarder, with the messages received meanwhile, before any handler
//     saw it (a take-over). Later, the owner streams the session through
//     the forwarder: the session (queue, heartbeat, handlers) stays on the
//     owner. Either way nothing is lost, duplicated or reordered at the
//     switch. A WebSocket-only session needs no forwarding: its handshake
//     and its transport are one connection;
//   - a forwarded request that ends early is reported to the owner, which
//     closes the session as it would for a local request.
//
// Bounds: a forwarded POST's body has the bounds of a local one
// (MaxPayload, MaxBufferedChunks, HTTPRequestBodyTimeout); a node forwards
// at most [ClusterOptions.MaxForwarded] requests at once (more get 503),
// and at most one GET, one POST and one upgrade per session (another gets
// 400); every wait for another node is bounded: ResponseTimeout (default
// 1 s) for the owner's answer to a lock, an upgrade, and the owner's
// answer to a GET or a POST's acknowledgement by PingInterval +
// PingTimeout + ResponseTimeout. A session no node owns is refused as
// today (400, code 1, "Session ID unknown") once ResponseTimeout passed.
// When the owner dies, the requests forwarded for it are refused that
// way, or the client's heartbeat times out, and the client reconnects to
// a live node. The messages are those of Node's @socket.io/cluster-engine
// (see [ClusterMessageType]); docs/cluster-engine.md describes the
// protocol, its costs and where sio differs.
//
// # Differences from Node.js
//
// Deliberate:
//   - the WebSocket close codes above (1002, 1000 instead of none);
//   - during an upgrade, the 100 ms check that answers an idle GET with a
//     noop waits one more interval when it finds a received message still
//     being handled: Node.js runs handlers to completion before its check
//     can run, so a reply made at once never follows a noop there either;
//   - a late pong does not close a session whose reader is held back
//     while the application keeps taking its messages (see Heartbeat);
//   - a text packet of a POST that is not valid UTF-8 is the session's
//     parse error; Node decodes it with U+FFFD in place of the bad bytes
//     (a WebSocket text frame that is not UTF-8 is refused by both);
//   - a POST whose Content-Type is neither absent nor text/plain (an HTML
//     form's, application/json) is refused; Node refuses only
//     application/octet-stream (protocol v3 binary), which sio refuses
//     too, with the same answer (400, empty body, session closed);
//   - X-Content-Type-Options: nosniff on every response; Node sends it
//     only behind a middleware such as helmet;
//   - a POST announcing more than MaxPayload in its Content-Length is
//     refused before its body is read; Node reads until the limit. Either
//     way the answer is 413 and the session closes with "transport error"
//     (the waiting GET, if any, gets the close packet), as engine.io 6.6.13
//     does; 6.6.12 and earlier left the session open for the client to
//     close;
//   - HTTPRequestBodyTimeout is enforced with a read deadline set through
//     [net/http.ResponseController]; behind a ResponseWriter that supports
//     none, it is checked when data arrives.
//
// # Observing
//
// Options.Observer ([Observer]) is told of sessions opening, upgrading and
// closing, refused requests, polling requests, bytes and dropped volatile
// sends, synchronously and with no lock held; a nil hook costs one
// comparison. Package socketio/metrics turns it into Prometheus metrics.
//
// # Concurrency
//
// All methods of [Server] and [Session] are safe for concurrent use.
// [Session.Send] and [Session.SendVolatile] never block on the network:
// they queue and hand the writing to the transport (a waiting GET or a
// short-lived WebSocket flusher goroutine). The handlers of one session run
// one at a time, in order: OnConnection first, then OnMessage (or
// OnMessageBlocking, on the transport's reading goroutine) for each
// message, then OnClose; handlers of different sessions run concurrently.
// A handler may call any method, including Send and Close. A panicking
// handler is recovered and logged to [Options.Logger].
package engineio
