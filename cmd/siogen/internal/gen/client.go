package gen

import (
	"bytes"
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dave/jennifer/jen"
	"golang.org/x/tools/go/packages"
)

// clientPath is the package the typed client is built on.
const clientPath = "github.com/siogo/sio/client"

// clientConsumer is one consumer of the typed client (siogen -client): the
// names the client file declares for it.
type clientConsumer struct {
	c       *consumer
	pkg     *packages.Package
	name    string          // the client type: ChatClient
	methods []*clientMethod // its methods for events, sorted by name
}

// clientMethod is a method of a typed client: one sending an event the
// consumer handles (ev), or registering the handler of one its emits=
// interface sends (emit).
type clientMethod struct {
	name string
	ev   *event
	emit *emitEvent
	pos  token.Pos // where the method's name comes from
}

// clientFixedMethods are the methods every typed client declares, with
// what they do (for a clash's message).
var clientFixedMethods = map[string]string{
	"Socket":     "returns the client.Socket",
	"Connect":    "connects to the namespace",
	"Disconnect": "leaves the namespace",
	"OnError":    "registers the error handler",
}

// clientPackageName returns the package name of the client file at path:
// name when given, the package clause of another Go file of its directory,
// or the directory's name when it is an identifier.
func clientPackageName(file, name string) (string, error) {
	if name != "" {
		if !token.IsIdentifier(name) || name == "_" {
			return "", fmt.Errorf("siogen: -client-package %q is not a Go package name", name)
		}
		return name, nil
	}
	dir := filepath.Dir(file)
	others, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	for _, p := range others {
		if p == file || strings.HasSuffix(p, "_test.go") {
			continue
		}
		src, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, src, parser.PackageClauseOnly)
		if err == nil && f.Name.Name != "main" && f.Name.Name != "_" {
			return f.Name.Name, nil
		}
	}
	base := filepath.Base(dir)
	if token.IsIdentifier(base) && base != "_" && base != "main" {
		return base, nil
	}
	return "", fmt.Errorf("siogen: -client %s: the directory's name %q is not a Go package name; give one with -client-package", file, base)
}

// clientFile returns the typed client cfg asks for (siogen -client), of
// the consumers of analyses, or reports to r why it cannot be written.
func (r *reporter) clientFile(cfg *Config, analyses []*analysis) []File {
	if cfg.Client == "" || len(r.errs) > 0 {
		return nil
	}
	file := cfg.Client
	if !filepath.IsAbs(file) {
		file = filepath.Join(cfg.Dir, file)
	}
	if !strings.HasSuffix(file, ".go") || strings.HasSuffix(file, "_test.go") {
		r.errs = append(r.errs, fmt.Errorf("siogen: -client %s: the file name must end in .go (and not _test.go)", cfg.Client))
		return nil
	}
	pkgName, err := clientPackageName(file, cfg.ClientPackage)
	if err != nil {
		r.errs = append(r.errs, err)
		return nil
	}
	if _, err := os.Stat(file); err == nil && !IsGenerated(file) {
		r.errs = append(r.errs, &Error{Pos: token.Position{Filename: relTo(cfg.Dir, file), Line: 1, Column: 1},
			Msg: filepath.Base(file) + " exists but was not written by siogen (it does not start with \"" + Header + "\"); choose another file name, or remove it so that siogen can write its output"})
		return nil
	}
	importPath := clientImportPath(file, analyses)

	var ccs []*clientConsumer
	var fset *token.FileSet
	for _, a := range analyses {
		fset = a.pkg.Fset
		for _, c := range a.consumers {
			ccs = append(ccs, &clientConsumer{c: c, pkg: a.pkg, name: upperFirst(c.obj.Name()) + "Client"})
		}
	}
	slices.SortFunc(ccs, func(x, y *clientConsumer) int {
		return cmp.Or(cmp.Compare(x.name, y.name), cmp.Compare(x.pkg.PkgPath, y.pkg.PkgPath), cmp.Compare(x.c.obj.Name(), y.c.obj.Name()))
	})
	before := len(r.errs)
	taken := map[string]*clientConsumer{}
	for _, cc := range ccs {
		if prev := taken[cc.name]; prev != nil {
			r.errorf(cc.pkg.Fset, cc.c.pos, "the typed client would declare %s (and New%s) for consumer %s and for consumer %s (%s); generate their clients into separate files (one siogen -client per package), or rename one",
				cc.name, cc.name, cc.c.obj.Name(), prev.c.obj.Name(), r.rel(prev.pkg.Fset, prev.c.pos))
			continue
		}
		taken[cc.name] = cc
		r.clientMethods(cc)
		r.clientTypes(cc, importPath)
	}
	if len(r.errs) > before {
		return nil
	}
	content, err := renderClient(ccs, importPath, pkgName, fset)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("siogen: rendering %s: %w", cfg.Client, err))
		return nil
	}
	return []File{{Path: file, Content: content}}
}

// clientImportPath guesses the import path of the client file's package
// from a package of the same module: the directory relative to that
// package's, joined to its path. It is used for the internal package rule
// and the file's own path; "" when nothing was loaded.
func clientImportPath(file string, analyses []*analysis) string {
	for _, a := range analyses {
		dir := packageDir(a.pkg)
		if dir == "" || a.pkg.PkgPath == "" {
			continue
		}
		rel, err := filepath.Rel(dir, filepath.Dir(file))
		if err != nil {
			continue
		}
		return path.Join(a.pkg.PkgPath, filepath.ToSlash(rel))
	}
	return ""
}

