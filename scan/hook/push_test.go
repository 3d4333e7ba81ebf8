package hook

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestParseUpdates(t *testing.T) {
	a := strings.Repeat("a", 40)
	b := strings.Repeat("b", 40)
	tests := []struct {
		name    string
		in      string
		want    []RefUpdate
		wantErr string
	}{
		{name: "empty", in: ""},
		{name: "one", in: update("refs/heads/main", a, "refs/heads/main", b),
			want: []RefUpdate{{"refs/heads/main", a, "refs/heads/main", b}}},
		{name: "several and blank lines", in: "\n" + update("refs/heads/x", a, "refs/heads/y", zero) + "\n" + update("(delete)", zero, "refs/heads/z", b),
			want: []RefUpdate{{"refs/heads/x", a, "refs/heads/y", zero}, {"(delete)", zero, "refs/heads/z", b}}},
		{name: "sha256 ids", in: update("refs/heads/main", strings.Repeat("c", 64), "refs/heads/main", strings.Repeat("0", 64)),
			want: []RefUpdate{{"refs/heads/main", strings.Repeat("c", 64), "refs/heads/main", strings.Repeat("0", 64)}}},
		{name: "three fields", in: "refs/heads/main " + a + " refs/heads/main\n", wantErr: "line 1"},
		{name: "short id", in: "\n" + update("refs/heads/main", "abc", "refs/heads/main", b), wantErr: "line 2"},
		{name: "upper case id", in: update("refs/heads/main", strings.ToUpper(a), "refs/heads/main", b), wantErr: "hexadecimal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseUpdates(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRefUpdateKinds(t *testing.T) {
	a := strings.Repeat("a", 40)
	if u := (RefUpdate{LocalSHA: zero, RemoteSHA: a}); !u.IsDelete() || u.IsNew() {
		t.Errorf("deletion: IsDelete %v IsNew %v", u.IsDelete(), u.IsNew())
	}
	if u := (RefUpdate{LocalSHA: a, RemoteSHA: zero}); u.IsDelete() || !u.IsNew() {
		t.Errorf("new ref: IsDelete %v IsNew %v", u.IsDelete(), u.IsNew())
	}
}

// pushedSet is the set of commits a planned push stands for, as git reads
// its Range.
func pushedSet(r *repo, p *Push) []string {
	r.t.Helper()
	rng := p.Range()
	if rng == "" {
		return nil
	}
	return r.revList(strings.Fields(rng)...)
}

func TestPlan(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.withRemote()
	base := r.commit("base", map[string]string{"a.txt": "a\n"})
	r.Git("push", "-q", "origin", "main")
	// A second remote branch, so that a merge has two boundaries.
	r.Git("checkout", "-q", "-b", "other")
	other := r.commit("other", map[string]string{"o.txt": "o\n"})
	r.Git("push", "-q", "origin", "other")
	r.Git("checkout", "-q", "main")
	c1 := r.commit("c1", map[string]string{"a.txt": "a\nb\n"})
	c2 := r.commit("c2", map[string]string{"b.txt": "b\n"})

	r.Git("checkout", "-q", "-b", "feature", base)
	f1 := r.commit("f1", map[string]string{"f.txt": "f\n"})
	r.Git("merge", "-q", "--no-edit", "other")
	fm := r.rev("HEAD")
	r.Git("checkout", "-q", "main")
	r.Git("tag", "-a", "-m", "v1", "v1", c2)
	tree := r.rev("HEAD^{tree}")
	r.Git("tag", "treetag", tree)

	tests := []struct {
		name      string
		in        string
		wantRange string
		want      []string // the commits pushed
		wantNote  string
	}{
		{name: "update", in: update("refs/heads/main", c2, "refs/heads/main", base),
			wantRange: base + ".." + c2, want: []string{c1, c2}},
		{name: "new branch from a pushed commit", in: update("refs/heads/main", c2, "refs/heads/topic", zero),
			wantRange: base + ".." + c2, want: []string{c1, c2}},
		{name: "new branch with a merge has two boundaries", in: update("refs/heads/feature", fm, "refs/heads/feature", zero),
			wantRange: fm + " ^" + min(base, other) + " ^" + max(base, other), want: []string{f1, fm}},
		{name: "new branch already on the remote", in: update("refs/heads/other", other, "refs/heads/copy", zero)},
		{name: "deletion", in: update("(delete)", zero, "refs/heads/other", other), wantNote: "deleted"},
		{name: "update and new branch together", in: update("refs/heads/main", c2, "refs/heads/main", base) + update("refs/heads/feature", fm, "refs/heads/feature", zero),
			want: []string{c1, c2, f1, fm}},
		{name: "update and deletion together", in: update("refs/heads/main", c2, "refs/heads/main", c1) + update("(delete)", zero, "refs/heads/other", other),
			wantRange: c1 + ".." + c2, want: []string{c2}, wantNote: "deleted"},
		{name: "remote object unknown here", in: update("refs/heads/main", c2, "refs/heads/main", strings.Repeat("e", 40)),
			wantRange: base + ".." + c2, want: []string{c1, c2}, wantNote: "not known here"},
		{name: "annotated tag is peeled", in: update("refs/tags/v1", r.rev("v1"), "refs/tags/v1", zero),
			wantRange: base + ".." + c2, want: []string{c1, c2}},
		{name: "tag of a tree", in: update("refs/tags/treetag", tree, "refs/tags/treetag", zero), wantNote: "not a commit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ups, err := ParseUpdates(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			p, err := Plan(ctx, r.Dir, ups)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantRange != "" && p.Range() != tt.wantRange {
				t.Errorf("Range() = %q, want %q", p.Range(), tt.wantRange)
			}
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if got := pushedSet(r, p); !slices.Equal(got, want) {
				t.Errorf("pushed commits = %v, want %v (range %q)", got, want, p.Range())
			}
			if p.Commits != len(tt.want) {
				t.Errorf("Commits = %d, want %d", p.Commits, len(tt.want))
			}
			if tt.wantNote != "" && !strings.Contains(strings.Join(p.Notes, "\n"), tt.wantNote) {
				t.Errorf("notes %q do not mention %q", p.Notes, tt.wantNote)
			}
		})
	}
}

