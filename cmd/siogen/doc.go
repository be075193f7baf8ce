// Command siogen generates the typed Socket.IO event dispatch of the
// consumer types marked with //sio:consumer: a sio_gen.go file per package
// (and one per constrained or test file with consumers, see below), with a
// static table from event name to typed decoder and direct method call, so
// that no handler is found or called through reflection.
//
// # Usage
//
//	siogen [-check] [-prune] [-tags 'tag,list'] [-ts file.ts] [-asyncapi file.yaml] [-client dir/file.go [-client-package name]] [packages]
//
// With no packages, siogen works on the package in the current directory, as
// a //go:generate go tool siogen in a package runs it; ./... covers the
// packages under the current directory. One entry for a whole module, in one
// file at its root, loads every package once and is the recommended layout:
//
//	//go:generate go tool siogen ./...
//
// Install it as a tool of a module with go mod edit -tool (until sio is
// published, with a replace directive to a clone of sio: see
// docs/getting-started.md), then go mod tidy.
//
// -check writes nothing: it prints a unified diff of what would change and
// names orphaned generated files (generated files that no consumer of their
// package is generated into any more). -prune deletes orphaned files;
// without it they are only named. -tags gives build tags to load the
// packages with, space- or comma-separated as go build's.
//
// -ts FILE also writes the TypeScript declarations of every consumer's
// events for socket.io-client 4.x (the ClientToServerEvents and
// ServerToClientEvents interfaces Socket takes, the auth payload's type,
// the namespace's name); -asyncapi FILE an AsyncAPI 3.0 document of them,
// as YAML (.yaml, .yml) or JSON (.json). Both come from one JSON Schema
// model of the Go types, follow encoding/json's rules, and are covered by
// -check; a file of that name that siogen did not write is not
// overwritten. See docs/siogen.md.
//
// -client FILE also writes a typed Go client of the consumers, on package
// github.com/siogo/sio/client: one Go file in a package of its own
// (-client-package names it; by default the package of its directory),
// with a type per consumer (ChatClient, NewChatClient), a method per event
// the consumer handles (typed arguments, and the decoded acknowledgement),
// an On method per event of its //sio:emits interface (whose results are
// the acknowledgement) and a Connect taking the auth payload's type. It is
// covered by -check. Payload types the client package cannot name
// (unexported, of package main or of an internal package) are errors.
//
// # Build constraints and tests
//
// Consumers of files without build constraints go to sio_gen.go; those of a
// file with a //go:build line or a GOOS/GOARCH name suffix go to a file
// named after it (chat_linux.go: chat_linux_sio_gen.go) that carries the
// constraint; those of _test.go files to sio_gen_test.go,
// sio_gen_x_test.go (package p_test) or chat_linux_sio_gen_test.go. siogen
// loads what the go command builds for the current GOOS, GOARCH and -tags;
// generated files of other configurations are left alone (GOOS=darwin
// siogen ./... generates those of darwin).
//
// # Exit status
//
// 0 success (or, with -check, nothing to change); 1 drift (-check); 2
// mistakes in the consumers, printed sorted as path:line:col: message
// relative to the working directory, or a failure to load the packages
// (with its position when the go command gives one). -h prints the usage on
// stdout and exits 0; a bad flag prints it on stderr and exits 2. Warnings
// (path:line:col: warning: message, sorted, on stderr before any errors) do
// not change the exit status.
//
// A package that does not build (a syntax or type error) is not generated:
// its errors are printed the same way, siogen exits 2 and the package's
// existing generated files are left as they are. References from user code to the
// names a generated file declares (RegisterChat, in the same package or
// another one) are not errors, although siogen loads the packages without
// their generated files.
//
// # Annotations
//
//	// Chat serves the /chat namespace.
//	//
//	//sio:consumer namespace=/chat
//	type Chat struct{ ... }
//
//	func (c *Chat) EventChatMessage(ctx context.Context, s *socketio.Socket, msg Message, ack func(Status) error) error
//
//	//sio:event user-joined
//	func (c *Chat) EventUserJoined(ctx context.Context, s *socketio.Socket, room string) error
//
// docs/siogen.md in the repository is the full reference: handler shapes,
// argument types, acknowledgements, registration, the decode error policy
// and every error message.
//
// # Concurrency
//
// siogen is a batch command; it loads the packages once (one packages.Load,
// and one more for the tests of packages whose tests declare consumers) and
// writes each output file atomically (a temporary file renamed over it),
// only when its content changes.
//
// # Bounds
//
// Memory is that of type-checking the named packages (dependencies come from
// export data, not source). The -check diff is bounded (see
// internal/gen.UnifiedDiff).
package main
