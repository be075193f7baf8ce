// Package loadgen is sio's load generator: it drives Socket.IO servers
// serving the benchmark's app (bench/siopeer, bench/node/server.mjs) through
// a set of scenarios and reports what each costs, side by side. Command
// bench/loadtest runs it; docs/operations.md describes the figures.
//
// The generator speaks Engine.IO v4 / Socket.IO v5 itself: gorilla/websocket
// dials and reads (one goroutine per connection, a reused buffer, a byte
// comparison per message), and the generator frames its own messages and
// writes them straight to the TCP connection, several in one write(2) where
// the scenario allows. It must not be the bottleneck: every window also
// reports the generator's own CPU, and Run warns when it was near a full
// core.
//
// The app: connecting to "/" needs no auth; "echo" is acknowledged with its
// argument; "fanout" broadcasts "tick" with its argument to every socket of
// the namespace. Every echo and fanout carries [Payload].
//
// The scenarios (see [Scenarios]), each against a server started afresh:
//
//   - ack: AckConns connections each keep AckInFlight echoes waiting for
//     their acknowledgement; round trips per second and the server's CPU
//     time (utime+stime of /proc/PID/stat) per round trip.
//   - fanout: FanoutConns connections; the first triggers broadcasts, with
//     FanoutWindow of them under way (a broadcast is under way until every
//     connection has received it); deliveries per second counted at the
//     connections, and server CPU time per delivery.
//   - idle: the server's RSS (VmRSS of /proc/PID/status) with IdleConns
//     idle connections minus its RSS before them, per connection.
//   - connect: ConnectConcurrency workers each open a WebSocket, connect to
//     "/", wait for the CONNECT reply and close it, again and again;
//     handshakes per second and server CPU time per handshake.
//   - latency: one connection, one echo at a time; median and 99th
//     percentile of the round trip.
//
// Nothing here asserts a figure: the figures depend on the machine and on
// what else runs on it.
package loadgen
