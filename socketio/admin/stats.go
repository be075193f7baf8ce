package admin

import (
	"os"
	"sync"
	"time"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio"
)

// processStart approximates the process's start, for the uptime stat
// (Node's process.uptime()).
var processStart = time.Now()

// aggregatedEvent is the UI's NamespaceEvent: the count of one kind of
// fact within one second.
type aggregatedEvent struct {
	Timestamp int64  `json:"timestamp"` // milliseconds, at a whole second
	Type      string `json:"type"`
	SubType   string `json:"subType,omitempty"`
	Count     int64  `json:"count"`
}

// The aggregated event types the UI draws.
const (
	evRawConnection    = "rawConnection"
	evRawDisconnection = "rawDisconnection" // subType: the close reason
	evPacketsIn        = "packetsIn"
	evPacketsOut       = "packetsOut"
	evBytesIn          = "bytesIn"
	evBytesOut         = "bytesOut"
)

// maxAggregated bounds the entries of the event buffer between two
// stats; the types and reasons are fixed sets, so only a stats loop that
// stopped could reach it.
const maxAggregated = 4096

type aggKey struct {
	second       int64
	typ, subType string
}

// eventBuffer counts the aggregated events between two server_stats, as
// Node's EventBuffer.
type eventBuffer struct {
	mu     sync.Mutex // guards counts and order
	counts map[aggKey]int64
	order  []aggKey
}

func (b *eventBuffer) push(typ, subType string, n int64) {
	k := aggKey{second: time.Now().Unix(), typ: typ, subType: subType}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.counts == nil {
		b.counts = make(map[aggKey]int64)
	}
	if _, ok := b.counts[k]; !ok {
		if len(b.order) >= maxAggregated {
			return
		}
		b.order = append(b.order, k)
	}
	b.counts[k] += n
}

// take returns the counts, oldest first, and clears them.
func (b *eventBuffer) take() []aggregatedEvent {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]aggregatedEvent, 0, len(b.order))
	for _, k := range b.order {
		out = append(out, aggregatedEvent{Timestamp: k.second * 1000, Type: k.typ, SubType: k.subType, Count: b.counts[k]})
	}
	clear(b.counts)
	b.order = b.order[:0]
	return out
}

// namespaceDetails is the UI's NamespaceDetails.
type namespaceDetails struct {
	Name         string `json:"name"`
	SocketsCount int    `json:"socketsCount"`
}

// serverStats is the server_stats event's argument.
type serverStats struct {
	ServerID            string             `json:"serverId"`
	Hostname            string             `json:"hostname"`
	PID                 int                `json:"pid"`
	Uptime              float64            `json:"uptime"` // seconds
	ClientsCount        int                `json:"clientsCount"`
	PollingClientsCount int64              `json:"pollingClientsCount"`
	AggregatedEvents    []aggregatedEvent  `json:"aggregatedEvents"`
	Namespaces          []namespaceDetails `json:"namespaces"`
}

// stats builds the server_stats of now.
func (a *Admin) stats(srv *socketio.Server) serverStats {
	nsps := srv.Namespaces()
	details := make([]namespaceDetails, 0, len(nsps))
	for _, n := range nsps {
		details = append(details, namespaceDetails{Name: n.Name(), SocketsCount: len(n.Sockets())})
	}
	return serverStats{
		ServerID:            a.serverID,
		Hostname:            a.hostname,
		PID:                 os.Getpid(),
		Uptime:              time.Since(processStart).Seconds(),
		ClientsCount:        srv.Engine().Count(),
		PollingClientsCount: a.polling.Load(),
		AggregatedEvents:    a.events.take(),
		Namespaces:          details,
	}
}

// EngineObserver returns the Engine.IO observer that counts the clients on
// long-polling and the aggregated events (connections, disconnections by
// reason, packets and bytes each way), and tells the UI of upgrades; set
// it in the server's engineio.Options.Observer (see [Admin.Instrument]).
// packetsIn and packetsOut count WebSocket messages and long-polling
// request bodies, not the Engine.IO packets inside a body.
func (a *Admin) EngineObserver() *engineio.Observer {
	return &engineio.Observer{
		SessionOpened: func(_ *engineio.Session, transport string) {
			a.count(evRawConnection, "", 1)
			if transport == engineio.TransportPolling {
				a.polling.Add(1)
			}
		},
		SessionUpgraded: func(s *engineio.Session) {
			a.polling.Add(-1)
			a.upgraded(s.ID())
		},
		SessionClosed: func(_ *engineio.Session, transport string, reason engineio.CloseReason) {
			a.count(evRawDisconnection, string(reason), 1)
			if transport == engineio.TransportPolling {
				a.polling.Add(-1)
			}
		},
		BytesReceived: func(_ string, n int) {
			a.count(evPacketsIn, "", 1)
			a.count(evBytesIn, "", int64(n))
		},
		BytesSent: func(_ string, n int) {
			a.count(evPacketsOut, "", 1)
			a.count(evBytesOut, "", int64(n))
		},
	}
}

// count adds to the aggregated counts while a UI is connected: they are
// sent and cleared every StatsInterval, so counting without a UI would
// only cost the server's goroutines a lock per message.
func (a *Admin) count(typ, subType string, n int64) {
	if a.uiConnected() {
		a.events.push(typ, subType, n)
	}
}
