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

// TestOpenAsksOnce checks that what Open learns in its one git command
// (the git folder, the prefix, the shallow boundary) is what the commands
// it spares say, and that a repository the context carries is not opened
// again.
func TestOpenAsksOnce(t *testing.T) {
	ctx := context.Background()
	dir := newRepo(t)
	write(t, dir, "sub/deeper/a.txt", "a\n")
	c1 := commit(t, dir, "one")
	write(t, dir, "sub/deeper/a.txt", "b\n")
	commit(t, dir, "two")

	shallow := filepath.Join(t.TempDir(), "shallow")
	gitRun(t, dir, "clone", "-q", "--depth", "1", "file://"+dir, shallow)

	for _, tt := range []struct {
		name, dir, prefix string
		boundary          bool
	}{
		{"top", dir, "", false},
		{"subfolder", filepath.Join(dir, "sub", "deeper"), "sub/deeper/", false},
		{"shallow clone", shallow, "", true},
	} {
		r, err := Open(ctx, tt.dir)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if r.info == nil {
			t.Fatalf("%s: Open took the step-by-step path", tt.name)
		}
		plain := &Repo{Root: r.Root} // asks git each time
		for _, q := range []struct {
			what      string
			got, want func() (any, error)
		}{
			{"prefix", func() (any, error) { return r.Prefix(ctx) }, func() (any, error) { return plain.Prefix(ctx) }},
			{"git folder", func() (any, error) { return r.GitDir(ctx) }, func() (any, error) { return plain.GitDir(ctx) }},
			{"shallow", func() (any, error) { return r.Shallow(ctx) }, func() (any, error) { return plain.Shallow(ctx) }},
		} {
			got, err1 := q.got()
			want, err2 := q.want()
			if err1 != nil || err2 != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("%s: %s = %v, %v; git says %v, %v", tt.name, q.what, got, err1, want, err2)
			}
		}
		if p, _ := r.Prefix(ctx); p != tt.prefix {
			t.Errorf("%s: prefix %q, want %q", tt.name, p, tt.prefix)
		}
		if b, _ := r.Shallow(ctx); (len(b) > 0) != tt.boundary {
			t.Errorf("%s: shallow boundary %v", tt.name, b)
		}
		if again, err := Open(WithRepo(ctx, r), tt.dir); err != nil || again != r {
			t.Errorf("%s: Open under WithRepo gave %p, %v; want the same repository %p", tt.name, again, err, r)
		}
	}
	r, _ := Open(ctx, dir)
	if other, err := Open(WithRepo(ctx, r), shallow); err != nil || other == r || other.Root != shallow {
		t.Errorf("Open of another folder under WithRepo: %+v, %v", other, err)
	}

	// Ranges: the two ends resolved in one command, or one by one for the
	// forms that can name several commits, with the same answers.
	for _, spec := range []string{c1 + "..HEAD", "HEAD~1..main", "HEAD^@..HEAD", "nope..HEAD", "HEAD..nope", "HEAD~1^!..HEAD"} {
		g, err := r.ParseRange(ctx, spec)
		a, b, _ := strings.Cut(spec, "..")
		base, err1 := r.ResolveRev(ctx, a)
		head, err2 := r.ResolveRev(ctx, b)
		if err1 != nil || err2 != nil {
			if !scan.IsConfigError(err) {
				t.Errorf("%s: %v, want a ConfigError", spec, err)
			}
			bad := a
			if err1 == nil {
				bad = b
			}
			if err != nil && !strings.Contains(err.Error(), bad) {
				t.Errorf("%s: %v does not name %s", spec, err, bad)
			}
			continue
		}
		if err != nil || g.Base != base || g.Head != head {
			t.Errorf("%s: %+v, %v; want %s..%s", spec, g, err, base, head)
		}
	}
}
