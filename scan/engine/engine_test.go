package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

func scanRepo(t *testing.T, opts Options) *scan.Report {
	t.Helper()
	rep, err := Scan(context.Background(), opts)
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return rep
}

// summary lists findings as "scanner rule path:line decision".
func summary(rep *scan.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		out = append(out, fmt.Sprintf("%s %s %s:%d %s", f.Scanner, f.Rule, f.Path, f.Line, f.Decision))
	}
	return out
}

// TestExampleProject pins what the README's first command shows: the
// bundled example, scanned offline by every scanner.
func TestExampleProject(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..", "testdata", "example")
	rep := scanRepo(t, Options{Root: root})
	if len(rep.Errors) != 0 {
		t.Fatalf("errors: %+v", rep.Errors)
	}
	want := []string{
		"config autoreload-enabled Dockerfile:6 warn",
		"config dockerfile-root-user Dockerfile:6 warn",
		"config debug-enabled app/main.py:8 block",
		"config https-not-enforced app/main.py:8 warn",
		"config security-headers-missing app/main.py:8 warn",
		"config cors-credentials-any-origin app/main.py:12 block",
		"config route-missing-auth app/main.py:43 warn",
		"secrets stripe-access-token app/settings.py:6 block",
		"deps PYSEC-2021-100 requirements.txt:1 warn",
		"deps PYSEC-2024-38 requirements.txt:1 block",
	}
	got := summary(rep)
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	if rep.Verdict != scan.Fail {
		t.Errorf("verdict %s, want fail", rep.Verdict)
	}
	if !slices.ContainsFunc(rep.Notes, func(n string) bool { return strings.Contains(n, "hardcoded-secret finding(s) left out") }) {
		t.Errorf("no note about the overlapping hardcoded-secret finding: %v", rep.Notes)
	}
}

// TestNewSince checks what a pull request runs: only what the change
// introduced blocks, including a secret the change added and removed again.
func TestNewSince(t *testing.T) {
	r := gittest.New(t)
	old := gittest.GitHubPAT("already-there")
	r.Write("legacy.py", "TOKEN = \""+old+"\"\n")
	base := r.Commit("base with a known leak")
	r.Git("checkout", "-q", "-b", "feature")
	fresh := gittest.StripeKey("new-in-pr")
	r.Write("pay.py", "import os\n\nKEY = \""+fresh+"\"\n")
	r.Commit("add payments")
	transient := gittest.AWSKey("added-then-removed")
	r.Write("tmp.env", "AWS_ACCESS_KEY_ID="+transient+"\n")
	r.Commit("oops")
	r.Remove("tmp.env")
	r.Commit("remove it again")

	rep := scanRepo(t, Options{Root: r.Dir, Scanners: []string{scan.ScannerSecrets}, NewSince: base})
	byRule := map[string]scan.Finding{}
	for _, f := range rep.Findings {
		byRule[f.Rule] = f
	}
	tests := []struct {
		rule     string
		new      bool
		decision string
	}{
		{"github-pat", false, "warn"},
		{"stripe-access-token", true, "block"},
		{"aws-access-token", true, "block"},
	}
	for _, tt := range tests {
		f, ok := byRule[tt.rule]
		if !ok {
			t.Errorf("%s not found; findings: %v", tt.rule, summary(rep))
			continue
		}
		if f.New == nil || *f.New != tt.new || f.Decision != tt.decision {
			t.Errorf("%s at %s: new=%v decision=%s, want new=%v %s", tt.rule, f.Location(), f.New, f.Decision, tt.new, tt.decision)
		}
	}
	if byRule["aws-access-token"].Commit == "" {
		t.Error("the secret removed within the change carries no commit")
	}
	if rep.Verdict != scan.Fail {
		t.Errorf("verdict %s, want fail", rep.Verdict)
	}
	// The temporary worktree of the base is gone.
	if wt := r.Git("worktree", "list"); strings.Count(wt, "\n") != 0 {
		t.Errorf("worktrees left behind:\n%s", wt)
	}
}

