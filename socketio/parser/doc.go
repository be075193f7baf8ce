// Package parser is the Socket.IO protocol v5 packet codec: it decodes the
// packets a client sends over Engine.IO messages, and encodes the packets the
// server sends, as Node's socket.io-parser (4.2) does.
//
// # Packets
//
// A packet is one Engine.IO text message, followed, for BINARY_EVENT and
// BINARY_ACK, by its binary attachments as separate binary messages:
//
//	<type>[<attachments>-][<namespace>,][<ack id>][<JSON payload>]
//
//	2["chat_message",{"text":"hi"}]          EVENT in the main namespace "/"
//	2/chat,12["join","lobby"]                EVENT in "/chat", ack id 12
//	0/chat,{"token":"x"}                     CONNECT to "/chat" with auth data
//	1/chat                                   DISCONNECT from "/chat"
//	51-["file",{"_placeholder":true,"num":0}] BINARY_EVENT with one attachment
//
// A namespace starts with "/" and runs up to the next comma (or the end of
// the message); "/" itself is omitted when encoding. The digits after the
// namespace are the ack id.
//
// [Decoder] reads the header and checks the payload, but does not decode the
// arguments: a [Packet]'s Data is the JSON text exactly as it arrived,
// placeholders included, and [Packet.EventName] and [Packet.AckArgs] split it
// without copying, so that the arguments are decoded once, by the handler's
// own typed decoder, and binary placeholders are resolved only when a handler
// asks for them.
//
// # Validation
//
// The decoder applies the rules of Node's socket.io-parser, and rejects a
// packet breaking them with an error wrapping [ErrMalformed], a [*ParseError]
// giving the reason; the server then closes the connection, as Node's does:
//
//   - the type is a digit 0 to 6; an empty message is rejected too;
//   - a binary packet announces 1 to MaxAttachments attachments;
//   - an ack id has at most 16 digits and is at most [MaxID];
//   - a payload is valid JSON (checked once, accepting what json.Valid
//     accepts);
//   - CONNECT: an object, or no payload; DISCONNECT: no payload;
//     CONNECT_ERROR: an object or a string; ACK and BINARY_ACK: an array;
//     EVENT and BINARY_EVENT: an array whose first element is a string that
//     is not a reserved event name (see [IsReservedEvent]) or a number;
//   - a text message may not arrive while attachments are awaited, nor a
//     binary message when none is;
//   - once the attachments have arrived, every object of the payload whose
//     "_placeholder" member is true has an integer "num" member below the
//     number of attachments.
//
// Like Node's, the decoder accepts a payload-less EVENT, ACK, CONNECT_ERROR
// or binary packet; [Packet.EventName] reports an error for such an event,
// which Node's server ignores. It also accepts attachments that no
// placeholder refers to.
//
// The decoder deliberately differs from Node's on input that no client
// sends: an empty message is malformed (Node takes it for a CONNECT to "/");
// an ack id is ASCII digits only (Node's JavaScript coercion also takes
// whitespace after the header for a digit, so that `1 ` is a DISCONNECT with
// ack id 0 there and malformed here, and `2 ["a"]` an event with ack id 0
// there and without one here), of at most 16 digits and at most [MaxID]
// (Node rounds larger ones to the nearest double); and a placeholder's num
// must be an integer literal (Node accepts a fraction and resolves it to
// undefined). testdata/node records Node's results for the tests to compare
// with.
//
// # Encoding
//
// [Packet.Encode] and [Packet.AppendEncode] write a packet's header followed by
// its Data. [MarshalArgs] builds that Data for an event or acknowledgement,
// turning []byte values into placeholders and attachments. Encoding is
// deterministic: the same packet gives the same bytes.
//
// # Bounds
//
// A packet carries at most [Decoder.MaxAttachments] attachments, by default
// [DefaultMaxAttachments] (10, Node's default on both sides); each message is
// bounded by the Engine.IO layer's maximum payload, so a decoder holds at most
// MaxAttachments of them while a binary packet is incomplete. Ack ids are
// bounded by [MaxID]. The decoder remembers the last 8 event names and 4
// namespaces of at most 128 bytes each, so that repeated ones are not
// allocated again. [MarshalArgs] walks at most 1000 levels of nested []any
// and map[string]any values.
//
// # Concurrency
//
// A [Decoder] holds the state of one connection (a binary packet in progress)
// and is not safe for concurrent use: use one per connection, fed from the
// goroutine that reads its messages. Packets it returns are independent of it
// and of each other. [Packet] methods only read the packet, and may be called
// from many goroutines while nobody modifies it. [MarshalArgs] is safe for
// concurrent use.
package parser
