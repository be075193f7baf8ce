package socketio

// The kinds of cluster adapter messages an [Observer] is told of
// (Observer.AdapterMessage): the message types of Node's ClusterAdapter
// (socket.io-adapter 2.5, also used by @socket.io/redis-streams-adapter
// and the sharded redis adapter) and the request types of the classic
// @socket.io/redis-adapter, plus AdapterKindResponse and AdapterKindOther.
var adapterKinds = map[string]struct{}{
	// ClusterAdapter message types.
	"INITIAL_HEARTBEAT": {}, "HEARTBEAT": {}, "BROADCAST": {}, "SOCKETS_JOIN": {}, "SOCKETS_LEAVE": {},
	"DISCONNECT_SOCKETS": {}, "FETCH_SOCKETS": {}, "FETCH_SOCKETS_RESPONSE": {}, "SERVER_SIDE_EMIT": {},
	"SERVER_SIDE_EMIT_RESPONSE": {}, "BROADCAST_CLIENT_COUNT": {}, "BROADCAST_ACK": {}, "ADAPTER_CLOSE": {},
	// The classic redis adapter's request types (BROADCAST, SERVER_SIDE_EMIT,
	// BROADCAST_CLIENT_COUNT and BROADCAST_ACK are above).
	"SOCKETS": {}, "ALL_ROOMS": {}, "REMOTE_JOIN": {}, "REMOTE_LEAVE": {}, "REMOTE_DISCONNECT": {}, "REMOTE_FETCH": {},
	AdapterKindResponse: {},
}

// Kinds of adapter messages beyond the message types of Node's adapters.
const (
	// AdapterKindResponse is a response without a type of its own: the
	// classic redis adapter's answers to SOCKETS, ALL_ROOMS, REMOTE_FETCH
	// and the legacy single-socket requests.
	AdapterKindResponse = "RESPONSE"
	// AdapterKindOther stands for any kind that is not a known message
	// type (a peer of a newer version, or one sending garbage).
	AdapterKindOther = "other"
)

// The operations of a cluster adapter that can fail, for
// Observer.AdapterError; [Namespace.ObserveAdapterError] reports any other
// op as AdapterOpOther.
const (
	// AdapterOpPublish: a message was not sent to the other servers (the
	// message bus answered with an error or not at all, or the publish
	// queue was full). It may have been counted as sent already: the
	// failure can come after it was queued.
	AdapterOpPublish = "publish"
	// AdapterOpDecode: a message received from another server could not
	// be decoded, and was dropped.
	AdapterOpDecode = "decode"
	// AdapterOpRequestTimeout: a request (FetchSockets, ServerSideEmit
	// with acks, ...) did not hear from every server before its timeout.
	AdapterOpRequestTimeout = "request_timeout"
	// AdapterOpReceiveQueueFull: a message received from another server
	// was dropped because the namespace's receive queue was full.
	AdapterOpReceiveQueueFull = "receive_queue_full"
	// AdapterOpOther stands for an op that is none of the above.
	AdapterOpOther = "other"
)

// The directions of Observer.AdapterMessage.
const (
	AdapterIn  = "in"  // received from another server
	AdapterOut = "out" // sent to the other servers
)

// AdapterKind returns kind when it is a known adapter message kind (see
// Observer.AdapterMessage), else [AdapterKindOther].
func AdapterKind(kind string) string {
	if _, ok := adapterKinds[kind]; ok {
		return kind
	}
	return AdapterKindOther
}

// adapterOp bounds an op of Observer.AdapterError.
func adapterOp(op string) string {
	switch op {
	case AdapterOpPublish, AdapterOpDecode, AdapterOpRequestTimeout, AdapterOpReceiveQueueFull:
		return op
	}
	return AdapterOpOther
}

// ObserveAdapterMessage implements [AdapterNamespace]: it tells
// Observer.AdapterMessage of a message the namespace's cluster adapter
// sent (out) or received from another server, kind being its type, as
// named by Node's adapters ("BROADCAST", "FETCH_SOCKETS", ...; anything
// else is reported as [AdapterKindOther]). Without that hook it costs
// one comparison.
func (n *Namespace) ObserveAdapterMessage(out bool, kind string) {
	f := n.srv.obs.AdapterMessage
	if f == nil {
		return
	}
	dir := AdapterIn
	if out {
		dir = AdapterOut
	}
	f(n, dir, AdapterKind(kind))
}

// ObserveAdapterError implements [AdapterNamespace]: it tells
// Observer.AdapterError that the namespace's cluster adapter failed at op
// (one of the AdapterOp constants; any other is reported as
// [AdapterOpOther]) with err. Without that hook it costs one comparison.
func (n *Namespace) ObserveAdapterError(op string, err error) {
	if f := n.srv.obs.AdapterError; f != nil {
		f(n, adapterOp(op), err)
	}
}
