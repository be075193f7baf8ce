package gen

import (
	"fmt"
	"go/token"
	"go/types"
	"strings"

	"golang.org/x/tools/go/packages"
)

// methodOf classifies a method fn of consumer c and checks its shape. via
// is the path of embedded fields fn is promoted through ("Common",
// "Base.Common"), or "" for a method declared on c's type (or an alias of
// it); eventDir is fn's //sio:event directive, or nil.
func methodOf(pkg *packages.Package, c *consumer, fn *types.Func, via string, eventDir *directive, errorf func(token.Pos, string, ...any)) {
	name := fn.Name()
	sig := fn.Type().(*types.Signature)
	qual := qualifier(pkg.Types)
	who := name
	if via != "" && fn.Pkg() == pkg.Types {
		who = fmt.Sprintf("%s (promoted from %s)", name, via)
	}
	isHook := name == hookConnect || name == hookDisconnect || name == hookOnAny || name == hookDecodeError
	if hasInvalidType(sig) {
		if isHook || eventDir != nil || strings.HasPrefix(name, "Event") {
			errorf(fn.Pos(), "%s: its signature has a type that does not resolve (%s); fix the build errors, then run siogen again", who, firstError(pkg))
		}
		return
	}
	if via != "" && fn.Pkg() != pkg.Types && (isHook || eventDir != nil || strings.HasPrefix(name, "Event")) {
		// The generated file, in c's package, spells out the method's type.
		if tn := unexported(sig, pkg.Types, 0); tn != nil {
			errorf(fn.Pos(), "%s: its signature has type %s, which package %s does not export, so the code generated for %s cannot name it; export %s or declare %s on %s",
				who, types.TypeString(tn.Type(), qual), tn.Pkg().Path(), c.obj.Name(), tn.Name(), name, c.obj.Name())
			return
		}
	}
	if isHook && eventDir != nil {
		errorf(eventDir.d.Slash, "%s is the %s hook, not an event handler; remove //sio:event or rename the method", name, strings.ToLower(name))
		return
	}
	switch name {
	case hookConnect:
		checkConnect(pkg, c, fn, sig, errorf, qual)
		return
	case hookDisconnect:
		if !prefixOK(sig, 2) || sig.Params().Len() != 3 || !isDisconnectReason(sig.Params().At(2).Type()) || sig.Results().Len() != 0 {
			errorf(fn.Pos(), "%s has type %s; the disconnect hook must be func(ctx context.Context, s *socketio.Socket, reason socketio.DisconnectReason)", who, sigString(sig, qual))
			return
		}
		c.disconnect = fn
		return
	case hookOnAny:
		if !prefixOK(sig, 2) || sig.Params().Len() != 5 || !isString(sig.Params().At(2).Type()) || !isArgsPtr(sig.Params().At(3).Type()) ||
			!isAckFunc(sig.Params().At(4).Type()) || !returnsError(sig) {
			errorf(fn.Pos(), "%s has type %s; the catch-all handler must be func(ctx context.Context, s *socketio.Socket, event string, args *socketio.Args, ack socketio.AckFunc) error", who, sigString(sig, qual))
			return
		}
		c.onAny = fn
		return
	case hookDecodeError:
		if !prefixOK(sig, 2) || sig.Params().Len() != 5 || !isString(sig.Params().At(2).Type()) || !isError(sig.Params().At(3).Type()) ||
			!isAckFunc(sig.Params().At(4).Type()) || !returnsError(sig) {
			errorf(fn.Pos(), "%s has type %s; the decode error hook must be func(ctx context.Context, s *socketio.Socket, event string, err error, ack socketio.AckFunc) error", who, sigString(sig, qual))
			return
		}
		c.decodeErr = fn
		return
	}

	e := &event{method: fn, namePos: fn.Pos()}
	switch {
	case eventDir != nil:
		if len(eventDir.args) != 1 {
			errorf(eventDir.d.Slash, "//sio:event takes one event name, found %d arguments; e.g. //sio:event user-joined, or a quoted Go string for names with spaces", len(eventDir.args))
			return
		}
		e.name = eventDir.args[0].Arg
		e.namePos = eventDir.args[0].Pos
		e.declared = true
		if e.name == "" {
			errorf(e.namePos, "//sio:event names an empty event; give a non-empty name")
			return
		}
		if !fn.Exported() {
			errorf(fn.Pos(), "event handler %s is unexported; export it (%s)", name, upperFirst(name))
			return
		}
	default:
		if rest, ok := eventSuffix(name, "Event"); ok {
			e.name = snakeCase(rest)
		} else if rest, ok := eventSuffix(name, "event"); ok {
			errorf(fn.Pos(), "method %s is unexported, so it is not an event handler; export it as Event%s, or rename it if it is not a handler", name, rest)
			return
		} else if name == "Event" {
			errorf(fn.Pos(), "method Event names no event; name it Event<Name> (EventChatMessage handles \"chat_message\") or set a name with //sio:event NAME")
			return
		} else if rest, ok := strings.CutPrefix(name, "Event"); ok && prefixOK(sig, 2) {
			// Event_x, Eventx: shaped like a handler, so most likely
			// meant as one; Eventually(...) without (ctx, s) is not.
			errorf(fn.Pos(), "method %s has the shape of an event handler but is not one: the name after Event must start with an upper-case letter or a digit (%s); or name the event with //sio:event NAME",
				name, eventNameHint(rest))
			return
		} else {
			return // an ordinary method
		}
	}
	if reservedEvents[e.name] {
		hint := "give it another name with //sio:event NAME"
		switch e.name {
		case "connect":
			hint = "use the Connect hook for connections, or give it another name with //sio:event NAME"
		case "disconnect":
			hint = "use the Disconnect hook for disconnections, or give it another name with //sio:event NAME"
		}
		errorf(e.namePos, "%s handles %q, an event name Socket.IO reserves (connect, connect_error, disconnect, disconnecting, newListener, removeListener), so no client can send it; %s", name, e.name, hint)
		return
	}
	if checkEvent(pkg, e, sig, errorf, qual) {
		c.events = append(c.events, e)
	}
}

