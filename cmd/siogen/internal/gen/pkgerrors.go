package gen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// declaredNames returns the package-level names a generated file declares:
// those of content when it was rendered, or else (the analysis found
// mistakes) the names siogen would generate for a's consumers.
func declaredNames(a *analysis, content []byte) map[string]bool {
	names := map[string]bool{}
	if content != nil {
		f, err := parser.ParseFile(token.NewFileSet(), OutputName, content, parser.SkipObjectResolution)
		if err == nil {
			for _, d := range f.Decls {
				switch d := d.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil {
						names[d.Name.Name] = true
					}
				case *ast.GenDecl:
					for _, s := range d.Specs {
						switch s := s.(type) {
						case *ast.TypeSpec:
							names[s.Name.Name] = true
						case *ast.ValueSpec:
							for _, n := range s.Names {
								names[n.Name] = true
							}
						}
					}
				}
			}
			return names
		}
	}
	for _, c := range a.consumers {
		for _, g := range generatedNames(c) {
			names[g.name] = true
		}
	}
	for _, ei := range a.emits {
		for _, g := range emitsNames(ei) {
			names[g.name] = true
		}
	}
	names[prefix] = true // any name with the prefix
	return names
}

// isDeclared reports whether name is among names, as declaredNames returns
// them.
func isDeclared(names map[string]bool, name string) bool {
	return names[name] || (names[prefix] && strings.HasPrefix(name, prefix))
}

// packageErrors returns the load, syntax and type errors of pkg, positioned,
// except those siogen's outputs explain. Generated files are not loaded
// (siogen loads with -tags=siogen), so a reference from user code to a name a
// generated file declares is undefined: it is left out when the name is one
// declared (by the file being generated for the package, or for the imported
// package it is qualified with, when that package was loaded; of a package
// that was not, only its Register functions).
// Errors located in a generated file are left out too. Anything else, a
// user's typo included, is reported; when a file has syntax errors, only its
// first one.
func (r *reporter) packageErrors(pkg *packages.Package, declared map[string]map[string]bool) []error {
	syntax := map[string]*Error{} // file → its first syntax error
	for _, e := range pkg.Errors {
		if e.Kind != packages.ParseError {
			continue
		}
		pe, ok := r.packageError(e).(*Error)
		if !ok || r.inGenerated(pe.Pos.Filename) {
			continue
		}
		if first := syntax[pe.Pos.Filename]; first == nil || pe.Pos.Line < first.Pos.Line ||
			(pe.Pos.Line == first.Pos.Line && pe.Pos.Column < first.Pos.Column) {
			syntax[pe.Pos.Filename] = pe
		}
	}
	var errs []error
	for _, e := range syntax {
		errs = append(errs, e)
	}
	checked := len(pkg.TypeErrors) > 0 || len(syntax) > 0
	for _, e := range pkg.Errors {
		switch {
		case e.Kind == packages.ParseError:
			continue // above
		case e.Kind == packages.TypeError && len(pkg.TypeErrors) > 0:
			continue // below, from pkg.TypeErrors, with their token.Pos
		case e.Kind == packages.ListError && (strings.HasPrefix(e.Msg, "# "+pkg.PkgPath+"\n") || strings.HasPrefix(e.Msg, "# "+pkg.ID+"\n")) && checked:
			// The compiler's output for the export data the go command
			// builds: the same errors as the parser's or the type
			// checker's (of a test variant, "# p [p.test]").
			continue
		}
		err := r.packageError(e)
		if pe, ok := err.(*Error); ok && r.inGenerated(pe.Pos.Filename) {
			continue
		}
		errs = append(errs, err)
	}
	if len(syntax) > 0 {
		// A file's first syntax error only, and no type errors, as the
		// compiler does: the rest are mostly echoes of the first.
		return errs
	}
	for _, te := range pkg.TypeErrors {
		p := r.position(te.Fset, te.Pos)
		if r.inGenerated(p.Filename) || generatedReference(pkg, te, declared) {
			continue
		}
		errs = append(errs, &Error{Pos: p, Msg: te.Msg})
	}
	return errs
}

// inGenerated reports whether the file (relative to r.dir or absolute) was
// written by siogen.
func (r *reporter) inGenerated(name string) bool {
	if name == "" {
		return false
	}
	if !filepath.IsAbs(name) {
		name = filepath.Join(r.dir, name)
	}
	return IsGenerated(name)
}

// generatedReference reports whether te is "undefined: N" or
// "undefined: p.N" for a name N a generated file declares.
func generatedReference(pkg *packages.Package, te types.Error, declared map[string]map[string]bool) bool {
	name, ok := strings.CutPrefix(te.Msg, "undefined: ")
	if !ok {
		return false
	}
	qual, sel, qualified := strings.Cut(name, ".")
	if !qualified {
		return isDeclared(declared[pkg.PkgPath], name)
	}
	// Find the package the selector's qualifier names.
	var path string
	for _, f := range pkg.Syntax {
		if f.Pos() > te.Pos || te.Pos > f.End() {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			s, ok := n.(*ast.SelectorExpr)
			if !ok || s.Sel.Pos() != te.Pos {
				return path == ""
			}
			if x, ok := s.X.(*ast.Ident); ok && x.Name == qual {
				if pn, ok := pkg.TypesInfo.Uses[x].(*types.PkgName); ok {
					path = pn.Imported().Path()
				}
			}
			return false
		})
	}
	if path == "" {
		return false
	}
	names, loaded := declared[path]
	if !loaded {
		// Not analysed in this run: only names of the forms of its
		// Register functions, its constants and its emitters' types are taken as
		// generated.
		return strings.HasPrefix(sel, "Register") || strings.HasSuffix(sel, "Event") || strings.HasSuffix(sel, "Namespace") ||
			strings.HasSuffix(sel, "Emitter") || strings.HasSuffix(sel, "Reply")
	}
	return isDeclared(names, sel)
}

// packageError converts an error of packages.Load to a positioned [Error]
// when it has a position, and to an unpositioned one otherwise (the go
// command's "-" is no position).
func (r *reporter) packageError(e packages.Error) error {
	pos := e.Pos
	if pos == "" || pos == "-" {
		return &Error{Msg: e.Msg}
	}
	// file:line:col or file:line; the file name may hold colons.
	p := token.Position{Filename: pos}
	if i := strings.LastIndexByte(pos, ':'); i > 0 {
		if n, err := strconv.Atoi(pos[i+1:]); err == nil {
			p.Filename, p.Line = pos[:i], n
			if j := strings.LastIndexByte(p.Filename, ':'); j > 0 {
				if m, err := strconv.Atoi(p.Filename[j+1:]); err == nil {
					p.Filename, p.Line, p.Column = p.Filename[:j], m, n
				}
			}
		}
	}
	p.Filename = relTo(r.dir, p.Filename)
	return &Error{Pos: p, Msg: e.Msg}
}
