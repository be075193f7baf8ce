// Package client is a Socket.IO v5 client over Engine.IO v4, for Go programs
// that talk to a Socket.IO 4.x server: sio's own (package socketio) or
// Node's socket.io. It behaves like socket.io-client 4.8.
//
//	m, err := client.Dial(ctx, "http://localhost:3000", nil)
//	if err != nil { ... }
//	defer m.Close()
//	chat := m.Socket("/chat", &client.SocketOptions{Auth: map[string]string{"token": "t"}})
//	chat.On("message", func(e *client.Event) {
//		var text string
//		_ = e.Args.Decode(0, &text)
//	})
//	if err := chat.Connect(ctx); err != nil { ... } // a *ConnectError when refused
//	reply, err := chat.EmitWithAck(ctx, "join", "lobby")
//
// # Managers and sockets
//
// A [Manager] is one Engine.IO connection; each namespace used over it is a
// [Socket] (socket.io-client's Manager and Socket). Register a socket's
// handlers with [Socket.On], [Socket.OnAny], [Socket.OnConnect],
// [Socket.OnDisconnect] and [Socket.OnConnectError], then call
// [Socket.Connect], which sends the auth payload ([SocketOptions].Auth) and
// waits for the server's answer.
//
// # Events and acknowledgements
//
// [Socket.Emit] sends an event; []byte arguments travel as binary
// attachments. [Socket.EmitWithAck] waits, within its context, for the
// server's acknowledgement and returns its arguments as a [socketio.Args], the
// type the server's handlers and the code siogen generates decode. An
// [Event] received from the server carries its [socketio.Args], and
// [Event.Ack] answers a server's acknowledgement request.
// [Socket.EmitVolatile] drops the packet unless it can be written at once.
//
// A context with a deadline is socket.io-client's socket.timeout(ms);
// [SocketOptions].AckTimeout (ackTimeout) bounds an EmitWithAck whose
// context has none ([ErrAckTimeout]). With [SocketOptions].Retries
// (retries), Emit and EmitWithAck go through a bounded retry queue: one
// packet at a time, each acknowledged by the server, sent again when a try
// times out or its connection is lost, Retries times at most.
//
// [Socket.On] adds a handler to the event's list (several run, in order),
// [Socket.Once] one for the next event only; [Socket.OnAny] and
// [Socket.PrependAny] register catch-all handlers, which run first, and
// [Socket.OnAnyOutgoing] handlers see every event the socket sends.
//
// # Transports
//
// By default the client connects with HTTP long-polling and upgrades to
// WebSocket (github.com/gorilla/websocket) the way engine.io-client does:
// a probe ("2probe"/"3probe") on the WebSocket while polling goes on, then
// polling pauses after its current request and the "upgrade" packet moves
// the session. [Options].Transports = {"websocket"} connects over WebSocket
// at once; {"polling"} never upgrades. The client answers the server's pings
// and closes the connection with "ping timeout" when none arrives within
// pingInterval + pingTimeout.
//
// # Reconnection and recovery
//
// When the connection is lost (not after [Manager.Close], and not for a
// socket the server disconnected), the Manager reconnects after a delay of
// ReconnectionDelay·2^attempt, spread by RandomizationFactor and capped at
// ReconnectionDelayMax (1 s, 0.5 and 5 s by default, without limit on the
// attempts, as socket.io-client), and connects again every socket that was
// connected. Packets emitted meanwhile wait in a bounded send buffer. When
// the server has connection state recovery on, a socket sends the private
// session id and the offset of the last event it received (auth members
// "pid" and "offset", as socket.io-client), and the server gives back its id
// and rooms and replays the events it missed; [Socket.Recovered] reports it.
//
// # Bounds
//
// Everything the server can make the client hold is bounded:
//   - a long-polling response and a WebSocket message: Options.MaxMessageSize
//     (100 MiB); more closes the connection ("transport error");
//   - the attachments of one packet: Options.MaxAttachments (10); more is a
//     parse error;
//   - received events waiting for their handlers: Options.EventQueueSize
//     (64); while it is full the client stops reading, which slows the
//     server down (TCP or long-polling backpressure);
//   - events that arrive for a socket before the server's CONNECT answer (a
//     recovering server replays missed events first): EventQueueSize; more
//     are dropped with a warning.
//
// What the application queues is bounded too: Engine.IO messages waiting to
// be written, Options.WriteQueueSize (1024; [ErrWriteQueueFull]); packets
// buffered while a socket is disconnected, Options.SendBufferSize (1024;
// [ErrSendBufferFull]); packets in a socket's retry queue,
// SocketOptions.RetryQueueSize (1024; [ErrRetryQueueFull]).
//
// # Concurrency
//
// All methods of Manager, Socket and Event are safe for concurrent use.
// Emit, EmitVolatile and Event.Ack never block; Dial, Connect and
// EmitWithAck block until their context ends at most; Close waits at most
// 5 s for the queued packets to be written.
//
// The handlers of one Manager (event, connect, disconnect, connect error
// and reconnection handlers, of all its sockets; not the outgoing ones,
// which run on the goroutine that sends) run one at a time, in the
// order of the packets that caused them, on a goroutine of the Manager's. A
// handler may call any method, Close included, but the events that arrive
// meanwhile wait for it, and once EventQueueSize of them wait the client
// stops reading (see Bounds): an acknowledgement arriving behind them then
// waits too, so an EmitWithAck in a handler needs a context with a deadline,
// or a goroutine of its own. Hand long work to a goroutine of your own. A
// panicking handler is recovered and logged.
//
// Each mutex guards the fields listed after it. Lock order: a Socket's mutex
// may be held while taking a connection's (to queue a packet); the
// Manager's is never held while taking another, and no lock is held while
// a handler runs.
package client
