// Package placeholder writes and reads the objects that stand for binary
// attachments in Socket.IO's JSON text, {"_placeholder":true,"num":N} (N
// counts the attachments of one packet from 0), for the packet encoder and
// decoder (socketio/parser) and the Redis adapter's wire codec, which turns
// them into msgpack binary and back.
package placeholder

import "strconv"

// Append appends the placeholder of attachment num, with its members in the
// order socket.io-parser writes them.
func Append(dst []byte, num int) []byte {
	dst = append(dst, `{"_placeholder":true,"num":`...)
	dst = strconv.AppendInt(dst, int64(num), 10)
	return append(dst, '}')
}

// Index parses num, the JSON text of a placeholder's "num" member, which
// must be an integer literal (-0 included, which is 0) naming one of n
// attachments, and returns it; ok is false otherwise. Node accepts any
// number there; sio requires an integer, as resolving placeholders lazily
// does.
func Index(num []byte, n int) (i int, ok bool) {
	s := num
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > 10 {
		return 0, false
	}
	v := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	if num[0] == '-' && v != 0 {
		return 0, false
	}
	return v, v < n
}
