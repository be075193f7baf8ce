package socketio

import "github.com/siogo/sio/socketio/parser"

// EmitArgs sends an event whose arguments are encoded already: args as
// [NewArgs] makes them from a JSON array and the attachments its
// placeholders refer to (the emitters siogen generates build them so), or
// as a handler received them; nil means no arguments. It is Emit(event,
// args) without Emit's []any. args is read before EmitArgs returns and not
// kept.
func (s *Socket) EmitArgs(event string, args *Args) error {
	if parser.IsReservedEvent(event) {
		return &ReservedEventError{Event: event}
	}
	return s.emitPacket(argsPacket(s.nsp.name, event, args), false)
}

// EmitArgs sends an event whose arguments are encoded already to the
// selected sockets; see [Socket.EmitArgs].
func (b *BroadcastOperator) EmitArgs(event string, args *Args) error {
	if parser.IsReservedEvent(event) {
		return &ReservedEventError{Event: event}
	}
	return b.broadcast(argsPacket(b.nsp.name, event, args))
}

// EmitArgs sends an event whose arguments are encoded already to every
// socket of the namespace; see [Socket.EmitArgs].
func (n *Namespace) EmitArgs(event string, args *Args) error {
	return n.operator().EmitArgs(event, args)
}

// EmitArgs sends an event whose arguments are encoded already to every
// socket of the main namespace; see [Socket.EmitArgs].
func (s *Server) EmitArgs(event string, args *Args) error { return s.main().EmitArgs(event, args) }

// argsPacket returns the EVENT packet of event with the arguments a, whose
// text it copies; a nil a has none. The event name is not checked.
func argsPacket(nsp, event string, a *Args) *parser.Packet {
	body, att := []byte("]"), [][]byte(nil)
	if a != nil && a.body != nil {
		body, att = a.body, a.attachments
	}
	data := make([]byte, 0, len(event)+8+len(body))
	data = appendJSONString(append(data, '['), event)
	if a != nil && !a.empty() {
		data = append(data, ',')
	}
	data = append(data, body...)
	return &parser.Packet{Type: parser.Event, Namespace: nsp, ID: parser.NoID, Data: data, Attachments: att}
}
