package deps

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// The advisories of golang.org/x/text v0.3.5 in testdata/deps/go/vulndb
// (real records copied from the Go vulnerability database):
// GO-2021-0113 (language.Parse, fixed v0.3.7), GO-2022-1059
// (language.ParseAcceptLanguage, v0.3.8), GO-2026-5970 (unicode/norm,
// v0.39.0). GO-2020-0015 (fixed v0.3.3) does not apply.
var callsWant = []brief{
	{Rule: "GO-2021-0113", Name: "golang.org/x/text", Version: "v0.3.5", Fixed: "v0.3.7", Reach: "called", Path: "go.mod", Line: 5, Severity: scan.High, Blocking: true},
	{Rule: "GO-2022-1059", Name: "golang.org/x/text", Version: "v0.3.5", Fixed: "v0.3.8", Reach: "imported", Path: "go.mod", Line: 5, Severity: scan.Low},
	{Rule: "GO-2026-5970", Name: "golang.org/x/text", Version: "v0.3.5", Fixed: "v0.39.0", Reach: "required", Path: "go.mod", Line: 5, Severity: scan.Info},
}

var requiresWant = []brief{
	{Rule: "GO-2021-0113", Name: "golang.org/x/text", Version: "v0.3.5", Fixed: "v0.3.7", Reach: "required", Path: "go.mod", Line: 5, Severity: scan.Info},
	{Rule: "GO-2022-1059", Name: "golang.org/x/text", Version: "v0.3.5", Fixed: "v0.3.8", Reach: "required", Path: "go.mod", Line: 5, Severity: scan.Info},
	{Rule: "GO-2026-5970", Name: "golang.org/x/text", Version: "v0.3.5", Fixed: "v0.39.0", Reach: "required", Path: "go.mod", Line: 5, Severity: scan.Info},
}

func goScanner(t *testing.T, opts Options) *Scanner {
	t.Helper()
	if opts.GoVulnDB == "" {
		opts.GoVulnDB = testdata(t, "go", "vulndb")
	}
	opts.SkipPython = true
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestGoReachability(t *testing.T) {
	needGo(t)
	tests := []struct {
		name   string
		module string
		exec   bool
		want   []brief
		level  string
	}{
		{"calls, isolated child", "calls", true, callsWant, "symbol level"},
		{"calls, in process", "calls", false, callsWant, "symbol level"},
		{"requires only", "requires", true, requiresWant, "symbol level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{}
			if tt.exec {
				opts.Exec = selfExec(t)
			}
			res := runScan(t, goScanner(t, opts), testdata(t, "go", tt.module))
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %+v", res.Errors)
			}
			sameBriefs(t, res.Findings, tt.want)
			if !hasNote(res.Notes, "go.mod audited at "+tt.level) {
				t.Errorf("notes %q do not say %q", res.Notes, tt.level)
			}
		})
	}
}

func TestGoFindingDetails(t *testing.T) {
	needGo(t)
	res := runScan(t, goScanner(t, Options{Exec: selfExec(t)}), testdata(t, "go", "calls"))
	if len(res.Findings) == 0 {
		t.Fatalf("no findings; notes %q errors %+v", res.Notes, res.Errors)
	}
	f := res.Findings[0]
	if f.Rule != "GO-2021-0113" {
		t.Fatalf("first finding %s", f.Rule)
	}
	d := f.Dependency
	if d.Ecosystem != "Go" || d.Manifest != "go.mod" {
		t.Errorf("dependency %+v", d)
	}
	if strings.Join(d.Aliases, ",") != "CVE-2021-38561,GHSA-ppp9-7jff-5vj2" {
		t.Errorf("aliases %v", d.Aliases)
	}
	if len(d.CallPath) != 2 || !strings.HasPrefix(d.CallPath[0], "example.com/calls.main") ||
		!strings.HasPrefix(d.CallPath[1], "golang.org/x/text/language.Parse") {
		t.Errorf("call path %q", d.CallPath)
	}
	if f.Title != "Out-of-bounds read in golang.org/x/text/language" {
		t.Errorf("title %q", f.Title)
	}
	if f.Remediation != "upgrade golang.org/x/text to v0.3.7" {
		t.Errorf("remediation %q", f.Remediation)
	}
	if f.Fingerprint != scan.Fingerprint("GO-2021-0113", "golang.org/x/text", "go.mod") {
		t.Errorf("fingerprint %s", f.Fingerprint)
	}
	if len(f.References) == 0 || f.References[0] != "https://pkg.go.dev/vuln/GO-2021-0113" {
		t.Errorf("references %q", f.References)
	}
}