func TestPlanFirstPushScansWholeHistory(t *testing.T) {
	r := newRepo(t)
	r.withRemote() // no remote-tracking branch yet
	c1 := r.commit("one", map[string]string{"a.txt": "1\n"})
	c2 := r.commit("two", map[string]string{"a.txt": "2\n"})
	p, err := Plan(context.Background(), r.Dir, []RefUpdate{{"refs/heads/main", c2, "refs/heads/main", zero}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Range() != c2 || p.Commits != 2 {
		t.Errorf("Range() = %q with %d commits, want %q with 2", p.Range(), p.Commits, c2)
	}
	want := []string{c1, c2}
	slices.Sort(want)
	if got := pushedSet(r, p); !slices.Equal(got, want) {
		t.Errorf("pushed %v, want %v", got, want)
	}
}

func TestPlanUnknownLocalObject(t *testing.T) {
	r := newRepo(t)
	r.commit("one", nil)
	p, err := Plan(context.Background(), r.Dir, []RefUpdate{{"refs/heads/main", strings.Repeat("d", 40), "refs/heads/main", zero}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Range() != "" || len(p.Notes) != 1 {
		t.Errorf("Range() = %q, notes %q; want nothing to scan and one note", p.Range(), p.Notes)
	}
}

func TestPlanNotARepository(t *testing.T) {
	_, err := Plan(context.Background(), t.TempDir(), []RefUpdate{{"refs/heads/main", strings.Repeat("d", 40), "refs/heads/main", zero}})
	if err == nil || !strings.Contains(err.Error(), "git") {
		t.Fatalf("err = %v, want git's complaint", err)
	}
}
