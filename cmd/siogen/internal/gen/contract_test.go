package gen

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// npmDir holds the npm packages the outputs are checked with (package.json
// and package-lock.json; make deps installs them with npm ci).
const npmDir = "testdata/npm"

// caseOutputs returns the TypeScript and AsyncAPI files a golden case
// generates (want/outputs.txt), or "".
func caseOutputs(t *testing.T, wantDir string) (ts, asyncapi string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(wantDir, "outputs.txt"))
	if os.IsNotExist(err) {
		return "", ""
	} else if err != nil {
		t.Fatal(err)
	}
	for _, name := range strings.Fields(string(b)) {
		if strings.HasSuffix(name, ".ts") {
			ts = name
		} else {
			asyncapi = name
		}
	}
	return ts, asyncapi
}

// requireNPM returns the absolute path of npmDir's node_modules, or skips
// the test when node or the packages are missing (fails it when CI=true).
func requireNPM(t *testing.T) string {
	t.Helper()
	modules, err := filepath.Abs(filepath.Join(npmDir, "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not installed"
	} else {
		for _, p := range []string{"typescript", "socket.io-client", "@asyncapi/parser", "ajv", "ajv-formats"} {
			if _, err := os.Stat(filepath.Join(modules, p)); err != nil {
				missing = "cmd/siogen/internal/gen/" + npmDir + "/node_modules lacks " + p + " (run: make deps)"
				break
			}
		}
	}
	if missing != "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s", missing)
		}
		t.Skipf("%s", missing)
	}
	return modules
}

// runNode runs a Node.js program and returns its combined output and whether
// it exited 0.
func runNode(t *testing.T, dir string, args ...string) (string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("node %s: %v\n%s", strings.Join(args, " "), ctx.Err(), out)
	}
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("node %s: %v", strings.Join(args, " "), err)
	}
	return string(out), err == nil
}

var tscLine = regexp.MustCompile(`^(\S+?)\((\d+),(\d+)\): error (TS\d+): `)

// TestContractOutputs checks the TypeScript and AsyncAPI outputs of the
// golden cases with want/outputs.txt, with the tools their users have:
//
//   - tsc --noEmit (strict) compiles the .ts with the real socket.io-client
//     typings, with the case's client*.ts files (which must compile) and
//     bad*.ts files (each must fail: want/tsc.txt holds the errors), and
//     with the values of want/run.txt ("Type JSON" lines that run.go prints
//     with encoding/json) as values of their TypeScript types;
//   - the official @asyncapi/parser parses the document without errors, as
//     YAML and as JSON into the same document, and rejects a broken copy;
//   - ajv validates want/run.txt's values against the document's schemas.
func TestContractOutputs(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("..", "..", "testdata", "*", "want", "outputs.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no golden case with want/outputs.txt")
	}
	modules := requireNPM(t)
	npm := filepath.Dir(modules)
	for _, outputs := range cases {
		wantDir, err := filepath.Abs(filepath.Dir(outputs))
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Dir(wantDir)
		if _, err := os.Stat(filepath.Join(wantDir, "errors.txt")); err == nil {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			ts, asyncapi := caseOutputs(t, wantDir)
			samples, _ := os.ReadFile(filepath.Join(wantDir, "run.txt"))
			if ts != "" {
				checkTS(t, modules, dir, filepath.Join(wantDir, ts), samples)
			}
			if asyncapi != "" {
				checkAsyncAPI(t, npm, dir, filepath.Join(wantDir, asyncapi), samples)
			}
		})
	}
}

