// Package shardch names the Redis channels of Node's sharded adapter
// (createShardedAdapter of @socket.io/redis-adapter 8.3), for the sharded
// adapter and the sharded emitter, which must publish on the same ones.
package shardch

import "github.com/siogo/sio/socketio/redisadapter/internal/cluster"

// The subscription modes, as Node spells them.
const (
	Static         = "static"
	Dynamic        = "dynamic"
	DynamicPrivate = "dynamic-private"
)

// Namespace is "<prefix>#<nsp>#", the channel of every server of nsp.
func Namespace(prefix, nsp string) string { return prefix + "#" + nsp + "#" }

// Room is "<prefix>#<nsp>#<room>#" given the namespace's channel.
func Room(nspChannel, room string) string { return nspChannel + room + "#" }

// Separate reports whether, in mode, room has a channel of its own (Node's
// shouldUseASeparateNamespace): every room in dynamic-private, every room
// whose name is not 20 characters long (Node's test for a socket id) in
// dynamic, none in static.
func Separate(mode, room string) bool {
	switch mode {
	case Dynamic:
		return len(room) != 20
	case DynamicPrivate:
		return true
	}
	return false
}

// Publish returns the channel Node's sharded adapter publishes m on (its
// computeChannel): a single-room broadcast without acks goes to the room's
// channel when the room has one in mode, everything else to the
// namespace's channel.
func Publish(nspChannel, mode string, m *cluster.Message) string {
	if m.Type == cluster.Broadcast && m.RequestID == "" && m.Opts != nil && len(m.Opts.Rooms) == 1 && Separate(mode, m.Opts.Rooms[0]) {
		return Room(nspChannel, m.Opts.Rooms[0])
	}
	return nspChannel
}
