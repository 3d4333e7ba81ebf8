package baseline

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// canaryScanner is a tiny secrets scanner: it finds CANARY_ tokens in the
// working tree and fingerprints them the way the real scanner does (rule,
// path, hash of the secret), never by line.
type canaryScanner struct{}

var canaryRe = regexp.MustCompile(`CANARY_[A-Z0-9]{12}`)

func (canaryScanner) Name() string { return scan.ScannerSecrets }

func (canaryScanner) Scan(ctx context.Context, t *scan.Target) (*scan.Result, error) {
	res := &scan.Result{}
	err := filepath.WalkDir(t.Root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			if d != nil && d.Name() == ".git" {
				return filepath.SkipDir
			}
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(t.Root, p)
		rel = filepath.ToSlash(rel)
		sc := bufio.NewScanner(bytes.NewReader(data))
		for line := 1; sc.Scan(); line++ {
			for _, tok := range canaryRe.FindAllString(sc.Text(), -1) {
				f := scan.Finding{Scanner: scan.ScannerSecrets, Rule: "canary-token", Severity: scan.High,
					Path: rel, Line: line, EndLine: line, Title: "canary " + tok,
					Fingerprint: scan.Fingerprint("canary-token", rel, scan.HashSecret(tok))}
				res.Findings = append(res.Findings, f.WithRawSecret(tok))
			}
		}
		return nil
	})
	return res, err
}

func scanTree(t *testing.T, dir string) *scan.Report {
	t.Helper()
	rep := scan.Run(context.Background(), &scan.Target{Root: dir, Mode: scan.ModeTree}, []scan.Scanner{canaryScanner{}})
	if len(rep.Errors) > 0 {
		t.Fatalf("scan errors: %+v", rep.Errors)
	}
	return rep
}

const (
	oldSecret = "CANARY_OLD000000001"
	newSecret = "CANARY_NEW000000002"
)

// TestBaselineSurvivesRebase: a baseline made on main keeps recognising a
// finding after a rebase moved its lines, while a secret the branch adds is new.
func TestBaselineSurvivesRebase(t *testing.T) {
	r := gittest.New(t)
	dir := r.Dir
	r.Write("app/settings.py", "import os\nTOKEN = \""+oldSecret[:19]+"\"\n")
	r.Commit("settings")

	before := scanTree(t, dir)
	if len(before.Findings) != 1 || before.Findings[0].Line != 2 {
		t.Fatalf("before: %+v", before.Findings)
	}
	base := Create(before, nil, time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	path := filepath.Join(t.TempDir(), "baseline.json")
	if err := base.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), oldSecret[:19]) || strings.Contains(string(raw), "CANARY_OLD") {
		t.Fatalf("baseline holds the secret: %s", raw)
	}

	// A feature branch adds a secret; meanwhile main moves the old one down.
	r.Git("checkout", "-q", "-b", "feature")
	r.Write("app/client.py", "KEY = \""+newSecret[:19]+"\"\n")
	r.Commit("client")
	r.Git("checkout", "-q", "main")
	r.Write("app/settings.py", "\"\"\"Settings.\"\"\"\n\nimport logging\nimport os\n\nLOG = logging.getLogger(__name__)\nTOKEN = \""+oldSecret[:19]+"\"\n")
	r.Commit("settings: logging")
	r.Git("checkout", "-q", "feature")
	r.Git("rebase", "-q", "main")

	after := scanTree(t, dir)
	loaded, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	Apply(after, loaded)
	if len(after.Findings) != 2 {
		t.Fatalf("after rebase: %+v", after.Findings)
	}
	for _, f := range after.Findings {
		switch f.Path {
		case "app/settings.py":
			if f.Line != 7 {
				t.Errorf("old secret at line %d, want it moved to 7", f.Line)
			}
			if f.New == nil || *f.New || !strings.Contains(strings.Join(f.Reasons, " "), "since 2026-11-01") {
				t.Errorf("moved finding should be existing: new=%v reasons=%q", f.New, f.Reasons)
			}
		case "app/client.py":
			if f.New == nil || !*f.New {
				t.Errorf("branch's secret should be new")
			}
		default:
			t.Errorf("unexpected finding %s", f.Location())
		}
	}

	// Re-creating the baseline keeps the first-seen day.
	again := Create(after, loaded, time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	for _, e := range again.Findings {
		want := "2026-11-20"
		if e.Path == "app/settings.py" {
			want = "2026-11-01"
		}
		if e.FirstSeen != want {
			t.Errorf("%s first seen %s, want %s", e.Path, e.FirstSeen, want)
		}
	}
}

