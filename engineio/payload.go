package engineio

import "github.com/siogo/sio/internal/eiocodec"

// appendPayload appends the long-polling encoding of pkts to dst: each packet
// in the text encoding, separated by 0x1e.
func appendPayload(dst []byte, pkts []packet) []byte { return eiocodec.AppendPayload(dst, pkts) }

// payloadSize is len(appendPayload(nil, pkts)).
func payloadSize(pkts []packet) int { return eiocodec.PayloadSize(pkts) }

// decodePayload decodes a long-polling payload into its packets, calling fn
// for each in order (see eiocodec.DecodePayload); malformed input is a
// *ParseError.
func decodePayload(b []byte, fn func(packet) error) error {
	return parseError(eiocodec.DecodePayload(b, func(q eiocodec.Packet) error {
		return fn(packet{typ: q.Type, binary: q.Binary, data: q.Data})
	}))
}
