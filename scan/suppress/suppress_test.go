package suppress

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
	"github.com/pipeguard/pipeguard/scan/repoconf"
)

var today = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func report(root string, fs ...scan.Finding) *scan.Report {
	rep := scan.NewReport(root, scan.Tool{}, scan.TargetInfo{Mode: "tree"})
	rep.Findings = fs
	for _, s := range scan.AllScanners {
		rep.Scanners = append(rep.Scanners, scan.ScannerRun{Name: s, Status: "ok"})
	}
	return rep
}

func hasNote(rep *scan.Report, parts ...string) bool {
	for _, n := range rep.Notes {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(n, p)
		}
		if ok {
			return true
		}
	}
	return false
}

const appPy = `import os
API_KEY = "sk_live_abc"  # pipeguard:ignore hardcoded-secret reason="rotated, test fixture" until=2027-01-31 owner=@alice
# pipeguard:ignore debug-enabled reason="local only"
DEBUG = True
x = 1  # pipeguard:ignore tls-verify-disabled reason="covers only this line"
requests.get(url, verify=False)
TOKEN = "ghp_x"  # pipeguard:ignore hardcoded-secret reason="old" until=2025-01-01
PASSWORD = "hunter2"  # pipeguard:ignore jwt-algorithms-missing reason="wrong rule"
SECRET = "s3"  # gitleaks:allow
HOST = "0.0.0.0"  # nosec B104
ORIGINS = ["*"]  # nosec cors-null-origin
KEY2 = "k"  # pipeguard:ignore hardcoded-secret
`

const mainGo = `package main

// pipeguard:ignore GO-2024-0001 reason="not reachable in prod build"

var token = "ghp_abc" // pipeguard:ignore github-pat reason="revoked" owner=@bob
`

const unusedPy = `# pipeguard:ignore route-missing-auth reason="public webhook"
def f(): pass
`

