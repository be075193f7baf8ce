package gen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteResult says what [Write] did.
type WriteResult struct {
	Written []string // files created or changed
	Orphans []string // orphaned generated files, left in place
	Removed []string // orphaned generated files removed (prune)
}

// Write writes the files whose content differs from what is on disk, and
// leaves every other file untouched (its modification time too); a file that
// differs only by CRLF line endings is unchanged. Files are written with LF
// line endings. Orphans
// are removed only when prune is set; otherwise they are reported in the
// result.
func Write(files []File, prune bool) (WriteResult, error) {
	var res WriteResult
	for _, f := range files {
		if f.Content == nil {
			if !prune {
				res.Orphans = append(res.Orphans, f.Path)
				continue
			}
			if err := os.Remove(f.Path); err != nil {
				return res, fmt.Errorf("siogen: %w", err)
			}
			res.Removed = append(res.Removed, f.Path)
			continue
		}
		old, err := os.ReadFile(f.Path)
		if err == nil && bytes.Equal(toLF(old), f.Content) {
			continue
		}
		if err := writeFile(f.Path, f.Content); err != nil {
			return res, err
		}
		res.Written = append(res.Written, f.Path)
	}
	return res, nil
}

// writeFile replaces path's content atomically (a temporary file renamed
// over it), so that a reader never sees half a file.
func writeFile(path string, content []byte) error {
	// A -client file may be the first of its directory.
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("siogen: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".siogen-*.tmp")
	if err != nil {
		return fmt.Errorf("siogen: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return fmt.Errorf("siogen: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("siogen: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("siogen: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("siogen: %w", err)
	}
	return nil
}

// Check compares files with the disk without writing anything. It returns a
// report (unified diffs of what would change, and a line per orphaned
// generated file) with paths relative to dir, and whether anything differs.
// CRLF line endings on disk are not a difference.
func Check(files []File, dir string) (string, bool) {
	var out strings.Builder
	drift := false
	for _, f := range files {
		rel := relTo(dir, f.Path)
		if f.Content == nil {
			fmt.Fprintf(&out, "%s: orphaned generated file: no //sio:consumer type of its package is generated into it; delete it (siogen -prune does)\n", rel)
			drift = true
			continue
		}
		old, err := os.ReadFile(f.Path)
		oldName := "a/" + filepath.ToSlash(rel)
		if err != nil {
			old = nil
			oldName = "/dev/null"
		}
		old = toLF(old)
		if d := UnifiedDiff(oldName, "b/"+filepath.ToSlash(rel), old, f.Content); d != "" {
			out.WriteString(d)
			drift = true
		}
	}
	return out.String(), drift
}

func relTo(dir, path string) string { return ShortPath(dir, path) }