// checkEvent checks the signature of an event handler and fills e.
func checkEvent(pkg *packages.Package, e *event, sig *types.Signature, errorf func(token.Pos, string, ...any), qual types.Qualifier) bool {
	name := e.method.Name()
	ok := true
	if !returnsError(sig) {
		errorf(e.method.Pos(), "%s returns %s; an event handler returns error (%s)", name, resultsString(sig, qual), handlerShape)
		ok = false
	}
	if !checkPrefix(name, e.method.Pos(), sig, errorf, qual) {
		return false
	}
	params := sig.Params()
	n := params.Len()
	if n > 2 {
		last := params.At(n - 1)
		if fs, isFunc := last.Type().Underlying().(*types.Signature); isFunc && !(sig.Variadic()) {
			if isAckFunc(last.Type()) {
				e.ack = &ackParam{typ: last.Type(), sig: fs, asAckFunc: true}
			} else if !returnsError(fs) {
				errorf(last.Pos(), "%s: parameter %d has type %s, which cannot be decoded from JSON; an acknowledgement parameter is func(args...) error", name, n, types.TypeString(last.Type(), qual))
				ok = false
			} else {
				for i := range fs.Params().Len() {
					p := fs.Params().At(i)
					if bad, via := unsupported(p.Type(), false); bad != nil {
						errorf(last.Pos(), "%s: acknowledgement parameter %d has type %s%s, which cannot be encoded as JSON; use a JSON-encodable type",
							name, i+1, types.TypeString(p.Type(), qual), viaString(bad, via, p.Type(), qual))
						ok = false
					}
				}
				e.ack = &ackParam{typ: last.Type(), sig: fs}
			}
			n--
		}
	}
	for i := 2; i < n; i++ {
		v := params.At(i)
		variadic := sig.Variadic() && i == params.Len()-1
		if variadic && isAck(v.Type().(*types.Slice).Elem()) {
			errorf(v.Pos(), "%s: parameter %d has type ...%s, a variadic acknowledgement; a handler has one acknowledgement, its last parameter: ack func(args...) error",
				name, i+1, types.TypeString(v.Type().(*types.Slice).Elem(), qual))
			ok = false
			continue
		}
		p, msg := paramOf(pkg, v.Type(), variadic, qual)
		if msg != "" {
			errorf(v.Pos(), "%s: parameter %d %s", name, i+1, msg)
			ok = false
			continue
		}
		e.params = append(e.params, p)
	}
	return ok
}