// TestGoDiscovery scans a tree with two modules, and modules in places
// that are skipped (testdata, vendor, hidden folders).
func TestGoDiscovery(t *testing.T) {
	needGo(t)
	root := t.TempDir()
	copyTree(t, testdata(t, "go", "calls"), filepath.Join(root, "svc", "calls"))
	copyTree(t, testdata(t, "go", "requires"), filepath.Join(root, "requires"))
	for _, skip := range []string{"testdata/x", ".hidden/x", "vendor/x", "node_modules/x"} {
		copyTree(t, testdata(t, "go", "requires"), filepath.Join(root, filepath.FromSlash(skip)))
	}
	res := runScan(t, goScanner(t, Options{Exec: selfExec(t)}), root)
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %+v", res.Errors)
	}
	got := map[string]int{}
	for _, f := range res.Findings {
		got[f.Path+" "+f.Dependency.Reachability]++
	}
	want := map[string]int{"requires/go.mod required": 3, "svc/calls/go.mod called": 1, "svc/calls/go.mod imported": 1, "svc/calls/go.mod required": 1}
	if len(got) != len(want) {
		t.Fatalf("findings by path: %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d findings, want %d (all: %v)", k, got[k], v, got)
		}
	}
	for _, p := range []string{"requires/go.mod audited", "svc/calls/go.mod audited"} {
		if !hasNote(res.Notes, p) {
			t.Errorf("notes %q lack %q", res.Notes, p)
		}
	}
}

// TestGoNoToolchain: without the go command, source analysis cannot run
// (govulncheck would say "no go.mod file"); the audit falls back to the
// requirements of go.mod and says so, and since advisories apply, the scan
// is incomplete: reachability was needed and could not be had.
func TestGoNoToolchain(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	res := runScan(t, goScanner(t, Options{}), testdata(t, "go", "calls"))
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "incomplete: the go command is not in PATH") {
		t.Fatalf("errors: %+v, want one saying the audit is incomplete", res.Errors)
	}
	want := []brief{
		{Rule: "GO-2021-0113", Name: "golang.org/x/text", Version: "v0.3.5", Fixed: "v0.3.7", Reach: "unknown", Path: "go.mod", Line: 5, Severity: scan.Medium},
		{Rule: "GO-2022-1059", Name: "golang.org/x/text", Version: "v0.3.5", Fixed: "v0.3.8", Reach: "unknown", Path: "go.mod", Line: 5, Severity: scan.Medium},
		{Rule: "GO-2026-5970", Name: "golang.org/x/text", Version: "v0.3.5", Fixed: "v0.39.0", Reach: "unknown", Path: "go.mod", Line: 5, Severity: scan.Medium},
	}
	sameBriefs(t, res.Findings, want)
	if !hasNote(res.Notes, "the go command is not in PATH") {
		t.Errorf("no fallback note in %q", res.Notes)
	}
}

// TestGoBrokenPackages: a module whose packages do not load falls back to
// module level with a note, and an error (issue 12, item 6): advisories
// apply and whether they are called is unknown, so the scan is incomplete.
func TestGoBrokenPackages(t *testing.T) {
	needGo(t)
	root := t.TempDir()
	copyTree(t, testdata(t, "go", "calls"), root)
	if err := os.WriteFile(filepath.Join(root, "broken.go"), []byte("package main\n\nimport \"example.com/missing/pkg\"\n\nvar _ = pkg.X\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runScan(t, goScanner(t, Options{Exec: selfExec(t)}), root)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "go.mod: incomplete: packages failed to load, so 3 advisories") {
		t.Fatalf("errors: %+v, want one saying the audit is incomplete", res.Errors)
	}
	if !hasNote(res.Notes, "packages failed to load") {
		t.Fatalf("no fallback note in %q", res.Notes)
	}
	if len(res.Findings) != 3 {
		t.Fatalf("findings %+v", briefs(res.Findings))
	}
	for _, f := range res.Findings {
		if f.Blocking || f.Dependency.Reachability != ReachUnknown {
			t.Errorf("module-level finding claims more than it knows: %+v", briefs([]scan.Finding{f}))
		}
	}
}

func TestGoDatabaseUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	for _, db := range []string{filepath.Join(t.TempDir(), "nowhere"), srv.URL} {
		res := runScan(t, goScanner(t, Options{GoVulnDB: db}), testdata(t, "go", "calls"))
		if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, strings.TrimPrefix(db, "/")) {
			t.Errorf("db %s: errors %+v, want one naming the database", db, res.Errors)
		}
		if len(res.Findings) != 0 {
			t.Errorf("db %s: findings without a database: %+v", db, briefs(res.Findings))
		}
	}
}

