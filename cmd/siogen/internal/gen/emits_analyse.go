package gen

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// emitsSpec is a type declaration carrying //sio:emits, as the declaration
// loop of analyse finds it.
type emitsSpec struct {
	ts *ast.TypeSpec
	d  *directive
}

// ifaceMethodDir is a //sio:event in the doc comment of a method of an
// interface type declared in the package.
type ifaceMethodDir struct {
	d     *directive
	iface string // the interface's name
	used  bool   // a //sio:emits interface has the method
}

// emitsShape describes the methods of a //sio:emits interface, for messages.
const emitsShape = "Name(args...) for an event without acknowledgement, Name(args...) (replies..., error) for one the client acknowledges"

// analyseEmits checks the //sio:emits interfaces of pkg (specs), fills a.emits
// and links each consumer's emits= to its interface. docDirectives returns the
// directives of a doc comment, marking none used.
func analyseEmits(pkg *packages.Package, r *reporter, a *analysis, specs []emitsSpec, docDirectives func(*ast.CommentGroup) []*directive,
	errorf, warnf func(token.Pos, string, ...any)) {
	qual := qualifier(pkg.Types)
	methodDirs, docs := interfaceMethodDirectives(pkg, docDirectives, errorf)

	byType := map[*types.TypeName]*emitsIface{}
	declared := map[*types.TypeName]bool{} // carries //sio:emits, valid or not
	for _, s := range specs {
		tn, _ := pkg.TypesInfo.Defs[s.ts.Name].(*types.TypeName)
		if tn == nil {
			continue
		}
		if declared[tn] {
			errorf(s.d.d.Slash, "%s has a second //sio:emits; keep one", tn.Name())
			continue
		}
		declared[tn] = true
		if ei := emitsOf(pkg, r, s, tn, methodDirs, errorf, warnf, qual); ei != nil {
			for _, e := range ei.events {
				e.doc = docs[e.method]
			}
			byType[tn] = ei
			a.emits = append(a.emits, ei)
		}
	}
	for fn, md := range methodDirs {
		if !md.used {
			errorf(md.d.d.Slash, "//sio:event on method %s of interface %s, which is not a //sio:emits interface, so it names no event; add //sio:emits to the doc comment of %s (or of an interface embedding it) to declare the events the server sends, or remove //sio:event",
				fn.Name(), md.iface, md.iface)
		}
	}

	// emits= of each consumer.
	for _, c := range a.consumers {
		if c.emitsName == "" {
			continue
		}
		name := c.emitsName
		if pkgName, _, qualified := strings.Cut(name, "."); qualified {
			errorf(c.emitsPos, "emits=%s names a type of package %s; a //sio:emits interface is declared in the package of its consumer (%s): declare it in package %s",
				name, pkgName, pkg.Types.Name(), pkg.Types.Name())
			continue
		}
		if !token.IsIdentifier(name) {
			errorf(c.emitsPos, "emits=%s is not a Go identifier; emits= names a //sio:emits interface type of this package, e.g. emits=ChatEvents", name)
			continue
		}
		obj := pkg.Types.Scope().Lookup(name)
		tn, isType := obj.(*types.TypeName)
		switch {
		case obj == nil:
			errorf(c.emitsPos, "package %s has no type %s; emits= names an interface of this package marked //sio:emits that declares the events the server sends (%s)",
				pkg.Types.Name(), name, emitsShape)
			continue
		case !isType:
			errorf(c.emitsPos, "%s is a %s, not a type; emits= names an interface type of this package marked //sio:emits", name, objKind(obj))
			continue
		case declared[tn]:
			c.emits = byType[tn] // nil when the interface has mistakes (reported)
		default:
			if _, isIface := tn.Type().Underlying().(*types.Interface); isIface {
				errorf(c.emitsPos, "%s (%s) is not marked //sio:emits; add //sio:emits to its doc comment", name, r.rel(pkg.Fset, tn.Pos()))
			} else {
				errorf(c.emitsPos, "%s is a %s, not an interface; emits= names an interface type marked //sio:emits whose methods are the events the server sends (%s)",
					name, kindOf(tn.Type().Underlying()), emitsShape)
			}
			continue
		}
		if c.emits != nil {
			c.emits.consumers = append(c.emits.consumers, c)
		}
	}
	for _, ei := range a.emits {
		if len(ei.consumers) == 0 {
			warnf(ei.pos, "//sio:emits interface %s is named by no consumer, so siogen generates no emitter for it; add emits=%s to the //sio:consumer directive of the consumer whose namespace it is sent on",
				ei.obj.Name(), ei.obj.Name())
		}
		slices.SortFunc(ei.consumers, func(x, y *consumer) int { return cmp.Compare(x.obj.Name(), y.obj.Name()) })
	}
	slices.SortFunc(a.emits, func(x, y *emitsIface) int { return cmp.Compare(x.obj.Name(), y.obj.Name()) })
	for _, ei := range a.emits {
		checkEmitsNameClashes(pkg, ei, errorf, r)
	}
}

