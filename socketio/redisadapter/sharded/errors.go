package sharded

import (
	"errors"

	"github.com/siogo/sio/socketio/redisadapter/internal/cluster"
)

// ReceiveQueueSize bounds the messages received and not yet handled, per
// namespace (and the buffer of each pub/sub connection): a namespace whose
// handling lags that far behind drops what it receives next (logged).
const ReceiveQueueSize = cluster.ReceiveQueueSize

// PublishQueueSize bounds the messages waiting to be published, for all
// the namespaces of a server (one [New]) together, as the classic
// adapter's queue: one goroutine sends them in order, in pipelines of
// SPUBLISH. A broadcast or a response finding the queue full is not sent
// to the other servers (logged once, then counted); other messages
// (room changes, disconnections, server-side emits, requests) wait for
// room until their ctx is done. So a server holds at most this many
// messages, and this many SPUBLISH commands in flight, whatever its
// callers do.
const PublishQueueSize = 4096

// ErrClosed is returned by the adapter's methods after Close.
var ErrClosed = cluster.ErrClosed

// ErrTimeout is wrapped by the error of a request that did not get all its
// responses in time.
var ErrTimeout = cluster.ErrTimeout

// errQueueFull is what the namespace's observer is told of a message
// dropped because the publish queue was full.
var errQueueFull = errors.New("socketio: sharded redis adapter: publish queue full")
