package admin

import (
	"context"
	"errors"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/siogo/sio/engineio"
	"github.com/siogo/sio/socketio"
)

// The features the UI is told of in the config event; it shows the
// actions of those it gets.
const (
	FeatureEmit             = "EMIT"
	FeatureJoin             = "JOIN"
	FeatureLeave            = "LEAVE"
	FeatureDisconnect       = "DISCONNECT"
	FeatureMJoin            = "MJOIN"
	FeatureMLeave           = "MLEAVE"
	FeatureMDisconnect      = "MDISCONNECT"
	FeatureAggregatedEvents = "AGGREGATED_EVENTS"
	FeatureAllEvents        = "ALL_EVENTS"
)

// Admin serves the Admin UI's protocol on a namespace of a
// [socketio.Server]. Make it with [New], set its observers in the
// server's options ([Admin.Instrument]), make the server, then
// [Admin.Attach] it; [Admin.Close] stops it.
type Admin struct {
	opts     Options
	features []string
	auth     *authenticator // nil without authentication
	serverID string
	hostname string

	events  eventBuffer
	polling atomic.Int64 // Engine.IO sessions on long-polling
	uis     atomic.Int64 // admin sockets connected or connecting
	// clusterUIs is the number of UIs of every node (Options.Cluster), as
	// the stats loop last counted them.
	clusterUIs atomic.Int64
	q          *queue
	at         atomic.Pointer[attachment]

	mu      sync.Mutex           // guards engines and closed
	engines map[string][]sockRef // the sockets of each Engine.IO session (Development)
	closed  bool

	stop    chan struct{} // closed by Close
	stopped chan struct{} // closed when the stats loop returned
}

// attachment is the server an Admin serves, and its admin namespace.
type attachment struct {
	srv     *socketio.Server
	nsp     *socketio.Namespace
	cluster bool // Options.Cluster
}

// uiRoom is the room of the admin namespace that the UIs join once their
// connection handler ran (after the authentication middleware): the
// events go to it, and only its sockets' commands are run. A socket that
// reached the namespace otherwise (before Attach registered the
// middleware, on a server already serving) is neither told nor obeyed.
const uiRoom = "admin-ui"

// toUIs is the broadcast to the UIs: those of every node with
// Options.Cluster (through the namespace's adapter), else this node's.
func (at *attachment) toUIs() *socketio.BroadcastOperator {
	if at.cluster {
		return at.nsp.To(uiRoom)
	}
	return at.nsp.Local().To(uiRoom)
}

// isUI reports whether s is one of the UIs (in uiRoom).
func isUI(s *socketio.Socket) bool {
	return slices.Contains(s.Rooms(), uiRoom)
}

// sockRef names a socket for socket_updated.
type sockRef struct{ nsp, id string }

