package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/engine"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// recorder wraps engine.Scan and keeps each repository's raw scan report,
// so that a test can see what a run actually scanned.
type recorder struct {
	mu   sync.Mutex
	reps map[string]*scan.Report // by clone root's repository, see byRoot
	opts map[string]engine.Options
}

func (r *recorder) scan(ctx context.Context, o engine.Options) (*scan.Report, error) {
	rep, err := engine.Scan(ctx, o)
	r.mu.Lock()
	defer r.mu.Unlock()
	// The clone's origin names the repository.
	out, _ := exec2(o.Root, "config", "--get", "remote.origin.url")
	if rep != nil {
		r.reps[out] = rep
	}
	r.opts[out] = o
	return rep, err
}

func exec2(dir string, args ...string) (string, error) {
	var b bytes.Buffer
	g := &gitRunner{}
	out, err := g.run(context.Background(), dir, args...)
	b.Write(out)
	return strings.TrimSpace(b.String()), err
}

func findRepo(t *testing.T, a *Audit, name string) *Repository {
	t.Helper()
	for i := range a.Repositories {
		if a.Repositories[i].Name == name {
			return &a.Repositories[i]
		}
	}
	t.Fatalf("repository %s not in the audit; have %v", name, names(a))
	return nil
}

func names(a *Audit) []string {
	var out []string
	for _, r := range a.Repositories {
		out = append(out, r.Name)
	}
	return out
}

func fingerprints(fs []scan.Finding) []string {
	var out []string
	for _, f := range fs {
		if !slices.Contains(out, f.Fingerprint) {
			out = append(out, f.Fingerprint)
		}
	}
	slices.Sort(out)
	return out
}

// secretFP is the fingerprint of a secret finding, found in the report.
func secretFP(t *testing.T, r *Repository, path string) string {
	t.Helper()
	for _, f := range r.Findings {
		if f.Scanner == scan.ScannerSecrets && f.Path == path {
			return f.Fingerprint
		}
	}
	t.Fatalf("%s: no secret finding in %s; findings: %+v", r.Name, path, r.Findings)
	return ""
}

// noCanary fails when any of the canaries is in s.
func noCanary(t *testing.T, what, s string, canaries ...string) {
	t.Helper()
	for _, c := range canaries {
		if strings.Contains(s, c) {
			t.Errorf("%s holds the secret %s…", what, c[:6])
		}
	}
}

