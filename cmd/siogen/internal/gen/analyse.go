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

// Package paths and names the analysis recognizes.
const (
	socketioPath = "github.com/siogo/sio/socketio"
	runtimePath  = "github.com/siogo/sio/runtime"
)

// analysis is what analyse found in one package.
type analysis struct {
	pkg       *packages.Package
	consumers []*consumer
}

type consumer struct {
	obj        *types.TypeName
	namespace  string
	pos        token.Pos // the //sio:consumer directive
	connect    *connectHook
	disconnect *types.Func
	onAny      *types.Func
	decodeErr  *types.Func
	events     []*event // sorted by name
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

	// Every //sio: directive of the package, by comment position.
	dirs := map[token.Pos]*directive{}
	var order []*directive
	for _, f := range pkg.Syntax {
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if !strings.HasPrefix(c.Text, "//sio:") {
					continue
				}
				d, ok := ast.ParseDirective(c.Slash, c.Text)
				if !ok {
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
								if c := consumerOf(pkg, ts, d, byType, errorf); c != nil {
									if prev := byNamespace[c.namespace]; prev != nil {
										errorf(d.d.Slash, "namespace %s is already served by consumer %s (%s); a package has one consumer per namespace: change one namespace= or move one consumer to another package",
											c.namespace, prev.obj.Name(), r.rel(fset, prev.pos))
										continue
									}
									byNamespace[c.namespace] = c
									byType[c.obj] = c
									a.consumers = append(a.consumers, c)
								}
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

	// Methods of consumer types.
	for _, f := range pkg.Syntax {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok {
				continue
			}
			doc := docDirectives(fd.Doc)
			var c *consumer
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				if tn := recvTypeName(pkg, fd.Recv.List[0].Type); tn != nil {
					c = byType[tn]
				}
			}
			var eventDir *directive
			for _, d := range doc {
				d.used = true
				if d.bad {
					continue
				}
				switch d.d.Name {
				case "event":
					if c == nil {
						errorf(d.d.Slash, "//sio:event on %s, which is not a method of a //sio:consumer type; put it on an event handler method", fd.Name.Name)
						continue
					}
					if eventDir != nil {
						errorf(d.d.Slash, "%s has a second //sio:event; a handler handles one event: keep one", fd.Name.Name)
						continue
					}
					eventDir = d
				case "consumer":
					errorf(d.d.Slash, "//sio:consumer on function %s: put //sio:consumer in the doc comment of a struct type", fd.Name.Name)
				default:
					unknownDirective(d, errorf)
				}
			}
			if c == nil {
				continue
			}
			fn, _ := pkg.TypesInfo.Defs[fd.Name].(*types.Func)
			if fn == nil {
				continue
			}
			methodOf(pkg, c, fd, fn, eventDir, errorf)
		}
	}

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
	checkGeneratedNames(a.consumers, errorf, r, fset)
	slices.SortFunc(a.consumers, func(x, y *consumer) int { return cmp.Compare(x.obj.Name(), y.obj.Name()) })
	return a
}

// rel formats pos as path:line:col, relative to the working directory.
func (r *reporter) rel(fset *token.FileSet, pos token.Pos) string {
	p := r.position(fset, pos)
	return fmt.Sprintf("%s:%d:%d", p.Filename, p.Line, p.Column)
}

func unknownDirective(d *directive, errorf func(token.Pos, string, ...any)) {
	errorf(d.d.Slash, "unknown directive //sio:%s; siogen knows //sio:consumer (on a struct type) and //sio:event (on a handler method)", d.d.Name)
}

func misplaced(d *directive, errorf func(token.Pos, string, ...any)) {
	switch d.d.Name {
	case "consumer":
		errorf(d.d.Slash, "//sio:consumer is not in the doc comment of a type; put it in the doc comment of a struct type")
	case "event":
		errorf(d.d.Slash, "//sio:event is not in the doc comment of a method; put it in the doc comment of an event handler method")
	default:
		unknownDirective(d, errorf)
	}
}

// recvTypeName returns the type named by a receiver expression (T, *T).
func recvTypeName(pkg *packages.Package, expr ast.Expr) *types.TypeName {
	if star, ok := expr.(*ast.StarExpr); ok {
		expr = star.X
	}
	switch x := expr.(type) {
	case *ast.IndexExpr:
		expr = x.X
	case *ast.IndexListExpr:
		expr = x.X
	}
	id, ok := expr.(*ast.Ident)
	if !ok {
		return nil
	}
	tn, _ := pkg.TypesInfo.Uses[id].(*types.TypeName)
	return tn
}

// consumerOf checks a //sio:consumer directive on ts and returns the consumer.
func consumerOf(pkg *packages.Package, ts *ast.TypeSpec, d *directive, byType map[*types.TypeName]*consumer, errorf func(token.Pos, string, ...any)) *consumer {
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
	seen := map[string]bool{}
	for _, arg := range d.args {
		key, value, found := strings.Cut(arg.Arg, "=")
		if !found {
			errorf(arg.Pos, "//sio:consumer argument %q is not key=value; allowed keys: namespace (e.g. namespace=/chat)", arg.Arg)
			ok = false
			continue
		}
		if key != "namespace" {
			errorf(arg.Pos, "unknown key %q in //sio:consumer; allowed keys: namespace", key)
			ok = false
			continue
		}
		if seen[key] {
			errorf(arg.Pos, "//sio:consumer sets %s twice; keep one", key)
			ok = false
			continue
		}
		seen[key] = true
		if strings.HasPrefix(value, `"`) || strings.HasPrefix(value, "`") {
			uq, err := strconv.Unquote(value)
			if err != nil {
				errorf(arg.Pos, "//sio:consumer %s=%s: malformed quoted string; write namespace=/name or namespace=\"/name\"", key, value)
				ok = false
				continue
			}
			value = uq
		}
		if why := validNamespace(value); why != "" {
			errorf(arg.Pos, "namespace %q %s; a namespace is / followed by a name, e.g. namespace=/chat", value, why)
			ok = false
			continue
		}
		c.namespace = value
	}
	if !ok {
		return nil
	}
	return c
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
