package streams

import "github.com/siogo/sio/socketio/redisadapter/internal/cluster"

// ReceiveQueueSize bounds the messages received and not yet handled, per
// namespace (and the buffer of the pub/sub connection): a namespace whose
// handling lags that far behind drops what it receives next (logged).
const ReceiveQueueSize = cluster.ReceiveQueueSize

// ErrClosed is returned by the adapter's methods after Close.
var ErrClosed = cluster.ErrClosed

// ErrTimeout is wrapped by the error of a request that did not get all its
// responses in time.
var ErrTimeout = cluster.ErrTimeout