// checkPrefix checks that a handler starts with (ctx context.Context, s *socketio.Socket).
func checkPrefix(name string, fnPos token.Pos, sig *types.Signature, errorf func(token.Pos, string, ...any), qual types.Qualifier) bool {
	params := sig.Params()
	if params.Len() < 1 || !isContext(params.At(0).Type()) {
		pos := token.NoPos
		what := "has no parameters"
		if params.Len() > 0 {
			pos = params.At(0).Pos()
			what = "has type " + types.TypeString(params.At(0).Type(), qual)
			if isSocketPtr(params.At(0).Type()) && params.Len() > 1 && isContext(params.At(1).Type()) {
				errorf(pos, "%s: parameters 1 and 2 are swapped; a handler starts with (ctx context.Context, s *socketio.Socket, ...)", name)
				return false
			}
		}
		if pos == token.NoPos {
			errorf(fnPos, "%s %s; the first parameter must be ctx context.Context (%s)", name, what, handlerShape)
		} else {
			errorf(pos, "%s: parameter 1 %s; the first parameter must be ctx context.Context (%s)", name, what, handlerShape)
		}
		return false
	}
	if params.Len() < 2 || !isSocketPtr(params.At(1).Type()) {
		pos := params.At(0).Pos()
		what := "is missing"
		if params.Len() > 1 {
			pos = params.At(1).Pos()
			what = "has type " + types.TypeString(params.At(1).Type(), qual)
		}
		errorf(pos, "%s: parameter 2 %s; the second parameter must be s *socketio.Socket (%s)", name, what, handlerShape)
		return false
	}
	return true
}

// checkConnect checks the Connect hook.
func checkConnect(pkg *packages.Package, c *consumer, fn *types.Func, sig *types.Signature, errorf func(token.Pos, string, ...any), qual types.Qualifier) {
	const shape = "func(ctx context.Context, s *socketio.Socket[, auth T]) error"
	if !returnsError(sig) {
		errorf(fn.Pos(), "Connect returns %s; the connection hook returns error (nil accepts, an error rejects): %s", resultsString(sig, qual), shape)
		return
	}
	if !checkPrefix("Connect", fn.Pos(), sig, errorf, qual) {
		return
	}
	h := &connectHook{method: fn}
	switch sig.Params().Len() {
	case 2:
	case 3:
		v := sig.Params().At(2)
		if isAck(v.Type()) {
			errorf(v.Pos(), "Connect: parameter 3 has type %s, an acknowledgement; the connection hook has none: %s", types.TypeString(v.Type(), qual), shape)
			return
		}
		if sig.Variadic() {
			errorf(v.Pos(), "Connect: the auth parameter is variadic; declare it as one value (%s)", shape)
			return
		}
		p, msg := paramOf(pkg, v.Type(), false, qual)
		if msg != "" {
			errorf(v.Pos(), "Connect: parameter 3 %s", msg)
			return
		}
		if p.dec.kind == kindBinary {
			p.dec.kind = kindRawBytes // the auth payload is JSON; []byte receives its raw text
		}
		if p.optional && p.dec.kind == kindBinary {
			p.dec.kind = kindRawBytes
		}
		h.auth = p
	default:
		errorf(sig.Params().At(3).Pos(), "Connect has %d parameters; the connection hook is %s", sig.Params().Len(), shape)
		return
	}
	c.connect = h
}

func prefixOK(sig *types.Signature, n int) bool {
	p := sig.Params()
	return p.Len() >= n && isContext(p.At(0).Type()) && isSocketPtr(p.At(1).Type())
}

func isNamed(t types.Type, path, name string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return false
	}
	o := n.Obj()
	return o.Pkg() != nil && o.Pkg().Path() == path && o.Name() == name
}

// isAck reports whether t has the type of an acknowledgement parameter:
// socketio.AckFunc, or a function returning error.
func isAck(t types.Type) bool {
	if isAckFunc(t) {
		return true
	}
	sig, ok := t.Underlying().(*types.Signature)
	return ok && returnsError(sig)
}

