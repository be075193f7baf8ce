// Package admin serves the official Socket.IO Admin UI
// (https://admin.socket.io, the npm package @socket.io/admin-ui 0.5) on a
// [socketio.Server]: the server side of the protocol that the Node.js
// package's instrument() speaks, so that the UI shows sio's servers,
// namespaces, sockets, rooms, clients and events, and can emit to, move and
// disconnect sockets.
//
//	a, err := admin.New(&admin.Options{Auth: &admin.BasicAuth{Username: "ops", PasswordHash: hash}})
//	srv := socketio.NewServer(a.Instrument(&socketio.Options{...}))
//	err = a.Attach(srv) // the namespace /admin, server_stats every 2 s
//	defer a.Close()
//
// docs/admin-ui.md is the guide: opening the UI, the options, the protocol
// and how it differs from Node's.
//
// # Protocol
//
// The UI connects to the admin namespace (Options.Namespace, "/admin") with
// {username, password} or {sessionId} as its CONNECT auth. The server
// answers "session" (a new login's id), "config" ({supportedFeatures}),
// in Development "all_sockets", then "server_stats" every [StatsInterval]
// and, in Development, "socket_connected", "socket_updated" (an upgrade to
// WebSocket, [Admin.DataChanged]), "socket_disconnected", "room_joined", "room_left",
// "event_received" and "event_sent". Unless ReadOnly it handles the UI's
// "emit", "join", "leave" and "_disconnect" commands.
//
// # Bounds
//
// Every input of the UI is bounded: a login's user name (256 bytes) and
// password (72, bcrypt's limit), session ids (64), at most 2 bcrypt
// comparisons at once; the names of a command (MaxNameLength) and the
// arguments of an emit (MaxEmitArgs, no binary); a command names an existing
// namespace and never creates one. The events waiting for the UIs hold at
// most QueueBytes (beyond, they are dropped and counted, see
// [Admin.Dropped]); remembered sessions at most MaxSessions, each
// SessionTTL; a socket's data is sent up to MaxDataBytes. With Auth set, no
// socket joins the attached admin namespace without the password or a
// session id it gave (one that joined before Attach is sent nothing and
// its commands are not run).
//
// # Concurrency
//
// The observers run on the server's goroutines and only count, or queue
// events; one goroutine of the Admin's (from Attach to Close) sends the
// stats and the queued events to the UIs. Admin's methods are safe for
// concurrent use. Its locks (the session store's, the event buffer's, the
// queue's, the Admin's own) are leaves: nothing is called while one is
// held.
//
// # Clusters
//
// By default the UI sees the node it is connected to: its stats, its
// sockets and their events. With Options.Cluster, the nodes sharing the
// admin namespace through a cluster adapter are one view, as with the Node
// package: each node sends its stats and events through the adapter to the
// UIs of every node while one is connected anywhere (each node counts them
// with FetchSockets every StatsInterval), and all_sockets lists every
// node's sockets. The commands go through the adapter either way, so emit,
// join, leave and disconnect reach the sockets of every node.
package admin
