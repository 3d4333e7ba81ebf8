package target

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// Files and folders that cannot be read are listed as skipped, kind
// unreadable (the engine makes the scan incomplete for them), in a git work
// tree and in a plain folder; the scanners never see them. Root reads
// anything: cmd/pipeguard's TestHostileUnreadableFile runs pipeguard as
// another user for that case.
func TestHostileUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads every file; see cmd/pipeguard TestHostileUnreadableFile")
	}
	for _, inGit := range []bool{true, false} {
		name := "plain folder"
		if inGit {
			name = "git work tree"
		}
		t.Run(name, func(t *testing.T) {
			var dir string
			if inGit {
				dir = newRepo(t)
			} else {
				dir = t.TempDir()
			}
			write(t, dir, "ok.py", "x = 1\n")
			write(t, dir, "secret.pem", "key\n")
			write(t, dir, "closed/inside.py", "y = 2\n")
			if inGit {
				// Tracked files in a closed folder, and untracked ones.
				commit(t, dir, "files")
				write(t, dir, "closed/untracked.py", "z = 3\n")
			}
			if err := os.Chmod(filepath.Join(dir, "secret.pem"), 0); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(filepath.Join(dir, "closed"), 0); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(filepath.Join(dir, "closed"), 0o755) })
			files, skipped, err := NewTree(dir, 0).Files(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if got := paths(files); len(got) != 1 || got[0] != "ok.py" {
				t.Errorf("files %v, want only ok.py", got)
			}
			unreadable := map[string]bool{}
			for _, s := range skipped {
				if s.Kind == scan.SkipUnreadable {
					unreadable[s.Path] = true
				}
			}
			if !unreadable["secret.pem"] {
				t.Errorf("secret.pem not skipped as unreadable: %+v", skipped)
			}
			if !unreadable["closed"] && !unreadable["closed/inside.py"] {
				t.Errorf("the closed folder not skipped as unreadable: %+v", skipped)
			}
		})
	}
}
