package hook

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestPreCommitUpdates(t *testing.T) {
	ctx := context.Background()
	r := newRepo(t)
	r.withRemote()
	base := r.commit("base", nil)
	r.Git("push", "-q", "origin", "main")
	head := r.commit("next", nil)
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

	tests := []struct {
		name    string
		env     map[string]string
		want    []RefUpdate
		wantErr string
	}{
		{name: "not under pre-commit", env: map[string]string{}},
		{name: "update", env: map[string]string{"PRE_COMMIT_TO_REF": "main", "PRE_COMMIT_FROM_REF": "origin/main", "PRE_COMMIT_REMOTE_BRANCH": "refs/heads/main", "PRE_COMMIT_LOCAL_BRANCH": "refs/heads/main"},
			want: []RefUpdate{{"refs/heads/main", head, "refs/heads/main", base}}},
		{name: "all new", env: map[string]string{"PRE_COMMIT_TO_REF": head},
			want: []RefUpdate{{"HEAD", head, "HEAD", zero}}},
		{name: "unknown", env: map[string]string{"PRE_COMMIT_TO_REF": "nope"}, wantErr: "PRE_COMMIT_TO_REF=nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PreCommitUpdates(ctx, r.Dir, env(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
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
