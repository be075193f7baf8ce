package gen

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/build"
	"go/build/constraint"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Build constraints of consumers' files.
//
// A consumer's generated code compiles only where the consumer's type and
// methods do: it carries the effective constraint of the file that declares
// the consumer, the file's //go:build expression AND the GOOS/GOARCH its
// name implies (foo_linux.go, foo_darwin_arm64.go), as go/build reads them.
// Consumers of unconstrained files go to sio_gen.go; those of a constrained
// file to a file named after it (see outputName), carrying
// //go:build !siogen && <constraint>.

// fileConstraint is what siogen needs to know of one Go file.
type fileConstraint struct {
	expr constraint.Expr // nil: none
	test bool            // a _test.go file
}

// key identifies the constraint for comparisons: two files with equal keys
// build under the same conditions.
func (fc fileConstraint) key() string {
	s := ""
	if fc.expr != nil {
		s = fc.expr.String()
	}
	if fc.test {
		s += " (test)"
	}
	return s
}

// describe says what fc is, for messages.
func (fc fileConstraint) describe() string {
	var parts []string
	if fc.expr != nil {
		parts = append(parts, "build constraint "+fc.expr.String())
	} else {
		parts = append(parts, "no build constraint")
	}
	if fc.test {
		parts = append(parts, "a _test.go file")
	}
	return strings.Join(parts, ", ")
}

// constraints reads and caches the constraints of files.
type constraints map[string]fileConstraint

// of returns the effective constraint of the file at path; f is its syntax
// tree when loaded (nil: the file's header is read from disk).
func (cs constraints) of(path string, f *ast.File) fileConstraint {
	if fc, ok := cs[path]; ok {
		return fc
	}
	if f == nil {
		f, _ = parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly|parser.ParseComments)
	}
	fc := fileConstraint{test: strings.HasSuffix(filepath.Base(path), "_test.go")}
	if f != nil {
		fc.expr = headerConstraint(f)
	}
	if name := nameConstraint(filepath.Base(path)); name != nil {
		switch {
		case fc.expr == nil:
			fc.expr = name
		case fc.expr.String() == name.String():
			// events_linux.go with //go:build linux: say linux once.
		default:
			fc.expr = &constraint.AndExpr{X: fc.expr, Y: name}
		}
	}
	cs[path] = fc
	return fc
}

// headerConstraint returns the expression of f's //go:build line (or of its
// // +build lines, AND'ed, when it has none), as go/build reads it: in the
// comments before the package clause.
func headerConstraint(f *ast.File) constraint.Expr {
	var plus constraint.Expr
	for _, cg := range f.Comments {
		if cg.Pos() >= f.Package {
			break
		}
		for _, c := range cg.List {
			switch {
			case constraint.IsGoBuild(c.Text):
				if x, err := constraint.Parse(c.Text); err == nil {
					return x
				}
			case constraint.IsPlusBuild(c.Text):
				if x, err := constraint.Parse(c.Text); err == nil {
					if plus == nil {
						plus = x
					} else {
						plus = &constraint.AndExpr{X: plus, Y: x}
					}
				}
			}
		}
	}
	return plus
}

// nameConstraint returns the constraint a file name implies (_GOOS,
// _GOARCH, _GOOS_GOARCH before .go or _test.go), following go/build's
// goodOSArchFile; nil when it implies none.
func nameConstraint(name string) constraint.Expr {
	name, _, _ = strings.Cut(name, ".")
	i := strings.Index(name, "_")
	if i < 0 {
		return nil
	}
	l := strings.Split(name[i:], "_")
	if n := len(l); n > 0 && l[n-1] == "test" {
		l = l[:n-1]
	}
	n := len(l)
	if n >= 2 && knownOS[l[n-2]] && knownArch[l[n-1]] {
		return &constraint.AndExpr{X: &constraint.TagExpr{Tag: l[n-2]}, Y: &constraint.TagExpr{Tag: l[n-1]}}
	}
	if n >= 1 && (knownOS[l[n-1]] || knownArch[l[n-1]]) {
		return &constraint.TagExpr{Tag: l[n-1]}
	}
	return nil
}

// knownOS and knownArch are the GOOS and GOARCH values go/build recognises
// in file names (its internal/syslist, as of Go 1.26).
var (
	knownOS = setOf("aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
		"linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos")
	knownArch = setOf("386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips",
		"mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv",
		"riscv64", "s390", "s390x", "sparc", "sparc64", "wasm")
)

func setOf(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

// buildLine returns the //go:build line of a generated file whose
// consumers' files have the constraint x (nil: none). Every generated file
// carries !siogen.
func buildLine(x constraint.Expr) string {
	not := &constraint.NotExpr{X: &constraint.TagExpr{Tag: BuildTag}}
	if x == nil {
		return "//go:build " + not.String()
	}
	return "//go:build " + (&constraint.AndExpr{X: not, Y: x}).String()
}

// buildContext says which files the go command builds in the loaded
// configuration: GOOS, GOARCH and cgo as `go env` reports them (with
// Config.Env), the tags of Config.Tags; siogen's own tag is not set, so a
// generated file matches when it would be built.
type buildContext struct {
	dir  string
	env  []string
	tags []string

	ctxt *build.Context // nil until needed
	err  error
}

// matches reports whether the go command builds the file at path in the
// loaded configuration.
func (b *buildContext) matches(path string) (bool, error) {
	if b.ctxt == nil && b.err == nil {
		b.ctxt, b.err = goEnvContext(b.dir, b.env, b.tags)
	}
	if b.err != nil {
		return false, b.err
	}
	return b.ctxt.MatchFile(filepath.Dir(path), filepath.Base(path))
}

// goEnvContext returns go/build's context for the go command's GOOS,
// GOARCH and CGO_ENABLED (which `go env -w` may set, so the environment
// alone does not say).
func goEnvContext(dir string, env, tags []string) (*build.Context, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "env", "GOOS", "GOARCH", "CGO_ENABLED")
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("siogen: go env: %v: %s", err, bytes.TrimSpace(stderr.Bytes()))
	}
	var vals []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		vals = append(vals, strings.TrimSpace(sc.Text()))
	}
	if len(vals) != 3 {
		return nil, fmt.Errorf("siogen: go env GOOS GOARCH CGO_ENABLED printed %q", out)
	}
	c := build.Default
	c.GOOS, c.GOARCH, c.CgoEnabled = vals[0], vals[1], vals[2] == "1"
	c.BuildTags = tags
	c.Dir = dir
	return &c, nil
}
