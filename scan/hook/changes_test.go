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
	r.git("push", "-q", "origin", "main")
	// The first pushed commit adds a line 3 to notes.txt, which the second
	// commit takes out again; the second also edits app/main.py, deletes
	// gone.txt, changes the binary logo and inserts lines in keep.txt.
	r.commit("add", map[string]string{"notes.txt": "a\nb\nadded then removed\n"})
	head := r.commit("edit", map[string]string{
		"notes.txt":   "a\nb\n",
		"app/main.py": "import os\n\nx = 2\ny = 3\n",
		"gone.txt":    "",
		"logo.png":    "\x89PNG\x00\x02",
		"keep.txt":    "0\n1\n2\n3\n4\n5\n",
	})
	p, err := Plan(ctx, r.dir, []RefUpdate{{"refs/heads/main", head, "refs/heads/main", base}})
	if err != nil {
		t.Fatal(err)
	}

	paths, err := ChangedPaths(ctx, r.dir, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"app/main.py", "gone.txt", "keep.txt", "logo.png", "notes.txt"}; !slices.Equal(paths, want) {
		t.Errorf("ChangedPaths = %q, want %q", paths, want)
	}

	ch, err := ChangedLines(ctx, r.dir, p)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		line int
		want bool
	}{
		{"notes.txt", 3, true}, // added and removed within the push: still counts
		{"notes.txt", 1, true}, // added by the first commit
		{"app/main.py", 3, true},
		{"app/main.py", 4, true},
		{"app/main.py", 1, false},
		{"keep.txt", 1, true},
		{"keep.txt", 2, false},
		{"logo.png", 0, true},
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

func TestMergeRanges(t *testing.T) {
	tests := []struct {
		in, want []scan.LineRange
	}{
		{in: []scan.LineRange{lr(5, 6), lr(1, 2), lr(3, 3), lr(9, 9)}, want: []scan.LineRange{lr(1, 3), lr(5, 6), lr(9, 9)}},
		{in: []scan.LineRange{lr(4, 5), lr(1, 3)}, want: []scan.LineRange{lr(1, 5)}},
		{in: []scan.LineRange{lr(1, 10), lr(2, 3)}, want: []scan.LineRange{lr(1, 10)}},
		{in: []scan.LineRange{lr(1, 2), whole}, want: []scan.LineRange{}},
		{in: nil, want: []scan.LineRange{lr(0, -1)}},
	}
	for _, tt := range tests {
		if got := mergeRanges(slices.Clone(tt.in)); !slices.Equal(got, tt.want) {
			t.Errorf("mergeRanges(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func lr(start, end int) scan.LineRange { return scan.LineRange{Start: start, End: end} }
