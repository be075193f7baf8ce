package metrics

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio"
)

// Instrument returns a copy of opts (nil means the defaults) whose
// Observer and Engine.Observer feed m, merged with the observers opts had
// already (see [socketio.MergeObservers]).
func (m *Metrics) Instrument(opts *socketio.Options) *socketio.Options {
	var o socketio.Options
	if opts != nil {
		o = *opts
	}
	o.Observer = socketio.MergeObservers(o.Observer, m.Observer())
	var eng engineio.Options
	if o.Engine != nil {
		eng = *o.Engine
	}
	eng.Observer = engineio.MergeObservers(eng.Observer, m.EngineObserver())
	o.Engine = &eng
	return &o
}

// EngineObserver returns the Engine.IO observer feeding m's engine_*
// metrics.
func (m *Metrics) EngineObserver() *engineio.Observer {
	return &engineio.Observer{
		SessionOpened: func(_ *engineio.Session, transport string) {
			m.engineOpened.WithLabelValues(transport).Inc()
			m.engineConns.WithLabelValues(transport).Inc()
		},
		SessionUpgraded: func(*engineio.Session) {
			m.upgrades.Inc()
			m.engineConns.WithLabelValues(engineio.TransportPolling).Dec()
			m.engineConns.WithLabelValues(engineio.TransportWebSocket).Inc()
		},
		SessionClosed: func(_ *engineio.Session, transport string, reason engineio.CloseReason) {
			m.engineConns.WithLabelValues(transport).Dec()
			m.engineClosed.WithLabelValues(transport, string(reason)).Inc()
		},
		RequestRefused: func(code engineio.ErrorCode) {
			m.refused.WithLabelValues(code.String()).Inc()
		},
		HandshakeLimited: func(reason engineio.LimitReason) {
			m.limited.WithLabelValues(string(reason)).Inc()
		},
		HandshakeShuttingDown: func() { m.shuttingDown.Inc() },
		PollingRequest: func(method string) {
			if method != http.MethodGet && method != http.MethodPost {
				method = "other" // the method is the client's: bounded here
			}
			m.pollingRequests.WithLabelValues(method).Inc()
		},
		BytesReceived: func(transport string, n int) { m.bytesIn.WithLabelValues(transport).Add(float64(n)) },
		BytesSent:     func(transport string, n int) { m.bytesOut.WithLabelValues(transport).Add(float64(n)) },
		SendDropped:   func(*engineio.Session) { m.sendDropped.Inc() },
	}
}

// Observer returns the Socket.IO observer feeding m's other metrics.
func (m *Metrics) Observer() *socketio.Observer {
	return &socketio.Observer{
		SocketConnected: func(s *socketio.Socket) {
			ns := nsLabel(s.Namespace())
			m.sockets.WithLabelValues(ns).Inc()
			recovered := "false"
			if s.Recovered() {
				recovered = "true"
			}
			m.connects.WithLabelValues(ns, recovered).Inc()
		},
		SocketDisconnected: func(s *socketio.Socket, reason socketio.DisconnectReason) {
			ns := nsLabel(s.Namespace())
			m.sockets.WithLabelValues(ns).Dec()
			m.disconnects.WithLabelValues(ns, string(reason)).Inc()
		},
		ConnectRefused: func(nsp *socketio.Namespace, reason socketio.Refusal) {
			m.connectsRefused.WithLabelValues(nsLabel(nsp), string(reason)).Inc()
		},
		EventReceived: func(s *socketio.Socket, _ string, _ int) {
			m.eventsReceived.WithLabelValues(nsLabel(s.Namespace())).Inc()
		},
		EventDone: func(_ context.Context, s *socketio.Socket, event string, elapsed time.Duration, err error) {
			ns := nsLabel(s.Namespace())
			outcome := "ok"
			switch {
			case err == nil:
			case errors.Is(err, socketio.ErrUnknownEvent):
				m.eventsHandled.WithLabelValues(ns, OtherEvent, "unknown").Inc()
				return // the name is the client's, and no handler vouches for it
			case errors.Is(err, socketio.ErrHandlerPanic):
				outcome = "panic"
			default:
				outcome = "error"
			}
			ev := m.eventLabel(ns, event)
			m.eventsHandled.WithLabelValues(ns, ev, outcome).Inc()
			m.handlerDuration.WithLabelValues(ns, ev).Observe(elapsed.Seconds())
		},
		EventSent: func(nsp *socketio.Namespace, event string) {
			ns := nsLabel(nsp)
			m.eventsSent.WithLabelValues(ns, m.eventLabel(ns, event)).Inc()
		},
		AckDone: func(_ context.Context, s *socketio.Socket, _ string, _ time.Time, err error) {
			outcome := "ok"
			switch {
			case err == nil:
			case errors.Is(err, context.DeadlineExceeded):
				outcome = "timeout"
			case errors.Is(err, context.Canceled):
				outcome = "canceled"
			case errors.Is(err, socketio.ErrDisconnected):
				outcome = "disconnected"
			default:
				outcome = "error"
			}
			m.acks.WithLabelValues(nsLabel(s.Namespace()), outcome).Inc()
		},
		AckSent: func(_ context.Context, s *socketio.Socket, _ string) {
			m.acksSent.WithLabelValues(nsLabel(s.Namespace())).Inc()
		},
		DecodeError: func(error) { m.decodeErrors.Inc() },
		Panic: func(nsp *socketio.Namespace, what string) {
			m.panics.WithLabelValues(nsLabel(nsp), what).Inc()
		},
		RecoveryAttempted: func(nsp *socketio.Namespace, ok bool) {
			outcome := "failure"
			if ok {
				outcome = "success"
			}
			m.recoveries.WithLabelValues(nsLabel(nsp), outcome).Inc()
		},
		// socketio bounds direction, kind and op (Namespace.ObserveAdapter*).
		AdapterMessage: func(nsp *socketio.Namespace, direction, kind string) {
			m.adapterMessages.WithLabelValues(nsLabel(nsp), direction, kind).Inc()
		},
		AdapterError: func(nsp *socketio.Namespace, op string, _ error) {
			m.adapterErrors.WithLabelValues(nsLabel(nsp), op).Inc()
		},
	}
}

// nsLabel is a namespace's label: its name, or its dynamic parent's for a
// child (whose name is the client's), "" for none.
func nsLabel(n *socketio.Namespace) string {
	if n == nil {
		return ""
	}
	if p := n.Parent(); p != nil {
		return p.Name()
	}
	return n.Name()
}

// eventLabel returns event when it is, or can become, one of the at most
// m.maxEvents labelled event names of namespace ns, else OtherEvent.
func (m *Metrics) eventLabel(ns, event string) string {
	m.mu.RLock()
	set := m.events[ns]
	_, ok := set[event]
	full := len(set) >= m.maxEvents
	m.mu.RUnlock()
	if ok {
		return event
	}
	if full {
		return OtherEvent
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	set = m.events[ns]
	if set == nil {
		set = make(map[string]struct{})
		m.events[ns] = set
	}
	if _, ok := set[event]; ok || len(set) < m.maxEvents {
		set[event] = struct{}{}
		return event
	}
	return OtherEvent
}