// interfaceMethodDirectives returns the //sio:event directives in the doc
// comments of the methods of the package's interface types, marking every
// directive there used and reporting the other directives found there, and
// the doc comments of those methods.
func interfaceMethodDirectives(pkg *packages.Package, docDirectives func(*ast.CommentGroup) []*directive, errorf func(token.Pos, string, ...any)) (map[*types.Func]*ifaceMethodDir, map[*types.Func]*ast.CommentGroup) {
	out := map[*types.Func]*ifaceMethodDir{}
	docs := map[*types.Func]*ast.CommentGroup{}
	for _, f := range pkg.Syntax {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				it, ok := ts.Type.(*ast.InterfaceType)
				if !ok || it.Methods == nil {
					continue
				}
				for _, field := range it.Methods.List {
					if len(field.Names) == 1 && field.Doc != nil {
						if fn, ok := pkg.TypesInfo.Defs[field.Names[0]].(*types.Func); ok {
							docs[fn] = field.Doc
						}
					}
					dirs := docDirectives(field.Doc)
					if len(dirs) == 0 {
						continue
					}
					var fn *types.Func
					what := "an embedded type"
					if len(field.Names) == 1 {
						fn, _ = pkg.TypesInfo.Defs[field.Names[0]].(*types.Func)
						what = "method " + field.Names[0].Name
					}
					for _, d := range dirs {
						d.used = true
						if d.bad {
							continue
						}
						switch {
						case d.d.Name == "event" && fn != nil:
							if out[fn] != nil {
								errorf(d.d.Slash, "%s has a second //sio:event; an emitted event has one name: keep one", fn.Name())
								continue
							}
							out[fn] = &ifaceMethodDir{d: d, iface: ts.Name.Name}
						case d.d.Name == "event":
							errorf(d.d.Slash, "//sio:event on %s of interface %s; put //sio:event NAME in the doc comment of a method", what, ts.Name.Name)
						case d.d.Name == "emits":
							errorf(d.d.Slash, "//sio:emits on %s of interface %s; put //sio:emits in the doc comment of the interface type", what, ts.Name.Name)
						case d.d.Name == "consumer":
							errorf(d.d.Slash, "//sio:consumer on %s of interface %s; put //sio:consumer in the doc comment of a struct type", what, ts.Name.Name)
						default:
							unknownDirective(d, errorf)
						}
					}
				}
			}
		}
	}
	return out, docs
}

// emitsOf checks the //sio:emits interface tn and its methods.
func emitsOf(pkg *packages.Package, r *reporter, s emitsSpec, tn *types.TypeName, methodDirs map[*types.Func]*ifaceMethodDir,
	errorf, warnf func(token.Pos, string, ...any), qual types.Qualifier) *emitsIface {
	d := s.d
	if len(d.args) > 0 {
		errorf(d.args[0].Pos, "//sio:emits takes no arguments; link the interface to its consumer with emits=%s in the //sio:consumer directive", tn.Name())
		return nil
	}
	switch {
	case s.ts.Assign.IsValid():
		errorf(d.d.Slash, "//sio:emits on %s, which is an alias; put it on an interface type defined in this package", tn.Name())
		return nil
	case s.ts.TypeParams != nil && len(s.ts.TypeParams.List) > 0:
		errorf(d.d.Slash, "//sio:emits on %s, which is generic; put it on an interface type without type parameters", tn.Name())
		return nil
	}
	iface, ok := tn.Type().Underlying().(*types.Interface)
	if !ok {
		errorf(d.d.Slash, "//sio:emits on %s, whose type is %s, not an interface; declare the events the server sends as the methods of an interface type (%s)",
			tn.Name(), kindOf(tn.Type().Underlying()), emitsShape)
		return nil
	}
	if !iface.IsMethodSet() {
		errorf(d.d.Slash, "//sio:emits on %s, a constraint interface (it has type terms or embeds comparable); put it on an interface of methods only", tn.Name())
		return nil
	}
	ei := &emitsIface{obj: tn, pos: d.d.Slash}
	ok = true
	for i := range iface.NumMethods() {
		fn := iface.Method(i)
		var md *directive
		if m := methodDirs[fn]; m != nil {
			m.used = true
			md = m.d
		}
		e, good := emitEventOf(pkg, tn, iface, fn, md, errorf, qual)
		if !good {
			ok = false
			continue
		}
		ei.events = append(ei.events, e)
	}
	if ok && len(ei.events) == 0 {
		warnf(d.d.Slash, "//sio:emits interface %s declares no events; add a method per event the server sends (%s)", tn.Name(), emitsShape)
	}

	// Two methods naming one event, reported at the later.
	byPos := slices.Clone(ei.events)
	slices.SortStableFunc(byPos, func(x, y *emitEvent) int { return cmp.Compare(x.namePos, y.namePos) })
	seen := map[string]*emitEvent{}
	for _, e := range byPos {
		if prev := seen[e.name]; prev != nil {
			errorf(e.namePos, "%s sends event %q, which %s (%s) already sends; give one of them another name with //sio:event NAME",
				e.method.Name(), e.name, prev.method.Name(), r.rel(pkg.Fset, prev.namePos))
			ok = false
			continue
		}
		seen[e.name] = e
	}
	// A method of the emitter: M, and MAll for an acknowledged event.
	methods := map[string]*emitEvent{}
	for _, e := range ei.events {
		methods[e.method.Name()] = e
	}
	for _, e := range byPos {
		if !e.ack {
			continue
		}
		if other := methods[e.method.Name()+"All"]; other != nil {
			pos := other.method.Pos()
			if !pos.IsValid() || other.method.Pkg() != pkg.Types {
				pos = e.method.Pos()
			}
			errorf(pos, "%s clashes with the emitter method siogen generates for %s, which the client acknowledges: %sAll sends it to many sockets and returns one reply per socket; rename %s",
				other.method.Name(), e.method.Name(), e.method.Name(), other.method.Name())
			ok = false
		}
	}
	if !ok {
		return nil
	}
	slices.SortFunc(ei.events, func(x, y *emitEvent) int { return cmp.Compare(x.name, y.name) })
	return ei
}