func TestGoCache(t *testing.T) {
	needGo(t)
	root := t.TempDir()
	copyTree(t, testdata(t, "go", "calls"), root)
	cache := t.TempDir()
	s := goScanner(t, Options{Exec: selfExec(t), CacheDir: cache})
	first := runScan(t, s, root)
	second := runScan(t, s, root)
	if hasNote(first.Notes, "cached") || !hasNote(second.Notes, "symbol level, cached") {
		t.Fatalf("notes: first %q, second %q", first.Notes, second.Notes)
	}
	if g1, g2 := briefs(first.Findings), briefs(second.Findings); len(g1) != 3 || !equalBriefs(g1, g2) {
		t.Errorf("cached findings differ: %+v vs %+v", g1, g2)
	}
	if second.Findings[0].Dependency.CallPath == nil {
		t.Errorf("cached finding lost its call path")
	}
	// Changing the code changes the key: no longer calling language.Parse.
	main := filepath.Join(root, "main.go")
	if err := os.WriteFile(main, []byte("package main\n\nimport _ \"golang.org/x/text/language\"\n\nfunc main() {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	third := runScan(t, s, root)
	if hasNote(third.Notes, "cached") {
		t.Fatalf("stale cache used after a source change: %q", third.Notes)
	}
	for _, f := range third.Findings {
		if f.Dependency.Reachability == ReachCalled {
			t.Errorf("%s still called after the call was removed", f.Rule)
		}
	}
}

func equalBriefs(a, b []brief) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestGoMemoryBudget: a budget too small for symbol analysis keeps the
// package-level result, with a note; nothing is reported as called.
func TestGoMemoryBudget(t *testing.T) {
	needGo(t)
	res := runScan(t, goScanner(t, Options{Exec: selfExec(t), MemoryBudget: 4 << 20}), testdata(t, "go", "calls"))
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %+v", res.Errors)
	}
	if !hasNote(res.Notes, "memory budget") {
		t.Fatalf("no budget note in %q", res.Notes)
	}
	want := []brief{
		{Rule: "GO-2021-0113", Name: "golang.org/x/text", Version: "v0.3.5", Fixed: "v0.3.7", Reach: "imported", Path: "go.mod", Line: 5, Severity: scan.Medium},
		{Rule: "GO-2022-1059", Name: "golang.org/x/text", Version: "v0.3.5", Fixed: "v0.3.8", Reach: "imported", Path: "go.mod", Line: 5, Severity: scan.Medium},
		{Rule: "GO-2026-5970", Name: "golang.org/x/text", Version: "v0.3.5", Fixed: "v0.39.0", Reach: "required", Path: "go.mod", Line: 5, Severity: scan.Info},
	}
	sameBriefs(t, res.Findings, want)
}

// TestBuildGoVulnDB builds a database from the raw OSV records and checks
// that govulncheck reads it and gives the same answer.
func TestBuildGoVulnDB(t *testing.T) {
	needGo(t)
	out := t.TempDir()
	n, err := BuildGoVulnDB(testdata(t, "go", "vulndb", "ID"), out)
	if err != nil || n != 4 {
		t.Fatalf("BuildGoVulnDB: %d, %v", n, err)
	}
	for _, f := range []string{"index/db.json", "index/modules.json", "index/vulns.json"} {
		want, _ := os.ReadFile(testdata(t, "go", "vulndb", filepath.FromSlash(f)))
		got, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(f)))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s differs from testdata:\n%s\n%s", f, got, want)
		}
	}
	res := runScan(t, goScanner(t, Options{GoVulnDB: out, Exec: selfExec(t)}), testdata(t, "go", "calls"))
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %+v", res.Errors)
	}
	sameBriefs(t, res.Findings, callsWant)

	if _, err := BuildGoVulnDB(t.TempDir(), filepath.Join(t.TempDir(), "x")); err == nil {
		t.Error("an empty folder built a database")
	}
}

// TestRunGovulncheckChildDies: a child that dies mid-stream (a panic in
// one of govulncheck's goroutines, the OOM killer) is an error for that
// module, not the end of the scan.
func TestRunGovulncheckChildDies(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	rn := &runner{exec: []string{"/bin/sh", "-c", "echo '{\"config\":{' ; kill -9 $$", "sh"}}
	if _, err := rn.run(context.Background(), []string{"-format", "json"}); err == nil {
		t.Fatal("a dying child gave no error")
	}
}

func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if fi.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestGoWorkspace: a module listed in go.work is audited with the
// workspace's build list, and the note says so. In a fresh module cache
// the workspace needs golang.org/x/text's go.mod from the module proxy.
func TestGoWorkspace(t *testing.T) {
	needGo(t)
	root := t.TempDir()
	copyTree(t, testdata(t, "go", "requires"), filepath.Join(root, "requires"))
	if err := os.RemoveAll(filepath.Join(root, "requires", "vendor")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.work"), []byte("go 1.22\n\nuse ./requires\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runScan(t, goScanner(t, Options{Exec: selfExec(t)}), root)
	if len(res.Errors) > 0 {
		t.Skipf("workspace could not load (module proxy unreachable?): %+v", res.Errors)
	}
	if !hasNote(res.Notes, "go.work: 1 workspace modules") {
		t.Errorf("notes %q", res.Notes)
	}
	want := append([]brief(nil), requiresWant...)
	for i := range want {
		want[i].Path = "requires/go.mod"
	}
	sameBriefs(t, res.Findings, want)
}

func TestRunGovulncheckUsage(t *testing.T) {
	var out, errOut strings.Builder
	code := RunGovulncheck(context.Background(), []string{"-no-such-flag"}, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "no-such-flag") {
		t.Errorf("code %d, stderr %q", code, errOut.String())
	}
}
