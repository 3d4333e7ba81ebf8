package hook

import (
	"context"
	"slices"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

func TestChangedPathsAndLines(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.withRemote()
	base := r.commit("base", map[string]string{
		"app/main.py": "import os\n\nx = 1\n",
		"keep.txt":    "1\n2\n3\n4\n5\n",
		"gone.txt":    "bye\n",
		"logo.png":    "\x89PNG\x00\x01",
	})
	r.Git("push", "-q", "origin", "main")
	// The first pushed commit adds a line 3 to notes.txt, which the second
	// commit takes out again; the second also edits app/main.py, deletes
	// gone.txt, changes the binary logo and inserts lines in keep.txt.
	r.commit("add", map[string]string{"notes.txt": "a\nb\nadded then removed\n"})
	head := r.commit("edit", map[string]string{
		"notes.txt":          "a\nb\n",
		"app/main.py":        "import os\n\nx = 2\ny = 3\n",
		"gone.txt":           "",
		"logo.png":           "\x89PNG\x00\x02",
		"keep.txt":           "0\n1\n2\n3\n4\n5\n",
		"dir/ünï code\tx.py": "y = 1\n",
	})
	p, err := Plan(ctx, r.Dir, []RefUpdate{{"refs/heads/main", head, "refs/heads/main", base}})
	if err != nil {
		t.Fatal(err)
	}

	paths, err := ChangedPaths(ctx, r.Dir, p)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"app/main.py", "dir/ünï code\tx.py", "gone.txt", "keep.txt", "logo.png", "notes.txt"}
	if !slices.Equal(paths, want) {
		t.Errorf("ChangedPaths = %q, want %q", paths, want)
	}
	// The same without the list Plan made on the way.
	fresh := &Push{Include: p.Include, Exclude: p.Exclude, Commits: p.Commits}
	if paths, err := ChangedPaths(ctx, r.Dir, fresh); err != nil || !slices.Equal(paths, want) {
		t.Errorf("ChangedPaths of a fresh Push = %q, %v; want %q", paths, err, want)
	}

	ch, err := ChangedLines(ctx, r.Dir, p)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		line int
		want bool
	}{
		{"notes.txt", 1, true}, // a new file: all of it
		{"notes.txt", 3, true},
		{"app/main.py", 3, true},
		{"app/main.py", 4, true},
		{"app/main.py", 1, false},
		{"keep.txt", 1, true},
		{"keep.txt", 2, false},
		{"logo.png", 7, true}, // binary: the whole file
		{"gone.txt", 1, false},
		{"untouched.txt", 1, false},
	}
	for _, tt := range tests {
		if got := ch.Contains(tt.path, tt.line); got != tt.want {
			t.Errorf("Changed.Contains(%s, %d) = %v, want %v (changes %v)", tt.path, tt.line, got, tt.want, ch)
		}
	}
}

// A new branch that merged another remote branch: only its own lines
// count, not those the merge brought from a branch the remote has.
func TestChangedLinesSeveralBases(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.withRemote()
	base := r.commit("base", map[string]string{"app.py": "a = 1\n"})
	r.Git("push", "-q", "origin", "main")
	r.Git("checkout", "-q", "-b", "other")
	r.commit("other", map[string]string{"other.py": "o = 1\n", "app.py": "a = 1\nfrom_other = 2\n"})
	r.Git("push", "-q", "origin", "other")
	r.Git("checkout", "-q", "-b", "feature", base)
	r.commit("feature", map[string]string{"feature.py": "f = 1\n"})
	r.Git("merge", "-q", "--no-edit", "other")
	fm := r.commit("more", map[string]string{"app.py": "a = 1\nfrom_other = 2\nmine = 3\n"})

	p, err := Plan(ctx, r.Dir, []RefUpdate{{"refs/heads/feature", fm, "refs/heads/feature", zero}})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Exclude) != 2 {
		t.Fatalf("Exclude = %v, want the two remote branches", p.Exclude)
	}
	ch, err := ChangedLines(ctx, r.Dir, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		path string
		line int
		want bool
	}{
		{"feature.py", 1, true},
		{"app.py", 3, true},
		{"app.py", 2, false}, // from the other branch
		{"other.py", 1, false},
	} {
		if got := ch.Contains(tt.path, tt.line); got != tt.want {
			t.Errorf("Changed.Contains(%s, %d) = %v, want %v (changes %v)", tt.path, tt.line, got, tt.want, ch)
		}
	}
}

func TestChangedLinesWholeHistoryIsUnlimited(t *testing.T) {
	r := newRepo(t)
	c := r.commit("one", map[string]string{"a.py": "x = 1\n"})
	p := &Push{Include: []string{c}, Commits: 1}
	ch, err := ChangedLines(context.Background(), r.Dir, p)
	if err != nil || ch != nil {
		t.Fatalf("ChangedLines = %v, %v; want nil (no limit) for a push the remote has none of", ch, err)
	}
}

func TestIntersect(t *testing.T) {
	a := scan.Changes{"x": {lr(1, 5), lr(10, 12)}, "whole": {}, "onlya": {lr(1, 1)}, "w2": {lr(3, 4)}}
	b := scan.Changes{"x": {lr(4, 11)}, "whole": {lr(2, 2)}, "w2": {}}
	got := intersect(a, b)
	want := scan.Changes{"x": {lr(4, 5), lr(10, 11)}, "whole": {lr(2, 2)}, "w2": {lr(3, 4)}}
	if len(got) != len(want) {
		t.Fatalf("intersect = %v, want %v", got, want)
	}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			t.Errorf("intersect[%s] = %v, want %v", k, got[k], v)
		}
	}
}

func lr(start, end int) scan.LineRange { return scan.LineRange{Start: start, End: end} }