// clientMethods names the methods of cc's client and reports the clashes
// between them.
func (r *reporter) clientMethods(cc *clientConsumer) {
	type owner struct {
		what string
		pos  token.Pos
	}
	fset := cc.pkg.Fset
	c := cc.c
	taken := map[string]owner{}
	add := func(m *clientMethod, what string) {
		if doc, ok := clientFixedMethods[m.name]; ok {
			r.errorf(fset, m.pos, "the typed client %s would have a method %s for %s, but %s.%s %s; rename the Go method and keep the event's name with //sio:event NAME",
				cc.name, m.name, what, cc.name, m.name, doc)
			return
		}
		if prev, ok := taken[m.name]; ok {
			r.errorf(fset, m.pos, "the typed client %s would have two methods %s: for %s and for %s (%s); rename one of the methods",
				cc.name, m.name, what, prev.what, r.rel(fset, prev.pos))
			return
		}
		taken[m.name] = owner{what, m.pos}
		cc.methods = append(cc.methods, m)
	}
	for _, e := range c.events {
		add(&clientMethod{name: clientEventMethod(e.method.Name()), ev: e, pos: e.namePos}, fmt.Sprintf("event %q (%s.%s)", e.name, c.obj.Name(), e.method.Name()))
	}
	if c.emits != nil {
		for _, e := range c.emits.events {
			add(&clientMethod{name: "On" + upperFirst(e.method.Name()), emit: e, pos: e.namePos}, fmt.Sprintf("the event %q the server sends (%s.%s)", e.name, c.emits.obj.Name(), e.method.Name()))
		}
	}
	slices.SortFunc(cc.methods, func(x, y *clientMethod) int { return cmp.Compare(x.name, y.name) })
}

// clientEventMethod returns the name of the client's method sending the
// event of handler name: without its Event prefix (EventChatMessage →
// ChatMessage), or the name itself.
func clientEventMethod(name string) string {
	rest, ok := strings.CutPrefix(name, "Event")
	if !ok || rest == "" {
		return name
	}
	if r, _ := utf8.DecodeRuneInString(rest); unicode.IsUpper(r) {
		return rest
	}
	return name
}

// clientTypes reports the types of cc's events and auth payload that the
// client package cannot name, and the auth payloads a Socket.IO client
// cannot send.
func (r *reporter) clientTypes(cc *clientConsumer, importPath string) {
	c := cc.c
	fset := cc.pkg.Fset
	qual := func(p *types.Package) string { return p.Name() }
	check := func(t types.Type, pos token.Pos, what string) {
		if msg := clientTypeProblem(t, importPath); msg != "" {
			r.errorf(fset, pos, "%s has type %s, which the typed client (siogen -client) cannot name: %s", what, types.TypeString(t, qual), msg)
		}
	}
	// param returns the position and a description of parameter i of fn.
	param := func(fn *types.Func, i int, fallback token.Pos) (token.Pos, string) {
		sig := fn.Type().(*types.Signature)
		v := sig.Params().At(i)
		pos := v.Pos()
		if !pos.IsValid() {
			pos = fallback
		}
		if v.Name() == "" || v.Name() == "_" {
			return pos, fmt.Sprintf("parameter %d", i+1)
		}
		return pos, "parameter " + v.Name()
	}
	if c.connect != nil && c.connect.auth != nil {
		auth := c.connect.auth
		pos, _ := param(c.connect.method, 2, c.connect.method.Pos())
		what := c.obj.Name() + ".Connect: the auth payload"
		check(auth.typ, pos, what)
		if msg := authProblem(auth); msg != "" {
			r.errorf(fset, pos, "%s has type %s, %s, but a Socket.IO client sends the auth payload as a JSON object (socket.io-client and package client refuse anything else); make it a struct, a pointer to one or a map, or leave -client out",
				what, types.TypeString(auth.typ, qual), msg)
		}
	}
	for _, e := range c.events {
		method := c.obj.Name() + "." + e.method.Name()
		for i, p := range e.params {
			pos, name := param(e.method, i+2, e.namePos)
			check(p.typ, pos, fmt.Sprintf("%s: %s (argument %d of %q)", method, name, i, e.name))
		}
		if e.ack == nil || e.ack.asAckFunc {
			continue
		}
		pos, _ := param(e.method, 2+len(e.params), e.namePos)
		for i := range e.ack.sig.Params().Len() {
			t := e.ack.sig.Params().At(i).Type()
			what := fmt.Sprintf("%s: argument %d of the acknowledgement", method, i)
			check(t, pos, what)
			variadic := e.ack.sig.Variadic() && i == e.ack.sig.Params().Len()-1
			if _, msg := paramOf(cc.pkg, t, variadic, qual); msg != "" {
				r.errorf(fset, pos, "%s, which the typed client decodes, %s", what, msg)
			}
		}
	}
	if ei := c.emits; ei != nil && !r.clientChecked[ei] {
		if r.clientChecked == nil {
			r.clientChecked = map[*emitsIface]bool{}
		}
		r.clientChecked[ei] = true
		for _, e := range ei.events {
			method := ei.obj.Name() + "." + e.method.Name()
			sig := e.method.Type().(*types.Signature)
			for i, p := range e.params {
				pos, name := param(e.method, i, e.namePos)
				check(p.typ, pos, fmt.Sprintf("%s: %s (argument %d of %q)", method, name, i, e.name))
			}
			for i, p := range e.replies {
				pos := sig.Results().At(i).Pos()
				if !pos.IsValid() {
					pos = e.namePos
				}
				check(p.typ, pos, fmt.Sprintf("%s: result %d (argument %d of the acknowledgement)", method, i+1, i))
			}
		}
	}
}