// TestTrustedConfigFrom checks that a change cannot switch the guard off
// for itself: its .pipeguard.yaml and .gitleaks.toml are not read.
func TestTrustedConfigFrom(t *testing.T) {
	r := gittest.New(t)
	r.Write("README.md", "service\n")
	base := r.Commit("base")
	r.Write(".pipeguard.yaml", "scanners: [config]\ndisable_rules: [github-pat]\n")
	r.Write(".gitleaks.toml", "[allowlist]\npaths = ['''.*''']\n")
	r.Write("app.py", "TOKEN = \""+gittest.GitHubPAT("pr-head")+"\"\n")
	r.Commit("a pull request that also turns the guard off")

	untrusted := scanRepo(t, Options{Root: r.Dir, Scanners: []string{scan.ScannerSecrets}})
	if untrusted.Verdict != scan.Pass {
		t.Fatalf("without a trusted revision the head's own config should apply (and pass): %s %v", untrusted.Verdict, summary(untrusted))
	}
	trusted := scanRepo(t, Options{Root: r.Dir, Scanners: []string{scan.ScannerSecrets}, TrustedConfigFrom: base})
	if trusted.Verdict != scan.Fail || len(trusted.Findings) != 1 || trusted.Findings[0].Rule != "github-pat" {
		t.Errorf("with --trusted-config-from the leak must block: %s %v", trusted.Verdict, summary(trusted))
	}
}

func TestScanOptionErrors(t *testing.T) {
	r := gittest.New(t)
	r.Commit("one")
	plain := t.TempDir()
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"unknown scanner", Options{Root: r.Dir, Scanners: []string{"virus"}}, "unknown scanner"},
		{"history outside git", Options{Root: plain, Mode: scan.ModeHistory}, "needs a git repository"},
		{"bad fail-on", Options{Root: r.Dir, FailOn: "severe"}, "--fail-on"},
		{"unknown base", Options{Root: r.Dir, NewSince: "no-such-branch", Scanners: []string{"secrets"}}, "no-such-branch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Scan(context.Background(), tt.opts)
			if err == nil || !scan.IsConfigError(err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want a ConfigError mentioning %q", err, tt.want)
			}
		})
	}
}

// TestCacheKeepsRepositoriesApart scans repositories with and without their
// own gitleaks configuration through one cache, in an order that would show
// one repository's rules leaking into another's scan.
func TestCacheKeepsRepositoriesApart(t *testing.T) {
	plain := gittest.New(t)
	plain.Write("app.py", "TOKEN = \""+gittest.GitHubPAT("cache-plain")+"\"\n")
	plain.Commit("leak")
	allowAll := gittest.New(t)
	allowAll.Write(".gitleaks.toml", "[extend]\nuseDefault = true\n[allowlist]\npaths = ['''app\\.py''']\n")
	allowAll.Write("app.py", "TOKEN = \""+gittest.GitHubPAT("cache-allowed")+"\"\n")
	allowAll.Commit("allowed leak")
	custom := gittest.New(t)
	custom.Write(".pipeguard.yaml", "disable_rules: [debug-enabled]\n")
	custom.Write("main.py", "from fastapi import FastAPI\napp = FastAPI(debug=True)\n")
	custom.Commit("debug app")

	cache := NewCache()
	count := func(r *gittest.Repo, rule string) int {
		rep := scanRepo(t, Options{Root: r.Dir, Scanners: []string{"secrets", "config"}, Cache: cache})
		n := 0
		for _, f := range rep.Findings {
			if f.Rule == rule {
				n++
			}
		}
		return n
	}
	for round := range 2 {
		if n := count(plain, "github-pat"); n != 1 {
			t.Errorf("round %d: plain repository: %d github-pat findings, want 1", round, n)
		}
		if n := count(allowAll, "github-pat"); n != 0 {
			t.Errorf("round %d: repository allowlisting app.py: %d github-pat findings, want 0", round, n)
		}
		if n := count(custom, "debug-enabled"); n != 0 {
			t.Errorf("round %d: repository disabling debug-enabled: %d findings, want 0", round, n)
		}
		if n := count(plain, "debug-enabled"); n != 0 {
			t.Errorf("round %d: plain repository has no app but %d debug-enabled findings", round, n)
		}
	}
	if len(cache.configs) != 2 {
		t.Errorf("cache holds %d compiled rule sets, want 2 (default, and one without debug-enabled)", len(cache.configs))
	}
}

