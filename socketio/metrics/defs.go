package metrics

import "slices"

// Type is a metric's Prometheus type.
type Type string

// The metric types used.
const (
	Counter   Type = "counter"
	Gauge     Type = "gauge"
	Histogram Type = "histogram"
)

// Definition describes one metric: its name after the prefix, type, help
// text and labels. [Definitions] lists them all; docs/observability.md is
// checked against it.
type Definition struct {
	Name   string
	Type   Type
	Help   string
	Labels []string
}

var (
	defEngineConnections = Definition{"engine_connections", Gauge,
		"Open Engine.IO connections, by current transport.", []string{"transport"}}
	defEngineOpened = Definition{"engine_connections_opened_total", Counter,
		"Engine.IO connections opened, by the transport of their handshake.", []string{"transport"}}
	defUpgrades = Definition{"engine_upgrades_total", Counter,
		"Engine.IO connections upgraded from polling to WebSocket.", nil}
	defHandshakesRefused = Definition{"engine_requests_refused_total", Counter,
		"Engine.IO requests refused (handshakes and requests of unknown sessions), by reason.", []string{"reason"}}
	defHandshakesShuttingDown = Definition{"engine_handshakes_shutting_down_total", Counter,
		"Engine.IO handshakes answered 503 because the server drains or shuts down (Server.Drain).", nil}
	defHandshakesLimited = Definition{"engine_handshakes_limited_total", Counter,
		"Engine.IO handshakes refused by engineio.Options.Limits, by reason (rate_limited, too_many_connections, too_many_clients); each is also in engine_requests_refused_total{reason=\"Forbidden\"}.", []string{"reason"}}
	defEngineClosed = Definition{"engine_connections_closed_total", Counter,
		"Engine.IO connections closed, by transport and reason.", []string{"transport", "reason"}}
	defPollingRequests = Definition{"engine_polling_requests_total", Counter,
		"Long-polling requests of open sessions, by method (GET, POST, other).", []string{"method"}}
	defBytesReceived = Definition{"engine_received_bytes_total", Counter,
		"Engine.IO payload bytes received (POST bodies, WebSocket messages), by transport.", []string{"transport"}}
	defBytesSent = Definition{"engine_sent_bytes_total", Counter,
		"Engine.IO payload bytes sent (polling responses, WebSocket frames), by transport.", []string{"transport"}}
	defSendDropped = Definition{"engine_send_dropped_total", Counter,
		"Volatile sends dropped because the transport could not write at once (a full send queue closes the connection instead: see engine_connections_closed_total{reason=\"send queue full\"}).", nil}

	defSockets = Definition{"sockets", Gauge,
		"Connected sockets, by namespace.", []string{"namespace"}}
	defConnects = Definition{"connects_total", Counter,
		"Sockets connected to a namespace, by namespace and whether their session was recovered.", []string{"namespace", "recovered"}}
	defConnectsRefused = Definition{"connects_refused_total", Counter,
		"Namespace CONNECTs refused, by namespace (\"\" when unknown) and reason.", []string{"namespace", "reason"}}
	defDisconnects = Definition{"disconnects_total", Counter,
		"Sockets disconnected, by namespace and reason.", []string{"namespace", "reason"}}
	defEventsReceived = Definition{"events_received_total", Counter,
		"Events received from clients, by namespace.", []string{"namespace"}}
	defEventsHandled = Definition{"events_handled_total", Counter,
		"Events handled, by namespace, event (bounded) and outcome (ok, error, panic, unknown).", []string{"namespace", "event", "outcome"}}
	defHandlerDuration = Definition{"handler_duration_seconds", Histogram,
		"Time taken by event handlers, by namespace and event (bounded).", []string{"namespace", "event"}}
	defEventsSent = Definition{"events_sent_total", Counter,
		"Events emitted by the application (a broadcast counts once), by namespace and event (bounded).", []string{"namespace", "event"}}
	defAcks = Definition{"acks_total", Counter,
		"Acknowledgements awaited by Socket.EmitWithAck, by namespace and outcome (ok, timeout, canceled, disconnected, error).", []string{"namespace", "outcome"}}
	defAcksSent = Definition{"acks_sent_total", Counter,
		"Acknowledgements sent to clients by handlers, by namespace.", []string{"namespace"}}
	defDecodeErrors = Definition{"decode_errors_total", Counter,
		"Socket.IO packets that could not be decoded (the connection is closed).", nil}
	defPanics = Definition{"panics_total", Counter,
		"Recovered panics of application code, by namespace and site (event handler, middleware, ...).", []string{"namespace", "site"}}
	defRecoveries = Definition{"recoveries_total", Counter,
		"Connection state recovery attempts, by namespace and outcome (success, failure).", []string{"namespace", "outcome"}}
	defAdapterMessages = Definition{"adapter_messages_total", Counter,
		"Messages a cluster adapter (Redis) sent to the other servers (direction out: published or queued) or received from them and handled (in), by namespace, direction and type (the message types of Node's adapters: BROADCAST, FETCH_SOCKETS, REMOTE_JOIN, RESPONSE, ...; other).", []string{"namespace", "direction", "type"}}
	defAdapterErrors = Definition{"adapter_errors_total", Counter,
		"Failures of a cluster adapter (Redis), by namespace and op (publish, decode, request_timeout, receive_queue_full, other).", []string{"namespace", "op"}}
)

// Definitions returns the metrics a [Metrics] registers, in a stable order.
func Definitions() []Definition {
	ds := []Definition{
		defEngineConnections, defEngineOpened, defUpgrades, defHandshakesRefused,
		defHandshakesLimited, defHandshakesShuttingDown, defEngineClosed, defPollingRequests, defBytesReceived, defBytesSent, defSendDropped,
		defSockets, defConnects, defConnectsRefused, defDisconnects, defEventsReceived,
		defEventsHandled, defHandlerDuration, defEventsSent, defAcks, defAcksSent,
		defDecodeErrors, defPanics, defRecoveries, defAdapterMessages, defAdapterErrors,
	}
	for i := range ds {
		ds[i].Labels = slices.Clone(ds[i].Labels)
	}
	return ds
}
