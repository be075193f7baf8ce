// Package wire is the Redis adapter's wire codec: the channel names and the
// messages of Node's @socket.io/redis-adapter 8.x (the classic adapter),
// byte for byte as Node writes them, and decoders for what Node and sio
// servers publish. Its JSON writing (strings, JavaScript numbers) and binary
// placeholders are the ones the Socket.IO parser uses (internal/jsontext,
// internal/placeholder), so a broadcast reaches the clients of a Go server
// with the bytes it has on a Node server.
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
// keys in a fixed order that matches the order Node's objects have. Objects
// inside event data keep the order a JavaScript object gives them, both
// ways: [JSONData] is written in its JSON order and decoded objects are
// [Object]s, so [DataJSON] writes the packet text socket.io-parser writes on
// a Node server for the same message.
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
package wire