func isContext(t types.Type) bool          { return isNamed(t, "context", "Context") }
func isDisconnectReason(t types.Type) bool { return isNamed(t, socketioPath, "DisconnectReason") }
func isAckFunc(t types.Type) bool          { return isNamed(t, socketioPath, "AckFunc") }
func isRawMessage(t types.Type) bool       { return isNamed(t, "encoding/json", "RawMessage") }

func isSocketPtr(t types.Type) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	return ok && isNamed(p.Elem(), socketioPath, "Socket")
}

func isArgsPtr(t types.Type) bool {
	p, ok := types.Unalias(t).(*types.Pointer)
	return ok && isNamed(p.Elem(), socketioPath, "Args")
}

func isString(t types.Type) bool {
	b, ok := types.Unalias(t).(*types.Basic)
	return ok && b.Kind() == types.String
}

func isError(t types.Type) bool { return types.Identical(t, types.Universe.Lookup("error").Type()) }

func returnsError(sig *types.Signature) bool {
	return sig.Results().Len() == 1 && isError(sig.Results().At(0).Type())
}

func resultsString(sig *types.Signature, qual types.Qualifier) string {
	r := sig.Results()
	switch r.Len() {
	case 0:
		return "nothing"
	case 1:
		return types.TypeString(r.At(0).Type(), qual)
	}
	parts := make([]string, r.Len())
	for i := range r.Len() {
		parts[i] = types.TypeString(r.At(i).Type(), qual)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// sigString prints sig without parameter names.
func sigString(sig *types.Signature, qual types.Qualifier) string {
	var b strings.Builder
	b.WriteString("func(")
	for i := range sig.Params().Len() {
		if i > 0 {
			b.WriteString(", ")
		}
		t := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			b.WriteString("..." + types.TypeString(t.(*types.Slice).Elem(), qual))
			continue
		}
		b.WriteString(types.TypeString(t, qual))
	}
	b.WriteString(")")
	switch sig.Results().Len() {
	case 0:
	default:
		b.WriteString(" " + resultsString(sig, qual))
	}
	return b.String()
}

func viaString(bad types.Type, via []string, top types.Type, qual types.Qualifier) string {
	if types.Identical(bad, top) && len(via) == 0 {
		return ""
	}
	return fmt.Sprintf(" (its %s has type %s)", strings.Join(via, " → "), types.TypeString(bad, qual))
}

// qualifier prints types of pkg unqualified and others by package name.
func qualifier(pkg *types.Package) types.Qualifier {
	return func(p *types.Package) string {
		if p == pkg {
			return ""
		}
		return p.Name()
	}
}

// hasInvalidType reports whether a parameter or result type of sig did not
// type-check (an undefined name, or a package that failed to load).
func hasInvalidType(sig *types.Signature) bool {
	for _, tup := range []*types.Tuple{sig.Params(), sig.Results()} {
		for i := range tup.Len() {
			if containsInvalid(tup.At(i).Type(), 0) {
				return true
			}
		}
	}
	return false
}

func containsInvalid(t types.Type, depth int) bool {
	if depth > 10 {
		return false
	}
	switch t := types.Unalias(t).(type) {
	case *types.Basic:
		return t.Kind() == types.Invalid
	case *types.Pointer:
		return containsInvalid(t.Elem(), depth+1)
	case *types.Slice:
		return containsInvalid(t.Elem(), depth+1)
	case *types.Array:
		return containsInvalid(t.Elem(), depth+1)
	case *types.Map:
		return containsInvalid(t.Key(), depth+1) || containsInvalid(t.Elem(), depth+1)
	case *types.Signature:
		return hasInvalidType(t)
	}
	return false
}

// firstError returns the first load or type error of pkg, for messages. It
// is only asked once the package's errors have been found to be references
// to generated names (see [reporter.packageErrors]): any other error stops
// generation before the analysis's messages are reported.
func firstError(pkg *packages.Package) string {
	for _, e := range pkg.Errors {
		return e.Msg
	}
	return "the package does not type-check"
}
