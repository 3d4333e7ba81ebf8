package secrets

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// password is found only by the structure detector's password rule.
const password = "Vt7#qLw9-pX2zK"

func scanWith(t *testing.T, dir string, opts Options, mode scan.Mode, rng string) *scan.Result {
	t.Helper()
	opts.Root = dir
	s, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	res, err := s.Scan(context.Background(), &scan.Target{Root: dir, Mode: mode, Range: rng})
	if err != nil {
		t.Fatalf("Scan %s: %v", mode, err)
	}
	for _, e := range res.Errors {
		t.Errorf("error: %+v", e)
	}
	return res
}

// TestStructureModes checks that the detector runs in every mode, with
// the lines and commits of the gitleaks rules' findings, and not at all
// with GitleaksOnly.
func TestStructureModes(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "README.md", "# demo\n")
	c1 := commit(t, dir, "readme")
	write(t, dir, "app/settings.py", "import os\n\nDB_PASSWORD = \""+password+"\"\n")
	c2 := commit(t, dir, "settings")
	write(t, dir, "deploy/values.yaml", "db:\n  user: app\n  password: Qw7!zLp2x\n")
	git(t, dir, "add", "deploy/values.yaml")

	tests := []struct {
		name string
		mode scan.Mode
		rng  string
		want []string
	}{
		{"tree", scan.ModeTree, "", []string{"password-assignment app/settings.py:3", "password-assignment deploy/values.yaml:3"}},
		{"history", scan.ModeHistory, "", []string{"password-assignment app/settings.py:3@" + c2}},
		{"range", scan.ModeRange, c1 + ".." + c2, []string{"password-assignment app/settings.py:3@" + c2}},
		{"staged", scan.ModeStaged, "", []string{"password-assignment deploy/values.yaml:3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := scanWith(t, dir, Options{}, tt.mode, tt.rng)
			if got := where(res.Findings); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("findings:\n got %q\nwant %q", got, tt.want)
			}
			for _, f := range res.Findings {
				if f.Title != "Hard-coded password" || !strings.Contains(f.Message, "rule password-assignment") ||
					strings.Contains(f.Message, password) || !hasTag(f.Tags, TagStructure) {
					t.Errorf("%s: title %q message %q tags %v", f.Location(), f.Title, f.Message, f.Tags)
				}
			}
			if only := scanWith(t, dir, Options{GitleaksOnly: true}, tt.mode, tt.rng); len(only.Findings) != 0 {
				t.Errorf("GitleaksOnly found %q", where(only.Findings))
			}
		})
	}
}

// TestStructureOneFindingPerSecret checks that a secret found by a
// gitleaks rule and by the detector is reported once: by the specific
// gitleaks rule, or by the detector rather than a generic rule.
func TestStructureOneFindingPerSecret(t *testing.T) {
	dir := newRepo(t)
	pat := githubPAT("both")
	write(t, dir, "a.py", "GITHUB_TOKEN = \""+pat+"\"\n")
	write(t, dir, "b.env", "SERVICE_API_KEY=q8Zr7Ty2Lp0XmB4nVc6Wd1\n")
	commit(t, dir, "add")
	only := scanWith(t, dir, Options{GitleaksOnly: true}, scan.ModeTree, "")
	if got := where(only.Findings); strings.Join(got, " ") != "github-pat a.py:1 generic-api-key b.env:1" {
		t.Fatalf("gitleaks rules alone found %q", got)
	}
	res := scanWith(t, dir, Options{}, scan.ModeTree, "")
	if got := where(res.Findings); strings.Join(got, " ") != "github-pat a.py:1 generic-secret-assignment b.env:1" {
		t.Errorf("found %q, want one finding per secret", got)
	}
}

// TestGenericRuleOnCode checks that a generic rule's value that is code
// (an identifier, an attribute access, a call) is not reported, by either
// configuration, and that the same value as a literal still is.
func TestGenericRuleOnCode(t *testing.T) {
	dir := newRepo(t)
	// gitleaks' generic-api-key matches this attribute access.
	write(t, dir, "client.py", "token = self.j8_bearer_tok2\nresp = client.create(max_tokens=max_tokens_per_request)\n")
	write(t, dir, "literal.py", "resp = client.create(access_token=\"q8Zr7Ty2Lp0XmB4nVc6Wd1\")\n")
	commit(t, dir, "add")
	for _, only := range []bool{true, false} {
		res := scanWith(t, dir, Options{GitleaksOnly: only}, scan.ModeTree, "")
		for _, f := range res.Findings {
			if f.Path == "client.py" {
				t.Errorf("GitleaksOnly=%v: code reported as a secret: %s %s", only, f.Rule, f.Location())
			}
		}
		if len(res.Findings) != 1 || res.Findings[0].Path != "literal.py" {
			t.Errorf("GitleaksOnly=%v: found %q, want the literal", only, where(res.Findings))
		}
	}
}

