package gen

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
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
// generate want/sio_gen.go byte for byte, twice, and the package built with
// that file must print want/run.txt. Either kind warns exactly as
// want/warnings.txt says, or not at all when it has none.
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
			var warnings strings.Builder
			warn := func(w error) { warnings.WriteString(w.Error() + "\n") }
			files, errs := Generate(&Config{Dir: dir, Patterns: []string{"."}, Warn: warn})

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
			if len(files) != 1 || files[0].Path != filepath.Join(dir, OutputName) {
				t.Fatalf("files = %v, want one %s", paths(files), OutputName)
			}
			golden(t, filepath.Join(wantDir, OutputName), files[0].Content)

			again, errs := Generate(&Config{Dir: dir, Patterns: []string{"."}})
			if len(errs) > 0 || len(again) != 1 || !bytes.Equal(again[0].Content, files[0].Content) {
				t.Errorf("a second generation differs (errs %v)", errs)
			}

			// Build and run the case's program with the generated file.
			out := runWithOverlay(t, dir, files[0])
			golden(t, filepath.Join(wantDir, "run.txt"), out)
		})
	}
}

func paths(files []File) []string {
	var ps []string
	for _, f := range files {
		ps = append(ps, f.Path)
	}
	return ps
}

// runWithOverlay runs `go run .` in dir with f overlaid, and returns stdout.
func runWithOverlay(t *testing.T, dir string, f File) []byte {
	t.Helper()
	tmp := t.TempDir()
	gen := filepath.Join(tmp, OutputName)
	if err := os.WriteFile(gen, f.Content, 0o644); err != nil {
		t.Fatal(err)
	}
	replace := map[string]string{f.Path: gen}
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
	cmd := exec.CommandContext(ctx, "go", "run", "-overlay", ovPath, ".")
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go run: %v\n%s", err, stderr.String())
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