// New returns an Admin configured by opts; it fails when opts has neither
// Auth nor NoAuth, or a password hash that is not bcrypt's. It starts
// nothing.
func New(opts *Options) (*Admin, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	a := &Admin{
		opts:    o,
		q:       newQueue(o.QueueBytes),
		engines: make(map[string][]sockRef),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	a.hostname, _ = os.Hostname()
	a.serverID = o.ServerID
	switch {
	case a.serverID != "":
	case o.Cluster:
		// Several nodes may share a host, as Node's cluster workers.
		a.serverID = a.hostname + "#" + strconv.Itoa(os.Getpid())
	default:
		a.serverID = a.hostname
	}
	if o.Auth != nil {
		a.auth = newAuthenticator(*o.Auth, newSessions(o.MaxSessions, o.SessionTTL))
	}
	if !o.ReadOnly {
		a.features = append(a.features, FeatureEmit, FeatureJoin, FeatureLeave, FeatureDisconnect,
			FeatureMJoin, FeatureMLeave, FeatureMDisconnect)
	}
	a.features = append(a.features, FeatureAggregatedEvents)
	if o.Mode == Development {
		a.features = append(a.features, FeatureAllEvents)
	}
	return a, nil
}

// Features returns the features the UI is told of: the commands (none
// when ReadOnly), AGGREGATED_EVENTS, and ALL_EVENTS in Development.
func (a *Admin) Features() []string { return append([]string(nil), a.features...) }

// Dropped returns the number of events for the UIs dropped because
// Options.QueueBytes was reached.
func (a *Admin) Dropped() int64 { return a.q.droppedCount() }

// Instrument returns a copy of opts (nil means defaults) whose Observer
// and Engine.Observer also call the Admin's, merged with those already
// set (socketio.MergeObservers, engineio.MergeObservers).
func (a *Admin) Instrument(opts *socketio.Options) *socketio.Options {
	var o socketio.Options
	if opts != nil {
		o = *opts
	}
	o.Observer = socketio.MergeObservers(o.Observer, a.Observer())
	var eo engineio.Options
	if o.Engine != nil {
		eo = *o.Engine
	}
	eo.Observer = engineio.MergeObservers(eo.Observer, a.EngineObserver())
	o.Engine = &eo
	return &o
}

// Observer returns the Socket.IO observer that tells the UIs of sockets
// connecting, disconnecting, joining and leaving rooms (Development
// mode; in Production it observes nothing); set it in the server's
// socketio.Options.Observer (see [Admin.Instrument]).
func (a *Admin) Observer() *socketio.Observer {
	if a.opts.Mode != Development {
		return &socketio.Observer{}
	}
	return &socketio.Observer{
		SocketConnected:    a.socketConnected,
		SocketDisconnected: a.socketDisconnected,
		RoomJoined: func(nsp *socketio.Namespace, id, room string) {
			if a.listening() {
				a.q.push(uiEvent{name: "room_joined", args: []any{nsp.Name(), room, id, timestamp(time.Now())}, size: len(room)})
			}
		},
		RoomLeft: func(nsp *socketio.Namespace, id, room string) {
			if a.listening() {
				a.q.push(uiEvent{name: "room_left", args: []any{nsp.Name(), room, id, timestamp(time.Now())}, size: len(room)})
			}
		},
	}
}

// listening reports whether a UI may be there to be told.
func (a *Admin) listening() bool { return a.uiConnected() && a.at.Load() != nil }

// uiConnected reports whether a UI is connected to this node or, with
// Options.Cluster, was connected to any node at the last check.
func (a *Admin) uiConnected() bool {
	return a.uis.Load() > 0 || a.clusterUIs.Load() > 0
}

// ErrAttached is returned by Attach for an Admin attached before, or
// closed.
var ErrAttached = errors.New("admin: already attached or closed")

// Attach serves the admin namespace on srv (made with the Admin's
// observers, see [Admin.Instrument]): its authentication, the UI's
// commands, and the server_stats every StatsInterval, which a goroutine
// sends until [Admin.Close].
func (a *Admin) Attach(srv *socketio.Server) error {
	a.mu.Lock()
	if a.closed || a.at.Load() != nil {
		a.mu.Unlock()
		return ErrAttached
	}
	nsp := srv.Of(a.opts.Namespace)
	at := &attachment{srv: srv, nsp: nsp, cluster: a.opts.Cluster}
	a.at.Store(at)
	a.mu.Unlock()
	if a.auth != nil {
		nsp.Use(a.authenticate)
	}
	nsp.OnConnection(a.onUI)
	if !a.opts.ReadOnly {
		a.registerCommands(nsp)
	}
	go a.run(at)
	return nil
}

// Close stops the stats goroutine; the admin namespace stays, and its
// sockets (the server's Shutdown disconnects them). Calling it again does
// nothing.
func (a *Admin) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return nil
	}
	a.closed = true
	attached := a.at.Load() != nil
	a.mu.Unlock()
	close(a.stop)
	if attached {
		<-a.stopped
	}
	return nil
}