// emitEventOf checks one method fn of the //sio:emits interface tn (iface)
// and returns its event; dir is its //sio:event, or nil.
func emitEventOf(pkg *packages.Package, tn *types.TypeName, iface *types.Interface, fn *types.Func, dir *directive,
	errorf func(token.Pos, string, ...any), qual types.Qualifier) (*emitEvent, bool) {
	sig := fn.Type().(*types.Signature)
	name := fn.Name()
	pos := fn.Pos()
	who := name
	if fn.Pkg() != pkg.Types {
		// Embedded from another package: report at the interface.
		who = fmt.Sprintf("%s (from %s, embedded in %s)", name, embeddedProvider(iface, fn, qual), tn.Name())
		pos = tn.Pos()
	}
	if hasInvalidType(sig) {
		errorf(pos, "%s: its signature has a type that does not resolve (%s); fix the build errors, then run siogen again", who, firstError(pkg))
		return nil, false
	}
	if fn.Pkg() != pkg.Types {
		if t := unexported(sig, pkg.Types, 0); t != nil {
			errorf(pos, "%s: its signature has type %s, which package %s does not export, so the emitter generated for %s cannot name it; export %s or declare %s in %s",
				who, types.TypeString(t.Type(), qual), t.Pkg().Path(), tn.Name(), t.Name(), name, tn.Name())
			return nil, false
		}
	}
	e := &emitEvent{method: fn, namePos: pos}
	if dir != nil {
		if len(dir.args) != 1 {
			errorf(dir.d.Slash, "//sio:event takes one event name, found %d arguments; e.g. //sio:event user-joined, or a quoted Go string for names with spaces", len(dir.args))
			return nil, false
		}
		e.name, e.namePos, e.declared = dir.args[0].Arg, dir.args[0].Pos, true
		if e.name == "" {
			errorf(e.namePos, "//sio:event names an empty event; give a non-empty name")
			return nil, false
		}
	} else {
		e.name = snakeCase(name)
	}
	if reservedEvents[e.name] {
		errorf(e.namePos, "%s sends %q, an event name Socket.IO reserves (connect, connect_error, disconnect, disconnecting, newListener, removeListener): socketio refuses to send it and no client could listen to it; give it another name with //sio:event NAME",
			who, e.name)
		return nil, false
	}
	ok := true
	params := sig.Params()
	for i := range params.Len() {
		v := params.At(i)
		vpos := v.Pos()
		if fn.Pkg() != pkg.Types || !vpos.IsValid() {
			vpos = pos
		}
		variadic := sig.Variadic() && i == params.Len()-1
		t := v.Type()
		elem := t
		if variadic {
			elem = t.(*types.Slice).Elem()
		}
		if role := emitRole(stripPointer(elem)); role != "" {
			errorf(vpos, "%s: parameter %d has type %s, which is not a payload: %s", who, i+1, types.TypeString(t, qual), role)
			ok = false
			continue
		}
		p, msg := paramOf(pkg, t, variadic, qual)
		// The client decodes what the emitter encodes: the rule is the
		// handlers', said from the sending side.
		msg = strings.Replace(msg, "which cannot be decoded from JSON; use a JSON-decodable type", "which cannot travel as JSON; use a type encoding/json encodes and decodes", 1)
		if msg == "" {
			if bad, via := unsupported(t, false); bad != nil {
				msg = "has type " + types.TypeString(t, qual) + viaString(bad, via, t, qual) + ", which cannot be encoded as JSON; use a JSON-encodable type"
			}
		}
		if msg != "" {
			errorf(vpos, "%s: parameter %d %s", who, i+1, msg)
			ok = false
			continue
		}
		e.params = append(e.params, p)
	}
	results := sig.Results()
	switch {
	case results.Len() == 0:
	case isError(results.At(results.Len() - 1).Type()):
		e.ack = true
		for i := range results.Len() - 1 {
			v := results.At(i)
			vpos := v.Pos()
			if fn.Pkg() != pkg.Types || !vpos.IsValid() {
				vpos = pos
			}
			if emitRole(stripPointer(v.Type())) != "" {
				errorf(vpos, "%s: acknowledgement argument %d has type %s, which is not a payload: an acknowledgement carries the JSON values the client sends back; use a JSON-decodable type", who, i+1, types.TypeString(v.Type(), qual))
				ok = false
				continue
			}
			if isError(v.Type()) {
				errorf(vpos, "%s: acknowledgement argument %d has type error, which cannot be decoded from JSON; only the last result is the error (the acknowledgement's arguments come before it)", who, i+1)
				ok = false
				continue
			}
			p, msg := paramOf(pkg, v.Type(), false, qual)
			if msg != "" {
				errorf(vpos, "%s: acknowledgement argument %d %s", who, i+1, msg)
				ok = false
				continue
			}
			e.replies = append(e.replies, p)
		}
	default:
		errorf(pos, "%s returns %s; a method of a //sio:emits interface returns nothing (an event without acknowledgement) or ends in error (the client acknowledges: the results before error are the acknowledgement's arguments), e.g. Ask(q Question) (Answer, error)",
			who, resultsString(sig, qual))
		ok = false
	}
	return e, ok
}

