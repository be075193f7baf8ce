package gen

import (
	"go/parser"
	"go/token"
	"os/exec"
	"strings"
	"testing"
)

func TestFileConstraint(t *testing.T) {
	for _, tt := range []struct {
		name, src string
		want      string // fileConstraint.key()
	}{
		{"chat.go", "package p\n", ""},
		{"linux.go", "package p\n", ""}, // no _: no implied GOOS
		{"chat_linux.go", "package p\n", "linux"},
		{"chat_arm64.go", "package p\n", "arm64"},
		{"chat_darwin_arm64.go", "package p\n", "darwin && arm64"},
		{"chat_linux_test.go", "package p\n", "linux (test)"},
		{"chat_test.go", "package p\n", " (test)"},
		{"chat_unix.go", "package p\n", ""}, // unix is no file name suffix
		{"chat_foo.go", "package p\n", ""},
		{"chat.go", "//go:build linux || darwin\n\npackage p\n", "linux || darwin"},
		{"chat_amd64.go", "// Doc.\n\n//go:build linux || darwin\n\npackage p\n", "(linux || darwin) && amd64"},
		{"chat.go", "// +build linux darwin\n// +build amd64\n\npackage p\n", "(linux || darwin) && amd64"},
		{"chat.go", "package p\n\n//go:build linux\n", ""}, // after the package clause: a comment
	} {
		t.Run(tt.name+" "+strings.ReplaceAll(tt.src, "\n", " "), func(t *testing.T) {
			f, err := parser.ParseFile(token.NewFileSet(), tt.name, tt.src, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if got := (constraints{}).of("/x/"+tt.name, f).key(); got != tt.want {
				t.Errorf("constraint = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestKnownPlatforms: every GOOS and GOARCH of go tool dist list is one
// that file names imply, as go/build's own lists say.
func TestKnownPlatforms(t *testing.T) {
	out, err := exec.Command("go", "tool", "dist", "list").Output()
	if err != nil {
		t.Skipf("go tool dist list: %v", err)
	}
	for _, line := range strings.Fields(string(out)) {
		goos, goarch, _ := strings.Cut(line, "/")
		if !knownOS[goos] || !knownArch[goarch] {
			t.Errorf("%s is not in knownOS/knownArch", line)
		}
	}
}

func TestBuildLine(t *testing.T) {
	for _, tt := range []struct{ name, src, want string }{
		{"chat.go", "package p\n", "//go:build !siogen"},
		{"chat_linux.go", "package p\n", "//go:build !siogen && linux"},
		{"chat.go", "//go:build a || b\n\npackage p\n", "//go:build !siogen && (a || b)"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			f, err := parser.ParseFile(token.NewFileSet(), tt.name, tt.src, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			if got := buildLine((constraints{}).of("/x/"+tt.name, f).expr); got != tt.want {
				t.Errorf("buildLine = %q, want %q", got, tt.want)
			}
		})
	}
}