func TestReadRejectsGarbage(t *testing.T) {
	for _, body := range []string{`{"version": 2, "findings": []}`, `{"version": 1, "findings": [{"rule": "x"}]}`, `not json`, `{"version":1,"secrets":[]}`} {
		if _, err := Read(strings.NewReader(body), "b.json"); !scan.IsConfigError(err) {
			t.Errorf("Read(%s) err = %v, want a ConfigError", body, err)
		}
	}
}

func dep(name, version string, aliases ...string) *scan.Dependency {
	return &scan.Dependency{Ecosystem: "PyPI", Name: name, Version: version, Aliases: aliases}
}

func TestMarkNew(t *testing.T) {
	base := scan.NewReport("", scan.Tool{}, scan.TargetInfo{})
	base.Findings = []scan.Finding{
		{Scanner: "secrets", Rule: "github-pat", Path: "a.py", Line: 3, Fingerprint: "s1"},
		{Scanner: "deps", Rule: "PYSEC-2024-1", Path: "requirements.txt", Line: 2, Fingerprint: "d1", Dependency: dep("jinja2", "3.1.2", "GHSA-aaaa")},
	}
	head := scan.NewReport("", scan.Tool{}, scan.TargetInfo{Base: "origin/main"})
	head.Findings = []scan.Finding{
		{Scanner: "secrets", Rule: "github-pat", Path: "a.py", Line: 9, Fingerprint: "s1"},                                                                  // 0 moved: existing
		{Scanner: "secrets", Rule: "github-pat", Path: "b.py", Line: 1, Fingerprint: "s2"},                                                                  // 1 new secret
		{Scanner: "deps", Rule: "GHSA-aaaa", Path: "svc/requirements.txt", Line: 5, Fingerprint: "d1b", Dependency: dep("jinja2", "3.1.2", "PYSEC-2024-1")}, // 2 same advisory, same version, file moved
		{Scanner: "deps", Rule: "PYSEC-2024-9", Path: "requirements.txt", Line: 2, Fingerprint: "d2", Dependency: dep("jinja2", "3.1.2")},                   // 3 published since, line untouched
		{Scanner: "deps", Rule: "PYSEC-2024-7", Path: "requirements.txt", Line: 4, Fingerprint: "d3", Dependency: dep("requests", "2.0.0")},                 // 4 added by the change
		{Scanner: "config", Rule: "debug-enabled", Path: "main.py", Line: 4, Fingerprint: "c1"},                                                             // 5 new config finding
	}
	changed := scan.Changes{"requirements.txt": {{Start: 4, End: 4}}, "b.py": nil, "main.py": {{Start: 4, End: 4}}, "svc/requirements.txt": nil}
	MarkNew(head, base, changed)
	want := []bool{false, true, false, false, true, true}
	for i, w := range want {
		f := head.Findings[i]
		if f.New == nil || *f.New != w {
			t.Errorf("finding %d (%s %s): new = %v, want %v", i, f.Rule, f.Location(), f.New, w)
		}
	}
	if r := strings.Join(head.Findings[3].Reasons, " "); !strings.Contains(r, "newly published against jinja2@3.1.2") {
		t.Errorf("reasons = %q", r)
	}
	if r := strings.Join(head.Findings[0].Reasons, " "); !strings.Contains(r, "present at origin/main") {
		t.Errorf("reasons = %q", r)
	}
}
