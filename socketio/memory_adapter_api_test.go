package socketio

import (
	"go/ast"
	"go/types"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// memoryAdapterFiles are the files of MemoryAdapter: what they declare is
// the adapter's own.
var memoryAdapterFiles = []string{"memory_adapter.go", "memory_recovery.go"}

// TestMemoryAdapterUsesExportedAPI type-checks the package and fails for
// every unexported name of package socketio that MemoryAdapter's files use
// but do not declare (a Socket field, a Namespace method, a helper of
// another file): the adapter must see its namespace only through
// AdapterNamespace and the sockets' exported methods, as an adapter of
// another package would.
func TestMemoryAdapterUsesExportedAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the package")
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo, Dir: "."}
	pkgs, err := packages.Load(cfg, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(pkgs) != 1 || len(pkgs[0].Errors) > 0 {
		t.Fatalf("loading the package: %v", pkgs)
	}
	pkg := pkgs[0]
	own := func(pos string) bool { return slices.Contains(memoryAdapterFiles, filepath.Base(pos)) }
	checked := 0
	for _, f := range pkg.Syntax {
		file := pkg.Fset.File(f.Pos()).Name()
		if !own(file) {
			continue
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok {
				return true
			}
			obj := pkg.TypesInfo.Uses[id]
			if obj == nil || obj.Pkg() != pkg.Types || obj.Exported() {
				return true
			}
			if _, isLabel := obj.(*types.Label); isLabel {
				return true
			}
			decl := pkg.Fset.Position(obj.Pos()).Filename
			if !own(decl) {
				t.Errorf("%s: uses %s, declared in %s: not part of the exported API", pkg.Fset.Position(id.Pos()), id.Name, filepath.Base(decl))
			}
			return true
		})
	}
	if checked != len(memoryAdapterFiles) {
		t.Fatalf("checked %d files, want %s", checked, strings.Join(memoryAdapterFiles, ", "))
	}
}
