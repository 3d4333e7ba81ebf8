package deps

import (
	"archive/zip"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/pipeguard/pipeguard/scan"
)

func pyScanner(t *testing.T, opts Options) *Scanner {
	t.Helper()
	opts.SkipGo = true
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func pyb(rule, name, version, fixed, reach, path string, line int, sev scan.Severity, blocking bool) brief {
	return brief{Rule: rule, Name: name, Version: version, Fixed: fixed, Reach: reach, Path: path, Line: line, Severity: sev, Blocking: blocking}
}

// pyWant lists, per fixture project, the exact findings against the small
// OSV folder testdata/deps/python/osv.
var pyWant = map[string][]brief{
	// requirements.txt with a hash continuation, an -r include, extras and
	// markers; fastapi and requests are imported, starlette is not.
	"requirements": {
		pyb("PYSEC-2023-48", "starlette", "0.14.2", "0.25.0", "required", "base/common.txt", 3, scan.Medium, false),
		pyb("PYSEC-2023-83", "starlette", "0.14.2", "0.27.0", "required", "base/common.txt", 3, scan.Medium, false),
		pyb("PYSEC-2024-38", "fastapi", "0.82.0", "0.109.1", "imported", "requirements.txt", 2, scan.High, true),
		pyb("PYSEC-2023-74", "requests", "2.25.1", "2.31.0", "imported", "requirements.txt", 5, scan.Medium, false),
	},
	// poetry.lock: PyYAML 5.1.2 against ranges with a pre-release bound (5.2b1).
	"poetry": {
		pyb("PYSEC-2021-66", "jinja2", "2.11.2", "2.11.3", "required", "poetry.lock", 4, scan.Medium, false),
		pyb("PYSEC-2020-176", "pyyaml", "5.1.2", "5.2b1", "imported", "poetry.lock", 17, scan.Medium, false),
		pyb("PYSEC-2020-96", "pyyaml", "5.1.2", "5.3.1", "imported", "poetry.lock", 17, scan.Medium, false),
		pyb("PYSEC-2021-142", "pyyaml", "5.1.2", "5.4", "imported", "poetry.lock", 17, scan.Medium, false),
	},
	// uv.lock: the editable project itself is not audited.
	"uv": {
		pyb("PYSEC-2021-100", "fastapi", "0.65.1", "0.65.2", "imported", "uv.lock", 13, scan.Medium, false),
		pyb("PYSEC-2024-38", "fastapi", "0.65.1", "0.109.1", "imported", "uv.lock", 13, scan.High, true),
	},
	"pipfile": {
		pyb("PYSEC-2023-74", "requests", "2.25.1", "2.31.0", "imported", "Pipfile.lock", 12, scan.Medium, false),
		pyb("PYSEC-2021-66", "jinja2", "2.11.2", "2.11.3", "required", "Pipfile.lock", 21, scan.Medium, false),
	},
	"pdm": {
		pyb("PYSEC-2023-48", "starlette", "0.14.2", "0.25.0", "required", "pdm.lock", 11, scan.Medium, false),
		pyb("PYSEC-2023-83", "starlette", "0.14.2", "0.27.0", "required", "pdm.lock", 11, scan.Medium, false),
	},
	// pyproject.toml without a lock: the exact pins of [project] and its
	// optional dependencies (a marker after the pin) are audited.
	"pyproject": {
		pyb("PYSEC-2024-38", "fastapi", "0.82.0", "0.109.1", "imported", "pyproject.toml", 6, scan.High, true),
		pyb("PYSEC-2020-176", "pyyaml", "5.1.2", "5.2b1", "required", "pyproject.toml", 11, scan.Medium, false),
		pyb("PYSEC-2020-96", "pyyaml", "5.1.2", "5.3.1", "required", "pyproject.toml", 11, scan.Medium, false),
		pyb("PYSEC-2021-142", "pyyaml", "5.1.2", "5.4", "required", "pyproject.toml", 11, scan.Medium, false),
	},
	// Poetry without a lock: "==2.25.1" in a table, and a bare version
	// (exact in Poetry) in a group; "^0.14" is a range.
	"poetry-pyproject": {
		pyb("PYSEC-2023-74", "requests", "2.25.1", "2.31.0", "required", "pyproject.toml", 8, scan.Medium, false),
		pyb("PYSEC-2021-66", "jinja2", "2.11.2", "2.11.3", "required", "pyproject.toml", 11, scan.Medium, false),
	},
	// A Pipfile without its lock: the exact pins only.
	"pipfile-nolock": {
		pyb("PYSEC-2023-74", "requests", "2.25.1", "2.31.0", "required", "Pipfile", 7, scan.Medium, false),
		pyb("PYSEC-2021-66", "jinja2", "2.11.2", "2.11.3", "required", "Pipfile", 11, scan.Medium, false),
	},
	// A pyproject.toml beside a lock file is audited through the lock only.
	"locked": {
		pyb("PYSEC-2021-100", "fastapi", "0.65.1", "0.65.2", "required", "uv.lock", 13, scan.Medium, false),
		pyb("PYSEC-2024-38", "fastapi", "0.65.1", "0.109.1", "required", "uv.lock", 13, scan.High, false),
	},
	// pylock.toml (PEP 751): PyJWT is imported as jwt.
	"pylock": {
		pyb("PYSEC-2017-24", "pyjwt", "1.5.0", "1.5.1", "imported", "pylock.toml", 6, scan.Medium, false),
		pyb("PYSEC-2022-202", "pyjwt", "1.5.0", "2.4.0", "imported", "pylock.toml", 6, scan.Medium, false),
	},
}

func TestPythonLockfiles(t *testing.T) {
	for name, want := range pyWant {
		t.Run(name, func(t *testing.T) {
			s := pyScanner(t, Options{OSVDB: testdata(t, "python", "osv")})
			res := runScan(t, s, testdata(t, "python", name))
			if len(res.Errors) > 0 {
				t.Fatalf("errors: %+v", res.Errors)
			}
			sameBriefs(t, res.Findings, want)
		})
	}
}

func TestPythonFindingDetails(t *testing.T) {
	s := pyScanner(t, Options{OSVDB: testdata(t, "python", "osv")})
	res := runScan(t, s, testdata(t, "python", "requirements"))
	var f *scan.Finding
	for i := range res.Findings {
		if res.Findings[i].Rule == "PYSEC-2024-38" {
			f = &res.Findings[i]
		}
	}
	if f == nil {
		t.Fatalf("no PYSEC-2024-38 in %+v", briefs(res.Findings))
	}
	if got := strings.Join(f.Dependency.Aliases, ","); got != "CVE-2024-24762,GHSA-qf9m-vfgh-m389" {
		t.Errorf("aliases %s", got)
	}
	if f.Dependency.Ecosystem != "PyPI" || f.Dependency.Manifest != "requirements.txt" {
		t.Errorf("dependency %+v", f.Dependency)
	}
	if !strings.Contains(f.Message, "CVSS 7.5") {
		t.Errorf("message %q does not give the CVSS score", f.Message)
	}
	if f.Remediation != "upgrade fastapi to 0.109.1" {
		t.Errorf("remediation %q", f.Remediation)
	}
	if f.Fingerprint != scan.Fingerprint("PYSEC-2024-38", "fastapi", "requirements.txt") {
		t.Errorf("fingerprint %s", f.Fingerprint)
	}
	if !hasNote(res.Notes, "1 requirements without an exact pin") || !hasNote(res.Notes, "requirements.txt:6") {
		t.Errorf("notes %q do not name the unpinned flask requirement", res.Notes)
	}
}

// TestPythonWholeTree scans all fixture projects at once: each finding keeps
// the path of the file that declares it, and the OSV folder's YAML is not
// mistaken for a manifest.
func TestPythonWholeTree(t *testing.T) {
	s := pyScanner(t, Options{OSVDB: testdata(t, "python", "osv")})
	res := runScan(t, s, testdata(t, "python"))
	total := 0
	for _, w := range pyWant {
		total += len(w)
	}
	if len(res.Findings) != total {
		t.Fatalf("%d findings, want %d: %+v", len(res.Findings), total, briefs(res.Findings))
	}
	for _, f := range res.Findings {
		dir := strings.SplitN(f.Path, "/", 2)[0]
		if _, ok := pyWant[dir]; !ok {
			t.Errorf("finding in %s", f.Path)
		}
	}
}

// TestPythonAliasesAndZip: a GHSA record that aliases a PYSEC one gives one
// finding, and OSV's all.zip (JSON records) reads like the folder.
func TestPythonAliasesAndZip(t *testing.T) {
	dir := t.TempDir()
	var recs []map[string]any
	for _, f := range []string{"fastapi/PYSEC-2024-38.yaml", "fastapi/PYSEC-2021-100.yaml"} {
		b, err := os.ReadFile(testdata(t, "python", "osv", "vulns", filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := yaml.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, m)
	}
	// A GHSA twin of PYSEC-2024-38 (synthetic, shaped like GitHub's records),
	// rated critical, so the merged finding takes the worse severity.
	recs = append(recs, map[string]any{
		"id": "GHSA-qf9m-vfgh-m389", "modified": "2024-02-05T00:00:00Z", "aliases": []string{"CVE-2024-24762"},
		"summary": "FastAPI Content-Type Header ReDoS",
		"affected": []map[string]any{{
			"package":           map[string]string{"ecosystem": "PyPI", "name": "fastapi"},
			"ranges":            []map[string]any{{"type": "ECOSYSTEM", "events": []map[string]string{{"introduced": "0"}, {"fixed": "0.109.1"}}}},
			"database_specific": map[string]string{"severity": "CRITICAL"},
		}},
	})
	zipPath := filepath.Join(dir, "all.zip")
	zf, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	for _, r := range recs {
		w, err := zw.Create(r["id"].(string) + ".json")
		if err != nil {
			t.Fatal(err)
		}
		if err := json.NewEncoder(w).Encode(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zf.Close()

	s := pyScanner(t, Options{OSVDB: zipPath})
	res := runScan(t, s, testdata(t, "python", "uv"))
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %+v", res.Errors)
	}
	sameBriefs(t, res.Findings, []brief{
		pyb("PYSEC-2021-100", "fastapi", "0.65.1", "0.65.2", "imported", "uv.lock", 13, scan.Medium, false),
		pyb("PYSEC-2024-38", "fastapi", "0.65.1", "0.109.1", "imported", "uv.lock", 13, scan.Critical, true),
	})
	if len(res.Findings) == 2 {
		if got := strings.Join(res.Findings[1].Dependency.Aliases, ","); got != "CVE-2024-24762,GHSA-qf9m-vfgh-m389" {
			t.Errorf("aliases %s", got)
		}
	}
}

func TestPythonDatabaseUnreadable(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-db")
	bad := filepath.Join(t.TempDir(), "bad")
	if err := os.MkdirAll(filepath.Join(bad, "vulns", "fastapi"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "vulns", "fastapi", "PYSEC-1.yaml"), []byte("id: [unclosed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, db := range []string{missing, bad} {
		res := runScan(t, pyScanner(t, Options{OSVDB: db}), testdata(t, "python", "uv"))
		if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, db) {
			t.Errorf("%s: errors %+v, want one naming the database", db, res.Errors)
		}
	}
	// No database at all: the scan says the packages were not audited.
	res := runScan(t, pyScanner(t, Options{}), testdata(t, "python", "uv"))
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "not audited") {
		t.Errorf("errors %+v", res.Errors)
	}
}

// TestPythonOnline checks the OSV API client against a fake server:
// queries are batched, each advisory is fetched once, and the findings are
// those of the offline match.
func TestPythonOnline(t *testing.T) {
	idx, _, _, err := loadOSVDB(context.Background(), testdata(t, "python", "osv"), nil, "")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]*osvEntry{}
	for _, l := range idx {
		for _, e := range l {
			byID[e.ID] = e
		}
	}
	var mu sync.Mutex
	var batches []int
	fetched := map[string]int{}
	pages := map[string]any{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/v1/querybatch":
			var body struct {
				Queries []struct {
					Package struct{ Name, Ecosystem string }
					Version string
				}
			}
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			mu.Lock()
			batches = append(batches, len(body.Queries))
			mu.Unlock()
			type vuln struct {
				ID string `json:"id"`
			}
			type result struct {
				Vulns         []vuln `json:"vulns,omitempty"`
				NextPageToken string `json:"next_page_token,omitempty"`
			}
			var out struct {
				Results []result `json:"results"`
			}
			for _, q := range body.Queries {
				var r result
				for _, e := range idx[normalize(q.Package.Name)] {
					if hit, _ := pyAffects(e, normalize(q.Package.Name), q.Version); hit && q.Package.Ecosystem == "PyPI" {
						r.Vulns = append(r.Vulns, vuln{e.ID})
					}
				}
				// Page results past the first advisory, as OSV does for long lists.
				if len(r.Vulns) > 1 {
					mu.Lock()
					pages[q.Package.Name] = r.Vulns[1:]
					mu.Unlock()
					r.Vulns, r.NextPageToken = r.Vulns[:1], "page-"+q.Package.Name
				}
				out.Results = append(out.Results, r)
			}
			json.NewEncoder(w).Encode(out)
		case r.Method == http.MethodPost && r.URL.Path == "/v1/query":
			var q struct {
				Package   struct{ Name string }
				PageToken string `json:"page_token"`
			}
			json.NewDecoder(r.Body).Decode(&q)
			if q.PageToken != "page-"+q.Package.Name {
				http.Error(w, "bad page token", 400)
				return
			}
			mu.Lock()
			page := pages[q.Package.Name]
			mu.Unlock()
			json.NewEncoder(w).Encode(map[string]any{"vulns": page})
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/vulns/"):
			id := strings.TrimPrefix(r.URL.Path, "/v1/vulns/")
			mu.Lock()
			fetched[id]++
			mu.Unlock()
			e := byID[id]
			if e == nil {
				http.NotFound(w, r)
				return
			}
			json.NewEncoder(w).Encode(e)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	api := &osvAPI{base: srv.URL, client: srv.Client(), batch: 2}
	pkgs := []pyPkg{
		{Name: "fastapi", Version: "0.65.1"}, {Name: "starlette", Version: "0.14.2"},
		{Name: "requests", Version: "2.25.1"}, {Name: "fastapi", Version: "0.65.1"}, {Name: "jinja2", Version: "3.1.4"},
	}
	got, err := api.query(context.Background(), pkgs)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Trim(strings.Join(strings.Fields(strings.Trim(jsonString(batches), "[]")), ""), ",") != "2,2" {
		t.Errorf("batches %v, want [2 2] (4 distinct packages, batches of 2)", batches)
	}
	if n := len(got["fastapi@0.65.1"]); n != 2 {
		t.Errorf("fastapi: %d advisories", n)
	}
	for id, n := range fetched {
		if n != 1 {
			t.Errorf("%s fetched %d times", id, n)
		}
	}

	// Through the scanner: the same findings as offline.
	s := pyScanner(t, Options{Online: true, OSVAPI: srv.URL, HTTPClient: srv.Client()})
	res := runScan(t, s, testdata(t, "python", "uv"))
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %+v", res.Errors)
	}
	sameBriefs(t, res.Findings, pyWant["uv"])

	srv.Close()
	res = runScan(t, s, testdata(t, "python", "uv"))
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, srv.URL) {
		t.Errorf("API down: errors %+v, want one naming %s", res.Errors, srv.URL)
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestRequirementLines(t *testing.T) {
	root := t.TempDir()
	write := func(rel, body string) {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("requirements-dev.txt", strings.Join([]string{
		"# comment",
		"--index-url https://pypi.org/simple",
		"Django===4.2.1",
		"pkg-a == 1.0 \\",
		"    --hash=sha256:abc \\",
		"    --hash=sha256:def",
		"zope.interface==5.0 ; sys_platform == 'linux'",
		"my_pkg[extra1, extra2] == 2.0.0  # trailing comment",
		"url-pkg @ https://example.com/x.whl",
		"-e .",
		"-r sub/more.txt",
		"pinned-range>=1,<2",
		"wild==1.*",
		"",
	}, "\n"))
	write("sub/more.txt", "Requests==2.0  # comment\n-r ../requirements-dev.txt\n")
	p := &reqParser{root: root, seen: map[string]bool{}}
	if err := p.parse("requirements-dev.txt", 0); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, k := range p.pkgs {
		got = append(got, k.File+":"+itoa(k.Line)+" "+k.Name+"=="+k.Version)
	}
	want := []string{
		"requirements-dev.txt:3 django==4.2.1",
		"requirements-dev.txt:4 pkg-a==1.0",
		"requirements-dev.txt:7 zope-interface==5.0",
		"requirements-dev.txt:8 my-pkg==2.0.0",
		"sub/more.txt:1 requests==2.0",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("packages:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var unp []string
	for _, u := range p.unpinned {
		unp = append(unp, u.File+":"+itoa(u.Line))
	}
	if strings.Join(unp, " ") != "requirements-dev.txt:9 requirements-dev.txt:12 requirements-dev.txt:13" {
		t.Errorf("unpinned %v", unp)
	}
	// An include outside the root is an error naming file and line.
	write("requirements.txt", "-r ../../etc/other.txt\n")
	p = &reqParser{root: root, seen: map[string]bool{}}
	if err := p.parse("requirements.txt", 0); err == nil || !strings.Contains(err.Error(), "requirements.txt:1") {
		t.Errorf("err %v", err)
	}
}

func itoa(i int) string { return strings.TrimSpace(jsonString(i)) }

func TestPEP440Matching(t *testing.T) {
	e := &osvEntry{ID: "X", Affected: []osvAffected{{
		Package: osvPackage{Name: "Some_Pkg", Ecosystem: "PyPI"},
		Ranges: []osvRange{
			{Type: "ECOSYSTEM", Events: []osvEvent{{Introduced: "1.0"}, {Fixed: "1.4.2"}, {Introduced: "2.0a1"}, {LastAffected: "2.1"}}},
		},
		Versions: []string{"0.9.post1"},
	}}}
	tests := []struct {
		v     string
		hit   bool
		fixed string
	}{
		{"0.9", false, ""},
		{"0.9.post1", true, ""}, // from the versions list only
		{"1.0", true, "1.4.2"},
		{"1.4.1.dev0", true, "1.4.2"},
		{"1.4.2", false, ""},
		{"1.10", false, ""},
		{"2.0b2", true, ""},
		{"2.1", true, ""},
		{"2.1.post1", false, ""},
	}
	for _, tt := range tests {
		hit, fixed := pyAffects(e, "some-pkg", tt.v)
		if hit != tt.hit || fixed != tt.fixed {
			t.Errorf("%s: hit %v fixed %q, want %v %q", tt.v, hit, fixed, tt.hit, tt.fixed)
		}
	}
}

func TestCVSS(t *testing.T) {
	tests := []struct {
		vec  string
		want scan.Severity
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", scan.Critical},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", scan.High},
		{"CVSS:3.0/AV:L/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N", scan.Low},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", scan.Critical},
	}
	for _, tt := range tests {
		score, ok := cvssScore(tt.vec)
		if !ok || ratingOf(score) != tt.want {
			t.Errorf("%s: %v %v (%s), want %s", tt.vec, score, ok, ratingOf(score), tt.want)
		}
	}
	if _, ok := cvssScore("AV:N/AC:L"); ok {
		t.Error("a vector without version scored")
	}
}

func TestPythonImports(t *testing.T) {
	root := t.TempDir()
	src := "import os, sys as system\nfrom google.cloud import storage\nfrom . import local\nimport PIL.Image\n  from bs4 import BeautifulSoup  # indented\nx = 'no import here'\n"
	if err := os.WriteFile(filepath.Join(root, "a.py"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	got := pythonImports(root, []string{"a.py"})
	for _, m := range []string{"os", "sys", "google", "google.cloud", "PIL", "PIL.Image", "bs4"} {
		if !got[m] {
			t.Errorf("%s not seen in %v", m, got)
		}
	}
	if got["local"] || got["."] || got["system"] {
		t.Errorf("unexpected imports %v", got)
	}
	for dist, want := range map[string]string{"pillow": "PIL", "beautifulsoup4": "bs4", "python-jose": "jose", "my-lib": "my_lib"} {
		if importNames(dist)[0] != want {
			t.Errorf("%s imports as %v", dist, importNames(dist))
		}
	}
}

// TestPythonOSVCache: with a cache folder the parsed database is reused,
// gives the same findings, and is not used once a record changes.
func TestPythonOSVCache(t *testing.T) {
	db := filepath.Join(t.TempDir(), "osv")
	copyTree(t, testdata(t, "python", "osv"), db)
	s := pyScanner(t, Options{OSVDB: db, CacheDir: t.TempDir()})
	first := runScan(t, s, testdata(t, "python", "poetry"))
	second := runScan(t, s, testdata(t, "python", "poetry"))
	if hasNote(first.Notes, "from the cache") || !hasNote(second.Notes, "from the cache") {
		t.Fatalf("notes: first %q, second %q", first.Notes, second.Notes)
	}
	sameBriefs(t, second.Findings, pyWant["poetry"])
	if len(second.Findings) > 0 && second.Findings[0].Title != first.Findings[0].Title {
		t.Errorf("title from the cache %q, want %q", second.Findings[0].Title, first.Findings[0].Title)
	}
	// Withdraw PyYAML's advisories: a changed folder is parsed again.
	if err := os.RemoveAll(filepath.Join(db, "vulns", "pyyaml")); err != nil {
		t.Fatal(err)
	}
	third := runScan(t, s, testdata(t, "python", "poetry"))
	if hasNote(third.Notes, "from the cache") {
		t.Fatalf("stale cache used: %q", third.Notes)
	}
	sameBriefs(t, third.Findings, pyWant["poetry"][:1])
}

// What cannot be audited is said: ranges, a lock read instead, a setup.py
// without pins, Python files without any manifest.
func TestPythonNotAuditedIsNoted(t *testing.T) {
	s := pyScanner(t, Options{OSVDB: testdata(t, "python", "osv")})
	for _, tt := range []struct{ dir, note string }{
		{"pyproject", "python: pyproject.toml: 2 pinned packages; 1 requirements without an exact pin not audited (pyproject.toml:7)"},
		{"poetry-pyproject", "1 requirements without an exact pin not audited (pyproject.toml:7)"},
		{"locked", "python: pyproject.toml: versions read from uv.lock"},
		{"setup-only", "python: setup.py: dependencies not audited: their versions cannot be determined"},
	} {
		res := runScan(t, s, testdata(t, "python", tt.dir))
		if !hasNote(res.Notes, tt.note) {
			t.Errorf("%s: no note %q in %q", tt.dir, tt.note, res.Notes)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "tool.py"), []byte("import requests\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runScan(t, s, dir)
	if !hasNote(res.Notes, "python: 1 Python files but no requirements file, pyproject.toml, Pipfile or lock file: their dependencies were not audited") {
		t.Errorf("no note for sources without a manifest: %q", res.Notes)
	}
}

// A Pipfile.lock entry with an empty package name (found by FuzzLockfile)
// is skipped with a note naming the file and line; the other packages of
// the file are audited.
func TestPipfileLockEmptyName(t *testing.T) {
	s := pyScanner(t, Options{OSVDB: testdata(t, "python", "osv")})
	dir := t.TempDir()
	lock := `{
    "_meta": {"pipfile-spec": 6},
    "default": {
        "": {"version": "==1.0"},
        "requests": {"version": "==2.25.1"}
    },
    "develop": {}
}
`
	if err := os.WriteFile(filepath.Join(dir, "Pipfile.lock"), []byte(lock), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runScan(t, s, dir)
	if len(res.Errors) != 0 {
		t.Fatalf("errors: %+v", res.Errors)
	}
	if !hasNote(res.Notes, "warning: python: Pipfile.lock:4: entry with an empty package name skipped, not audited") {
		t.Errorf("no note for the empty name: %q", res.Notes)
	}
	if !hasNote(res.Notes, "python: Pipfile.lock: 1 pinned packages") {
		t.Errorf("notes = %q", res.Notes)
	}
	found := false
	for _, f := range res.Findings {
		found = found || f.Dependency != nil && f.Dependency.Name == "requests"
		if f.Dependency != nil && f.Dependency.Name == "" {
			t.Errorf("finding for the nameless entry: %+v", f)
		}
	}
	if !found {
		t.Errorf("requests was not audited: %+v", res.Findings)
	}
}
