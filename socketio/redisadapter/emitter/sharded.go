package emitter

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio/redisadapter/internal/cluster"
	"github.com/siogo/sio/socketio/redisadapter/internal/shardch"
	"github.com/siogo/sio/socketio/redisadapter/internal/wire"
	"github.com/siogo/sio/socketio/redisadapter/sharded"
)

// ShardedOptions configures an Emitter for servers that use the sharded
// adapter. The zero value matches Node's defaults.
type ShardedOptions struct {
	// ChannelPrefix must match the servers' (sharded.Options.ChannelPrefix,
	// or the channelPrefix option of Node's createShardedAdapter). Default
	// "socket.io".
	ChannelPrefix string
	// SubscriptionMode must match the servers': it decides which channel
	// a single-room emit goes to. Default sharded.Dynamic, as the servers'.
	SubscriptionMode sharded.SubscriptionMode
}

// shardConf is what a sharded Emitter publishes with.
type shardConf struct {
	prefix string
	mode   string
	uid    string // 16 hex digits, as a server's; no server has it
	// recent sends emits to rooms just joined or left on the namespace's
	// channel, as the sharded adapter does (see NewSharded).
	recent *shardch.Recent
}

// NewSharded returns an Emitter for the main namespace "/" of servers that
// use the sharded adapter (socketio/redisadapter/sharded, or Node's
// createShardedAdapter of @socket.io/redis-adapter 8.3), publishing with
// SPUBLISH through client (a *redis.Client on Redis 7, or a
// *redis.ClusterClient). Node has no sharded emitter; this one publishes
// exactly what a sharded server does for the same call (Node's
// ClusterAdapter messages: BROADCAST, SOCKETS_JOIN, SOCKETS_LEAVE,
// DISCONNECT_SOCKETS, SERVER_SIDE_EMIT), on the namespace's channel
// "<prefix>#<nsp>#", or on a room's channel "<prefix>#<nsp>#<room>#" for
// an emit to one room that has a channel of its own in the subscription
// mode, unless a SocketsJoin or SocketsLeave of this emitter named the
// room less than sharded.DefaultRequestTimeout ago: then on the
// namespace's channel, so that the servers get it after the join or leave
// (they subscribe to a room's channel when they handle the join). Its
// messages carry a random server id of its own, which the
// servers do not answer (no request is made). The API is [New]'s; unlike
// the classic emitter's, ServerSideEmit may carry binary (msgpack, as
// Node's sharded adapter sends it). opts may be nil.
func NewSharded(client redis.UniversalClient, opts *ShardedOptions) *Emitter {
	c := &shardConf{prefix: wire.DefaultKey, mode: string(sharded.Dynamic), recent: &shardch.Recent{Grace: sharded.DefaultRequestTimeout}}
	if opts != nil {
		if opts.ChannelPrefix != "" {
			c.prefix = opts.ChannelPrefix
		}
		if opts.SubscriptionMode != "" {
			c.mode = string(opts.SubscriptionMode)
		}
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	c.uid = hex.EncodeToString(b[:])
	return &Emitter{client: client, key: c.prefix, nsp: "/", shard: c}
}

// publishSharded publishes m, from the emitter's namespace, on the channel
// Node's sharded adapter would pick.
func (e *Emitter) publishSharded(ctx context.Context, m *cluster.Message) error {
	m.UID, m.Nsp = e.shard.uid, e.nsp
	b, err := cluster.Encode(m)
	if err != nil {
		return err
	}
	nspCh := shardch.Namespace(e.shard.prefix, e.nsp)
	e.shard.recent.Note(nspCh, e.shard.mode, m)
	ch := e.shard.recent.Channel(nspCh, e.shard.mode, m)
	return e.client.SPublish(ctx, ch, b).Err()
}
