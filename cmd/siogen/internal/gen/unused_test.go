package gen

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"testing"
)

// TestGeneratedParamsUsed checks every golden sio_gen.go for parameters
// (receivers included) that a generated function or function literal
// declares but does not use: generated code names those _ or drops them.
// The check is syntactic: a name counts as used when an identifier in the
// body spells it, which generated code's prefixed names make unambiguous.
func TestGeneratedParamsUsed(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "testdata", "*", "want", OutputName))
	if err != nil {
		t.Fatal(err)
	}
	// The typed clients (siogen -client) too.
	clients, err := filepath.Glob(filepath.Join("..", "..", "testdata", "*", "want", "client_sio_gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, clients...)
	if len(files) == 0 {
		t.Fatal("no golden outputs")
	}
	for _, path := range files {
		t.Run(filepath.Base(filepath.Dir(filepath.Dir(path)))+"/"+filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			check := func(name string, lists []*ast.FieldList, body *ast.BlockStmt) {
				if body == nil {
					return
				}
				used := map[string]bool{}
				ast.Inspect(body, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok {
						used[id.Name] = true
					}
					return true
				})
				for _, l := range lists {
					if l == nil {
						continue
					}
					for _, field := range l.List {
						for _, id := range field.Names {
							if id.Name != "_" && !used[id.Name] {
								t.Errorf("%s: %s does not use its parameter %s", fset.Position(id.Pos()), name, id.Name)
							}
						}
					}
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncDecl:
					check(n.Name.Name, []*ast.FieldList{n.Recv, n.Type.Params}, n.Body)
				case *ast.FuncLit:
					check("a function literal", []*ast.FieldList{n.Type.Params}, n.Body)
				}
				return true
			})
		})
	}
}
