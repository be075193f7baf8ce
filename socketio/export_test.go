package socketio

import "testing"

// ConnectFake connects a client over an in-memory Engine.IO session that
// discards what it is sent to the main namespace of s, and returns its
// socket: for the external benchmarks of this package (package
// socketio_test), which measure emitting without a network.
func ConnectFake(b *testing.B, s *Server) *Socket {
	_, so := benchConnect(b, s)
	return so
}

// NewTestServer is newTestServer, for package socketio_test.
var NewTestServer = newTestServer
