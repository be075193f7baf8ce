// Package interop holds sio's interoperability tests: real npm clients (and
// servers), run by Node.js, talking to sio's Go servers over loopback; and
// sio's Go client (package client) talking to Node's socket.io server
// (js/client-server.mjs) and to sio's, scenario by scenario
// (goclient_test.go).
//
// The tests need Node.js and the packages of package-lock.json in
// interop/node_modules (make test runs npm ci). Without them a test fails
// when CI=true and is skipped otherwise.
package interop
