package gen

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// methodSets classifies the methods of consumers: the method set of *T,
// which has the methods declared on T (or on an alias of T) and those
// promoted from T's embedded fields, as Go resolves them.
type methodSets struct {
	pkg       *packages.Package
	r         *reporter
	eventDirs map[*types.Func]*directive // the //sio:event of the package's methods
	used      map[*types.Func]bool       // the methods of eventDirs some consumer has
	files     map[string]*parsedFile     // files of other packages, parsed for doc comments
	warned    map[string]bool            // the packages already warned about
	dirs      map[string]listedDir       // by import path, from go list
}

type listedDir struct {
	dir string
	std bool
}

func newMethodSets(pkg *packages.Package, r *reporter, eventDirs map[*types.Func]*directive) *methodSets {
	return &methodSets{pkg: pkg, r: r, eventDirs: eventDirs, used: map[*types.Func]bool{},
		files: map[string]*parsedFile{}, warned: map[string]bool{}, dirs: map[string]listedDir{}}
}

// parsedFile is a file of another package, parsed on demand.
type parsedFile struct {
	f   *ast.File
	err error
}

// classify classifies every method of c: handlers and hooks go to c,
// mistakes to errorf.
func (m *methodSets) classify(c *consumer, errorf, warnf func(token.Pos, string, ...any)) {
	set := types.NewMethodSet(types.NewPointer(c.obj.Type()))
	for i := range set.Len() {
		sel := set.At(i)
		fn, ok := sel.Obj().(*types.Func)
		if !ok {
			continue
		}
		origin := fn.Origin()
		foreign := origin.Pkg() != m.pkg.Types
		if foreign && !fn.Exported() {
			continue // c's package cannot call it
		}
		via := embedPath(c.obj.Type(), sel.Index())
		var eventDir *directive
		report := errorf
		if foreign {
			eventDir = m.foreignEventDir(c, fn, via, errorf, warnf)
			// The method's file is not the user's to edit: report at the
			// embedded field of c that promotes it.
			field := embeddedField(c.obj.Type(), sel.Index()[0])
			recv := types.TypeString(fn.Type().(*types.Signature).Recv().Type(), qualifier(m.pkg.Types))
			report = func(pos token.Pos, format string, args ...any) {
				errorf(field.Pos(), "promoted from %s (%s): %s; or give the embedded field a name, so that it promotes no methods to %s",
					strings.TrimPrefix(recv, "*"), m.r.rel(m.pkg.Fset, pos), fmt.Sprintf(format, args...), c.obj.Name())
			}
		} else if d := m.eventDirs[origin]; d != nil {
			eventDir = d
			m.used[origin] = true
		}
		methodOf(m.pkg, c, fn, via, eventDir, report)
	}
	m.ambiguities(c, set, errorf)
}

// embedPath returns the embedded fields a method at index (a
// [types.Selection.Index]) of t is promoted through, joined by ".", or ""
// for a method of t itself.
func embedPath(t types.Type, index []int) string {
	var names []string
	for _, i := range index[:len(index)-1] {
		if p, ok := types.Unalias(t).(*types.Pointer); ok {
			t = p.Elem()
		}
		st, ok := t.Underlying().(*types.Struct)
		if !ok {
			break
		}
		f := st.Field(i)
		names = append(names, f.Name())
		t = f.Type()
	}
	return strings.Join(names, ".")
}

// embeddedField returns field i of the struct type t.
func embeddedField(t types.Type, i int) *types.Var {
	return t.Underlying().(*types.Struct).Field(i)
}

