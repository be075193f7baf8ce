package gen

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Package paths and names the analysis recognizes.
const (
	socketioPath = "github.com/siogo/sio/socketio"
	runtimePath  = "github.com/siogo/sio/runtime"
)

// analysis is what analyse found in one package.
type analysis struct {
	pkg       *packages.Package
	consumers []*consumer
	emits     []*emitsIface // the valid //sio:emits interfaces, sorted by name
}

type consumer struct {
	obj        *types.TypeName
	namespace  string      // a static namespace; "" when regexp or match is set
	regexp     string      // a dynamic namespace: the names this pattern matches
	match      *types.Func // a dynamic namespace: the names this function accepts
	pos        token.Pos   // the //sio:consumer directive
	connect    *connectHook
	disconnect *types.Func
	onAny      *types.Func
	decodeErr  *types.Func
	events     []*event    // sorted by name
	emits      *emitsIface // the interface named by emits=: what the server sends; nil when none
	emitsName  string      // the value of emits=; "" when none
	emitsPos   token.Pos   // the emits= argument
}

type connectHook struct {
	method *types.Func
	auth   *param // nil: Connect(ctx, s) error
}

type event struct {
	name     string
	method   *types.Func
	params   []*param // the parameters after ctx and s, ack excluded
	ack      *ackParam
	namePos  token.Pos
	declared bool // the name comes from //sio:event
}

// param is one decoded handler parameter.
type param struct {
	typ      types.Type // the parameter's declared type ([]T for variadic)
	dec      decoder    // how one value is decoded (the element's, for pointers and variadics)
	optional bool       // a pointer: missing or null → nil
	variadic bool
}

type ackParam struct {
	typ       types.Type // the parameter's type
	sig       *types.Signature
	asAckFunc bool // the type is socketio.AckFunc itself
}

// directive is one //sio: comment.
type directive struct {
	d    ast.Directive
	args []ast.DirectiveArg
	used bool
	bad  bool // its arguments did not parse (reported)
}

const (
	hookConnect     = "Connect"
	hookDisconnect  = "Disconnect"
	hookOnAny       = "OnAny"
	hookDecodeError = "DecodeError"
	handlerShape    = "func(ctx context.Context, s *socketio.Socket, args..., ack func(...) error) error"
)

