package gen

import (
	"go/ast"
	"go/token"
	"go/types"
)

// emitsIface is a //sio:emits interface: the events the server sends to
// the clients of the consumers that name it with emits=. Each method is one
// event; its parameters are the event's arguments, and its results say
// whether the server waits for an acknowledgement (results ending in error:
// the values before error are the acknowledgement's arguments) or not (no
// results).
type emitsIface struct {
	obj    *types.TypeName
	pos    token.Pos    // the //sio:emits directive
	events []*emitEvent // sorted by name

	consumers []*consumer // the consumers naming it with emits=, sorted by name
}

// emitEvent is one method of a //sio:emits interface.
type emitEvent struct {
	name     string      // the event name
	method   *types.Func // the interface method
	namePos  token.Pos   // where the name comes from: the method, or its //sio:event
	declared bool        // the name comes from //sio:event
	params   []*param    // the event's arguments, in order (encoded)
	ack      bool        // the server waits for an acknowledgement
	replies  []*param    // the acknowledgement's arguments (decoded); ack only

	doc *ast.CommentGroup // the method's doc comment; nil when none or not in this package
}