func TestInline(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{"app.py": appPy, "cmd/main.go": mainGo, "unused.py": unusedPy})
	f := func(scanner, rule string, path string, line int) scan.Finding {
		return scan.Finding{Scanner: scanner, Rule: rule, Path: path, Line: line, Severity: scan.High, Fingerprint: rule + path}
	}
	rep := report(dir,
		f("config", "hardcoded-secret", "app.py", 2),         // 0 valid, same line
		f("config", "debug-enabled", "app.py", 4),            // 1 comment-only line above
		f("config", "tls-verify-disabled", "app.py", 6),      // 2 line above holds code: no
		f("config", "hardcoded-secret", "app.py", 7),         // 3 expired
		f("config", "hardcoded-secret", "app.py", 8),         // 4 wrong rule
		f("secrets", "generic-api-key", "app.py", 9),         // 5 gitleaks:allow
		f("config", "hardcoded-secret", "app.py", 9),         // 6 gitleaks:allow is for secrets only
		f("config", "proxy-headers-trust-all", "app.py", 10), // 7 nosec with a Bandit id that maps to no pipeguard rule
		f("config", "cors-any-origin", "app.py", 11),         // 8 nosec naming another rule
		f("config", "hardcoded-secret", "app.py", 12),        // 9 no reason: malformed
		f("secrets", "github-pat", "cmd/main.go", 5),         // 10 Go // form
		f("deps", "GO-2024-0001", "cmd/main.go", 5),          // 11 a comment two lines up does not count
	)
	err := Apply(context.Background(), rep, Options{Root: dir, Now: today, Files: []string{"app.py", "cmd/main.go", "unused.py"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		kind, source, reason, owner string
	}{
		{KindInline, "app.py:2", "rotated, test fixture", "@alice"},
		{KindInline, "app.py:3", "local only", ""},
		{},
		{},
		{},
		{KindGitleaksAllow, "app.py:9", "gitleaks:allow comment", ""},
		{},
		{},
		{},
		{},
		{KindInline, "cmd/main.go:5", "revoked", "@bob"},
		{},
	}
	for i, w := range want {
		s := rep.Findings[i].Suppression
		switch {
		case w.kind == "" && s != nil:
			t.Errorf("finding %d (%s:%d) suppressed by %+v", i, rep.Findings[i].Path, rep.Findings[i].Line, s)
		case w.kind != "" && s == nil:
			t.Errorf("finding %d (%s:%d) not suppressed", i, rep.Findings[i].Path, rep.Findings[i].Line)
		case w.kind != "" && (s.Kind != w.kind || s.Source != w.source || s.Reason != w.reason || s.Owner != w.owner):
			t.Errorf("finding %d: suppression %+v, want %+v", i, s, w)
		}
	}
	if r := strings.Join(rep.Findings[3].Reasons, "\n"); !strings.Contains(r, "expired on 2025-01-01") {
		t.Errorf("expired finding reasons = %q", r)
	}
	if r := strings.Join(rep.Findings[7].Reasons, "\n"); !strings.Contains(r, "# nosec at app.py:10 does not suppress proxy-headers-trust-all") {
		t.Errorf("nosec B104 finding reasons = %q", r)
	}
	if r := strings.Join(rep.Findings[9].Reasons, "\n"); !strings.Contains(r, "needs reason") {
		t.Errorf("malformed finding reasons = %q", r)
	}
	for _, n := range [][]string{
		{"expired suppression at app.py:7"},
		{"stale suppression at app.py:8", "jwt-algorithms-missing"},
		{"stale suppression at app.py:5", "tls-verify-disabled"},
		{"stale suppression at unused.py:1", "route-missing-auth"},
		{"stale suppression at cmd/main.go:3", "GO-2024-0001"},
		{"malformed suppression at app.py:12"},
	} {
		if !hasNote(rep, n...) {
			t.Errorf("no note with %q in %q", n, rep.Notes)
		}
	}
	if hasNote(rep, "stale suppression at app.py:2") || hasNote(rep, "stale suppression at cmd/main.go:5") {
		t.Errorf("used suppression reported stale: %q", rep.Notes)
	}

	// A partial scan never calls a suppression stale.
	rep2 := report(dir)
	if err := Apply(context.Background(), rep2, Options{Root: dir, Now: today, Files: []string{"unused.py"}, Partial: true}); err != nil {
		t.Fatal(err)
	}
	if len(rep2.Notes) != 0 {
		t.Errorf("partial scan notes: %q", rep2.Notes)
	}
}

const ignoreYAML = `version: 1
suppressions:
  - fingerprint: FP-FIXTURE
    reason: test fixture key
    owner: "@alice"
  - rule: cors-any-origin
    path: "services/public/**"
    reason: public API by design
    owner: "@api-team"
    until: 2027-06-30
  - advisory: CVE-2024-9999
    reason: not reachable, fix pending upstream
    owner: "@deps"
  - rule: debug-enabled
    path: "examples/*.py"
    reason: examples
    owner: "@docs"
    expires: 2026-01-01
  - rule: jwt-algorithms-missing
    reason: nothing has it
    owner: "@x"
  - advisory: GHSA-none-none-none
    reason: nothing has it either
    owner: "@x"
`

func TestIgnoreFile(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{".pipeguard-ignore.yaml": ignoreYAML})
	dep := &scan.Dependency{Ecosystem: "Go", Name: "example.com/m", Version: "v1.0.0", Aliases: []string{"CVE-2024-9999", "GHSA-aaaa-bbbb-cccc"}}
	rep := report(dir,
		scan.Finding{Scanner: "secrets", Rule: "generic-api-key", Path: "tests/k.txt", Fingerprint: "FP-FIXTURE"},       // 0 by fingerprint
		scan.Finding{Scanner: "secrets", Rule: "generic-api-key", Path: "tests/k.txt", Fingerprint: "FP-OTHER"},         // 1
		scan.Finding{Scanner: "config", Rule: "cors-any-origin", Path: "services/public/api/main.py", Fingerprint: "a"}, // 2 rule+path
		scan.Finding{Scanner: "config", Rule: "cors-any-origin", Path: "services/private/main.py", Fingerprint: "b"},    // 3 path does not match
		scan.Finding{Scanner: "deps", Rule: "GO-2024-1234", Path: "go.mod", Fingerprint: "c", Dependency: dep},          // 4 advisory alias
		scan.Finding{Scanner: "config", Rule: "debug-enabled", Path: "examples/app.py", Fingerprint: "d"},               // 5 expired
	)
	if err := Apply(context.Background(), rep, Options{Root: dir, Now: today}); err != nil {
		t.Fatal(err)
	}
	wantSource := []string{".pipeguard-ignore.yaml:3", "", ".pipeguard-ignore.yaml:6", "", ".pipeguard-ignore.yaml:11", ""}
	for i, w := range wantSource {
		s := rep.Findings[i].Suppression
		if (s == nil) != (w == "") || (s != nil && (s.Source != w || s.Kind != KindFile || s.Reason == "" || s.Owner == "")) {
			t.Errorf("finding %d: suppression %+v, want source %q", i, s, w)
		}
	}
	if !strings.Contains(strings.Join(rep.Findings[5].Reasons, " "), "expired on 2026-01-01") {
		t.Errorf("expired entry: reasons %q", rep.Findings[5].Reasons)
	}
	for _, n := range []string{"expired suppression at .pipeguard-ignore.yaml:14", "stale suppression at .pipeguard-ignore.yaml:19", "stale suppression at .pipeguard-ignore.yaml:22"} {
		if !hasNote(rep, n) {
			t.Errorf("no note %q in %q", n, rep.Notes)
		}
	}
	if hasNote(rep, "stale suppression at .pipeguard-ignore.yaml:3") || hasNote(rep, "stale suppression at .pipeguard-ignore.yaml:14") {
		t.Errorf("used or expired entry called stale: %q", rep.Notes)
	}

	// When the deps scanner failed, an advisory entry cannot be called stale.
	rep2 := report(dir)
	rep2.Scanners[1].Status = "failed"
	if err := Apply(context.Background(), rep2, Options{Root: dir, Now: today}); err != nil {
		t.Fatal(err)
	}
	if hasNote(rep2, "stale") {
		t.Errorf("stale notes with a failed scanner: %q", rep2.Notes)
	}
}