// checkTS compiles the TypeScript declarations at ts with the case's
// clients and the samples.
func checkTS(t *testing.T, modules, dir, ts string, samples []byte) {
	tmp := t.TempDir()
	files := []string{ts}
	clients, _ := filepath.Glob(filepath.Join(dir, "*.ts"))
	files = append(files, clients...)
	var bad []string
	for _, c := range clients {
		if strings.HasPrefix(filepath.Base(c), "bad") {
			bad = append(bad, filepath.Base(c))
		}
	}
	if len(samples) > 0 {
		rel, err := filepath.Rel(tmp, strings.TrimSuffix(ts, ".ts"))
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "import type * as C from %q;\n", filepath.ToSlash(rel))
		for i, line := range strings.Split(strings.TrimSpace(string(samples)), "\n") {
			name, value, _ := strings.Cut(line, " ")
			fmt.Fprintf(&b, "export const sample%d: C.%s = %s;\n", i+1, name, value)
		}
		p := filepath.Join(tmp, "samples.ts")
		if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	config := fmt.Sprintf(`{
  "compilerOptions": {
    "strict": true, "noEmit": true, "target": "es2022", "module": "esnext",
    "moduleResolution": "bundler", "types": [], "noUnusedLocals": false,
    "paths": {"*": [%q]}
  },
  "files": [%s]
}`, filepath.ToSlash(modules)+"/*", quoteAll(files))
	cfgPath := filepath.Join(tmp, "tsconfig.json")
	if err := os.WriteFile(cfgPath, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	out, ok := runNode(t, dir, filepath.Join(modules, "typescript", "bin", "tsc"), "-p", cfgPath, "--pretty", "false")
	// Each error belongs to a bad*.ts file; each of those has one.
	var errs strings.Builder
	failing := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		m := tscLine.FindStringSubmatch(line)
		if m == nil {
			if strings.TrimSpace(line) != "" && !strings.HasPrefix(line, " ") {
				t.Errorf("tsc: %s", line)
			}
			continue
		}
		file := filepath.Base(m[1])
		if !slices.Contains(bad, file) {
			t.Errorf("tsc: %s", line)
			continue
		}
		failing[file] = true
		errs.WriteString(strings.Replace(line, m[1], file, 1) + "\n")
	}
	for _, b := range bad {
		if !failing[b] {
			t.Errorf("%s compiles, but must not: its types do not bite", b)
		}
	}
	if len(bad) == 0 && !ok {
		t.Errorf("tsc failed:\n%s", out)
	}
	if len(bad) > 0 {
		golden(t, filepath.Join(dir, "want", "tsc.txt"), []byte(errs.String()))
	}
}

func quoteAll(paths []string) string {
	var q []string
	for _, p := range paths {
		q = append(q, fmt.Sprintf("%q", filepath.ToSlash(p)))
	}
	return strings.Join(q, ", ")
}

