package facts

import (
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// listFiles lists the regular files under dir as a scan.FileLister would.
func listFiles(t testing.TB, dir string) []scan.File {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []scan.File
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(abs, p)
		files = append(files, scan.File{Path: filepath.ToSlash(rel), Abs: p, Size: info.Size()})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// extractDir extracts the facts of a folder, with every file tracked.
func extractDir(t testing.TB, dir string) *Facts {
	t.Helper()
	f, err := Extract(context.Background(), listFiles(t, dir), Options{IsTracked: func(string) bool { return true }})
	if err != nil {
		t.Fatalf("Extract(%s): %v", dir, err)
	}
	return f
}

// TestDump prints the facts of $FACTS_DUMP, for looking at them by hand.
func TestDump(t *testing.T) {
	dir := os.Getenv("FACTS_DUMP")
	if dir == "" {
		t.Skip("set FACTS_DUMP=dir to print its facts")
	}
	b, err := json.MarshalIndent(extractDir(t, dir), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.Write(append(b, '\n'))
}