func readOut(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	for _, n := range []string{JSONFile, MarkdownFile, HTMLFile} {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

// TestAuditIncremental is the story of the issue: an organization listed
// through the API, a list file with a broken URL, a first full audit, an
// incremental one after new commits, then a force-push that rewrites a
// leak out of history.
func TestAuditIncremental(t *testing.T) {
	gittest.Setup(t)
	root := t.TempDir()
	pat1, pat2 := gittest.GitHubPAT(t.Name()+"/1"), gittest.GitHubPAT(t.Name()+"/2")

	// leaky: a token committed, then removed: it is only in old history.
	leaky := gittest.Init(t, filepath.Join(root, "src", "leaky"))
	leaky.CommitFiles("readme", map[string]string{"README.md": "# leaky\n"})
	leakCommit := leaky.CommitFiles("add settings", map[string]string{"settings.py": "GITHUB_TOKEN = \"" + pat1 + "\"\n"})
	leaky.CommitFiles("remove the token", map[string]string{"settings.py": "import os\nGITHUB_TOKEN = os.environ[\"GITHUB_TOKEN\"]\n"})

	// vulndep: a Go module that requires a vulnerable golang.org/x/text.
	vulndep := gittest.Init(t, filepath.Join(root, "src", "vulndep"))
	copyDir(t, filepath.Join("..", "..", "testdata", "deps", "go", "requires"), vulndep.Dir)
	vulndep.Git("add", "-A")
	vulndep.CommitFiles("module", nil)

	clean := gittest.Init(t, filepath.Join(root, "src", "clean"))
	clean.CommitFiles("readme", map[string]string{"README.md": "# clean\n", "main.py": "print('hello')\n"})

	fileURL := func(p string) string { return "file://" + p }
	repos := []map[string]any{
		{"full_name": "acme/clean", "name": "clean", "clone_url": fileURL(clean.Dir), "size": 10, "default_branch": "main"},
		{"full_name": "acme/leaky", "name": "leaky", "clone_url": fileURL(leaky.Dir), "size": 10, "default_branch": "main"},
		{"full_name": "acme/old", "name": "old", "clone_url": fileURL(clean.Dir), "size": 10, "default_branch": "main", "archived": true},
		{"full_name": "acme/forked", "name": "forked", "clone_url": fileURL(clean.Dir), "size": 10, "default_branch": "main", "fork": true},
		{"full_name": "acme/nothing", "name": "nothing", "clone_url": fileURL(clean.Dir), "size": 0, "default_branch": ""},
		{"full_name": "acme/vulndep", "name": "vulndep", "clone_url": fileURL(vulndep.Dir), "size": 10, "default_branch": "main"},
	}
	api := newFakeAPI(t, "acme", repos)
	client, err := NewClient(api.srv.URL, "not-a-real-token", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	orgTargets, skipped, err := ListOrg(ctx, client, "acme", DefaultServerURL, OrgFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range orgTargets {
		got = append(got, tg.Name)
	}
	if want := []string{"acme/clean", "acme/leaky", "acme/vulndep"}; !slices.Equal(got, want) {
		t.Fatalf("org targets = %v, want %v (both pages, without archived, fork, empty)", got, want)
	}
	reasons := map[string]string{}
	for _, s := range skipped {
		reasons[s.Name] = s.Reason
	}
	if reasons["acme/old"] != "archived" || reasons["acme/forked"] != "fork" || reasons["acme/nothing"] != "empty" {
		t.Errorf("skipped = %v", skipped)
	}

	listFile := filepath.Join(root, "repos.txt")
	os.WriteFile(listFile, []byte("# extra repositories\n\nfile:///nonexistent/broken.git   # gone\n"), 0o644)
	extra, err := ReadReposFile(listFile, DefaultServerURL)
	if err != nil {
		t.Fatal(err)
	}
	targets := append(orgTargets, extra...)

	vulndb, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "deps", "go", "vulndb"))
	rec := &recorder{reps: map[string]*scan.Report{}, opts: map[string]engine.Options{}}
	var logs bytes.Buffer
	state := filepath.Join(root, "state", "state.json")
	work := filepath.Join(root, "work")
	now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	opts := Options{
		Targets:  targets,
		Skipped:  skipped,
		Jobs:     2,
		State:    state,
		Out:      filepath.Join(root, "out1"),
		WorkDir:  work,
		Scan:     engine.Options{GoVulnDB: vulndb, Version: "test"},
		ScanFunc: rec.scan,
		Log:      slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:      func() time.Time { return now },
	}
	a, err := Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Skipped) != 3 {
		t.Errorf("report's skipped = %v", a.Skipped)
	}

	// First audit: everything found is new.
	lk := findRepo(t, a, "acme/leaky")
	if lk.Verdict != scan.Fail || lk.Error != "" || !lk.FirstAudit || lk.Scan.Mode != "history" || lk.Scan.Commits != 3 {
		t.Errorf("leaky: verdict %s, error %q, first %v, scan %+v; want fail, full history of 3 commits", lk.Verdict, lk.Error, lk.FirstAudit, lk.Scan)
	}
	fp1 := secretFP(t, lk, "settings.py")
	for _, f := range lk.Findings {
		if f.Fingerprint == fp1 && (f.Commit != leakCommit || f.Secret == "" || !strings.HasSuffix(f.Secret, "****")) {
			t.Errorf("leaky finding: commit %s, secret %q; want %s and a masked secret", f.Commit, f.Secret, leakCommit)
		}
	}
	if !slices.Equal(lk.New, []string{fp1}) || len(lk.Open) != 0 || len(lk.Fixed) != 0 {
		t.Errorf("leaky: new %v open %v fixed %v, want new [%s]", lk.New, lk.Open, lk.Fixed, fp1)
	}
	cl := findRepo(t, a, "acme/clean")
	if cl.Verdict != scan.Pass || len(cl.Findings) != 0 || cl.Head == "" {
		t.Errorf("clean: %s with %d findings, head %q", cl.Verdict, len(cl.Findings), cl.Head)
	}
	br := findRepo(t, a, "/nonexistent/broken.git")
	if br.Error == "" || br.Verdict != scan.Incomplete || !strings.Contains(br.Error, "clone") {
		t.Errorf("broken: verdict %s error %q, want incomplete with a clone error", br.Verdict, br.Error)
	}
	vd := findRepo(t, a, "acme/vulndep")
	depsRan := false
	for _, run := range rec.reps[fileURL(vulndep.Dir)].Scanners {
		depsRan = depsRan || run.Name == scan.ScannerDeps && run.Status == "ok"
	}
	if depsRan {
		found := false
		for _, f := range vd.Findings {
			found = found || f.Scanner == scan.ScannerDeps && f.Dependency != nil && f.Dependency.Name == "golang.org/x/text"
		}
		if !found {
			t.Errorf("vulndep: no golang.org/x/text finding: %+v", vd.Findings)
		}
	} else {
		t.Logf("the engine ran no deps scanner yet: the vulnerable dependency is not checked (scanners: %+v)", rec.reps[fileURL(vulndep.Dir)].Scanners)
	}
	if a.Totals.Repositories != 4 || a.Totals.Fail < 1 || a.Totals.Errors != 1 || a.ExitCode() != scan.ExitFail {
		t.Errorf("totals %+v exit %d", a.Totals, a.ExitCode())
	}
	if ents, _ := os.ReadDir(work); len(ents) != 0 {
		t.Errorf("work folder not cleaned up: %v", ents)
	}

	// The reports: the JSON schema of the issue, no secret anywhere.
	var doc struct {
		Version      int              `json:"version"`
		Repositories []map[string]any `json:"repositories"`
	}
	data, _ := os.ReadFile(filepath.Join(opts.Out, JSONFile))
	if err := json.Unmarshal(data, &doc); err != nil || doc.Version != 1 || len(doc.Repositories) != 4 {
		t.Fatalf("audit.json: %v, version %d, %d repositories", err, doc.Version, len(doc.Repositories))
	}
	for _, k := range []string{"name", "url", "head", "verdict", "findings", "error", "new", "fixed", "open"} {
		if _, ok := doc.Repositories[0][k]; !ok {
			t.Errorf("audit.json repository has no %q", k)
		}
	}
	out1 := readOut(t, opts.Out)
	noCanary(t, "reports", out1, pat1, pat2)
	st, _ := os.ReadFile(state)
	noCanary(t, "state", string(st), pat1, pat2)
	noCanary(t, "log", logs.String(), pat1, pat2)
	if !strings.Contains(out1, "acme/leaky") || !strings.Contains(out1, "<svg") {
		t.Errorf("reports lack the repository or the chart")
	}

	// Tracking issues: one for leaky, nothing for the others.
	is := SyncIssues(ctx, client, a, IssueOptions{})
	if !slices.Equal(is.Created, []string{"acme/leaky"}) || len(is.Warnings) != 0 {
		t.Errorf("issues: %+v", is)
	}
	iss := api.issue("acme/leaky", 1)
	if iss == nil || !strings.Contains(iss["body"].(string), issueMarker("acme/leaky")) ||
		len(iss["labels"].([]map[string]any)) != 1 || iss["labels"].([]map[string]any)[0]["name"] != IssueLabel {
		t.Fatalf("tracking issue: %v", iss)
	}

	// Second audit after new commits: only the new history is scanned.
	leaky.CommitFiles("add deploy script", map[string]string{"deploy.sh": "export GH_TOKEN=" + pat2 + "\n"})
	clean.CommitFiles("docs", map[string]string{"docs.md": "more docs\n"})
	// vulndep moves to a golang.org/x/text without the advisories.
	depFPs := fingerprints(vd.Findings)
	vulndep.CommitFiles("bump golang.org/x/text", map[string]string{
		"go.mod":             "module example.com/requires\n\ngo 1.22\n\nrequire golang.org/x/text v0.14.0\n",
		"vendor/modules.txt": "# golang.org/x/text v0.14.0\n## explicit; go 1.18\n",
		"go.sum":             "golang.org/x/text v0.14.0 h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=\ngolang.org/x/text v0.14.0/go.mod h1:18ZOQIKpY8NJVqYksKHtTdi31H5itFRjB5/qKTNYzSU=\n",
	})
	now = now.Add(24 * time.Hour)
	opts.Out = filepath.Join(root, "out2")
	a2, err := Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	lk = findRepo(t, a2, "acme/leaky")
	if lk.Scan.Mode != "range" || lk.Scan.Commits != 1 || lk.FirstAudit {
		t.Errorf("leaky second run scanned %+v; want a range of 1 commit", lk.Scan)
	}
	raw := rec.reps[fileURL(leaky.Dir)]
	if raw.Target.Mode != "range" || !slices.Equal(fingerprints(raw.Findings), []string{secretFP(t, lk, "deploy.sh")}) {
		t.Errorf("the range scan found %v in mode %s; want only the new secret", fingerprints(raw.Findings), raw.Target.Mode)
	}
	fp2 := secretFP(t, lk, "deploy.sh")
	if !slices.Equal(lk.New, []string{fp2}) || !slices.Equal(lk.Open, []string{fp1}) || len(lk.Fixed) != 0 {
		t.Errorf("leaky: new %v open %v fixed %v; want new [fp2] open [fp1]", lk.New, lk.Open, lk.Fixed)
	}
	if lk.Verdict != scan.Fail || len(lk.History) != 2 {
		t.Errorf("leaky: verdict %s, history %v", lk.Verdict, lk.History)
	}
	cl = findRepo(t, a2, "acme/clean")
	if cl.Scan.Mode != "range" || cl.Scan.Commits != 1 || cl.Verdict != scan.Pass {
		t.Errorf("clean second run: %+v %s", cl.Scan, cl.Verdict)
	}
	if depsRan {
		// v0.14.0 fixes two of the three advisories that affect v0.3.5 in
		// the test database (GO-2026-5970 is fixed only in v0.39.0): those
		// two are fixed, the other one stays open.
		vd = findRepo(t, a2, "acme/vulndep")
		still := fingerprints(vd.Findings)
		if vd.Error != "" || len(vd.Errors) != 0 || len(vd.Fixed) != len(depFPs)-1 || len(still) != 1 ||
			!slices.Equal(vd.Open, still) || len(vd.New) != 0 || !slices.Contains(depFPs, still[0]) {
			t.Errorf("vulndep after the bump: error %q %v, fixed %v, open %v, new %v, findings %v; before %v",
				vd.Error, vd.Errors, fingerprints(vd.Fixed), vd.Open, vd.New, still, depFPs)
		}
	}
	if len(a2.History) != 2 || a2.History[1].Open < 2 {
		t.Errorf("summed history = %+v", a2.History)
	}
	noCanary(t, "second reports", readOut(t, opts.Out), pat1, pat2)
	is = SyncIssues(ctx, client, a2, IssueOptions{})
	if !slices.Equal(is.Updated, []string{"acme/leaky"}) || len(is.Created) != 0 {
		t.Errorf("second issues sync: %+v (want leaky's issue updated in place)", is)
	}
	if body := api.issue("acme/leaky", 1)["body"].(string); !strings.Contains(body, "deploy.sh") {
		t.Errorf("issue not updated with the new finding:\n%s", body)
	}

	// Third audit after a force-push that rewrote both leaks out of history.
	leaky.Git("checkout", "-q", "--orphan", "rewritten")
	leaky.Git("rm", "-rq", "--cached", ".")
	os.Remove(filepath.Join(leaky.Dir, "deploy.sh"))
	os.WriteFile(filepath.Join(leaky.Dir, "settings.py"), []byte("import os\n"), 0o644)
	leaky.CommitFiles("history rewritten", map[string]string{"settings.py": "import os\n", "README.md": "# leaky\n"})
	leaky.Git("branch", "-M", "rewritten", "main")
	now = now.Add(24 * time.Hour)
	opts.Out = filepath.Join(root, "out3")
	a3, err := Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	lk = findRepo(t, a3, "acme/leaky")
	if lk.Scan.Mode != "history" || !strings.Contains(strings.Join(lk.Notes, "\n"), "full history") {
		t.Errorf("after a force-push: scan %+v notes %v; want a full-history scan that says why", lk.Scan, lk.Notes)
	}
	if lk.Verdict != scan.Pass || !slices.Equal(fingerprints(lk.Fixed), []string{fp1, fp2}) && !slices.Equal(fingerprints(lk.Fixed), []string{fp2, fp1}) || len(lk.New) != 0 {
		t.Errorf("after a force-push: verdict %s new %v fixed %v; want both secrets fixed", lk.Verdict, lk.New, fingerprints(lk.Fixed))
	}
	is = SyncIssues(ctx, client, a3, IssueOptions{})
	if !slices.Equal(is.Closed, []string{"acme/leaky"}) || api.issue("acme/leaky", 1)["state"] != "closed" {
		t.Errorf("third issues sync: %+v; issue %v", is, api.issue("acme/leaky", 1)["state"])
	}
	noCanary(t, "API requests", api.allBodies(), pat1, pat2)
	noCanary(t, "log", logs.String(), pat1, pat2)
}