// TestOffline checks that an offline scan never reaches for the public Go
// database: without a local one, Go modules are skipped and the report says so.
func TestOffline(t *testing.T) {
	r := gittest.New(t)
	r.Write("go.mod", "module example.com/svc\n\ngo 1.22\n\nrequire golang.org/x/text v0.3.5\n")
	r.Commit("a Go module")
	rep := scanRepo(t, Options{Root: r.Dir, Scanners: []string{scan.ScannerDeps}, Offline: true})
	if len(rep.Errors) != 0 {
		t.Fatalf("errors: %+v", rep.Errors)
	}
	var notes []string
	for _, s := range rep.Scanners {
		notes = append(notes, s.Notes...)
	}
	if !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, "Go modules not audited: offline") }) {
		t.Errorf("no note that Go was skipped offline: %q", notes)
	}
}

// TestSubfolderRoot scans a subfolder of a repository (a monorepo
// service): changed lines, the base of --new-since and the trusted
// revision must all be read for the same subfolder as the findings.
func TestSubfolderRoot(t *testing.T) {
	r := gittest.New(t)
	r.Write("svc/main.py", "from fastapi import FastAPI\napp = FastAPI(debug=True)\n")
	r.Write("other/x.py", "print(1)\n")
	base := r.Commit("service with debug on")
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("svc/pay.py", "KEY = \""+gittest.StripeKey("subfolder")+"\"\n")
	r.Commit("payments")
	root := filepath.Join(r.Dir, "svc")

	rep := scanRepo(t, Options{Root: root, Scanners: []string{"secrets", "config"}, NewSince: base, TrustedConfigFrom: base})
	news := map[string]bool{}
	for _, f := range rep.Findings {
		if f.New == nil {
			t.Fatalf("%s %s: not marked new or existing", f.Rule, f.Location())
		}
		news[f.Rule] = *f.New
	}
	if news["debug-enabled"] || !news["stripe-access-token"] {
		t.Errorf("new marks %v: debug-enabled was in the base, the key is new; findings %v", news, summary(rep))
	}

	r.Write("svc/admin.py", "from fastapi import FastAPI\nadmin = FastAPI(debug=True)\n")
	r.Git("add", "svc/admin.py")
	staged := scanRepo(t, Options{Root: root, Scanners: []string{"config"}, Mode: scan.ModeStaged})
	var got []string
	for _, f := range staged.Findings {
		if f.Rule == "debug-enabled" {
			got = append(got, f.Location())
		}
	}
	if strings.Join(got, ",") != "admin.py:2" {
		t.Errorf("staged debug-enabled findings %v, want [admin.py:2] (only the staged file)", got)
	}
}

// TestCacheConcurrentScans runs scans of different repositories at once
// through one cache, as an audit with --jobs does.
func TestCacheConcurrentScans(t *testing.T) {
	var repos []*gittest.Repo
	for i := range 3 {
		r := gittest.New(t)
		r.Write("app.py", "TOKEN = \""+gittest.GitHubPAT(fmt.Sprint("concurrent", i))+"\"\n")
		if i == 1 {
			r.Write(".pipeguard.yaml", "disable_rules: [github-pat]\n")
		}
		r.Commit("leak")
		repos = append(repos, r)
	}
	cache := NewCache()
	type result struct {
		repo  int
		rules string
		err   error
	}
	results := make(chan result, 6)
	for round := range 2 {
		for i, r := range repos {
			go func() {
				rep, err := Scan(context.Background(), Options{Root: r.Dir, Scanners: []string{"secrets", "config"}, Cache: cache})
				var rules []string
				if err == nil {
					for _, f := range rep.Findings {
						rules = append(rules, f.Rule)
					}
				}
				results <- result{i, strings.Join(rules, ","), err}
			}()
		}
		for range repos {
			res := <-results
			want := "github-pat"
			if res.repo == 1 {
				// Its configuration disables the gitleaks rule: the literal is
				// still reported, by the config rule.
				want = "hardcoded-secret"
			}
			if res.err != nil || res.rules != want {
				t.Errorf("round %d, repository %d: findings %q, %v; want %q", round, res.repo, res.rules, res.err, want)
			}
		}
	}
}