// analyse finds and checks the consumers of pkg, reporting mistakes to r.
func analyse(pkg *packages.Package, r *reporter) *analysis {
	r.curPkg = pkg.PkgPath
	a := &analysis{pkg: pkg}
	fset := pkg.Fset
	errorf := func(pos token.Pos, format string, args ...any) { r.errorf(fset, pos, format, args...) }
	warnf := func(pos token.Pos, format string, args ...any) { r.warnf(fset, pos, format, args...) }

	// Every //sio: directive of the package, by comment position.
	dirs := map[token.Pos]*directive{}
	var order []*directive
	for _, f := range pkg.Syntax {
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				d, ok := ast.ParseDirective(c.Slash, c.Text)
				if !ok || d.Tool != "sio" {
					// A look-alike would silently not be a directive.
					if msg := directiveTypo(c.Text); msg != "" {
						errorf(c.Slash, "%s", msg)
					}
					continue
				}
				dd := &directive{d: d}
				args, err := d.ParseArgs()
				if err != nil {
					errorf(d.ArgsPos, "cannot parse the arguments of //sio:%s: %v; write space-separated words or quoted Go strings", d.Name, err)
					dd.bad = true
				}
				dd.args = args
				dirs[c.Slash] = dd
				order = append(order, dd)
			}
		}
	}
	docDirectives := func(doc *ast.CommentGroup) []*directive {
		if doc == nil {
			return nil
		}
		var out []*directive
		for _, c := range doc.List {
			if d := dirs[c.Slash]; d != nil {
				out = append(out, d)
			}
		}
		return out
	}

	// Consumer types.
	byType := map[*types.TypeName]*consumer{}
	byNamespace := map[string]*consumer{}
	var emitsSpecs []emitsSpec
	for _, f := range pkg.Syntax {
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					var doc []*directive
					if ts, ok := spec.(*ast.TypeSpec); ok {
						doc = docDirectives(ts.Doc)
						if len(decl.Specs) == 1 && decl.Lparen == token.NoPos {
							doc = append(docDirectives(decl.Doc), doc...)
						}
						for _, d := range doc {
							d.used = true
							if d.bad {
								continue
							}
							switch d.d.Name {
							case "consumer":
								if c := consumerOf(pkg, ts, d, byType, errorf, warnf); c != nil {
									if prev := byNamespace[c.served()]; prev != nil {
										errorf(d.d.Slash, "%s is already served by consumer %s (%s); a package has one consumer per namespace: change one namespace=, regexp= or match=, or move one consumer to another package",
											c.served(), prev.obj.Name(), r.rel(fset, prev.pos))
										continue
									}
									byNamespace[c.served()] = c
									byType[c.obj] = c
									a.consumers = append(a.consumers, c)
								}
							case "emits":
								emitsSpecs = append(emitsSpecs, emitsSpec{ts: ts, d: d})
							case "event":
								errorf(d.d.Slash, "//sio:event on type %s: put //sio:event NAME in the doc comment of an event handler method", ts.Name.Name)
							default:
								unknownDirective(d, errorf)
							}
						}
					} else if decl.Doc != nil && decl.Tok != token.IMPORT {
						for _, d := range docDirectives(decl.Doc) {
							d.used = true
							misplaced(d, errorf)
						}
					}
				}
			}
		}
	}

	// The //sio:event directives on functions and methods.
	eventDirs := map[*types.Func]*directive{}
	for _, f := range pkg.Syntax {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			fn, _ := pkg.TypesInfo.Defs[fd.Name].(*types.Func)
			for _, d := range docDirectives(fd.Doc) {
				d.used = true
				if d.bad {
					continue
				}
				switch d.d.Name {
				case "event":
					switch {
					case fd.Recv == nil || fn == nil:
						errorf(d.d.Slash, "//sio:event on %s, which is not a method of a //sio:consumer type; put it on an event handler method", fd.Name.Name)
					case eventDirs[fn] != nil:
						errorf(d.d.Slash, "%s has a second //sio:event; a handler handles one event: keep one", fd.Name.Name)
					default:
						eventDirs[fn] = d
					}
				case "consumer":
					errorf(d.d.Slash, "//sio:consumer on function %s: put //sio:consumer in the doc comment of a struct type", fd.Name.Name)
				case "emits":
					errorf(d.d.Slash, "//sio:emits on function %s: put //sio:emits in the doc comment of an interface type", fd.Name.Name)
				default:
					unknownDirective(d, errorf)
				}
			}
		}
	}

	// The methods of each consumer: the method set of *T, so methods
	// declared on an alias of T and methods promoted from embedded fields
	// (of this package or another) are included, as Go calls them.
	ms := newMethodSets(pkg, r, eventDirs)
	for _, c := range a.consumers {
		ms.classify(c, errorf, warnf)
	}
	for fn, d := range eventDirs {
		if !ms.used[fn] {
			errorf(d.d.Slash, "//sio:event on %s, which is not a method of a //sio:consumer type; put it on an event handler method", fn.Name())
		}
	}

	// The //sio:emits interfaces and the consumers' emits=.
	analyseEmits(pkg, r, a, emitsSpecs, docDirectives, errorf, warnf)

	// Directives anywhere else.
	for _, d := range order {
		if !d.used {
			misplaced(d, errorf)
		}
	}

	for _, c := range a.consumers {
		slices.SortFunc(c.events, func(x, y *event) int { return cmp.Compare(x.name, y.name) })
		// Duplicate event names, reported at the later declaration.
		byPos := slices.Clone(c.events)
		slices.SortFunc(byPos, func(x, y *event) int { return cmp.Compare(x.method.Pos(), y.method.Pos()) })
		seen := map[string]*event{}
		for _, e := range byPos {
			if prev := seen[e.name]; prev != nil {
				errorf(e.namePos, "%s handles event %q, which %s (%s) already handles; give one of them another name with //sio:event NAME",
					e.method.Name(), e.name, prev.method.Name(), r.rel(fset, prev.method.Pos()))
				continue
			}
			seen[e.name] = e
		}
		checkNameClashes(pkg, c, errorf, r)
	}
	checkGeneratedNames(a.consumers, a.emits, errorf, r, fset)
	slices.SortFunc(a.consumers, func(x, y *consumer) int { return cmp.Compare(x.obj.Name(), y.obj.Name()) })
	return a
}

