// Command siogen generates the typed Socket.IO event dispatch of the
// consumer types marked with //sio:consumer: one sio_gen.go file per
// package, with a static table from event name to typed decoder and direct
// method call, so that no handler is found or called through reflection.
//
// # Usage
//
//	siogen [-check] [-prune] [packages]
//
// With no packages, siogen works on the package in the current directory, as
// //go:generate go tool siogen runs it; ./... covers a whole module. Install
// it as a tool of a module with
//
//	go get -tool github.com/siogo/sio/cmd/siogen
//
// -check writes nothing: it prints a unified diff of what would change and
// names orphaned generated files (sio_gen.go files of packages without
// consumers). -prune deletes orphaned files; without it they are only named.
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
// existing sio_gen.go is left as it is. References from user code to the
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
// siogen is a batch command; it loads the packages once (one packages.Load)
// and writes each output file atomically (a temporary file renamed over it),
// only when its content changes.
//
// # Bounds
//
// Memory is that of type-checking the named packages (dependencies come from
// export data, not source). The -check diff is bounded (see
// internal/gen.UnifiedDiff).
package main