// authenticate is the admin namespace's middleware: a valid session id,
// or the user name and password, else "invalid credentials". A new
// session's id is sent to the UI (the session event) for its
// reconnections.
func (a *Admin) authenticate(ctx context.Context, s *socketio.Socket) error {
	sid, err := a.auth.login(ctx, s.Handshake().Auth)
	if err != nil {
		a.opts.Logger.Warn("admin: login refused", "address", s.Handshake().Address)
		return err
	}
	if sid != "" {
		_ = s.Emit("session", sid)
	}
	return nil
}

// onUI is the admin namespace's connection handler: the config, and in
// Development every socket of the server.
func (a *Admin) onUI(_ context.Context, s *socketio.Socket, _ []byte) error {
	a.uis.Add(1)
	context.AfterFunc(s.Context(), func() { a.uis.Add(-1) })
	s.Join(uiRoom)
	if err := s.Emit("config", map[string]any{"supportedFeatures": a.features}); err != nil {
		return err
	}
	if a.opts.Mode != Development {
		return nil
	}
	at := a.at.Load()
	var all []serializedSocket
	// One bound for the requests of every namespace.
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	for _, n := range at.srv.Namespaces() {
		if at.cluster {
			all = a.appendClusterSockets(ctx, all, n)
			continue
		}
		for _, sock := range n.Sockets() {
			if sock.Connected() {
				all = append(all, a.serialize(sock))
			}
		}
	}
	if all == nil {
		all = []serializedSocket{}
	}
	return s.Emit("all_sockets", all)
}

// clusterTimeout bounds the requests to the other nodes: counting the UIs
// each StatsInterval, fetching the sockets of all namespaces for
// all_sockets.
const clusterTimeout = time.Second

// countClusterUIs counts the UIs of every node (Options.Cluster), so that
// this node tells them of its sockets even when none is connected to it.
// On a failure the last count stays.
func (a *Admin) countClusterUIs(at *attachment) {
	ctx, cancel := context.WithTimeout(context.Background(), clusterTimeout)
	defer cancel()
	socks, err := at.nsp.In(uiRoom).FetchSockets(ctx)
	if err != nil {
		a.opts.Logger.Warn("admin: counting the UIs of the cluster failed", "error", err)
		return
	}
	a.clusterUIs.Store(int64(len(socks)))
}

// appendClusterSockets appends the sockets of namespace n on every node
// (Options.Cluster): this node's as always, the others' from FetchSockets,
// which tells no Engine.IO session nor current transport (see
// serializeRemote). On a failure, this node's only.
func (a *Admin) appendClusterSockets(ctx context.Context, all []serializedSocket, n *socketio.Namespace) []serializedSocket {
	remote, err := n.FetchSockets(ctx)
	if err != nil {
		a.opts.Logger.Warn("admin: fetching the sockets of the cluster failed", "namespace", n.Name(), "error", err)
		remote = nil
	}
	for _, sock := range n.Sockets() {
		if sock.Connected() {
			all = append(all, a.serialize(sock))
		}
	}
	for _, r := range remote {
		if _, local := n.Socket(r.ID); !local {
			all = append(all, a.serializeRemote(r, n.Name()))
		}
	}
	return all
}

// socketConnected tells the UIs of a socket (Development), and relays
// its events with ALL_EVENTS.
func (a *Admin) socketConnected(s *socketio.Socket) {
	at := a.at.Load()
	if at == nil {
		return
	}
	nsp, eid := s.Namespace().Name(), s.EngineID()
	a.mu.Lock()
	a.engines[eid] = append(a.engines[eid], sockRef{nsp: nsp, id: s.ID()})
	a.mu.Unlock()
	if s.Namespace() != at.nsp {
		a.relayEvents(s)
	}
	if a.listening() {
		a.q.push(uiEvent{name: "socket_connected", args: []any{a.serialize(s), timestamp(time.Now())}})
	}
}