// rel formats pos as path:line:col, relative to the working directory.
func (r *reporter) rel(fset *token.FileSet, pos token.Pos) string {
	p := r.position(fset, pos)
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

func unknownDirective(d *directive, errorf func(token.Pos, string, ...any)) {
	errorf(d.d.Slash, "%s", unknownDirectiveMsg(d.d.Name))
}

func misplaced(d *directive, errorf func(token.Pos, string, ...any)) {
	switch d.d.Name {
	case "consumer":
		errorf(d.d.Slash, "//sio:consumer is not in the doc comment of a type; put it in the doc comment of a struct type")
	case "event":
		errorf(d.d.Slash, "//sio:event is not in the doc comment of a method; put it in the doc comment of an event handler method")
	case "emits":
		errorf(d.d.Slash, "//sio:emits is not in the doc comment of a type; put it in the doc comment of an interface type")
	default:
		unknownDirective(d, errorf)
	}
}

// consumerOf checks a //sio:consumer directive on ts and returns the consumer.
func consumerOf(pkg *packages.Package, ts *ast.TypeSpec, d *directive, byType map[*types.TypeName]*consumer, errorf, warnf func(token.Pos, string, ...any)) *consumer {
	tn, _ := pkg.TypesInfo.Defs[ts.Name].(*types.TypeName)
	if tn == nil {
		return nil
	}
	if byType[tn] != nil {
		errorf(d.d.Slash, "%s has a second //sio:consumer; keep one", tn.Name())
		return nil
	}
	ok := true
	switch {
	case ts.Assign.IsValid():
		errorf(d.d.Slash, "//sio:consumer on %s, which is an alias; put it on a struct type defined in this package", tn.Name())
		ok = false
	case ts.TypeParams != nil && len(ts.TypeParams.List) > 0:
		errorf(d.d.Slash, "//sio:consumer on %s, which is generic; put it on a struct type without type parameters", tn.Name())
		ok = false
	default:
		if _, isStruct := tn.Type().Underlying().(*types.Struct); !isStruct {
			errorf(d.d.Slash, "//sio:consumer on %s, whose type is %s, not a struct; put it on a struct type", tn.Name(), kindOf(tn.Type().Underlying()))
			ok = false
		}
	}
	c := &consumer{obj: tn, namespace: "/", pos: d.d.Slash}
	const keys = "namespace, regexp, match, emits"
	var set *ast.DirectiveArg // the namespace=, regexp= or match= argument
	for _, arg := range d.args {
		key, value, found := strings.Cut(arg.Arg, "=")
		if !found {
			errorf(arg.Pos, "//sio:consumer argument %q is not key=value; allowed keys: %s (e.g. namespace=/chat)", arg.Arg, keys)
			ok = false
			continue
		}
		if key != "namespace" && key != "regexp" && key != "match" && key != "emits" {
			errorf(arg.Pos, "unknown key %q in //sio:consumer; allowed keys: %s", key, keys)
			ok = false
			continue
		}
		if key == "emits" {
			ok = emitsKey(c, arg, value, errorf) && ok
			continue
		}
		if set != nil {
			prev, _, _ := strings.Cut(set.Arg, "=")
			if prev == key {
				errorf(arg.Pos, "//sio:consumer sets %s twice; keep one", key)
			} else {
				errorf(arg.Pos, "//sio:consumer sets both %s= and %s=; a consumer serves one namespace: keep one of namespace=, regexp= and match=", prev, key)
			}
			ok = false
			continue
		}
		set = &arg
		if strings.HasPrefix(value, `"`) || strings.HasPrefix(value, "`") {
			uq, err := strconv.Unquote(value)
			if err != nil {
				errorf(arg.Pos, "//sio:consumer %s=%s: malformed quoted string; write %s=VALUE or %s=\"VALUE\"", key, value, key, key)
				ok = false
				continue
			}
			value = uq
		}
		switch key {
		case "namespace":
			if why := validNamespace(value); why != "" {
				errorf(arg.Pos, "namespace %q %s; a namespace is / followed by a name, e.g. namespace=/chat", value, why)
				ok = false
				continue
			}
			if strings.ContainsAny(value, `^$\[(*+?`) {
				errorf(arg.Pos, "namespace=%s looks like a regular expression, but namespace= is a name, taken literally; for a dynamic namespace write regexp=%s", value, regexpHint(value))
				ok = false
				continue
			}
			c.namespace = value
		case "regexp":
			re, err := regexp.Compile(value)
			if err != nil {
				errorf(arg.Pos, "regexp=%s does not compile: %v; write a Go regular expression (regexp/syntax), e.g. regexp=^/room-\\d+$", value, err)
				ok = false
				continue
			}
			if why := neverMatches(re); why != "" {
				errorf(arg.Pos, "regexp=%s %s", value, why)
				ok = false
				continue
			}
			if why := unanchored(re); why != "" {
				warnf(arg.Pos, "regexp=%s %s", value, why)
			}
			c.namespace, c.regexp = "", value
		case "match":
			fn, why := matchFunc(pkg, value)
			if fn == nil {
				errorf(arg.Pos, "match=%s: %s", value, why)
				ok = false
				continue
			}
			c.namespace, c.match = "", fn
		}
	}
	if !ok {
		return nil
	}
	return c
}

// served describes the namespaces c serves, as a directive sets them; two
// consumers of a package may not serve the same.
func (c *consumer) served() string {
	switch {
	case c.regexp != "":
		return "regexp=" + c.regexp
	case c.match != nil:
		return "match=" + c.match.Name()
	}
	return "namespace " + c.namespace
}

// namespaceDoc describes the namespaces c serves, for comments.
func (c *consumer) namespaceDoc() string {
	switch {
	case c.regexp != "":
		return "the namespaces of srv whose names match " + c.regexp
	case c.match != nil:
		return "the namespaces of srv that " + c.match.Name() + " accepts"
	}
	return "the " + c.namespace + " namespace of srv"
}

// matchFunc returns the package-level function name of pkg, which must be
// a namespace match function, or what is wrong.
func matchFunc(pkg *packages.Package, name string) (*types.Func, string) {
	const shape = "func(name string, auth []byte) bool"
	obj := pkg.Types.Scope().Lookup(name)
	if obj == nil {
		return nil, fmt.Sprintf("package %s has no function %s; declare func %s(name string, auth []byte) bool, which decides the namespaces the consumer serves", pkg.Types.Name(), name, name)
	}
	fn, isFunc := obj.(*types.Func)
	if !isFunc {
		return nil, fmt.Sprintf("%s is a %s, not a function; match= names a function %s", name, objKind(obj), shape)
	}
	want := types.NewSignatureType(nil, nil, nil,
		types.NewTuple(types.NewParam(token.NoPos, nil, "name", types.Typ[types.String]), types.NewParam(token.NoPos, nil, "auth", types.NewSlice(types.Typ[types.Byte]))),
		types.NewTuple(types.NewParam(token.NoPos, nil, "", types.Typ[types.Bool])), false)
	sig := fn.Type().(*types.Signature)
	if sig.TypeParams().Len() > 0 {
		return nil, fmt.Sprintf("%s is generic; a namespace match function is %s, without type parameters", name, shape)
	}
	if !types.Identical(sig, want) {
		return nil, fmt.Sprintf("%s has type %s; a namespace match function is %s", name, sigString(sig, qualifier(pkg.Types)), shape)
	}
	return fn, ""
}

func objKind(obj types.Object) string {
	switch obj.(type) {
	case *types.Var:
		return "variable"
	case *types.Const:
		return "constant"
	case *types.TypeName:
		return "type"
	}
	return "declaration"
}

func kindOf(t types.Type) string {
	switch t.(type) {
	case *types.Basic:
		return t.String()
	case *types.Pointer:
		return "pointer type"
	case *types.Slice:
		return "slice type"
	case *types.Array:
		return "array type"
	case *types.Map:
		return "map type"
	case *types.Chan:
		return "channel type"
	case *types.Signature:
		return "function type"
	case *types.Interface:
		return "interface type"
	}
	return t.String()
}

// checkNameClashes reports declarations of the package that the names the
// generated file declares for c (see generatedNames) would clash with.
func checkNameClashes(pkg *packages.Package, c *consumer, errorf func(token.Pos, string, ...any), r *reporter) {
	for _, g := range generatedNames(c) {
		if obj := pkg.Types.Scope().Lookup(g.name); obj != nil {
			errorf(obj.Pos(), "%s clashes with the %s siogen generates for %s (%s); rename %s",
				g.name, g.what, g.source(), r.rel(pkg.Fset, g.pos), g.name)
		}
	}
}

// registerNames returns the names of the generated Register functions of c.
func registerNames(c *consumer) []string {
	prefix := "Register"
	if !c.obj.Exported() {
		prefix = "register"
	}
	base := prefix + upperFirst(c.obj.Name())
	return []string{base, base + "Shared"}
}
