package engineio

import (
	"bytes"
	"unicode/utf8"
)

// separator separates the packets of a long-polling payload (ASCII record
// separator).
const separator = 0x1e

// appendPayload appends the long-polling encoding of pkts to dst: each packet
// in the text encoding, separated by 0x1e.
func appendPayload(dst []byte, pkts []packet) []byte {
	for i, p := range pkts {
		if i > 0 {
			dst = append(dst, separator)
		}
		dst = p.appendText(dst)
	}
	return dst
}

// payloadSize is len(appendPayload(nil, pkts)).
func payloadSize(pkts []packet) int {
	n := 0
	for i, p := range pkts {
		if i > 0 {
			n++
		}
		n += p.textSize()
	}
	return n
}

// decodePayload decodes a long-polling payload into its packets, calling fn
// for each in order. Text packet data aliases b. It stops at the first
// malformed packet and returns its error (packets before it were already
// passed to fn), or at the first error returned by fn. A text packet that
// is not valid UTF-8 is malformed (Node.js would decode it with U+FFFD in
// place of the bad bytes; sio refuses it, as WebSocket refuses such a text
// frame, so that no text that is not UTF-8 goes further).
func decodePayload(b []byte, fn func(packet) error) error {
	for {
		i := bytes.IndexByte(b, separator)
		elem := b
		if i >= 0 {
			elem = b[:i]
		}
		if len(elem) > 0 && elem[0] != 'b' && !utf8.Valid(elem) {
			return &ParseError{Reason: "text packet is not valid UTF-8"}
		}
		p, err := decodeText(elem)
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
