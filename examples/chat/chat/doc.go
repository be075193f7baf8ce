// Package chat is sio's chat example: a multi-room chat whose Socket.IO
// handlers are the methods of the consumer [Chat] and whose events to the
// clients are the methods of the //sio:emits interface [Events], both
// wired to the main namespace "/" by the code siogen generated
// (sio_gen.go), and a web page using the real socket.io-client browser
// bundle, all served by one [Server].
//
// # Contract
//
// The Go code is the contract; `make generate` derives the rest from it
// with siogen:
//
//   - examples/chat/web/src/events.ts (siogen -ts): the TypeScript
//     declarations the page's client, examples/chat/web/src/app.ts, is
//     typed with (Socket<ChatServerToClientEvents,
//     ChatClientToServerEvents>), so that tsc rejects a wrong event name,
//     argument or listener; compiled to app.js (see package web);
//   - examples/chat/asyncapi.yaml (siogen -asyncapi): the AsyncAPI 3.0
//     document of the same events, for other clients and tools.
//
// `make check-generate` fails when either is not what siogen writes from
// the Go code now.
//
// # Protocol
//
// A client connects with io(url, {auth: {username}}); the name defaults to
// "anon". Then:
//
//	join(room, username?, ack?)   → joined(room, history) to the caller,
//	                                user-joined(room, user) to the others in room
//	leave(room, ack?)             → user-left(room, user) to the others in room
//	message(room, text, ack?)     → message(room, {id, room, user, text, time}) to room,
//	                                sender included; ack {ok:true, id}
//	typing(room, isTyping)        → typing(room, user, isTyping) to the others in room
//
// A refused request is acknowledged {ok:false, error}: sending to a room the
// connection has not joined, an empty or too long text, a bad room or user
// name, too many rooms. A disconnecting user's rooms get user-left.
//
// # Bounds
//
// [Limits] holds them, with these defaults: 50 messages of history per
// room, history for 1000 rooms (the room with the oldest last message is
// forgotten first), 20 rooms per connection, texts up to 2000 bytes, room
// names up to 64 bytes, user names up to 32 bytes. Everything else
// (payload size, queues) is bounded by socketio's and engineio's options.
//
// # Concurrency
//
// socketio calls one connection's handlers one at a time and RegisterChat
// makes one [Chat] per connection, so a Chat's fields need no lock. The
// [History] all connections share is guarded by a mutex.
package chat
