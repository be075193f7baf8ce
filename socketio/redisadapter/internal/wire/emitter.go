package wire

import "fmt"

// EncodeEmitterBroadcast encodes a broadcast as Node's @socket.io/redis-emitter
// 5.x publishes it: the array [uid, packet, opts] of [EncodeBroadcast], but
// with the opts keys in the emitter's order (rooms, flags, except, where the
// adapter writes rooms, except, flags) and flags an ordered object, its keys
// in the order the emitter's caller set them. Receivers read both forms
// alike; the order only matters for byte-for-byte equality with Node.
func EncodeEmitterBroadcast(uid string, p *Packet, rooms, except []string, flags Object) ([]byte, error) {
	e, buf := newEncoder()
	if err := e.EncodeArrayLen(3); err != nil {
		return nil, err
	}
	if err := e.EncodeString(uid); err != nil {
		return nil, err
	}
	if err := encodePacket(e, p); err != nil {
		return nil, err
	}
	if err := e.EncodeMapLen(3); err != nil {
		return nil, err
	}
	if err := encodeKeyStrings(e, "rooms", rooms); err != nil {
		return nil, err
	}
	if err := e.EncodeString("flags"); err != nil {
		return nil, err
	}
	if flags == nil {
		flags = Object{}
	}
	if err := encodeValue(e, flags, 1); err != nil {
		return nil, err
	}
	if err := encodeKeyStrings(e, "except", except); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// EncodeEmitterRequest encodes a JSON request as Node's
// @socket.io/redis-emitter writes it: as [EncodeRequest] does, except that
// "uid" is left out when r.UID is empty. It rejects BROADCAST, which the
// emitter never sends.
func EncodeEmitterRequest(r *Request) ([]byte, error) {
	if r.Type == Broadcast {
		return nil, fmt.Errorf("%w: the emitter sends no BROADCAST request", ErrUnsupported)
	}
	b, err := EncodeRequest(r)
	if err != nil || r.UID != "" {
		return b, err
	}
	// EncodeRequest writes `{"uid":"",` first; drop that member.
	const empty = `{"uid":"",`
	if len(b) > len(empty) && string(b[:len(empty)]) == empty {
		return append([]byte{'{'}, b[len(empty):]...), nil
	}
	return b, nil
}