// authProblem says why a Socket.IO client cannot send auth, the auth
// parameter of a Connect hook: "" when it encodes to a JSON object (a
// struct, a map, a pointer to one), may (an interface, raw JSON), or
// cannot be told (a type with MarshalJSON).
func authProblem(auth *param) string {
	if auth.dec.kind == kindRawJSON || auth.dec.kind == kindRawBytes {
		return ""
	}
	t := stripPointer(auth.typ)
	if hasMethod(t, "MarshalJSON") || hasMethod(types.NewPointer(t), "MarshalJSON") {
		return ""
	}
	if hasMethod(t, "MarshalText") || hasMethod(types.NewPointer(t), "MarshalText") {
		return "which encodes to a JSON string"
	}
	switch t.Underlying().(type) {
	case *types.Struct, *types.Map, *types.Interface:
		return ""
	case *types.Basic:
		switch auth.dec.kind {
		case kindString:
			return "which encodes to a JSON string"
		case kindBool:
			return "which encodes to a JSON boolean"
		}
		return "which encodes to a JSON number"
	}
	return "which encodes to a JSON array"
}

// clientTypeProblem says why the client package (at importPath) cannot
// name t: a named type that is not exported, of package main, or of an
// internal package it may not import; a struct with unexported fields of
// another package. "" when it can.
func clientTypeProblem(t types.Type, importPath string) string {
	seen := map[types.Type]bool{}
	var walk func(t types.Type) string
	named := func(obj *types.TypeName) string {
		if obj.Pkg() == nil {
			return ""
		}
		switch {
		case !obj.Exported():
			return fmt.Sprintf("%s (%s) is not exported; export it", obj.Name(), obj.Pkg().Path())
		case obj.Pkg().Name() == "main":
			return fmt.Sprintf("%s is declared in package main, which cannot be imported; move the consumer's payload types to a package of their own", obj.Name())
		case !internalOK(obj.Pkg().Path(), importPath):
			return fmt.Sprintf("%s is declared in %s, an internal package that the client's package (%s) may not import; generate the client inside the tree that may import it", obj.Name(), obj.Pkg().Path(), importPath)
		}
		return ""
	}
	walk = func(t types.Type) string {
		if seen[t] {
			return ""
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Alias:
			if msg := named(t.Obj()); msg != "" {
				return msg
			}
			if args := t.TypeArgs(); args != nil {
				for i := range args.Len() {
					if msg := walk(args.At(i)); msg != "" {
						return msg
					}
				}
			}
		case *types.Named:
			if msg := named(t.Obj()); msg != "" {
				return msg
			}
			if args := t.TypeArgs(); args != nil {
				for i := range args.Len() {
					if msg := walk(args.At(i)); msg != "" {
						return msg
					}
				}
			}
		case *types.Pointer:
			return walk(t.Elem())
		case *types.Slice:
			return walk(t.Elem())
		case *types.Array:
			return walk(t.Elem())
		case *types.Map:
			return cmp.Or(walk(t.Key()), walk(t.Elem()))
		case *types.Chan:
			return walk(t.Elem())
		case *types.Signature:
			for i := range t.Params().Len() {
				if msg := walk(t.Params().At(i).Type()); msg != "" {
					return msg
				}
			}
			for i := range t.Results().Len() {
				if msg := walk(t.Results().At(i).Type()); msg != "" {
					return msg
				}
			}
		case *types.Struct:
			for i := range t.NumFields() {
				f := t.Field(i)
				if !f.Exported() {
					return fmt.Sprintf("its field %s is not exported, so a struct type written in another package is another type; declare a named type for it", f.Name())
				}
				if msg := walk(f.Type()); msg != "" {
					return msg
				}
			}
		case *types.Interface:
			for i := range t.NumMethods() {
				m := t.Method(i)
				if !m.Exported() {
					return fmt.Sprintf("its method %s is not exported; declare a named type for it", m.Name())
				}
				if msg := walk(m.Type()); msg != "" {
					return msg
				}
			}
		}
		return ""
	}
	return walk(t)
}

// internalOK reports whether a package at importer may import pkg under
// the go command's internal rule.
func internalOK(pkg, importer string) bool {
	var parent string
	switch {
	case strings.HasSuffix(pkg, "/internal"):
		parent = strings.TrimSuffix(pkg, "/internal")
	case strings.Contains(pkg, "/internal/"):
		parent = pkg[:strings.LastIndex(pkg, "/internal/")]
	case pkg == "internal" || strings.HasPrefix(pkg, "internal/"):
		return true // the standard library's: the client never names them
	default:
		return true
	}
	return importer == parent || strings.HasPrefix(importer, parent+"/")
}

// funcDoc returns the doc comment of fn's declaration in pkg, or "".
func funcDoc(pkg *packages.Package, fn *types.Func) string {
	for _, f := range pkg.Syntax {
		if f.Pos() > fn.Pos() || fn.Pos() > f.End() {
			continue
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Pos() == fn.Pos() && fd.Doc != nil {
				return strings.TrimSpace(fd.Doc.Text())
			}
		}
	}
	return ""
}

// clientRenderer renders the typed client file.
type clientRenderer struct {
	*renderer
	pkgs    []string
	checked map[*emitsIface]bool // the interfaces whose checks are rendered
}

