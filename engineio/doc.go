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
// handlers. A session closes exactly once, with one of the [CloseReason]
// constants, reported to the OnClose handler.
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
// # Deliberate differences from Node.js
//
//   - The WebSocket close codes above (1002, 1000 instead of none).
//   - During an upgrade, the 100 ms check that answers an idle GET with a
//     noop waits one more interval when it finds a received message still
//     being handled: Node.js runs handlers to completion before its check
//     can run, so a reply made at once never follows a noop there either.
//
// # Bounds
//
// Every buffer is bounded:
//   - a POST body, a WebSocket message: [Options.MaxPayload] (1e6 bytes);
//     larger input closes the session (HTTP 413 for a POST);
//   - a GET response: MaxPayload, except that a single larger packet is
//     sent alone; what does not fit waits for the next GET (no packet is
//     dropped);
//   - packets queued for a client: [Options.SendQueueSize] (1024); a Send
//     beyond it closes the session with [ReasonSendQueueFull];
//   - received messages waiting for OnMessage: [Options.ReceiveQueueSize]
//     (64); beyond it the server stops reading from that client;
//   - a graceful close waits for the close packet to be written at most
//     min(30 s, PingInterval+PingTimeout); an upgrade at most
//     [Options.UpgradeTimeout] (10 s); a WebSocket closed for bad input
//     waits at most 1 s for the client's close frame.
//
// An idle WebSocket session holds one parked reader goroutine with a
// minimal stack, a 512-byte read buffer and no writer goroutine or write
// buffer (writers are started while packets are queued and borrow pooled
// buffers; the queue array kept between flushes holds at most 8 packets),
// under 8 KiB in all (see BenchmarkIdleWebSocket).
//
// # Concurrency
//
// All methods of [Server] and [Session] are safe for concurrent use.
// [Session.Send] and [Session.SendVolatile] never block on the network:
// they queue and hand the writing to the transport (a waiting GET or a
// short-lived WebSocket flusher goroutine). The handlers of one session run
// one at a time, in order: OnConnection first, then OnMessage for each
// message, then OnClose; handlers of different sessions run concurrently.
// A handler may call any method, including Send and Close. A panicking
// handler is recovered and logged to [Options.Logger].
package engineio