// foreignEventDir returns the //sio:event directive of fn, a method of
// another package promoted into c. That package comes from export data,
// without syntax: the file declaring fn is parsed for its doc comment.
//
// The standard library has no directives, and a method of an interface no
// declaration: neither is read.
func (m *methodSets) foreignEventDir(c *consumer, fn *types.Func, via string, errorf, warnf func(token.Pos, string, ...any)) *directive {
	if types.IsInterface(fn.Type().(*types.Signature).Recv().Type()) {
		return nil
	}
	doc, err := m.docOf(fn)
	if err != nil {
		if !m.warned[fn.Pkg().Path()] {
			m.warned[fn.Pkg().Path()] = true
			warnf(c.obj.Pos(), "%s: cannot read the doc comments of the methods it promotes from %s: %v; a //sio:event there is not honoured", c.obj.Name(), fn.Pkg().Path(), err)
		}
		return nil
	}
	if doc == nil {
		return nil
	}
	var dir *directive
	for _, cm := range doc.List {
		d, ok := ast.ParseDirective(cm.Slash, cm.Text)
		if !ok || d.Tool != "sio" || d.Name != "event" {
			continue
		}
		args, err := d.ParseArgs()
		if err != nil {
			errorf(d.ArgsPos, "cannot parse the arguments of //sio:%s: %v; write space-separated words or quoted Go strings", d.Name, err)
			return nil
		}
		if dir != nil {
			errorf(d.Slash, "%s has a second //sio:event; a handler handles one event: keep one", fn.Name())
			return nil
		}
		dir = &directive{d: d, args: args, used: true}
	}
	return dir
}