// renderClient returns the typed client file of ccs, in package pkgName
// at importPath.
func renderClient(ccs []*clientConsumer, importPath, pkgName string, fset *token.FileSet) ([]byte, error) {
	self := types.NewPackage(importPath, pkgName)
	fake := &analysis{pkg: &packages.Package{PkgPath: importPath, Name: pkgName, Types: self, Fset: fset}}
	r := &renderer{a: fake, imports: map[string]string{}, decoders: map[string]*structDecoder{}, encoders: map[string]*structEncoder{}}
	r.f = jen.NewFilePathName(importPath, pkgName)
	var paths []string
	for _, cc := range ccs {
		if !slices.Contains(paths, cc.pkg.PkgPath) {
			paths = append(paths, cc.pkg.PkgPath)
		}
	}
	slices.Sort(paths)
	r.f.HeaderComment(Header + "\n\n" + buildLine(nil))
	cr := &clientRenderer{renderer: r, pkgs: paths, checked: map[*emitsIface]bool{}}
	if len(ccs) == 0 {
		r.f.PackageComment("Package " + pkgName + " would hold the typed Socket.IO clients of the //sio:consumer types of the packages siogen loaded: it found none.")
	} else {
		r.f.PackageComment("Package " + pkgName + " is the typed Socket.IO client of " + strings.Join(paths, ", ") + ", generated by siogen -client from its //sio:consumer types and their //sio:emits interfaces, on package github.com/siogo/sio/client.")
	}
	cr.checks(ccs)
	for _, cc := range ccs {
		cr.consumer(cc)
	}
	for _, d := range slices.SortedFunc(maps.Values(r.decoders), func(x, y *structDecoder) int { return cmp.Compare(x.name, y.name) }) {
		r.structDecoder(d)
	}
	for _, p := range slices.Sorted(maps.Keys(r.imports)) {
		name := r.imports[p]
		if p == runtimePath {
			r.f.ImportAlias(p, name)
			continue
		}
		r.f.ImportName(p, name)
	}
	var buf bytes.Buffer
	if err := r.f.Render(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// checks renders the method expressions of the handlers and //sio:emits
// methods the client was generated from, where the client can name them,
// so that a changed signature fails the client's build until it is
// generated again.
func (cr *clientRenderer) checks(ccs []*clientConsumer) {
	var checks []jen.Code
	for _, cc := range ccs {
		c := cc.c
		if c.obj.Exported() && cc.pkg.Name != "main" {
			fns := []*types.Func{}
			if c.connect != nil {
				fns = append(fns, c.connect.method)
			}
			for _, e := range c.events {
				fns = append(fns, e.method)
			}
			for _, fn := range fns {
				checks = append(checks, jen.Id("_").Add(cr.methodType(c, fn)).Op("=").Parens(jen.Op("*").Add(cr.typeName(c.obj))).Dot(fn.Name()))
			}
		}
		if ei := c.emits; ei != nil && ei.obj.Exported() && cc.pkg.Name != "main" && !cr.checked[ei] {
			cr.checked[ei] = true
			for _, e := range ei.events {
				sig := e.method.Type().(*types.Signature)
				checks = append(checks, jen.Id("_").Func().Params(append([]jen.Code{cr.typeName(ei.obj)}, cr.paramTypes(sig)...)...).Add(cr.results(sig)).Op("=").Add(cr.typeName(ei.obj)).Dot(e.method.Name()))
			}
		}
	}
	if len(checks) > 0 {
		cr.f.Comment("The handlers and //sio:emits methods this client was generated from: a")
		cr.f.Comment("build error on one of these lines names a method whose signature changed")
		cr.f.Comment("since; run go generate.")
		cr.f.Var().Defs(checks...)
	}
}

// paramTypes renders the parameter types of sig (a variadic one as ...T).
func (cr *clientRenderer) paramTypes(sig *types.Signature) []jen.Code {
	var ps []jen.Code
	for i := range sig.Params().Len() {
		t := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			ps = append(ps, jen.Op("...").Add(cr.typ(t.(*types.Slice).Elem())))
			continue
		}
		ps = append(ps, cr.typ(t))
	}
	return ps
}

// results renders the result list of sig.
func (cr *clientRenderer) results(sig *types.Signature) jen.Code {
	switch sig.Results().Len() {
	case 0:
		return jen.Null()
	case 1:
		return cr.typ(sig.Results().At(0).Type())
	}
	var rs []jen.Code
	for i := range sig.Results().Len() {
		rs = append(rs, cr.typ(sig.Results().At(i).Type()))
	}
	return jen.Params(rs...)
}

// reservedClientNames are the names a client method's parameters must not
// take: the receiver, ctx and the packages the file imports.
var reservedClientNames = map[string]bool{"c": true, "ctx": true, "h": true, "client": true, "context": true, "socketio": true, "sioruntime": true, "fmt": true, "slog": true, "sync": true, "json": true}

// argNames returns usable names for the parameters vars of a client
// method: theirs where usable, argN otherwise.
func (cr *clientRenderer) argNames(vars []*types.Var, sig *types.Signature) []string {
	names := make([]string, len(vars))
	used := map[string]bool{}
	for i, v := range vars {
		n := v.Name()
		if n == "" || n == "_" || strings.HasPrefix(n, prefix) || reservedClientNames[n] || types.Universe.Lookup(n) != nil || usesPackageNamed(sig, n) || used[n] {
			n = ""
		}
		names[i] = n
		used[n] = true
	}
	for i, n := range names {
		if n == "" {
			n = fmt.Sprintf("arg%d", i)
			if used[n] {
				n = fmt.Sprintf("%sa%d", prefix, i)
			}
			names[i] = n
		}
	}
	return names
}

// consumer renders the client type of cc, its constructor and methods.
func (cr *clientRenderer) consumer(cc *clientConsumer) {
	c := cc.c
	name := cc.name
	recv := jen.Id("c").Op("*").Id(name)
	consumerRef := cc.pkg.Types.Name() + "." + c.obj.Name()

	var auth *param
	if c.connect != nil {
		auth = c.connect.auth
	}
	var where string
	switch {
	case c.regexp != "":
		where = "the namespaces whose names match " + c.regexp
	case c.match != nil:
		where = "the namespaces that " + c.match.Name() + " accepts"
	default:
		where = "the namespace " + c.namespace
	}
	doc := fmt.Sprintf("%s is the typed client of %s (%s), the consumer of %s: a method sending each event it handles, with the arguments and acknowledgement its handler declares", name, consumerRef, cc.pkg.PkgPath, where)
	if c.emits != nil {
		doc += fmt.Sprintf(", and an On method registering the handler of each event of %s.%s, which the server sends", cc.pkg.Types.Name(), c.emits.obj.Name())
	}
	doc += fmt.Sprintf(". Make one with New%s, register its handlers, then Connect. Its methods are safe for concurrent use.", name)
	cr.comment(doc)
	fields := []jen.Code{
		jen.Id("socket").Op("*").Add(cr.qual(clientPath, "Socket")),
		jen.Line(),
	}
	if auth != nil {
		fields = append(fields, jen.Comment("mu guards auth and onError."))
	} else {
		fields = append(fields, jen.Comment("mu guards onError."))
	}
	fields = append(fields, jen.Id("mu").Add(cr.qual("sync", "Mutex")))
	if auth != nil {
		fields = append(fields, jen.Id("auth").Add(cr.typ(auth.typ)).Comment("the auth payload of the next CONNECT"))
	}
	fields = append(fields, jen.Id("onError").Func().Params(jen.Error()))
	cr.f.Type().Id(name).Struct(fields...)

	// The constructor.
	opts := jen.Nil()
	if auth != nil {
		opts = jen.Op("&").Add(cr.qual(clientPath, "SocketOptions")).Values(jen.Dict{jen.Id("AuthFunc"): jen.Id("c").Dot("authPayload")})
	}
	dynamic := c.regexp != "" || c.match != nil
	params := []jen.Code{jen.Id("m").Op("*").Add(cr.qual(clientPath, "Manager"))}
	ns := jen.Lit(c.namespace)
	if dynamic {
		params = append(params, jen.Id("namespace").String())
		ns = jen.Id("namespace")
		cr.comment(fmt.Sprintf("New%s returns the client of namespace on m: %s serves %s (siogen cannot tell which names a client may use: it takes the name). m must not have made the socket of the namespace yet, since the client sets its options; the client connects when Connect is called.", name, consumerRef, where))
	} else {
		cr.comment(fmt.Sprintf("New%s returns the client of namespace %q on m. m must not have made the socket of the namespace yet, since the client sets its options; the client connects when Connect is called.", name, c.namespace))
	}
	cr.f.Func().Id("New"+name).Params(params...).Op("*").Id(name).Block(
		jen.Id("c").Op(":=").Op("&").Id(name).Values(),
		jen.Id("c").Dot("socket").Op("=").Id("m").Dot("Socket").Call(ns, opts),
		jen.Return(jen.Id("c")),
	)

	cr.comment("Socket returns the client.Socket underneath, for what the typed methods do not cover: OnConnect, OnDisconnect, Connected, ID, and events by name.")
	cr.f.Func().Params(recv.Clone()).Id("Socket").Params().Op("*").Add(cr.qual(clientPath, "Socket")).Block(jen.Return(jen.Id("c").Dot("socket")))

	// Connect.
	connectErr := "nil, a *client.ConnectError when the server refuses (the Connect hook's error), or client.ErrClosed"
	if auth != nil {
		cr.comment(fmt.Sprintf("Connect connects to the namespace with auth as the auth payload, which %s.Connect receives, and waits, within ctx, for the server's answer: %s. auth is sent again when the client connects again after a reconnection.", consumerRef, connectErr))
		cr.f.Func().Params(recv.Clone()).Id("Connect").Params(jen.Id("ctx").Add(cr.ctxType()), jen.Id("auth").Add(cr.typ(auth.typ))).Error().Block(
			jen.Id("c").Dot("mu").Dot("Lock").Call(),
			jen.Id("c").Dot("auth").Op("=").Id("auth"),
			jen.Id("c").Dot("mu").Dot("Unlock").Call(),
			jen.Return(jen.Id("c").Dot("socket").Dot("Connect").Call(jen.Id("ctx"))),
		)
		cr.f.Comment("authPayload returns the auth payload of a CONNECT (client.SocketOptions.AuthFunc).")
		var ret jen.Code = jen.Id("c").Dot("auth")
		var nilCheck jen.Code
		switch {
		case auth.dec.kind == kindRawBytes && !isRawMessage(auth.typ):
			nilCheck = jen.Len(jen.Id("c").Dot("auth")).Op("==").Lit(0)
			ret = cr.qual("encoding/json", "RawMessage").Call(jen.Id("c").Dot("auth"))
		case auth.dec.kind == kindRawJSON || auth.dec.kind == kindRawBytes:
			nilCheck = jen.Len(jen.Id("c").Dot("auth")).Op("==").Lit(0)
		default:
			switch stripPointerUnderlying(auth.typ).(type) {
			case *types.Pointer, *types.Map, *types.Interface:
				nilCheck = jen.Id("c").Dot("auth").Op("==").Nil()
			}
			if auth.optional {
				nilCheck = jen.Id("c").Dot("auth").Op("==").Nil()
			}
		}
		body := []jen.Code{jen.Id("c").Dot("mu").Dot("Lock").Call(), jen.Defer().Id("c").Dot("mu").Dot("Unlock").Call()}
		if nilCheck != nil {
			body = append(body, jen.If(nilCheck).Block(jen.Return(jen.Nil(), jen.Nil())))
		}
		body = append(body, jen.Return(ret, jen.Nil()))
		cr.f.Func().Params(recv.Clone()).Id("authPayload").Params().Params(jen.Any(), jen.Error()).Block(body...)
	} else {
		cr.comment(fmt.Sprintf("Connect connects to the namespace and waits, within ctx, for the server's answer: %s.", connectErr))
		cr.f.Func().Params(recv.Clone()).Id("Connect").Params(jen.Id("ctx").Add(cr.ctxType())).Error().Block(
			jen.Return(jen.Id("c").Dot("socket").Dot("Connect").Call(jen.Id("ctx"))))
	}
	cr.comment("Disconnect leaves the namespace (see client.Socket.Disconnect).")
	cr.f.Func().Params(recv.Clone()).Id("Disconnect").Params().Block(jen.Id("c").Dot("socket").Dot("Disconnect").Call())

	cr.comment("OnError registers fn, called with what goes wrong in the On handlers: an event whose arguments do not decode (a *sioruntime.DecodeError; the handler is not called and no acknowledgement is sent), a handler's error (no acknowledgement is sent), an acknowledgement that cannot be sent. Without it they are logged with slog.Default(). fn runs on the Manager's dispatching goroutine.")
	cr.f.Func().Params(recv.Clone()).Id("OnError").Params(jen.Id("fn").Func().Params(jen.Error())).Block(
		jen.Id("c").Dot("mu").Dot("Lock").Call(),
		jen.Id("c").Dot("onError").Op("=").Id("fn"),
		jen.Id("c").Dot("mu").Dot("Unlock").Call(),
	)
	cr.f.Comment("fail reports err to the OnError handler, or logs it.")
	cr.f.Func().Params(recv.Clone()).Id("fail").Params(jen.Id("err").Error()).Block(
		jen.Id("c").Dot("mu").Dot("Lock").Call(),
		jen.Id("fn").Op(":=").Id("c").Dot("onError"),
		jen.Id("c").Dot("mu").Dot("Unlock").Call(),
		jen.If(jen.Id("fn").Op("==").Nil()).Block(
			cr.qual("log/slog", "Default").Call().Dot("Warn").Call(jen.Lit("sio client: "+name), jen.Lit("namespace"), jen.Id("c").Dot("socket").Dot("Namespace").Call(), jen.Lit("err"), jen.Id("err")),
			jen.Return(),
		),
		jen.Id("fn").Call(jen.Id("err")),
	)

	for _, m := range cc.methods {
		if m.ev != nil {
			cr.eventMethod(cc, m)
		} else {
			cr.onMethod(cc, m)
		}
	}
}

// stripPointerUnderlying returns the underlying type of t, or of what t
// points to.
func stripPointerUnderlying(t types.Type) types.Type { return stripPointer(t).Underlying() }

// docLines renders an empty comment line then doc, the doc comment of
// what a method is generated from, quoted after its own, when doc is not
// "".
func (cr *clientRenderer) docLines(from, doc string) {
	if doc == "" {
		return
	}
	cr.f.Comment("")
	cr.f.Comment(from + "'s doc:")
	cr.f.Comment("")
	for _, line := range strings.Split(doc, "\n") {
		if line == "" {
			cr.f.Comment("")
			continue
		}
		cr.f.Comment("\t" + line)
	}
}

// sendArgs renders the arguments of Emit for the parameters names of e:
// binary types as []byte (attachments), a variadic one spread.
func (cr *clientRenderer) sendArgs(e *event, names []string) (pre []jen.Code, args []jen.Code) {
	for i, p := range e.params {
		if p.variadic {
			elem := p.typ.(*types.Slice).Elem()
			x := jen.Id(prefix + "x")
			size := jen.Lit(i).Op("+").Len(jen.Id(names[i]))
			if i == 0 {
				size = jen.Len(jen.Id(names[i]))
			}
			pre = append(pre, x.Clone().Op(":=").Make(jen.Index().Any(), jen.Lit(0), size))
			if len(args) > 0 {
				pre = append(pre, x.Clone().Op("=").Append(append([]jen.Code{x.Clone()}, args...)...))
			}
			pre = append(pre, jen.For(jen.List(jen.Id("_"), jen.Id(prefix+"v")).Op(":=").Range().Id(names[i])).Block(
				x.Clone().Op("=").Append(x.Clone(), cr.ackArg(elem, jen.Id(prefix+"v")))))
			return pre, []jen.Code{x.Clone().Op("...")}
		}
		args = append(args, cr.ackArg(p.typ, jen.Id(names[i])))
	}
	return nil, args
}

// eventMethod renders the method sending the event of m.
func (cr *clientRenderer) eventMethod(cc *clientConsumer, m *clientMethod) {
	e := m.ev
	c := cc.c
	sig := e.method.Type().(*types.Signature)
	var vars []*types.Var
	for i := range e.params {
		vars = append(vars, sig.Params().At(i+2))
	}
	names := cr.argNames(vars, sig)
	var params []jen.Code
	for i, p := range e.params {
		if p.variadic {
			params = append(params, jen.Id(names[i]).Op("...").Add(cr.typ(p.typ.(*types.Slice).Elem())))
			continue
		}
		params = append(params, jen.Id(names[i]).Add(cr.typ(p.typ)))
	}
	recv := jen.Id("c").Op("*").Id(cc.name)
	pre, args := cr.sendArgs(e, names)
	event := jen.Lit(e.name)
	handler := cc.pkg.Types.Name() + "." + c.obj.Name() + "." + e.method.Name()
	srcDoc := funcDoc(cc.pkg, e.method)
	comment := func(text string) {
		cr.comment(text)
		cr.docLines(handler, srcDoc)
	}
	if e.ack == nil {
		comment(fmt.Sprintf("%s sends %q, which %s handles. It does not wait: the error is Emit's (the packet could not be queued).", m.name, e.name, handler))
		body := append(pre, jen.Return(jen.Id("c").Dot("socket").Dot("Emit").Call(append([]jen.Code{event}, args...)...)))
		cr.f.Func().Params(recv).Id(m.name).Params(params...).Error().Block(body...)
		return
	}
	params = append([]jen.Code{jen.Id("ctx").Add(cr.ctxType())}, params...)
	send := jen.Id("c").Dot("socket").Dot("EmitWithAck").Call(append([]jen.Code{jen.Id("ctx"), event}, args...)...)
	waits := fmt.Sprintf("%s sends %q, which %s handles, and waits, within ctx, for the server's acknowledgement", m.name, e.name, handler)
	if e.ack.asAckFunc {
		comment(waits + ", whose arguments it returns undecoded (the handler's acknowledgement is an untyped socketio.AckFunc).")
		cr.f.Func().Params(recv).Id(m.name).Params(params...).Params(jen.Op("*").Add(cr.qual(socketioPath, "Args")), jen.Error()).Block(append(pre, jen.Return(send))...)
		return
	}
	reply := e.ack.sig
	if reply.Params().Len() == 0 {
		comment(waits + ". It returns client.ErrDisconnected when the socket disconnects first, ctx's error when ctx ends first.")
		body := append(pre, jen.List(jen.Id("_"), jen.Id(prefix+"err")).Op(":=").Add(send), jen.Return(jen.Id(prefix+"err")))
		cr.f.Func().Params(recv).Id(m.name).Params(params...).Error().Block(body...)
		return
	}
	results := cr.replyResults(reply)
	comment(waits + ", whose arguments it returns, decoded as " + handler + "'s ack sends them. It returns client.ErrDisconnected when the socket disconnects first, ctx's error when ctx ends first, a *sioruntime.DecodeError when the acknowledgement does not decode.")
	decode := fmt.Sprintf("%s%s_%s_reply", prefix, c.obj.Name(), m.name)
	var zeros []jen.Code
	var zeroDecls []jen.Code
	for i := range reply.Params().Len() {
		z := jen.Id(fmt.Sprintf("%sz%d", prefix, i))
		zeroDecls = append(zeroDecls, jen.Var().Add(z.Clone()).Add(cr.typ(reply.Params().At(i).Type())))
		zeros = append(zeros, z)
	}
	body := append(pre, jen.List(jen.Id(prefix+"args"), jen.Id(prefix+"err")).Op(":=").Add(send),
		jen.If(jen.Id(prefix+"err").Op("!=").Nil()).Block(append(zeroDecls, jen.Return(append(zeros, jen.Id(prefix+"err"))...))...),
		jen.Return(jen.Id(decode).Call(jen.Id(prefix+"args"))))
	cr.f.Func().Params(recv).Id(m.name).Params(params...).Params(results...).Block(body...)
	cr.replyDecoder(cc, e, decode)
}

// replyResults renders the results of a method returning the arguments of
// an acknowledgement of type reply, then an error.
func (cr *clientRenderer) replyResults(reply *types.Signature) []jen.Code {
	var rs []jen.Code
	for i := range reply.Params().Len() {
		rs = append(rs, cr.typ(reply.Params().At(i).Type()))
	}
	return append(rs, jen.Error())
}

// replyDecoder renders the function decoding the acknowledgement of e.
func (cr *clientRenderer) replyDecoder(cc *clientConsumer, e *event, name string) {
	reply := e.ack.sig
	n := reply.Params().Len()
	var ps []*param
	for i := range n {
		p, _ := paramOf(cc.pkg, reply.Params().At(i).Type(), reply.Variadic() && i == n-1, nil)
		ps = append(ps, p)
	}
	var rs []jen.Code
	var body []jen.Code
	for i := range n {
		rs = append(rs, jen.Id(fmt.Sprintf("%sr%d", prefix, i)))
		body = append(body, jen.Var().Id(fmt.Sprintf("%sr%d", prefix, i)).Add(cr.typ(reply.Params().At(i).Type())))
	}
	body = append(body, cr.decodeInto(ps, rs, jen.Lit(e.name), func(err jen.Code) []jen.Code {
		return []jen.Code{jen.Return(append(slices.Clone(rs), err)...)}
	})...)
	body = append(body, jen.Return(append(slices.Clone(rs), jen.Nil())...))
	cr.f.Commentf("%s decodes the acknowledgement of %q.", name, e.name)
	cr.f.Func().Id(name).Params(jen.Id(prefix+"args").Op("*").Add(cr.qual(socketioPath, "Args"))).Params(cr.replyResults(reply)...).Block(body...)
}

// decodeInto renders the statements decoding the arguments in _sio_args
// into targets, the variables of ps; a failure runs fail with the
// *sioruntime.DecodeError.
func (cr *clientRenderer) decodeInto(ps []*param, targets []jen.Code, event jen.Code, fail func(err jen.Code) []jen.Code) []jen.Code {
	var out []jen.Code
	args := jen.Id(prefix + "args")
	errID := jen.Id(prefix + "err")
	failed := func(index jen.Code) jen.Code {
		return jen.If(errID.Clone().Op("!=").Nil()).Block(fail(cr.qual(runtimePath, "DecodeFailed").Call(event, index, errID.Clone()))...)
	}
	for i, p := range ps {
		target := targets[i]
		switch {
		case p.variadic:
			out = append(out,
				jen.If(errID.Clone().Op(":=").Add(args.Clone()).Dot("Err").Call(), errID.Clone().Op("!=").Nil()).Block(
					fail(cr.qual(runtimePath, "DecodeFailed").Call(event, jen.Lit(i), errID.Clone()))...),
				jen.If(jen.Id(prefix+"n").Op(":=").Add(args.Clone()).Dot("Len").Call(), jen.Id(prefix+"n").Op(">").Lit(i)).Block(
					jen.Add(target).Op("=").Make(cr.typ(p.typ), jen.Id(prefix+"n").Op("-").Lit(i)),
					jen.For(jen.Id(prefix+"i").Op(":=").Range().Add(target)).Block(
						jen.List(jen.Id(prefix+"v"), errID.Clone()).Op(":=").Add(cr.positional(p.dec, jen.Lit(i).Op("+").Id(prefix+"i"))),
						failed(jen.Lit(i).Op("+").Id(prefix+"i")),
						jen.Add(target).Index(jen.Id(prefix+"i")).Op("=").Id(prefix+"v"),
					),
				))
		case p.optional:
			out = append(out, jen.If(cr.qual(runtimePath, "Present").Call(args.Clone(), jen.Lit(i))).Block(
				jen.List(jen.Id(prefix+"v"), errID.Clone()).Op(":=").Add(cr.positional(p.dec, jen.Lit(i))),
				failed(jen.Lit(i)),
				jen.Add(target).Op("=").Op("&").Id(prefix+"v"),
			))
		default:
			out = append(out, jen.Block(
				jen.List(jen.Id(prefix+"v"), errID.Clone()).Op(":=").Add(cr.positional(p.dec, jen.Lit(i))),
				failed(jen.Lit(i)),
				jen.Add(target).Op("=").Id(prefix+"v"),
			))
		}
	}
	return out
}

// onMethod renders the method registering the handler of an event the
// server sends.
func (cr *clientRenderer) onMethod(cc *clientConsumer, m *clientMethod) {
	e := m.emit
	ei := cc.c.emits
	sig := e.method.Type().(*types.Signature)
	iface := cc.pkg.Types.Name() + "." + ei.obj.Name() + "." + e.method.Name()

	// The handler's type: the event's arguments (named as the method's
	// parameters when they all can be), and the reply then an error when
	// acknowledged.
	var vars []*types.Var
	for i := range sig.Params().Len() {
		vars = append(vars, sig.Params().At(i))
	}
	named := true
	seen := map[string]bool{}
	for _, v := range vars {
		n := v.Name()
		if n == "" || n == "_" || seen[n] || types.Universe.Lookup(n) != nil || usesPackageNamed(sig, n) || reservedClientNames[n] {
			named = false
		}
		seen[n] = true
	}
	var hp []jen.Code
	for i, p := range e.params {
		var t jen.Code
		if p.variadic {
			t = jen.Op("...").Add(cr.typ(p.typ.(*types.Slice).Elem()))
		} else {
			t = cr.typ(p.typ)
		}
		if named {
			hp = append(hp, jen.Id(vars[i].Name()).Add(t))
		} else {
			hp = append(hp, t)
		}
	}
	var hr []jen.Code
	if e.ack {
		for _, p := range e.replies {
			hr = append(hr, cr.typ(p.typ))
		}
		hr = append(hr, jen.Error())
	}
	htype := jen.Func().Params(hp...)
	if len(hr) == 1 {
		htype = htype.Add(hr[0])
	} else if len(hr) > 1 {
		htype = htype.Params(hr...)
	}

	// The handler's body: decode, call, acknowledge.
	var targets []jen.Code
	var body []jen.Code
	if len(e.params) > 0 {
		body = append(body, jen.Id(prefix+"args").Op(":=").Id(prefix+"e").Dot("Args"))
	}
	var call []jen.Code
	for i, p := range e.params {
		v := jen.Id(fmt.Sprintf("%sa%d", prefix, i))
		targets = append(targets, v)
		body = append(body, jen.Var().Add(v.Clone()).Add(cr.typ(p.typ)))
		if p.variadic {
			call = append(call, v.Clone().Op("..."))
		} else {
			call = append(call, v.Clone())
		}
	}
	body = append(body, cr.decodeInto(e.params, targets, jen.Lit(e.name), func(err jen.Code) []jen.Code {
		return []jen.Code{jen.Id("c").Dot("fail").Call(err), jen.Return()}
	})...)
	doc := fmt.Sprintf("%s registers h, called with the arguments of each %q the server sends (%s)", m.name, e.name, iface)
	if !e.ack {
		body = append(body, jen.Id("h").Call(call...))
		doc += "; a nil h removes it."
	} else {
		var rs, ackArgs []jen.Code
		for i, p := range e.replies {
			id := jen.Id(fmt.Sprintf("%sr%d", prefix, i))
			rs = append(rs, id.Clone())
			ackArgs = append(ackArgs, cr.ackArg(p.typ, id.Clone()))
		}
		body = append(body,
			jen.List(append(rs, jen.Id(prefix+"err"))...).Op(":=").Id("h").Call(call...),
			jen.If(jen.Id(prefix+"err").Op("!=").Nil()).Block(
				jen.Id("c").Dot("fail").Call(cr.qual("fmt", "Errorf").Call(jen.Lit("handler of %q: %w"), jen.Lit(e.name), jen.Id(prefix+"err"))),
				jen.Return()),
			jen.If(jen.Op("!").Id(prefix+"e").Dot("WantsAck").Call()).Block(jen.Return()),
			jen.If(jen.Id(prefix+"err").Op(":=").Id(prefix+"e").Dot("Ack").Call(ackArgs...), jen.Id(prefix+"err").Op("!=").Nil()).Block(
				jen.Id("c").Dot("fail").Call(cr.qual("fmt", "Errorf").Call(jen.Lit("acknowledging %q: %w"), jen.Lit(e.name), jen.Id(prefix+"err")))),
		)
		if len(e.replies) == 0 {
			doc += ", whose acknowledgement the server waits for: it is sent once h returns nil"
		} else {
			doc += ", whose acknowledgement the server waits for: h's results are sent as its arguments when h returns a nil error"
		}
		doc += "; when h returns an error, none is sent (the server's wait ends with its context) and the error goes to OnError. A nil h removes it."
	}
	doc += " Handlers run one at a time on the Manager's dispatching goroutine (see package client)."
	var edoc string
	if e.doc != nil {
		edoc = strings.TrimSpace(e.doc.Text())
	}
	cr.comment(doc)
	cr.docLines(iface, edoc)
	cr.f.Func().Params(jen.Id("c").Op("*").Id(cc.name)).Id(m.name).Params(jen.Id("h").Add(htype)).Block(
		jen.If(jen.Id("h").Op("==").Nil()).Block(jen.Id("c").Dot("socket").Dot("Off").Call(jen.Lit(e.name)), jen.Return()),
		jen.Id("c").Dot("socket").Dot("On").Call(jen.Lit(e.name), jen.Func().Params(jen.Id(prefix+"e").Op("*").Add(cr.qual(clientPath, "Event"))).Block(body...)),
	)
}
