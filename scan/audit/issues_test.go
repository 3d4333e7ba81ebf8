package audit

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

func blockingRepo(name, rule, path string) Repository {
	return Repository{Name: name, Head: "0123456789abcdef0123", Verdict: scan.Fail, New: []string{"fp-" + rule},
		Findings: []scan.Finding{{Scanner: scan.ScannerSecrets, Rule: rule, Severity: scan.High, Title: "Leaked token", Path: path, Line: 3,
			Commit: "fedcba9876543210", Fingerprint: "fp-" + rule, Blocking: true, Secret: "ghp_****"}}}
}

// TestSyncIssuesCentralRepository keeps every tracking issue in one
// repository: one per audited repository, told apart by their markers,
// updated in place, left alone when a repository could not be audited,
// closed when clean.
func TestSyncIssuesCentralRepository(t *testing.T) {
	api := newFakeAPI(t, "acme", nil)
	c, err := NewClient(api.srv.URL+"/", "tok", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	opts := IssueOptions{Repo: "acme/security", ReportURL: "https://example.com/run/1"}
	a := &Audit{Repositories: []Repository{
		blockingRepo("acme/api", "github-pat", "settings.py"),
		blockingRepo("/srv/local/repo", "aws-access-token", "deploy.sh"),
		{Name: "acme/clean", Verdict: scan.Pass},
	}}
	out := SyncIssues(ctx, c, a, opts)
	if !slices.Equal(out.Created, []string{"acme/api", "/srv/local/repo"}) || len(out.Warnings) != 0 {
		t.Fatalf("first sync: %+v", out)
	}
	if !slices.Contains(api.calls, "POST /repos/acme/security/labels") {
		t.Errorf("the label was not created: %v", api.calls)
	}
	for n, want := range map[int]string{1: "acme/api", 2: "/srv/local/repo"} {
		is := api.issue("acme/security", n)
		body := is["body"].(string)
		if !strings.HasPrefix(body, issueMarker(want)) || !strings.Contains(is["title"].(string), want) {
			t.Errorf("issue %d: %q\n%s", n, is["title"], body)
		}
		if strings.Contains(body, "ghp_") {
			t.Errorf("issue %d shows the (masked) secret:\n%s", n, body)
		}
	}

	// Same findings: unchanged. The local repository now fails to audit:
	// its issue is left alone. acme/api is clean: closed.
	a.Repositories[1].Error = "clone: gone"
	out = SyncIssues(ctx, c, a, opts)
	if !slices.Equal(out.Unchanged, []string{"acme/api"}) || len(out.Created)+len(out.Updated) != 0 {
		t.Errorf("second sync: %+v", out)
	}
	a.Repositories[0] = Repository{Name: "acme/api", Head: "abc", Verdict: scan.Pass}
	out = SyncIssues(ctx, c, a, opts)
	if !slices.Equal(out.Closed, []string{"acme/api"}) || api.issue("acme/security", 1)["state"] != "closed" ||
		api.issue("acme/security", 2)["state"] != "open" {
		t.Errorf("third sync: %+v", out)
	}

	// Findings again: the closed issue is reopened, not duplicated.
	a.Repositories[0] = blockingRepo("acme/api", "stripe-access-token", "billing.py")
	out = SyncIssues(ctx, c, a, opts)
	is := api.issue("acme/security", 1)
	if !slices.Equal(out.Reopened, []string{"acme/api"}) || is["state"] != "open" || !strings.Contains(is["body"].(string), "billing.py") ||
		api.issue("acme/security", 3) != nil {
		t.Errorf("fourth sync: %+v, issue %v", out, is["state"])
	}

	// Without a central repository, a local path cannot hold an issue.
	out = SyncIssues(ctx, c, &Audit{Repositories: []Repository{blockingRepo("/srv/x", "r", "p")}}, IssueOptions{})
	if len(out.Warnings) != 1 || !strings.Contains(out.Warnings[0], "/srv/x") {
		t.Errorf("local repository without --issues-repo: %+v", out)
	}
}

func TestLineProgress(t *testing.T) {
	var b strings.Builder
	p := NewProgress(&b, false)
	p.Start(2)
	p.Done(&Repository{Name: "acme/a\x1b[31m", Verdict: scan.Fail, Findings: []scan.Finding{{Fingerprint: "x"}}, New: []string{"x"}, DurationMS: 1500})
	p.Done(&Repository{Name: "acme/b", Verdict: scan.Incomplete, Error: "clone: repository not found"})
	p.Finish()
	want := "pipeguard audit: 2 repositories\n[1/2] acme/a\\u001b[31m: fail, 1 finding (1 new, 0 fixed), 1.5s\n[2/2] acme/b: incomplete: clone: repository not found\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
