package siotest_test

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var fromRE = regexp.MustCompile(`^<!--\s*from:\s*(\S+)\s*-->$`)

// TestDocSnippetsAreTested checks that each Go block of docs/testing.md is
// a piece of the test file its <!-- from: PATH --> marker names, lines
// whole and indentation included, so that the guide shows code that runs.
func TestDocSnippetsAreTested(t *testing.T) {
	root := filepath.Join("..")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "testing.md"))
	if err != nil {
		t.Fatal(err)
	}
	type block struct {
		line       int
		from, body string
	}
	var (
		blocks  []block
		cur     *block
		body    strings.Builder
		pending string
	)
	sc := bufio.NewScanner(bytes.NewReader(doc))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur != nil && strings.TrimSpace(line) == "```":
			cur.body = body.String()
			blocks = append(blocks, *cur)
			cur = nil
		case cur != nil:
			body.WriteString(line + "\n")
		case line == "```go":
			cur = &block{line: n, from: pending}
			body.Reset()
		case fromRE.MatchString(line):
			pending = fromRE.FindStringSubmatch(line)[1]
			continue
		}
		if strings.TrimSpace(line) != "" {
			pending = ""
		}
	}
	if len(blocks) < 5 {
		t.Fatalf("docs/testing.md has %d Go blocks, want the guide's snippets", len(blocks))
	}
	for _, b := range blocks {
		if b.from == "" {
			t.Errorf("docs/testing.md:%d: Go block without <!-- from: PATH -->", b.line)
			continue
		}
		src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(b.from)))
		if err != nil {
			t.Errorf("docs/testing.md:%d: %v", b.line, err)
			continue
		}
		if !strings.HasSuffix(b.from, "_test.go") {
			t.Errorf("docs/testing.md:%d: %s is not a test file", b.line, b.from)
		}
		if !strings.Contains("\n"+string(src), "\n"+b.body) {
			t.Errorf("docs/testing.md:%d: this block is not in %s (update the one or the other):\n%s", b.line, b.from, b.body)
		}
	}
}
