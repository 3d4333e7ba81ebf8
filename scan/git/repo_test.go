package git

import (
	"context"
	"errors"
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

func TestOpen(t *testing.T) {
	gittest.Setup(t)
	_, err := Open(context.Background(), t.TempDir())
	if !errors.Is(err, ErrNotRepository) {
		t.Errorf("plain folder: %v", err)
	}

	// A fresh repository with no commit is fine.
	dir := newRepo(t)
	if _, err := Open(context.Background(), dir); err != nil {
		t.Errorf("fresh repository: %v", err)
	}

	// A HEAD that git cannot parse.
	broken := newRepo(t)
	write(t, broken, "a.txt", "a\n")
	commit(t, broken, "one")
	write(t, broken, ".git/HEAD", "garbage\n")
	if _, err := Open(context.Background(), broken); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("broken HEAD: %v", err)
	}

	// A commit object that is gone.
	missing := newRepo(t)
	write(t, missing, "a.txt", "a\n")
	c := commit(t, missing, "one")
	if err := os.Remove(filepath.Join(missing, ".git", "objects", c[:2], c[2:])); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(context.Background(), missing); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("missing commit: %v", err)
	}
}

func TestRevisions(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "a.txt", "1\n2\n3\n")
	c1 := commit(t, dir, "one")
	write(t, dir, "a.txt", "1\ntwo\n3\n4\n")
	write(t, dir, "b.txt", "b\nb\n")
	c2 := commit(t, dir, "two")
	gitRun(t, dir, "mv", "b.txt", "c.txt")
	write(t, dir, "a.txt", "1\ntwo\n")
	c3 := commit(t, dir, "three")

	ctx := context.Background()
	repo, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := repo.ResolveRev(ctx, "HEAD~2"); err != nil || got != c1 {
		t.Errorf("ResolveRev HEAD~2 = %s, %v; want %s", got, err, c1)
	}

	for _, tt := range []struct {
		spec    string
		base    string
		commits []string
	}{
		{"HEAD~2..HEAD", c1, []string{c3, c2}},
		{c2 + ".." + c3, c2, []string{c3}},
		{"main~1...main", c2, []string{c3}},
		{c3 + " ^" + c1, "", []string{c3, c2}},
		{"HEAD", "", []string{c3, c2, c1}}, // a lone revision: all its history
	} {
		g, err := repo.ParseRange(ctx, tt.spec)
		if err != nil {
			t.Errorf("%s: %v", tt.spec, err)
			continue
		}
		if g.Base != tt.base || (g.Base != "" && g.Head != c3) {
			t.Errorf("%s: %+v", tt.spec, g)
		}
		cs, err := repo.Commits(ctx, g.Revs...)
		if err != nil || !reflect.DeepEqual(cs, tt.commits) {
			t.Errorf("%s: commits %v, %v; want %v", tt.spec, cs, err, tt.commits)
		}
	}

	for _, spec := range []string{"", "nope", "^HEAD", "nope..HEAD", "HEAD..nope", "..HEAD", "HEAD..", "a..b..c", "--all..HEAD", "^HEAD ^HEAD~1", "HEAD nope", "HEAD HEAD~1..HEAD"} {
		_, err := repo.ParseRange(ctx, spec)
		if !scan.IsConfigError(err) {
			t.Errorf("range %q: want a ConfigError, got %v", spec, err)
		}
	}

	changes, err := repo.Changes(ctx, c1, c2)
	if err != nil {
		t.Fatal(err)
	}
	want := scan.Changes{"a.txt": {{Start: 2, End: 2}, {Start: 4, End: 4}}, "b.txt": {}}
	if !reflect.DeepEqual(changes, want) {
		t.Errorf("changes %v, want %v", changes, want)
	}
	// A pure rename touches no line; a file that only loses lines neither.
	changes, err = repo.Changes(ctx, c2, c3)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 0 {
		t.Errorf("changes %v, want none", changes)
	}

	write(t, dir, "a.txt", "1\ntwo\nthree\n")
	write(t, dir, "d.txt", "new\n")
	write(t, dir, "unstaged.txt", "x\n")
	gitRun(t, dir, "add", "a.txt", "d.txt")
	staged, err := repo.StagedChanges(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want = scan.Changes{"a.txt": {{Start: 3, End: 3}}, "d.txt": {}}
	if !reflect.DeepEqual(staged, want) {
		t.Errorf("staged %v, want %v", staged, want)
	}
}

func TestReadFilesAt(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "svc/a.py", "one\n")
	write(t, dir, "svc/b.py", "bee\n")
	c1 := commit(t, dir, "one")
	write(t, dir, "svc/a.py", "two\n")
	c2 := commit(t, dir, "two")

	// Paths are relative to the folder given, here a subfolder.
	got, err := ReadFilesAt(context.Background(), filepath.Join(dir, "svc"), []string{
		c1 + ":a.py", c2 + ":a.py", c2 + ":b.py", c1 + ":missing.py", strings.Repeat("0", 40) + ":a.py",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{c1 + ":a.py": "one\n", c2 + ":a.py": "two\n", c2 + ":b.py": "bee\n"}
	if len(got) != len(want) {
		t.Errorf("got %d files, want %d: %v", len(got), len(want), got)
	}
	for k, v := range want {
		if string(got[k]) != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}
