// Package eiocodec is the Engine.IO protocol v4 packet and long-polling
// payload codec shared by sio's server (package engineio) and client
// (package client).
//
// A text packet is the ASCII digit of its type followed by its data; a
// binary message inside a long-polling payload is 'b' followed by the base64
// of its bytes (over WebSocket it is a binary frame and needs no encoding).
// A long-polling payload is text packets separated by 0x1e.
package eiocodec

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"unicode/utf8"
)

// Packet types of Engine.IO protocol v4, as the ASCII digit that starts an
// encoded text packet.
const (
	TypeOpen    byte = '0'
	TypeClose   byte = '1'
	TypePing    byte = '2'
	TypePong    byte = '3'
	TypeMessage byte = '4'
	TypeUpgrade byte = '5'
	TypeNoop    byte = '6'
)

// Probe is the data of the ping and pong packets exchanged on a probing
// WebSocket during an upgrade.
const Probe = "probe"

// Separator separates the packets of a long-polling payload (ASCII record
// separator).
const Separator = 0x1e

// Packet is one Engine.IO packet. Only message packets carry binary data.
type Packet struct {
	Type   byte
	Binary bool
	Data   []byte
}

// Error describes a packet or payload that cannot be decoded.
type Error struct {
	Reason string
}

func (e *Error) Error() string { return "malformed packet: " + e.Reason }

// TextSize is the length of p in the text (polling) encoding.
func (p Packet) TextSize() int {
	if p.Binary {
		return 1 + base64.StdEncoding.EncodedLen(len(p.Data))
	}
	return 1 + len(p.Data)
}

// AppendText appends the text encoding of p to dst: the type digit followed
// by the data, or 'b' followed by the base64 of the data for a binary message.
func (p Packet) AppendText(dst []byte) []byte {
	if p.Binary {
		dst = append(dst, 'b')
		return base64.StdEncoding.AppendEncode(dst, p.Data)
	}
	dst = append(dst, p.Type)
	return append(dst, p.Data...)
}

// DecodeText decodes one text-encoded packet (a WebSocket text frame or one
// element of a polling payload). The returned data aliases b. Errors are
// *Error.
func DecodeText(b []byte) (Packet, error) {
	if len(b) == 0 {
		return Packet{}, &Error{Reason: "empty packet"}
	}
	if b[0] == 'b' {
		data := make([]byte, base64.StdEncoding.DecodedLen(len(b)-1))
		n, err := base64.StdEncoding.Decode(data, b[1:])
		if err != nil {
			return Packet{}, &Error{Reason: fmt.Sprintf("bad base64 in binary packet: %v", err)}
		}
		return Packet{Type: TypeMessage, Binary: true, Data: data[:n]}, nil
	}
	if b[0] < TypeOpen || b[0] > TypeNoop {
		return Packet{}, &Error{Reason: fmt.Sprintf("unknown packet type %q", b[0])}
	}
	return Packet{Type: b[0], Data: b[1:]}, nil
}

// Encoder is a packet that knows its text encoding: Packet, or a type that
// carries more than a Packet.
type Encoder interface {
	TextSize() int
	AppendText(dst []byte) []byte
}

// AppendPayload appends the long-polling encoding of pkts to dst: each packet
// in the text encoding, separated by Separator.
func AppendPayload[P Encoder](dst []byte, pkts []P) []byte {
	for i, p := range pkts {
		if i > 0 {
			dst = append(dst, Separator)
		}
		dst = p.AppendText(dst)
	}
	return dst
}

// PayloadSize is len(AppendPayload(nil, pkts)).
func PayloadSize[P Encoder](pkts []P) int {
	n := 0
	for i, p := range pkts {
		if i > 0 {
			n++
		}
		n += p.TextSize()
	}
	return n
}

// DecodePayload decodes a long-polling payload into its packets, calling fn
// for each in order. Text packet data aliases b. It stops at the first
// malformed packet and returns its error, an *Error (packets before it were
// already passed to fn), or at the first error returned by fn. A text packet
// that is not valid UTF-8 is malformed (Node.js would decode it with U+FFFD
// in place of the bad bytes; sio refuses it, as WebSocket refuses such a text
// frame, so that no text that is not UTF-8 goes further).
func DecodePayload(b []byte, fn func(Packet) error) error {
	for {
		i := bytes.IndexByte(b, Separator)
		elem := b
		if i >= 0 {
			elem = b[:i]
		}
		if len(elem) > 0 && elem[0] != 'b' && !utf8.Valid(elem) {
			return &Error{Reason: "text packet is not valid UTF-8"}
		}
		p, err := DecodeText(elem)
		if err != nil {
			return err
		}
		if err := fn(p); err != nil {
			return err
		}
		if i < 0 {
			return nil
		}
		b = b[i+1:]
	}
}
