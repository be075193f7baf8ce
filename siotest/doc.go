// Package siotest tests Socket.IO servers in-process: it connects real
// clients (package [github.com/siogo/sio/client]) to a *socketio.Server, or
// any http.Handler serving one, over an in-memory network, with no socket
// or port, so that a consumer's behaviour is tested in microseconds and
// inside testing/synctest bubbles.
//
//	srv := socketio.NewServer(nil)
//	chat.RegisterChatConsumer(srv, func() *chat.ChatConsumer { return &chat.ChatConsumer{} })
//	kit := siotest.New(t, srv, nil)                     // closed by t's cleanup
//	alice := kit.Connect(t, "/chat", chat.Auth{Token: "a"}) // connected, or t fails
//	reply := alice.Call(t, "chat_message", chat.Message{Text: "hi"}) // emit, wait for the ack
//	status := siotest.Arg[chat.Status](t, reply, 0)      // typed arguments
//	ev := alice.Expect(t, "chat_message")                // the next such event received
//	alice.Disconnect()                                   // "client namespace disconnect" on the server
//
// docs/testing.md is the guide, with the tests of the examples.
//
// # How it connects
//
// [New] serves the handler with a real net/http.Server on a listener of
// the kit's own, an in-memory network, and each client dials it through a
// net/http.Transport and a gorilla websocket.Dialer (the client's
// Options.HTTPClient and Options.Dialer) whose dial functions make an
// in-memory connection. Everything above the bytes is production code:
// HTTP/1.1 framing and keep-alive, the long-polling requests and their
// cancellation, the WebSocket handshake and the hijacked connection, the
// upgrade from polling, deadlines, and the Engine.IO and Socket.IO layers
// on both sides. A RoundTripper calling the handler directly would be
// shorter but would need a ResponseWriter of its own (flushing, hijacking,
// noticing a client that went away) and would test a server path that
// production never takes; a byte stream under the real server does not.
//
// The in-memory connection is a pair of buffers, one each way, bounded to
// 256 KiB in transit (as a socket buffer: a writer waits while its peer
// has that much unread), with read and write deadlines. Every wait in it is
// on a channel or a timer, so a goroutine waiting for input inside a
// testing/synctest bubble is durably blocked and fake time advances.
// Connections see the address "127.0.0.1:N" for the client (N counts the
// kit's connections) and "siotest:80" for the server.
//
// # Recording
//
// Each [Client] records the events it receives (an OnAny handler) and its
// disconnect reasons. [Client.Next] and [Client.Expect] return the next
// event of a name not returned before, waiting for it; [Client.Disconnected]
// and [Client.ExpectDisconnect] the next disconnect reason; [Arg] decodes
// an argument of an event or an acknowledgement into a Go type. The
// recorder keeps at most Options.MaxEvents events (default 1000), and as
// many disconnect reasons, dropping the oldest ([Client.Dropped] counts
// them), so a test that receives many events it does not look at keeps a
// bounded memory. The embedded *client.Socket is the client's own:
// register handlers with On to answer the server's acknowledgements.
//
// # Timers and testing/synctest
//
// Create the server and call New inside the bubble (synctest.Test's
// function): the kit's goroutines, the client's and the server's then
// belong to the bubble, and the heartbeat, acknowledgement and connect
// timers run on fake time. [Client.Suspend] stops a client's traffic, as a
// network partition, so that the heartbeats of both sides end it with
// "ping timeout" after pingInterval + pingTimeout of fake time. The waits
// of Connect, Expect, ExpectDisconnect and Call are bounded by
// Options.Timeout (10 s), fake time in a bubble: when nothing else can
// happen, they fail at once instead of hanging.
//
// # Lifecycle
//
// The test's cleanup (registered by New) closes every client of the kit,
// each leaving as it would (the server sees "client namespace disconnect"),
// then the in-memory network and the kit's http.Server, and waits for
// their goroutines: a test that checks for leaked goroutines (goleak)
// passes. The kit does not shut the handler down; shut the server down in
// a cleanup registered before New, which then runs after the kit's.
//
// # Concurrency
//
// [Kit] and [Client] methods are safe for concurrent use; several clients
// can connect and talk at once. The recorder takes its lock only to store
// or take an event, never while calling out.
package siotest