// socketDisconnected tells the UIs of a socket gone (Development).
func (a *Admin) socketDisconnected(s *socketio.Socket, reason socketio.DisconnectReason) {
	if a.at.Load() == nil {
		return
	}
	nsp, id, eid := s.Namespace().Name(), s.ID(), s.EngineID()
	a.mu.Lock()
	refs := a.engines[eid]
	for i, r := range refs {
		if r.nsp == nsp && r.id == id {
			refs = append(refs[:i:i], refs[i+1:]...)
			break
		}
	}
	if len(refs) == 0 {
		delete(a.engines, eid)
	} else {
		a.engines[eid] = refs
	}
	a.mu.Unlock()
	if a.listening() {
		a.q.push(uiEvent{name: "socket_disconnected", args: []any{nsp, id, string(reason), timestamp(time.Now())}})
	}
}

// upgraded tells the UIs that the sockets of an Engine.IO session moved
// to WebSocket (Development).
func (a *Admin) upgraded(engineID string) {
	if !a.listening() {
		return
	}
	a.mu.Lock()
	refs := append([]sockRef(nil), a.engines[engineID]...)
	a.mu.Unlock()
	for _, r := range refs {
		a.q.push(uiEvent{name: "socket_updated", args: []any{map[string]string{
			"id": r.id, "nsp": r.nsp, "transport": engineio.TransportWebSocket,
		}}})
	}
}

// DataChanged tells the UIs that the application changed s's data
// ([socketio.Socket.SetData]): they get socket_updated with the new data
// (Development; Node's package sees such changes through a Proxy on
// socket.data, which Go has no counterpart of).
func (a *Admin) DataChanged(s *socketio.Socket) {
	if a.opts.Mode != Development || !a.listening() {
		return
	}
	a.q.push(uiEvent{name: "socket_updated", args: []any{map[string]any{
		"id": s.ID(), "nsp": s.Namespace().Name(), "data": marshalData(s.Data(), a.opts.MaxDataBytes),
	}}})
}

// relayEvents sends the UIs every event s receives (event_received) and
// is sent (event_sent), with their arguments, as Node's ALL_EVENTS.
func (a *Admin) relayEvents(s *socketio.Socket) {
	nsp, id := s.Namespace().Name(), s.ID()
	relay := func(name, event string, args *socketio.Args) {
		if !a.listening() {
			return
		}
		list := make([]any, 0, 1+args.Len())
		list = append(list, event)
		size := len(event)
		for i := range args.Len() {
			raw := args.Raw(i)
			size += len(raw)
			list = append(list, copyRaw(raw))
		}
		a.q.push(uiEvent{name: name, args: []any{nsp, id, list, timestamp(time.Now())}, size: size})
	}
	s.OnAny(func(_ context.Context, _ *socketio.Socket, event string, args *socketio.Args, _ socketio.AckFunc) {
		relay("event_received", event, args)
	})
	s.OnAnyOutgoing(func(_ *socketio.Socket, event string, args *socketio.Args) {
		relay("event_sent", event, args)
	})
}

// run sends the server_stats every StatsInterval, and the queued events
// as they come, until Close.
func (a *Admin) run(at *attachment) {
	defer close(a.stopped)
	t := time.NewTicker(StatsInterval)
	defer t.Stop()
	var dropped int64
	stats := func() {
		if at.cluster {
			a.countClusterUIs(at)
		}
		st := a.stats(at.srv)
		if a.uiConnected() {
			_ = at.toUIs().Emit("server_stats", st)
		}
		if d := a.q.droppedCount(); d != dropped {
			a.opts.Logger.Warn("admin: events for the UI dropped (Options.QueueBytes reached)", "dropped", d-dropped)
			dropped = d
		}
	}
	stats()
	for {
		select {
		case <-a.stop:
			return
		case <-t.C:
			stats()
		case <-a.q.wake:
			for _, e := range a.q.take() {
				_ = at.toUIs().Emit(e.name, e.args...)
			}
		}
	}
}