func TestIgnoreFileErrors(t *testing.T) {
	tests := []struct {
		name, body string
		line       int
		want       string
	}{
		{"unknown top key", "suppression:\n  - rule: x\n", 1, `unknown key "suppression"`},
		{"unknown entry key", "suppressions:\n  - rule: x\n    reason: r\n    owner: o\n    exipres: 2026-01-01\n", 5, `unknown key "exipres"`},
		{"no owner", "suppressions:\n  - rule: x\n    reason: r\n", 2, "owner is required"},
		{"no reason", "suppressions:\n  - fingerprint: abc\n    owner: o\n", 2, "reason is required"},
		{"nothing to match", "suppressions:\n  - reason: r\n    owner: o\n", 2, "give a fingerprint"},
		{"bad date", "suppressions:\n  - rule: x\n    reason: r\n    owner: o\n    until: soon\n", 5, "YYYY-MM-DD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseIgnoreFile(".pipeguard-ignore.yaml", []byte(tt.body))
			var ce *scan.ConfigError
			if !errors.As(err, &ce) || ce.Line != tt.line || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q at line %d", err, tt.want, tt.line)
			}
		})
	}
	// Apply surfaces it as a ConfigError.
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{".pipeguard-ignore.yaml": tests[1].body})
	if err := Apply(context.Background(), report(dir), Options{Root: dir, Now: today}); !scan.IsConfigError(err) {
		t.Errorf("Apply err = %v, want a ConfigError", err)
	}
}

