// Package e2e holds sio's end-to-end tests that need more than Go: a browser
// (the system Chromium, /usr/bin/chromium, driven by playwright-core from
// npm) for the chat example and for the official Admin UI (the npm package
// @socket.io/admin-ui's built files, served by the chat) against it, and the Go toolchain for the documentation
// tests, which build the code of docs/getting-started.md, the guides and
// README.md in scratch modules. Those resolve sio from this checkout and its
// dependencies from the module cache (filled by `go mod download`, as
// building sio does), checked against this repository's go.sum, and never
// ask the checksum database (docs_test.go says how); getting-started.md's
// `npm install` uses the npm registry.
//
// # Running
//
// `make test` installs what these tests need (Chromium with apt-get when it
// is missing, `npm ci` here and in examples/chat/web) and runs them with the
// rest. Alone:
//
//	make e2e-deps
//	go test -race -count=1 ./e2e/
//
// Without Chromium or the npm packages the browser test is skipped, and
// fails when CI=true. Screenshots go to $E2E_OUT, default e2e/out/.
//
// # Concurrency
//
// The tests start their servers on 127.0.0.1 port 0 and stop them before
// they return; goleak checks that nothing is left running.
package e2e
