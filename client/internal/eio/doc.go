// Package eio is the Engine.IO protocol v4 client under package client: a
// [Conn] opens with a handshake over long-polling or WebSocket, upgrades
// from polling to WebSocket the way engine.io-client 6.x does, answers the
// server's pings, detects a silent server (ping timeout), carries text and
// binary messages, and closes gracefully.
//
// # Upgrade
//
// Once a polling connection is open and the server offers "websocket", a
// probe goroutine dials the WebSocket with the session id and sends
// "2probe". On "3probe" it holds back the writer (no new POST), asks the
// polling loop to stop after its current GET (the server answers it with a
// noop while upgrading), and hands the WebSocket to the writer, which waits
// for the loop to end, sends the upgrade packet "5" over the WebSocket, makes
// it the transport and writes what was queued meanwhile. A failed probe
// leaves the connection on polling.
//
// # Goroutines and concurrency
//
// A Conn runs one writer goroutine, one reader (the polling loop, then the
// WebSocket reader after an upgrade; never both at once), a probe goroutine
// during an upgrade, and a ping timer. Options.OnMessage is called by the
// reader, one message at a time and in order; when it blocks, reading stops
// (backpressure reaches the server). Options.OnClose is called once, after
// the reader returned. All methods are safe for concurrent use.
//
// # Bounds
//
// Messages waiting to be written: Options.WriteQueueSize (Send fails with
// ErrQueueFull beyond it; pongs and the close packet are not counted). A
// received polling response or WebSocket message: Options.MaxMessageSize
// (larger input closes the connection with "transport error"). A polling
// POST carries at most the server's maxPayload bytes (more waits for the
// next POST), except for a single larger packet.
package eio