// TestTrustedConfigResistsHead: the head of a pull request commits a
// .pipeguard.yaml that disables rules and scanners, a .pipeguard-ignore.yaml
// that suppresses its own findings, and inline comments; with the
// configuration read from the base revision none of it applies, while an
// inline suppression already present at the base still does.
func TestTrustedConfigResistsHead(t *testing.T) {
	ctx := context.Background()
	r := gittest.New(t)
	dir := r.Dir
	gittest.WriteFiles(t, dir, map[string]string{
		".pipeguard.yaml": "fail_on: low\nthresholds: {secrets: low}\n",
		"app/settings.py": "DEBUG = False\nKEY = \"fixture\"  # pipeguard:ignore generic-api-key reason=\"test fixture\"\n",
	})
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "pr")
	gittest.WriteFiles(t, dir, map[string]string{
		".pipeguard.yaml":        "scanners: [deps]\ndisable_rules: [github-pat, generic-api-key]\nfail_on: critical\n",
		".pipeguard-ignore.yaml": "suppressions:\n  - rule: github-pat\n    reason: trust me\n    owner: \"@attacker\"\n",
		"app/settings.py":        "DEBUG = False\nKEY = \"fixture\"  # pipeguard:ignore generic-api-key reason=\"test fixture\"\nTOKEN = \"ghp_real\"  # pipeguard:ignore github-pat reason=\"trust me\"\n",
	})
	r.Commit("pr: switch the guard off")

	findings := func() *scan.Report {
		return report(dir,
			scan.Finding{Scanner: "secrets", Rule: "generic-api-key", Path: "app/settings.py", Line: 2, Fingerprint: "k", Severity: scan.High},
			scan.Finding{Scanner: "secrets", Rule: "github-pat", Path: "app/settings.py", Line: 3, Fingerprint: "t", Severity: scan.High},
		)
	}

	// Untrusted: the head's own configuration would drop or suppress everything.
	headSet, err := repoconf.Load(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	rep := findings()
	headSet.Apply(rep)
	if len(rep.Findings) != 0 {
		t.Fatalf("head config should drop both findings, kept %+v", rep.Findings)
	}

	// Trusted: the base's configuration and suppressions decide.
	baseSet, err := repoconf.LoadRev(ctx, dir, "main")
	if err != nil {
		t.Fatal(err)
	}
	rep = findings()
	baseSet.Apply(rep)
	if len(rep.Findings) != 2 {
		t.Fatalf("base config dropped findings: %+v", rep.Findings)
	}
	if err := Apply(ctx, rep, Options{Root: dir, Config: baseSet, TrustedRev: "main", Now: today}); err != nil {
		t.Fatal(err)
	}
	if s := rep.Findings[0].Suppression; s == nil || s.Source != "app/settings.py:2" {
		t.Errorf("inline suppression present at base should apply: %+v", s)
	}
	if s := rep.Findings[1].Suppression; s != nil {
		t.Errorf("head's own suppression applied: %+v", s)
	}
	if !strings.Contains(strings.Join(rep.Findings[1].Reasons, " "), "not in the trusted revision main") {
		t.Errorf("reasons = %q", rep.Findings[1].Reasons)
	}
	if baseSet.Root().FailOn != scan.Low || !baseSet.For("app/settings.py").Enabled("secrets") {
		t.Errorf("base config = %+v", baseSet.Root())
	}
}

// TestInlineAtCommit checks that a history finding is judged by the file
// as it was at its commit, not as it is now.
func TestInlineAtCommit(t *testing.T) {
	r := gittest.New(t)
	r.Write("svc/app.py", "TOKEN = \"x\"  # pipeguard:ignore github-pat reason=\"revoked in 2024\"\n")
	r.Write("svc/other.py", "KEY = \"y\"\n")
	c1 := r.Commit("leak, with a suppression")
	r.Write("svc/app.py", "TOKEN = None\n")
	r.Commit("clean up")
	root := r.Dir + "/svc" // a subfolder scan: paths are relative to it
	rep := report(root,
		scan.Finding{Scanner: "secrets", Rule: "github-pat", Path: "app.py", Line: 1, Commit: c1, Fingerprint: "a"},
		scan.Finding{Scanner: "secrets", Rule: "github-pat", Path: "other.py", Line: 1, Commit: c1, Fingerprint: "b"},
	)
	if err := Apply(context.Background(), rep, Options{Root: root, Now: today, Partial: true}); err != nil {
		t.Fatal(err)
	}
	if s := rep.Findings[0].Suppression; s == nil || s.Kind != KindInline || s.Reason != "revoked in 2024" {
		t.Errorf("app.py at %s: suppression %+v, want the inline comment of that commit", c1[:7], s)
	}
	if s := rep.Findings[1].Suppression; s != nil {
		t.Errorf("other.py: suppressed by %+v", s)
	}
}
