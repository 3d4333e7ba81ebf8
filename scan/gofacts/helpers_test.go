package gofacts

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// extractFiles writes files into a temporary folder and extracts their facts.
func extractFiles(t *testing.T, files map[string]string) *Facts {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return extractTree(t, dir)
}

// extractTree extracts the facts of every file under dir.
func extractTree(t *testing.T, dir string) *Facts {
	t.Helper()
	var files []scan.File
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		st, _ := d.Info()
		files = append(files, scan.File{Path: filepath.ToSlash(rel), Abs: p, Size: st.Size()})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fx, err := Extract(context.Background(), files, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return fx
}

// TestDump prints the facts of $GOFACTS_DUMP, for debugging rules:
//
//	GOFACTS_DUMP=path/to/service go test ./scan/gofacts -run TestDump -v
func TestDump(t *testing.T) {
	dir := os.Getenv("GOFACTS_DUMP")
	if dir == "" {
		t.Skip("set GOFACTS_DUMP to a folder")
	}
	b, err := json.MarshalIndent(extractTree(t, dir), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.Write(append(b, '\n'))
}
