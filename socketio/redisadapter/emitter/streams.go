package emitter

import (
	"context"

	"github.com/redis/go-redis/v9"

	"github.com/siogo/sio/socketio/redisadapter/internal/cluster"
)

// StreamsOptions configures an Emitter for servers that use the Redis
// Streams adapter. The zero value matches the adapter's defaults (Node's);
// each field must match the servers' (the same fields of
// streams.Options, or the options of Node's streams adapter).
type StreamsOptions struct {
	// StreamName is the stream, or with StreamCount > 1 the streams'
	// prefix. Default "socket.io" (streams.DefaultStreamName).
	StreamName string
	// StreamCount is how many streams the namespaces are spread over, by
	// Node's hash of their name. Default 1.
	StreamCount int
	// MaxLen trims the stream, approximately (XADD MAXLEN ~), as the
	// servers do. Default 10000 (streams.DefaultMaxLen).
	MaxLen int64
}

// streamConf is what a streams Emitter writes with.
type streamConf struct {
	name   string
	count  int
	maxLen int64
}

// NewStreams returns an Emitter for the main namespace "/" of servers that
// use the Redis Streams adapter (socketio/redisadapter/streams, or Node's
// @socket.io/redis-streams-adapter 0.3), writing through client (a
// *redis.Client or a *redis.ClusterClient). Each operation is one entry of
// the namespace's stream (XADD MAXLEN ~ MaxLen), written as the servers
// write theirs (fields uid, nsp, type, data) with the server id [UID]:
// every server reads it, also one that was briefly cut from Redis, and
// with connection state recovery the events it carries are replayed to
// clients that missed them, like the servers' own. Node's streams emitter
// is not on npm; this one writes what a streams server writes for the same
// call. The API is [New]'s; ServerSideEmit refuses binary with
// [ErrBinaryServerSideEmit]. NewStreams does no I/O; opts may be nil.
func NewStreams(client redis.UniversalClient, opts *StreamsOptions) *Emitter {
	c := &streamConf{name: cluster.DefaultStreamName, count: 1, maxLen: cluster.DefaultStreamMaxLen}
	if opts != nil {
		if opts.StreamName != "" {
			c.name = opts.StreamName
		}
		c.count = max(opts.StreamCount, 1)
		if opts.MaxLen > 0 {
			c.maxLen = opts.MaxLen
		}
	}
	return &Emitter{client: client, nsp: "/", stream: c}
}

// addStream writes m, from the emitter's namespace, to the namespace's
// stream.
func (e *Emitter) addStream(ctx context.Context, m *cluster.Message) error {
	m.UID, m.Nsp = UID, e.nsp
	fields, err := cluster.EncodeFields(m)
	if err != nil {
		return err
	}
	return e.client.XAdd(ctx, &redis.XAddArgs{
		Stream: cluster.StreamName(e.nsp, e.stream.name, e.stream.count),
		MaxLen: e.stream.maxLen,
		Approx: true,
		Values: fields,
	}).Err()
}
