package deps

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// sharedData is ../shared/data from the repository root, where developers
// and CI keep the real databases; tests that need it skip without it.
func sharedData(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{repoRoot(t), "..", "shared", "data"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real databases not available (%s absent): see ../shared/README.md", p)
	}
	return p
}

// TestIntegrationGoVulnDB audits the calls module against the whole Go
// vulnerability database.
func TestIntegrationGoVulnDB(t *testing.T) {
	db := sharedData(t, "go-vulndb")
	needGo(t)
	s := goScanner(t, Options{GoVulnDB: db, Exec: selfExec(t)})
	res := runScan(t, s, testdata(t, "go", "calls"))
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %+v", res.Errors)
	}
	got := map[string]brief{}
	for _, b := range briefs(res.Findings) {
		if b.Name == "golang.org/x/text" {
			got[b.Rule] = b
		}
	}
	for _, w := range callsWant {
		if got[w.Rule] != w {
			t.Errorf("%s: got %+v, want %+v", w.Rule, got[w.Rule], w)
		}
	}
	if len(got) != len(callsWant) {
		t.Errorf("x/text findings %+v, want exactly %d", got, len(callsWant))
	}
}

// TestIntegrationPyPI matches the versions ../shared/README.md names
// against the whole PyPA advisory folder.
func TestIntegrationPyPI(t *testing.T) {
	db := sharedData(t, "pypi-advisories")
	root := t.TempDir()
	req := "fastapi==0.65.1\nstarlette==0.14.2\nrequests==2.25.1\njinja2==2.11.2\n"
	if err := os.WriteFile(filepath.Join(root, "requirements.txt"), []byte(req), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "api.py"), []byte("from fastapi import FastAPI\nimport jinja2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(root, "worker")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "requirements.txt"), []byte("fastapi==0.82.0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := pyScanner(t, Options{OSVDB: db})
	res := runScan(t, s, root)
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %+v", res.Errors)
	}
	perLine := map[string]int{}
	for _, f := range res.Findings {
		perLine[f.Location()+" "+f.Dependency.Name]++
		if f.Rule == "PYSEC-2024-38" && f.Path == "requirements.txt" && (f.Severity != scan.High || !f.Blocking) {
			t.Errorf("PYSEC-2024-38 on imported fastapi: %+v", briefs([]scan.Finding{f}))
		}
		if f.Dependency.Name == "requests" && f.Blocking {
			t.Errorf("requests is not imported and must not block: %+v", briefs([]scan.Finding{f}))
		}
	}
	for _, k := range []string{
		"requirements.txt:1 fastapi", "requirements.txt:2 starlette", "requirements.txt:3 requests",
		"requirements.txt:4 jinja2", "worker/requirements.txt:1 fastapi",
	} {
		if perLine[k] == 0 {
			t.Errorf("no advisory for %s (all: %v)", k, perLine)
		}
	}
}
