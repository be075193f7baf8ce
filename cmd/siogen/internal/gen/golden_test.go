package gen

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/*/want")

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// TestGolden generates every case under ../../testdata: a case with
// want/errors.txt must fail with exactly those errors; any other case must
// generate its files byte for byte, twice, each compared with want/<name>,
// and the package built with them must behave. A case may hold:
//
//   - want/tags.txt: build tags (space- or comma-separated) to generate,
//     build and run with; generated without them, no file is an orphan;
//   - want/goos.txt: lines "GOOS/GOARCH: go list's files" for the platforms
//     the case is generated for (their outputs merged: a file generated for
//     two platforms must be the same) and cross-checked on: go vet must
//     pass, and the lists say which files (generated ones included) build
//     there;
//   - run.go: the program, run on the host, prints want/run.txt;
//   - _test.go files: go test must pass;
//   - committed generated files (starting with Header): Generate and Check
//     must take them as up to date (the CRLF case), and neither rewrite nor
//     orphan those of another platform;
//   - want/warnings.txt: the warnings, exactly (none when it is absent);
//   - want/client.txt: the -client file to generate too (a path relative to
//     the case, in a directory of its own) and optionally its package name;
//     compared with want/<its base name>, and built and run with the case
//     (the _test.go files of the case drive the server with it);
//   - want/outputs.txt: the TypeScript (.ts) and AsyncAPI (.yaml, .yml,
//     .json) files to generate too, one name a line, compared with want/
//     like the Go files (TestContractOutputs checks them with tsc and the
//     AsyncAPI parser).
func TestGolden(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("..", "..", "testdata", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no golden cases")
	}
	for _, dir := range cases {
		dir, err := filepath.Abs(dir)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			wantDir := filepath.Join(dir, "want")
			tags := caseTags(t, wantDir)
			var warnings strings.Builder
			warn := func(w error) { warnings.WriteString(w.Error() + "\n") }
			ts, asyncapi := caseOutputs(t, wantDir)
			client, clientPkg := caseClient(t, wantDir)
			files, errs := Generate(&Config{Dir: dir, Patterns: []string{"."}, Tags: tags, Warn: warn, TypeScript: ts, AsyncAPI: asyncapi, Client: client, ClientPackage: clientPkg})

			// Warnings: want/warnings.txt exactly, or none.
			warnPath := filepath.Join(wantDir, "warnings.txt")
			if _, err := os.Stat(warnPath); err == nil || (*update && warnings.Len() > 0) {
				golden(t, warnPath, []byte(warnings.String()))
			} else if warnings.Len() > 0 {
				t.Errorf("unexpected warnings (add want/warnings.txt):\n%s", warnings.String())
			}

			errPath := filepath.Join(wantDir, "errors.txt")
			if _, err := os.Stat(errPath); err == nil || (*update && len(errs) > 0) {
				var got strings.Builder
				for _, e := range errs {
					got.WriteString(e.Error() + "\n")
				}
				golden(t, errPath, []byte(got.String()))
				if len(files) != 0 {
					t.Errorf("files generated despite errors: %d", len(files))
				}
				return
			}
			if len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			if len(files) == 0 {
				t.Fatal("nothing generated")
			}
			noOrphans(t, "host", files)

			// The outputs of every platform of the case, merged.
			all := map[string][]byte{}
			merge := func(cfg string, files []File) {
				for _, f := range files {
					name := filepath.Base(f.Path)
					if client != "" && f.Path == filepath.Join(dir, client) {
						name = filepath.ToSlash(client)
					} else if filepath.Dir(f.Path) != dir {
						t.Errorf("%s: %s generated outside the case", cfg, f.Path)
						continue
					}
					if prev, ok := all[name]; ok && !bytes.Equal(prev, f.Content) {
						t.Errorf("%s: %s differs from its generation for another platform:\n%s", cfg, name, UnifiedDiff("before", cfg, prev, f.Content))
					}
					all[name] = f.Content
				}
			}
			merge("host", files)
			platforms := casePlatforms(t, wantDir)
			for _, p := range platforms {
				pf, errs := Generate(&Config{Dir: dir, Patterns: []string{"."}, Tags: tags, Env: p.env(), TypeScript: ts, AsyncAPI: asyncapi})
				if len(errs) > 0 {
					t.Fatalf("%s: %v", p, errs)
				}
				noOrphans(t, p.String(), pf)
				merge(p.String(), pf)
			}
			bases := map[string]bool{}
			for name, content := range all {
				golden(t, filepath.Join(wantDir, path.Base(name)), content)
				bases[path.Base(name)] = true
			}
			// want/ holds no other generated file.
			wantGo, _ := filepath.Glob(filepath.Join(wantDir, "*.go"))
			for _, p := range wantGo {
				if bases[filepath.Base(p)] {
					continue
				}
				if *update {
					os.Remove(p)
				} else {
					t.Errorf("%s is not generated any more", p)
				}
			}

			again, errs := Generate(&Config{Dir: dir, Patterns: []string{"."}, Tags: tags, TypeScript: ts, AsyncAPI: asyncapi, Client: client, ClientPackage: clientPkg})
			if len(errs) > 0 || len(again) != len(files) {
				t.Errorf("a second generation differs (errs %v)", errs)
			} else {
				for i := range again {
					if again[i].Path != files[i].Path || !bytes.Equal(again[i].Content, files[i].Content) {
						t.Errorf("a second generation of %s differs", files[i].Path)
					}
				}
			}
			if len(tags) > 0 {
				// Without its tags, the case's tagged outputs are
				// another configuration's: not orphans.
				untagged, errs := Generate(&Config{Dir: dir, Patterns: []string{"."}})
				if len(errs) > 0 {
					t.Fatalf("without tags: %v", errs)
				}
				noOrphans(t, "without tags", untagged)
			}

			// Committed generated files are up to date.
			var onDisk []File
			for _, f := range files {
				if _, err := os.Stat(f.Path); err == nil {
					onDisk = append(onDisk, f)
				}
			}
			if report, drift := Check(onDisk, dir); drift {
				t.Errorf("Check reports drift of committed files:\n%s", report)
			}
			entries, _ := filepath.Glob(filepath.Join(dir, "*.go"))
			for _, p := range entries {
				if !IsGenerated(p) {
					continue
				}
				b, err := os.ReadFile(p)
				if want, ok := all[filepath.Base(p)]; err != nil || !ok || !bytes.Equal(toLF(b), want) {
					t.Errorf("committed %s is not what siogen generates for any platform of the case", filepath.Base(p))
				}
			}

			// Build and run the case with the generated files.
			var overlay []File
			for name, content := range all {
				overlay = append(overlay, File{Path: filepath.Join(dir, name), Content: content})
			}
			var tagFlags []string
			if len(tags) > 0 {
				tagFlags = []string{"-tags=" + strings.Join(tags, ",")}
			}
			if _, err := os.Stat(filepath.Join(dir, "run.go")); err == nil {
				out := goWithOverlay(t, dir, overlay, nil, append(append([]string{"run"}, tagFlags...), ".")...)
				golden(t, filepath.Join(wantDir, "run.txt"), out)
			}
			if tests, _ := filepath.Glob(filepath.Join(dir, "*_test.go")); len(tests) > 0 {
				goWithOverlay(t, dir, overlay, nil, append(append([]string{"test", "-count=1"}, tagFlags...), ".")...)
			}
			if len(platforms) > 0 {
				var lists strings.Builder
				for _, p := range platforms {
					goWithOverlay(t, dir, overlay, p.env(), append(append([]string{"vet"}, tagFlags...), ".")...)
					out := goWithOverlay(t, dir, overlay, p.env(), append(append([]string{"list", "-f", "{{.GoFiles}} {{.TestGoFiles}} {{.XTestGoFiles}}"}, tagFlags...), ".")...)
					fmt.Fprintf(&lists, "%s: %s", p, out)
				}
				golden(t, filepath.Join(wantDir, "goos.txt"), []byte(lists.String()))
			}
		})
	}
}

func noOrphans(t *testing.T, cfg string, files []File) {
	t.Helper()
	for _, f := range files {
		if f.Content == nil {
			t.Errorf("%s: %s is taken for an orphan", cfg, f.Path)
		}
	}
}

// caseClient returns the -client file of want/client.txt and its package
// name, if any.
func caseClient(t *testing.T, wantDir string) (file, pkg string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(wantDir, "client.txt"))
	if os.IsNotExist(err) {
		return "", ""
	} else if err != nil {
		t.Fatal(err)
	}
	fields := strings.Fields(string(b))
	switch len(fields) {
	case 1:
		return fields[0], ""
	case 2:
		return fields[0], fields[1]
	}
	t.Fatalf("client.txt: %q is not \"file.go [package]\"", b)
	return "", ""
}

// caseTags returns the tags of want/tags.txt, if any.
func caseTags(t *testing.T, wantDir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(wantDir, "tags.txt"))
	if os.IsNotExist(err) {
		return nil
	} else if err != nil {
		t.Fatal(err)
	}
	return strings.FieldsFunc(string(b), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' })
}

type platform struct{ goos, goarch string }

func (p platform) String() string { return p.goos + "/" + p.goarch }

func (p platform) env() []string {
	return append(os.Environ(), "GOOS="+p.goos, "GOARCH="+p.goarch, "CGO_ENABLED=0")
}

// casePlatforms returns the platforms of want/goos.txt (the GOOS/GOARCH
// before each line's colon), if any.
func casePlatforms(t *testing.T, wantDir string) []platform {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(wantDir, "goos.txt"))
	if os.IsNotExist(err) {
		return nil
	} else if err != nil {
		t.Fatal(err)
	}
	var ps []platform
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		key, _, _ := strings.Cut(line, ":")
		goos, goarch, ok := strings.Cut(strings.TrimSpace(key), "/")
		if !ok {
			t.Fatalf("goos.txt: %q is not GOOS/GOARCH: ...", line)
		}
		ps = append(ps, platform{goos, goarch})
	}
	return ps
}

// goWithOverlay runs the go command with args in dir, with files overlaid
// and env (nil: the process's), and returns its stdout; it fails the test
// when the command fails.
func goWithOverlay(t *testing.T, dir string, files []File, env []string, args ...string) []byte {
	t.Helper()
	tmp := t.TempDir()
	replace := map[string]string{}
	for i, f := range files {
		gen := filepath.Join(tmp, fmt.Sprintf("%d_%s", i, filepath.Base(f.Path)))
		if err := os.WriteFile(gen, f.Content, 0o644); err != nil {
			t.Fatal(err)
		}
		replace[f.Path] = gen
	}
	// An -overlay in GOFLAGS would be overridden by ours: merge it in.
	for _, fl := range strings.Fields(os.Getenv("GOFLAGS")) {
		if p, ok := strings.CutPrefix(fl, "-overlay="); ok {
			var base struct{ Replace map[string]string }
			b, err := os.ReadFile(p)
			if err == nil {
				err = json.Unmarshal(b, &base)
			}
			if err != nil {
				t.Fatalf("GOFLAGS overlay: %v", err)
			}
			for k, v := range base.Replace {
				if _, ok := replace[k]; !ok {
					replace[k] = v
				}
			}
		}
	}
	ov, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		t.Fatal(err)
	}
	ovPath := filepath.Join(tmp, "overlay.json")
	if err := os.WriteFile(ovPath, ov, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", append([]string{args[0], "-overlay", ovPath}, args[1:]...)...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.Bytes()
}

// golden compares got with the file at path, or rewrites it with -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := UnifiedDiff("want/"+filepath.Base(path), "got", want, got); d != "" {
		t.Errorf("%s differs:\n%s", path, d)
	}
}
