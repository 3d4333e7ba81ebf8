package audit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

func TestParseSpec(t *testing.T) {
	tests := []struct {
		spec, name, url, err string
	}{
		{spec: "acme/api", name: "acme/api", url: "https://github.com/acme/api.git"},
		{spec: "https://github.com/acme/api.git", name: "acme/api", url: "https://github.com/acme/api.git"},
		{spec: "https://git.example.com/team/api", name: "git.example.com/team/api", url: "https://git.example.com/team/api"},
		{spec: "git@github.com:acme/api.git", name: "git@github.com:acme/api.git", url: "git@github.com:acme/api.git"},
		{spec: "file:///srv/git/api.git", name: "/srv/git/api.git", url: "file:///srv/git/api.git"},
		{spec: "/srv/git/api", name: "/srv/git/api", url: "/srv/git/api"},
		{spec: "./repos/api", name: "repos/api", url: "/base/repos/api"},
		{spec: "https://x-access-token:secret123@github.com/acme/api.git", err: "must not carry credentials"},
		{spec: "  ", err: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			got, err := ParseSpec(tt.spec, "https://github.com", "/base")
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseSpec(%q) error = %v, want %q", tt.spec, err, tt.err)
				}
				if strings.Contains(err.Error(), "secret123") {
					t.Errorf("error quotes the credential: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != tt.name || got.URL != tt.url {
				t.Errorf("ParseSpec(%q) = %+v, want name %q url %q", tt.spec, got, tt.name, tt.url)
			}
		})
	}
}

func TestParseSpecEnterprise(t *testing.T) {
	got, err := ParseSpec("acme/api", "https://ghe.example.com/", "")
	if err != nil || got.URL != "https://ghe.example.com/acme/api.git" {
		t.Errorf("got %+v, %v", got, err)
	}
	got, _ = ParseSpec("https://ghe.example.com/acme/api.git", "https://ghe.example.com", "")
	if got.Name != "acme/api" {
		t.Errorf("name %q", got.Name)
	}
}

func TestReadReposFile(t *testing.T) {
	p := filepath.Join("..", "..", "testdata", "audit", "repos.txt")
	ts, err := ReadReposFile(p, "https://github.com")
	if err != nil {
		t.Fatal(err)
	}
	want := []Target{
		{Name: "acme/payments-api", URL: "https://github.com/acme/payments-api.git"},
		{Name: "acme/users-api", URL: "https://github.com/acme/users-api.git"},
		{Name: "git.example.com/platform/gateway", URL: "https://git.example.com/platform/gateway"},
		{Name: "/srv/git/legacy-billing.git", URL: "file:///srv/git/legacy-billing.git"},
		{Name: "mirrors/inventory", URL: filepath.Join(filepath.Dir(p), "mirrors", "inventory")},
	}
	if fmt.Sprint(ts) != fmt.Sprint(want) {
		t.Errorf("got %+v\nwant %+v", ts, want)
	}

	dir := t.TempDir()
	p = filepath.Join(dir, "repos.txt")

	os.WriteFile(p, []byte("acme/api\nhttps://u:p4ss@github.com/a/b\n"), 0o644)
	_, err = ReadReposFile(p, "https://github.com")
	var ce *scan.ConfigError
	if !asConfig(err, &ce) || ce.Line != 2 || strings.Contains(err.Error(), "p4ss") {
		t.Errorf("bad line: %v", err)
	}
}

func asConfig(err error, ce **scan.ConfigError) bool {
	if err == nil {
		return false
	}
	c, ok := err.(*scan.ConfigError)
	*ce = c
	return ok
}

func TestOrgFilterNames(t *testing.T) {
	f := OrgFilter{Include: []string{"api-*", "acme/web"}, Exclude: []string{"*-legacy"}}
	for name, want := range map[string]bool{
		"acme/api-users": true, "acme/api-legacy": false, "acme/web": true, "acme/docs": false,
	} {
		if got := f.MatchName(name); got != want {
			t.Errorf("MatchName(%s) = %v, want %v", name, got, want)
		}
	}
	if err := (OrgFilter{Include: []string{"[bad"}}).Check(); err == nil {
		t.Error("bad pattern accepted")
	}
}

// TestShardsCoverEveryRepositoryOnce checks that for several shard counts
// every name falls in exactly one shard, and that shards are not empty
// for a realistic number of repositories.
func TestShardsCoverEveryRepositoryOnce(t *testing.T) {
	var ts []Target
	for i := range 500 {
		ts = append(ts, Target{Name: fmt.Sprintf("acme/service-%03d", i)})
	}
	for _, n := range []int{1, 2, 3, 4, 7, 16} {
		seen := map[string]int{}
		for i := 1; i <= n; i++ {
			sh, err := ParseShard(fmt.Sprintf("%d/%d", i, n))
			if err != nil {
				t.Fatal(err)
			}
			got := selectTargets(ts, sh)
			if len(got) == 0 {
				t.Errorf("shard %d/%d is empty", i, n)
			}
			for _, tg := range got {
				seen[tg.Name]++
			}
		}
		for _, tg := range ts {
			if seen[tg.Name] != 1 {
				t.Errorf("with %d shards, %s is in %d shards", n, tg.Name, seen[tg.Name])
			}
		}
	}
	for _, bad := range []string{"0/4", "5/4", "1/0", "a/b", "3"} {
		if _, err := ParseShard(bad); err == nil {
			t.Errorf("ParseShard(%q) accepted", bad)
		}
	}
}

// TestListOrgRetries checks that the audit's client goes through the
// retrying transport: a 502 in the middle of the listing is retried.
func TestListOrgRetries(t *testing.T) {
	repos := []map[string]any{
		{"name": "api", "full_name": "acme/api", "clone_url": "https://github.com/acme/api.git", "size": 10, "default_branch": "main"},
		{"name": "web", "full_name": "acme/web", "clone_url": "https://github.com/acme/web.git", "size": 10, "default_branch": "main"},
	}
	api := newFakeAPI(t, "acme", repos)
	api.fail502 = 1
	client, err := NewClient(api.srv.URL, "tok", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := ListOrg(context.Background(), client, "acme", DefaultServerURL, OrgFilter{})
	if err != nil {
		t.Fatalf("ListOrg: %v", err)
	}
	if len(got) != 2 {
		t.Errorf("listed %d repositories, want 2", len(got))
	}
	if n := len(api.calls); n != 3 {
		t.Errorf("%d requests (%v), want 3: a retried first page, then page 2", n, api.calls)
	}
}
