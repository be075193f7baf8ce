package engineio

import (
	"encoding/base64"
	"fmt"
)

// Packet types of Engine.IO protocol v4, as the ASCII digit that starts an
// encoded text packet.
const (
	typeOpen    byte = '0'
	typeClose   byte = '1'
	typePing    byte = '2'
	typePong    byte = '3'
	typeMessage byte = '4'
	typeUpgrade byte = '5'
	typeNoop    byte = '6'
)

// packet is one Engine.IO packet. Only message packets carry binary data.
type packet struct {
	typ    byte
	binary bool
	data   []byte
	shared *sharedFrame // the prepared WebSocket frame of a shared message
}

// Message is one Engine.IO message: the payload of a "message" packet. Binary
// messages travel as binary WebSocket frames, or base64-encoded with a 'b'
// prefix inside a long-polling payload. A Message made by
// [NewSharedMessage] also carries a WebSocket frame prepared once for all
// the sessions it is sent to.
type Message struct {
	// Data is the message body. For text messages it is UTF-8 text.
	Data []byte
	// Binary reports whether the message is binary.
	Binary bool

	shared *sharedFrame // set by NewSharedMessage
}

// probe is the data of the ping/pong packets exchanged on a probing WebSocket.
const probe = "probe"

// textPacketSize is the length of p in the text (polling) encoding.
func (p packet) textSize() int {
	if p.binary {
		return 1 + base64.StdEncoding.EncodedLen(len(p.data))
	}
	return 1 + len(p.data)
}

// appendText appends the text encoding of p to dst: the type digit followed
// by the data, or 'b' followed by the base64 of the data for a binary message.
func (p packet) appendText(dst []byte) []byte {
	if p.binary {
		dst = append(dst, 'b')
		return base64.StdEncoding.AppendEncode(dst, p.data)
	}
	dst = append(dst, p.typ)
	return append(dst, p.data...)
}

// decodeText decodes one text-encoded packet (a WebSocket text frame or one
// element of a polling payload). The returned data aliases b.
func decodeText(b []byte) (packet, error) {
	if len(b) == 0 {
		return packet{}, &ParseError{Reason: "empty packet"}
	}
	if b[0] == 'b' {
		data := make([]byte, base64.StdEncoding.DecodedLen(len(b)-1))
		n, err := base64.StdEncoding.Decode(data, b[1:])
		if err != nil {
			return packet{}, &ParseError{Reason: fmt.Sprintf("bad base64 in binary packet: %v", err)}
		}
		return packet{typ: typeMessage, binary: true, data: data[:n]}, nil
	}
	if b[0] < typeOpen || b[0] > typeNoop {
		return packet{}, &ParseError{Reason: fmt.Sprintf("unknown packet type %q", b[0])}
	}
	return packet{typ: b[0], data: b[1:]}, nil
}