// emitRole says, for a parameter type t (without its pointer) of an emitted
// event that is a socketio object or a handler's fixed parameter rather than
// a payload, what to do instead; "" for anything else.
func emitRole(t types.Type) string {
	switch {
	case isContext(t):
		return "the generated emitter of an acknowledged event takes the context itself, as its first parameter; remove this one"
	case isAck(t):
		return "an acknowledgement is declared by results ending in error, e.g. Ask(q Question) (Answer, error); remove this parameter"
	case isNamed(t, socketioPath, "Socket"), isNamed(t, socketioPath, "BroadcastOperator"), isNamed(t, socketioPath, "Namespace"), isNamed(t, socketioPath, "Server"):
		return "the generated emitter takes where the event goes (a socket, rooms, a namespace) as a parameter of its own; remove this one"
	case isNamed(t, socketioPath, "Args"):
		return "each argument is a parameter of its own; declare one per argument, or send *socketio.Args with the untyped Emit"
	}
	return ""
}

// embeddedProvider names the embedded type of iface that provides fn.
func embeddedProvider(iface *types.Interface, fn *types.Func, qual types.Qualifier) string {
	for i := range iface.NumEmbeddeds() {
		et := iface.EmbeddedType(i)
		if ei, ok := et.Underlying().(*types.Interface); ok {
			for j := range ei.NumMethods() {
				if ei.Method(j) == fn {
					return types.TypeString(et, qual)
				}
			}
		}
	}
	return fn.Pkg().Name()
}

// emitsKey parses the value of emits= of a //sio:consumer directive.
func emitsKey(c *consumer, arg ast.DirectiveArg, value string, errorf func(token.Pos, string, ...any)) bool {
	if c.emitsName != "" {
		errorf(arg.Pos, "//sio:consumer sets emits twice; keep one")
		return false
	}
	if strings.HasPrefix(value, `"`) || strings.HasPrefix(value, "`") {
		uq, err := strconv.Unquote(value)
		if err != nil {
			errorf(arg.Pos, "//sio:consumer emits=%s: malformed quoted string; write emits=NAME", value)
			return false
		}
		value = uq
	}
	if value == "" {
		errorf(arg.Pos, "//sio:consumer emits= names no interface; write emits=NAME, NAME an interface type of this package marked //sio:emits")
		return false
	}
	c.emitsName, c.emitsPos = value, arg.Pos
	return true
}