// TestStructureSuppression checks gitleaks:allow, .gitleaksignore and the
// global allowlist for the detector's findings.
func TestStructureSuppression(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "allowed.py", "DB_PASSWORD = \""+password+"\"  # gitleaks:allow\n")
	write(t, dir, "ignored.py", "DB_PASSWORD = \""+password+"\"\n")
	write(t, dir, "node_modules/lib/config.js", "module.exports = {password: \""+password+"\"}\n")
	write(t, dir, "kept.py", "DB_PASSWORD = \""+password+"\"\n")
	write(t, dir, ".gitleaksignore", "ignored.py:password-assignment:1\n")
	commit(t, dir, "add")
	res := scanWith(t, dir, Options{}, scan.ModeTree, "")
	var active, ignored []string
	for _, f := range res.Findings {
		if f.Suppression != nil {
			ignored = append(ignored, f.Rule+" "+f.Location())
			continue
		}
		active = append(active, f.Rule+" "+f.Location())
	}
	if strings.Join(active, " ") != "password-assignment kept.py:1" {
		t.Errorf("active findings %q, want only kept.py", active)
	}
	if strings.Join(ignored, " ") != "password-assignment ignored.py:1" {
		t.Errorf("suppressed by .gitleaksignore: %q", ignored)
	}
	// Where the engine honours gitleaks:allow itself (with a reason), the
	// scanner leaves the comment to it.
	res = scanWith(t, dir, Options{IgnoreAllowComments: true}, scan.ModeTree, "")
	found := false
	for _, f := range res.Findings {
		found = found || f.Path == "allowed.py"
	}
	if !found {
		t.Error("with IgnoreAllowComments, the finding under gitleaks:allow should be left to the suppression step")
	}
}

// TestTestPathTag checks that a shape-judged finding in a test or example
// path is tagged, and says so, while a vendor token there is not.
func TestTestPathTag(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "tests/test_login.py", "PASSWORD = \""+password+"\"\nTOKEN = \""+githubPAT("tests")+"\"\n")
	write(t, dir, "app/settings.py", "PASSWORD = \""+password+"\"\n")
	commit(t, dir, "add")
	res := scanWith(t, dir, Options{}, scan.ModeTree, "")
	for _, f := range res.Findings {
		tagged := hasTag(f.Tags, TagTestPath)
		want := f.Path == "tests/test_login.py" && f.Rule == "password-assignment"
		if tagged != want {
			t.Errorf("%s %s: test-path tag %v, want %v", f.Rule, f.Location(), tagged, want)
		}
		if tagged && !strings.Contains(f.Message, "test or example path") {
			t.Errorf("%s: message does not say so: %q", f.Location(), f.Message)
		}
	}
	if len(res.Findings) != 3 {
		t.Errorf("found %q, want 3 findings", where(res.Findings))
	}
}

// TestSecretInFileName checks that a token in a file's name is found in
// the tree, in history and in the index, and that the finding carries the
// secret for redaction.
func TestSecretInFileName(t *testing.T) {
	dir := newRepo(t)
	pat := githubPAT("name")
	write(t, dir, "dumps/"+pat+".json", "{}\n")
	c := commit(t, dir, "dump")
	staged := githubPAT("staged-name")
	write(t, dir, "dumps/"+staged+".txt", "x\n")
	git(t, dir, "add", ".")
	for _, tt := range []struct {
		mode scan.Mode
		want []string
	}{
		{scan.ModeTree, sorted("github-pat dumps/"+pat+".json", "github-pat dumps/"+staged+".txt")},
		{scan.ModeHistory, []string{"github-pat dumps/" + pat + ".json@" + c}},
		{scan.ModeStaged, []string{"github-pat dumps/" + staged + ".txt"}},
	} {
		res := scanWith(t, dir, Options{}, tt.mode, "")
		if got := where(res.Findings); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s: found %q, want %q", tt.mode, got, tt.want)
		}
		for _, f := range res.Findings {
			if !hasTag(f.Tags, TagFileName) || !strings.Contains(f.Message, "file's name") {
				t.Errorf("%s: %+v", tt.mode, f)
			}
		}
	}
	// Through scan.Run the path is masked.
	s, err := New(Options{Root: dir})
	if err != nil {
		t.Fatal(err)
	}
	rep := scan.Run(context.Background(), &scan.Target{Root: dir, Mode: scan.ModeTree}, []scan.Scanner{s})
	for _, f := range rep.Findings {
		if strings.Contains(f.Path, pat) || strings.Contains(f.Path, staged) {
			t.Errorf("path in clear: %s", f.Path)
		}
	}
}

func sorted(s ...string) []string {
	sort.Strings(s)
	return s
}

func TestIsTestPath(t *testing.T) {
	for p, want := range map[string]bool{
		"tests/test_api.py":                  true,
		"app/api_test.go":                    true,
		"src/test/java/com/x/LoginTest.java": true,
		"spec/models/user_spec.rb":           true,
		"web/src/login.spec.ts":              true,
		"examples/basic/config.yaml":         true,
		".env.example":                       true,
		"config/settings.sample.yml":         true,
		"docs/conftest.py":                   true,
		"app/settings.py":                    false,
		"contest/entry.py":                   false,
		"src/latest/config.yaml":             false,
		"Testimonials.md":                    false,
	} {
		if got := isTestPath(p); got != want {
			t.Errorf("isTestPath(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestGenericJudged checks that, with the detector on, a generic rule's
// finding whose value the detector's filters reject (a typed sequence, a
// hash named as one) is dropped; with the gitleaks rules alone it stays.
func TestGenericJudged(t *testing.T) {
	dir := newRepo(t)
	write(t, dir, "conf.env", "SERVICE_TOKEN=0123456789abcdefghijklmnopqrstuv\nPASSWORD_SHA256=b1cb6e31e172577918c9e7806c572b5ed8477d3f57aa737bee4b5b1db3696f09\n")
	commit(t, dir, "add")
	only := scanWith(t, dir, Options{GitleaksOnly: true}, scan.ModeTree, "")
	if got := where(only.Findings); strings.Join(got, " ") != "generic-api-key conf.env:1 generic-api-key conf.env:2" {
		t.Fatalf("gitleaks rules alone found %q", got)
	}
	if res := scanWith(t, dir, Options{}, scan.ModeTree, ""); len(res.Findings) != 0 {
		t.Errorf("with the detector: %q, want none", where(res.Findings))
	}
}
