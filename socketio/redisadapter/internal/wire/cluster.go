package wire

// EncodeValue writes v as msgpack the way notepack.io writes the same
// JavaScript value (see the package doc): the encoder of the ClusterAdapter
// messages (the sharded and streams adapters), which are whole objects
// rather than the classic adapter's fixed shapes. v takes the types
// Packet.Data takes; [Object] keeps its key order and [JSONData] is written
// with its binary in place.
func EncodeValue(v any) ([]byte, error) {
	e, buf := newEncoder()
	if err := encodeValue(e, v, 0); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// DecodeValue reads one msgpack value that fills b, as notepack.io decodes
// it: maps are [Object]s, binary is []byte, the other types are those of
// Packet.Data. msg names the message in errors. It has the package's bounds
// ([MaxDepth], lengths within the message, no trailing bytes).
func DecodeValue(b []byte, msg string) (any, error) {
	m := newMsgReader(b, msg)
	v, err := m.value("", 0)
	if err != nil {
		return nil, err
	}
	if err := m.end(); err != nil {
		return nil, err
	}
	return v, nil
}
