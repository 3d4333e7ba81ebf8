package target

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// newRepo makes an empty git repository, with an isolated git
// configuration, in a temporary folder.
func newRepo(t *testing.T) string {
	t.Helper()
	return gittest.New(t).Dir
}

func gitRun(t *testing.T, dir string, args ...string) string {
	t.Helper()
	return gittest.Run(t, dir, args...)
}

func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	gittest.WriteFiles(t, dir, map[string]string{rel: content})
}

// commit stages everything and commits it, returning the commit id.
func commit(t *testing.T, dir, msg string) string {
	t.Helper()
	return gittest.Open(t, dir).Commit(msg)
}

func paths(files []scan.File) []string {
	var out []string
	for _, f := range files {
		out = append(out, f.Path)
	}
	return out
}

func TestTree(t *testing.T) {
	outside := t.TempDir()
	write(t, outside, "secret.txt", "outside\n")

	tests := []struct {
		name    string
		git     bool
		want    []string
		skipped map[string]string // path -> words of the reason
	}{
		{"git work tree", true,
			[]string{".gitignore", "big-ok.txt", "link-in", "src/a.go", "untracked.txt"},
			map[string]string{"link-out": "outside the root", "big.bin": "too large: 2048 bytes"}},
		{"plain folder", false,
			[]string{".gitignore", "big-ok.txt", "deleted.txt", "ignored.log", "link-in", "src/a.go", "untracked.txt"},
			map[string]string{"link-out": "outside the root", "big.bin": "too large: 2048 bytes"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dir string
			if tt.git {
				dir = newRepo(t)
			} else {
				dir = t.TempDir()
			}
			write(t, dir, ".gitignore", "*.log\n")
			write(t, dir, "src/a.go", "package a\n")
			write(t, dir, "deleted.txt", "gone\n")
			write(t, dir, "big.bin", strings.Repeat("x", 2048))
			write(t, dir, "big-ok.txt", strings.Repeat("x", 1024))
			if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "link-out")); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("src/a.go", filepath.Join(dir, "link-in")); err != nil {
				t.Fatal(err)
			}
			if tt.git {
				commit(t, dir, "first")
				if err := os.Remove(filepath.Join(dir, "deleted.txt")); err != nil {
					t.Fatal(err)
				}
			}
			write(t, dir, "untracked.txt", "new\n")
			write(t, dir, "ignored.log", "noise\n")

			tree := NewTree(dir, 1024)
			files, skipped, err := tree.Files(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			// link-in is a symlink inside the root: never followed, and not
			// reported, since its target is listed on its own.
			want := make([]string, 0, len(tt.want))
			for _, p := range tt.want {
				if p != "link-in" {
					want = append(want, p)
				}
			}
			if got := paths(files); !reflect.DeepEqual(got, want) {
				t.Errorf("files %q, want %q", got, want)
			}
			got := map[string]string{}
			for _, s := range skipped {
				got[s.Path] = s.Reason
			}
			if len(got) != len(tt.skipped) {
				t.Errorf("skipped %v, want %v", got, tt.skipped)
			}
			for p, words := range tt.skipped {
				if !strings.Contains(got[p], words) {
					t.Errorf("skipped %s: reason %q, want it to say %q", p, got[p], words)
				}
			}
			for _, f := range files {
				if f.Abs != filepath.Join(dir, filepath.FromSlash(f.Path)) || f.Size == 0 {
					t.Errorf("file %+v", f)
				}
			}
			// The list is computed once and shared.
			again, _, _ := tree.Files(context.Background())
			if len(again) != len(files) || (len(files) > 0 && &again[0] != &files[0]) {
				t.Error("second call listed again")
			}
		})
	}
}