// checkAsyncAPI parses the document at doc (and its JSON rendering, when
// doc is YAML) with the official parser, and validates the samples
// against its schemas.
func checkAsyncAPI(t *testing.T, npm, dir, doc string, samples []byte) {
	tmp := t.TempDir()
	jsonDoc := doc
	if !strings.HasSuffix(doc, ".json") {
		jsonDoc = filepath.Join(tmp, "asyncapi.json")
		files, errs := Generate(&Config{Dir: dir, Patterns: []string{"."}, AsyncAPI: jsonDoc})
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		i := slices.IndexFunc(files, func(f File) bool { return f.Path == jsonDoc })
		if i < 0 {
			t.Fatal("no JSON document generated")
		}
		if err := os.WriteFile(jsonDoc, files[i].Content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, ok := runNode(t, npm, "validate.mjs", doc, jsonDoc)
	if !ok {
		t.Errorf("@asyncapi/parser rejects the document:\n%s", out)
	} else {
		t.Logf("@asyncapi/parser:\n%s", out)
	}

	// The parser bites: a document with a wrong schema type fails.
	content, err := os.ReadFile(jsonDoc)
	if err != nil {
		t.Fatal(err)
	}
	broken := bytes.Replace(content, []byte(`"type": "array"`), []byte(`"type": 5`), 1)
	if bytes.Equal(broken, content) {
		t.Fatal("the document has no array schema to break")
	}
	brokenPath := filepath.Join(tmp, "broken.json")
	if err := os.WriteFile(brokenPath, broken, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, ok := runNode(t, npm, "validate.mjs", brokenPath); ok {
		t.Errorf("@asyncapi/parser accepts a document with \"type\": 5:\n%s", out)
	}

	if len(samples) > 0 {
		samplesPath := filepath.Join(tmp, "samples.txt")
		if err := os.WriteFile(samplesPath, samples, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, ok := runNode(t, npm, "samples.mjs", jsonDoc, samplesPath); !ok {
			t.Errorf("encoding/json's values do not match the document's schemas:\n%s", out)
		}
	}
}

// TestContractFiles checks that the TypeScript and AsyncAPI files are
// written, checked for drift and never written over a file siogen did not
// write, in each format.
func TestContractFiles(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "contract_packages"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		ts          bool   // the file is the TypeScript output
		first       string // the start of the output
		handWritten string
	}{
		{"contract.ts", true, Header + "\n", "// My own types.\nexport type X = number;\n"},
		{"asyncapi.yaml", false, "# " + headerText + "\n", "asyncapi: 3.0.0\n"},
		{"ASYNCAPI.YML", false, "# " + headerText + "\n", "# Code generated by hand.\n"},
		{"asyncapi.json", false, "{\n  \"x-generated\": \"" + headerText + "\",\n  \"asyncapi\": \"3.0.0\",\n", "{\"asyncapi\": \"3.0.0\"}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), tc.name)
			cfg := &Config{Dir: dir, Patterns: []string{"."}}
			if tc.ts {
				cfg.TypeScript = out
			} else {
				cfg.AsyncAPI = out
			}
			files, errs := Generate(cfg)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			var mine []File
			for _, f := range files {
				if f.Path == out {
					mine = append(mine, f)
				}
			}
			if len(mine) != 1 || !strings.HasPrefix(string(mine[0].Content), tc.first) {
				t.Fatalf("no output %s starting with %q: %v", tc.name, tc.first, mine)
			}
			if _, drift := Check(mine, dir); !drift {
				t.Error("a missing output is not drift")
			}
			if _, err := Write(mine, false); err != nil {
				t.Fatal(err)
			}
			if !isGeneratedOutput(out) {
				t.Error("the output is not recognized as generated")
			}
			if report, drift := Check(mine, dir); drift {
				t.Errorf("drift right after writing:\n%s", report)
			}
			// Edited by hand: drift, with a diff.
			b, _ := os.ReadFile(out)
			if err := os.WriteFile(out, append(b, "// edited\n"...), 0o644); err != nil {
				t.Fatal(err)
			}
			if report, drift := Check(mine, dir); !drift || !strings.Contains(report, "-// edited") {
				t.Errorf("an edited output is not drift: %q", report)
			}
			// CRLF line endings are the same content.
			if err := os.WriteFile(out, bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			if report, drift := Check(mine, dir); drift {
				t.Errorf("CRLF is drift:\n%s", report)
			}
			// A file siogen did not write is an error, and left alone.
			if err := os.WriteFile(out, []byte(tc.handWritten), 0o644); err != nil {
				t.Fatal(err)
			}
			files, errs = Generate(cfg)
			if len(errs) != 1 || files != nil || !strings.Contains(errs[0].Error(), tc.name+":1:1: "+tc.name+" exists but was not written by siogen") {
				t.Errorf("over a hand-written file: files %d, errors %v", len(files), errs)
			}
			if b, _ := os.ReadFile(out); string(b) != tc.handWritten {
				t.Error("the hand-written file changed")
			}
		})
	}
	t.Run("extension", func(t *testing.T) {
		_, errs := Generate(&Config{Dir: dir, Patterns: []string{"."}, AsyncAPI: "api.txt"})
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), "-asyncapi api.txt: the file name must end in .yaml or .yml (YAML) or .json (JSON)") {
			t.Errorf("errors %v", errs)
		}
	})
}

// TestDocsExample checks that docs/siogen.md shows the golden case
// contract_docs as it is: its package, the TypeScript and AsyncAPI files
// siogen generates for it, its client, and the compiler's errors for its
// bad client, each as a fenced block.
func TestDocsExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "..", "..", "..", "docs", "siogen.md"))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "testdata", "contract_docs")
	for _, tc := range []struct{ file, lang string }{
		{"chat.go", "go"},
		{"want/chat.ts", "ts"},
		{"want/asyncapi.yaml", "yaml"},
		{"client.ts", "ts"},
		{"bad_client.ts", "ts"},
		{"want/tsc.txt", ""},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			block := "```" + tc.lang + "\n" + string(b) + "```\n"
			if !bytes.Contains(doc, []byte(block)) {
				t.Errorf("docs/siogen.md does not show %s as it is, in a ```%s block", tc.file, tc.lang)
			}
		})
	}
}