// docOf returns the doc comment of fn, declared in a file of another
// package, parsed on demand into the package's file set.
func (m *methodSets) docOf(fn *types.Func) (*ast.CommentGroup, error) {
	fset := m.pkg.Fset
	pos := fset.Position(fn.Pos())
	if !pos.IsValid() || pos.Filename == "" {
		return nil, fmt.Errorf("the position of %s is unknown", fn.Name())
	}
	if strings.HasPrefix(pos.Filename, "$GOROOT/") || strings.HasPrefix(pos.Filename, `$GOROOT\`) {
		return nil, nil // the standard library (export data names its files so)
	}
	pf := m.files[pos.Filename]
	if pf == nil {
		name := pos.Filename
		if _, err := os.Stat(name); err != nil {
			// Built with -trimpath, export data names files by import
			// path: find the package's directory with the go command.
			dir, std := m.packageDir(fn.Pkg().Path())
			if std {
				return nil, nil
			}
			if dir != "" {
				name = filepath.Join(dir, filepath.Base(pos.Filename))
			}
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		pf = &parsedFile{f: f, err: err}
		m.files[pos.Filename] = pf
	}
	if pf.err != nil {
		return nil, pf.err
	}
	for _, decl := range pf.f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if ok && fd.Recv != nil && fd.Name.Name == fn.Name() && fset.Position(fd.Name.Pos()).Line == pos.Line {
			return fd.Doc, nil
		}
	}
	return nil, fmt.Errorf("%s:%d does not declare %s", pos.Filename, pos.Line, fn.Name())
}

// packageDir returns the directory of the package path (by go list, in
// the working directory), or "", and whether it is in the standard
// library.
func (m *methodSets) packageDir(path string) (dir string, std bool) {
	if d, ok := m.dirs[path]; ok {
		return d.dir, d.std
	}
	cmd := exec.Command("go", "list", "-f", "{{.Standard}} {{.Dir}}", "--", path)
	cmd.Dir = m.r.dir
	out, err := cmd.Output()
	if err == nil {
		s, d, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
		dir, std = d, s == "true"
	}
	m.dirs[path] = listedDir{dir, std}
	return dir, std
}

// ambiguities reports the hooks and handlers that two embedded fields of c
// promote at the same depth: Go leaves such an ambiguous selector out of
// the method set, so the handler would silently not be one.
func (m *methodSets) ambiguities(c *consumer, set *types.MethodSet, errorf func(token.Pos, string, ...any)) {
	type promoted struct {
		fn    *types.Func
		via   string
		depth int
	}
	byName := map[string][]promoted{}
	onPath := map[*types.Named]bool{} // the named types being walked, against embedding cycles
	var walk func(t types.Type, via string, depth int)
	walk = func(t types.Type, via string, depth int) {
		st, ok := t.Underlying().(*types.Struct)
		if !ok || depth > 10 {
			return
		}
		for i := range st.NumFields() {
			f := st.Field(i)
			if !f.Embedded() {
				continue
			}
			ft := types.Unalias(f.Type())
			if p, ok := ft.(*types.Pointer); ok {
				ft = types.Unalias(p.Elem())
			}
			named, ok := ft.(*types.Named)
			if !ok || onPath[named] {
				continue
			}
			path := f.Name()
			if via != "" {
				path = via + "." + path
			}
			add := func(fn *types.Func) {
				if fn.Exported() || fn.Pkg() == m.pkg.Types {
					byName[fn.Name()] = append(byName[fn.Name()], promoted{fn, path, depth})
				}
			}
			if iface, ok := named.Underlying().(*types.Interface); ok {
				for j := range iface.NumMethods() {
					add(iface.Method(j))
				}
				continue
			}
			for j := range named.NumMethods() {
				add(named.Method(j))
			}
			onPath[named] = true
			walk(named, path, depth+1)
			onPath[named] = false
		}
	}
	walk(c.obj.Type(), "", 1)

	ptr := types.NewPointer(c.obj.Type())
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		all := byName[name]
		if set.Lookup(all[0].fn.Pkg(), name) != nil {
			continue
		}
		depth := slices.MinFunc(all, func(x, y promoted) int { return cmp.Compare(x.depth, y.depth) }).depth
		var same []promoted
		relevant := name == hookConnect || name == hookDisconnect || name == hookOnAny || name == hookDecodeError || strings.HasPrefix(name, "Event")
		for _, p := range all {
			if p.depth == depth {
				same = append(same, p)
				if d := m.eventDirs[p.fn.Origin()]; d != nil {
					relevant = true
					m.used[p.fn.Origin()] = true
				}
			}
		}
		if !relevant || len(same) < 2 {
			continue
		}
		if obj, index, _ := types.LookupFieldOrMethod(ptr, false, all[0].fn.Pkg(), name); obj != nil || index == nil {
			continue // not ambiguous: a field of a shallower depth hides it
		}
		froms := make([]string, len(same))
		for i, p := range same {
			froms[i] = fmt.Sprintf("%s (%s)", p.via, m.r.rel(m.pkg.Fset, p.fn.Pos()))
		}
		errorf(c.obj.Pos(), "%s: %s is promoted from both %s at the same depth, so Go's selector %s.%s is ambiguous and %s has no method %s to call; declare %s on %s to choose one",
			c.obj.Name(), name, strings.Join(froms, " and "), c.obj.Name(), name, c.obj.Name(), name, name, c.obj.Name())
	}
}

// unexported returns a named type in t of another package than pkg that
// its package does not export (code in pkg cannot name it), or nil.
func unexported(t types.Type, pkg *types.Package, depth int) *types.TypeName {
	if depth > 10 {
		return nil
	}
	check := func(obj *types.TypeName, args *types.TypeList) *types.TypeName {
		if obj.Pkg() != nil && obj.Pkg() != pkg && !obj.Exported() {
			return obj
		}
		for i := range args.Len() {
			if tn := unexported(args.At(i), pkg, depth+1); tn != nil {
				return tn
			}
		}
		return nil
	}
	switch t := t.(type) {
	case *types.Alias:
		return check(t.Obj(), t.TypeArgs())
	case *types.Named:
		return check(t.Obj(), t.TypeArgs())
	case *types.Pointer:
		return unexported(t.Elem(), pkg, depth+1)
	case *types.Slice:
		return unexported(t.Elem(), pkg, depth+1)
	case *types.Array:
		return unexported(t.Elem(), pkg, depth+1)
	case *types.Map:
		if tn := unexported(t.Key(), pkg, depth+1); tn != nil {
			return tn
		}
		return unexported(t.Elem(), pkg, depth+1)
	case *types.Chan:
		return unexported(t.Elem(), pkg, depth+1)
	case *types.Signature:
		for _, tup := range []*types.Tuple{t.Params(), t.Results()} {
			for i := range tup.Len() {
				if tn := unexported(tup.At(i).Type(), pkg, depth+1); tn != nil {
					return tn
				}
			}
		}
	case *types.Struct:
		for i := range t.NumFields() {
			if tn := unexported(t.Field(i).Type(), pkg, depth+1); tn != nil {
				return tn
			}
		}
	}
	return nil
}
