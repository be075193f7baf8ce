package cluster

import (
	"fmt"
	"strconv"
	"unicode/utf16"
)

// Defaults of the Redis Streams adapter's stream options, Node's
// (@socket.io/redis-streams-adapter 0.3), shared by the adapter and the
// emitter that writes to its streams.
const (
	// DefaultStreamName is the stream, or with several streams their
	// prefix.
	DefaultStreamName = "socket.io"
	// DefaultStreamMaxLen is the approximate length a stream is trimmed
	// to (XADD MAXLEN ~).
	DefaultStreamMaxLen = 10_000
)

// StreamName is Node's computeStreamName: the stream that carries
// namespace nsp's entries among count streams named after name. With
// count <= 1 it is name; otherwise name-<h mod count>, h being a
// JavaScript string hash of nsp (31*h + UTF-16 unit, as int32), so the
// remainder has the sign of the hash.
func StreamName(nsp, name string, count int) string {
	if count <= 1 {
		return name
	}
	var h int32
	for _, u := range utf16.Encode([]rune(nsp)) {
		h = h*31 + int32(u)
	}
	return name + "-" + strconv.Itoa(int(h%int32(count)))
}

// StreamNames returns every stream [StreamName] can return for name and
// count: name alone with count <= 1, else name-<i> for i from -(count-1)
// to count-1.
func StreamNames(name string, count int) []string {
	if count <= 1 {
		return []string{name}
	}
	var out []string
	for i := -(count - 1); i < count; i++ {
		out = append(out, fmt.Sprintf("%s-%d", name, i))
	}
	return out
}
