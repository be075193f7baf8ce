package admin

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/siogo/sio/socketio"
)

// commandTimeout bounds a command's work on the adapter (SocketsJoin,
// SocketsLeave, DisconnectSockets).
const commandTimeout = 10 * time.Second

// errBadCommand is wrapped by the errors of malformed commands (logged
// with the admin socket's id; the UI gets no answer, as from Node).
var errBadCommand = errors.New("admin: malformed command")

// registerCommands handles the UI's emit, join, leave and _disconnect on
// the admin namespace. Each takes a namespace name, which must be one of
// the server's (a command never creates a namespace), and an optional
// filter: a room, or a socket id (every socket is in its own room), as
// Node's Socket.IO v4 handlers.
func (a *Admin) registerCommands(nsp *socketio.Namespace) {
	nsp.On("emit", a.onlyUIs(a.cmdEmit))
	nsp.On("join", a.onlyUIs(func(ctx context.Context, s *socketio.Socket, args *socketio.Args, _ socketio.AckFunc) error {
		return a.cmdRooms(ctx, s, args, true)
	}))
	nsp.On("leave", a.onlyUIs(func(ctx context.Context, s *socketio.Socket, args *socketio.Args, _ socketio.AckFunc) error {
		return a.cmdRooms(ctx, s, args, false)
	}))
	nsp.On("_disconnect", a.onlyUIs(a.cmdDisconnect))
}

// errNotUI is the error of a command from a socket of the admin namespace
// that is not a UI (see uiRoom).
var errNotUI = errors.New("admin: command from a socket that did not log in")

// onlyUIs runs h for the UIs' commands only.
func (a *Admin) onlyUIs(h socketio.EventHandler) socketio.EventHandler {
	return func(ctx context.Context, s *socketio.Socket, args *socketio.Args, ack socketio.AckFunc) error {
		if !isUI(s) {
			return errNotUI
		}
		return h(ctx, s, args, ack)
	}
}

// name decodes argument i as a string of at most MaxNameLength bytes;
// optional allows null or a missing argument (""), and "" is refused
// unless optional.
func (a *Admin) name(args *socketio.Args, i int, what string, optional bool) (string, error) {
	raw := args.Raw(i)
	if optional && (raw == nil || string(raw) == "null") {
		return "", nil
	}
	if len(raw) > 2+6*a.opts.MaxNameLength { // the longest JSON text of such a string
		return "", fmt.Errorf("%w: %s longer than %d bytes", errBadCommand, what, a.opts.MaxNameLength)
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", fmt.Errorf("%w: %s is not a string", errBadCommand, what)
	}
	if len(v) > a.opts.MaxNameLength {
		return "", fmt.Errorf("%w: %s longer than %d bytes", errBadCommand, what, a.opts.MaxNameLength)
	}
	if v == "" && !optional {
		return "", fmt.Errorf("%w: empty %s", errBadCommand, what)
	}
	return v, nil
}

// target returns the operator a command acts on: the namespace named by
// argument 0, restricted to the filter of argument fi when one is given.
func (a *Admin) target(args *socketio.Args, fi int) (*socketio.BroadcastOperator, string, error) {
	name, err := a.name(args, 0, "namespace", false)
	if err != nil {
		return nil, "", err
	}
	filter, err := a.name(args, fi, "filter", true)
	if err != nil {
		return nil, "", err
	}
	n, ok := a.at.Load().srv.Lookup(name)
	if !ok {
		return nil, "", fmt.Errorf("%w: no namespace %q", errBadCommand, name)
	}
	if filter != "" {
		return n.In(filter), name, nil
	}
	return n.Except(), name, nil
}

// cmdEmit is emit(nsp, filter, event, ...args): a broadcast.
func (a *Admin) cmdEmit(_ context.Context, s *socketio.Socket, args *socketio.Args, _ socketio.AckFunc) error {
	if err := args.Err(); err != nil || len(args.Attachments()) > 0 {
		return fmt.Errorf("%w: emit arguments", errBadCommand)
	}
	if args.Len() > 3+a.opts.MaxEmitArgs {
		return fmt.Errorf("%w: emit with more than %d arguments", errBadCommand, a.opts.MaxEmitArgs)
	}
	op, nsp, err := a.target(args, 1)
	if err != nil {
		return err
	}
	event, err := a.name(args, 2, "event", false)
	if err != nil {
		return err
	}
	rest := make([]any, 0, args.Len()-3)
	for i := 3; i < args.Len(); i++ {
		rest = append(rest, copyRaw(args.Raw(i)))
	}
	a.opts.Logger.Info("admin: emit", "admin", s.ID(), "namespace", nsp, "event", event)
	return op.Emit(event, rest...)
}

// cmdRooms is join(nsp, room, filter) or leave(nsp, room, filter).
func (a *Admin) cmdRooms(ctx context.Context, s *socketio.Socket, args *socketio.Args, join bool) error {
	op, nsp, err := a.target(args, 2)
	if err != nil {
		return err
	}
	room, err := a.name(args, 1, "room", false)
	if err != nil {
		return err
	}
	if nsp == a.opts.Namespace && room == uiRoom {
		return fmt.Errorf("%w: the UIs' own room %q", errBadCommand, uiRoom)
	}
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	if join {
		a.opts.Logger.Info("admin: join", "admin", s.ID(), "namespace", nsp, "room", room)
		return op.SocketsJoin(ctx, room)
	}
	a.opts.Logger.Info("admin: leave", "admin", s.ID(), "namespace", nsp, "room", room)
	return op.SocketsLeave(ctx, room)
}

// cmdDisconnect is _disconnect(nsp, close, filter).
func (a *Admin) cmdDisconnect(ctx context.Context, s *socketio.Socket, args *socketio.Args, _ socketio.AckFunc) error {
	op, nsp, err := a.target(args, 2)
	if err != nil {
		return err
	}
	var closeConn bool
	if err := args.Decode(1, &closeConn); err != nil {
		return fmt.Errorf("%w: close is not a boolean", errBadCommand)
	}
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	a.opts.Logger.Info("admin: disconnect", "admin", s.ID(), "namespace", nsp, "close", closeConn)
	return op.DisconnectSockets(ctx, closeConn)
}

// copyRaw copies an argument's JSON out of its packet.
func copyRaw(raw json.RawMessage) json.RawMessage {
	if raw == nil {
		return json.RawMessage("null")
	}
	return append(json.RawMessage(nil), raw...)
}
