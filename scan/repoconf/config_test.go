package repoconf

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

func TestMonorepoInheritance(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{
		".pipeguard.yaml": `
fail_on: high
thresholds: {config: medium}
disable_rules: [api-docs-exposed]
exclude: ["fixtures/"]
secrets: {severity: critical}
`,
		"services/billing/.pipeguard.yaml": `
thresholds:
  config: low
  deps: critical
disable_rules: [rate-limit-missing]
exclude: ["legacy/**"]
`,
		"services/billing/api/.pipeguard.yml": "fail_on: medium\nscanners: [secrets, config]\n",
		"services/search/app.py":              "",
	})
	set, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path          string
		dir           string
		failOn        scan.Severity
		config, deps  scan.Severity
		disabled      []string
		enabled       []string
		excluded, not []string
	}{
		{path: "main.py", dir: "", failOn: scan.High, config: scan.Medium, deps: scan.High,
			disabled: []string{"api-docs-exposed"}, enabled: []string{"deps"},
			excluded: []string{"fixtures/a.py", "fixtures/x/y.py"}, not: []string{"services/billing/legacy/a.py", "main.py"}},
		{path: "services/search/app.py", dir: "", failOn: scan.High, config: scan.Medium, deps: scan.High},
		{path: "services/billing/app.py", dir: "services/billing", failOn: scan.High, config: scan.Low, deps: scan.Critical,
			disabled: []string{"api-docs-exposed", "rate-limit-missing"}, enabled: []string{"deps"},
			excluded: []string{"fixtures/a.py", "services/billing/legacy/old.py"}, not: []string{"legacy/old.py", "services/billing/app.py"}},
		{path: "services/billing/api/routes/x.py", dir: "services/billing/api", failOn: scan.Medium, config: scan.Low, deps: scan.Critical,
			disabled: []string{"api-docs-exposed", "rate-limit-missing"}},
		{path: "services/billingx/a.py", dir: "", failOn: scan.High, config: scan.Medium, deps: scan.High},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			c := set.For(tt.path)
			if c.Dir != tt.dir {
				t.Fatalf("For(%q).Dir = %q, want %q", tt.path, c.Dir, tt.dir)
			}
			if c.FailOn != tt.failOn || c.Threshold("config") != tt.config || c.Threshold("deps") != tt.deps {
				t.Errorf("fail_on %q config %q deps %q; want %q %q %q", c.FailOn, c.Threshold("config"), c.Threshold("deps"), tt.failOn, tt.config, tt.deps)
			}
			if c.SecretSeverity != scan.Critical {
				t.Errorf("secrets severity %q not inherited", c.SecretSeverity)
			}
			for _, r := range tt.disabled {
				if !c.RuleDisabled(&scan.Finding{Rule: r}) {
					t.Errorf("rule %s should be disabled", r)
				}
			}
			for _, p := range tt.excluded {
				if !c.Excluded(p) {
					t.Errorf("%s should be excluded", p)
				}
			}
			for _, p := range tt.not {
				if c.Excluded(p) {
					t.Errorf("%s should not be excluded", p)
				}
			}
		})
	}
	if c := set.For("services/billing/api/x.py"); c.Enabled("deps") || !c.Enabled("config") {
		t.Errorf("scanners in api: %v", c.Scanners)
	}
	if got := set.For("services/billing/api/x.py").Sources; len(got) != 3 {
		t.Errorf("sources = %v, want the three files root first", got)
	}
	if set.Root().IgnoreFile != DefaultIgnoreFile {
		t.Errorf("ignore file = %q", set.Root().IgnoreFile)
	}

	// Apply drops by the config of each finding's own folder.
	rep := scan.NewReport(dir, scan.Tool{}, scan.TargetInfo{})
	rep.Findings = []scan.Finding{
		{Scanner: "config", Rule: "rate-limit-missing", Path: "services/billing/app.py", Severity: scan.Low},
		{Scanner: "config", Rule: "rate-limit-missing", Path: "services/search/app.py", Severity: scan.Low},
		{Scanner: "deps", Rule: "GO-2024-0001", Path: "services/billing/api/go.mod", Severity: scan.High},
		{Scanner: "secrets", Rule: "github-pat", Path: "fixtures/token.txt", Severity: scan.High},
		{Scanner: "secrets", Rule: "github-pat", Path: "services/search/settings.py", Severity: scan.High},
	}
	set.Apply(rep)
	if len(rep.Findings) != 2 || rep.Findings[0].Path != "services/search/app.py" || rep.Findings[1].Severity != scan.Critical {
		t.Errorf("after Apply: %+v", rep.Findings)
	}
}

func TestUnknownKeyNamesFileAndLine(t *testing.T) {
	tests := []struct {
		name, body string
		root       bool
		line       int
		want       string
	}{
		{"top", "fail_on: high\nfial_on: low\n", true, 2, `unknown key "fial_on"`},
		{"nested", "deps:\n  go_vulndb: /db\n  osv: /osv\n", true, 3, `unknown key "osv" in deps`},
		{"threshold scanner", "thresholds:\n  secret: low\n", true, 2, `unknown key "secret"`},
		{"severity", "fail_on: severe\n", true, 1, "unknown severity"},
		{"root only", "baseline: b.json\n", false, 1, "repository-wide"},
		{"syntax", "fail_on: [high\n", true, 0, "yaml"},
		{"size", "max_file_size: lots\n", true, 1, "max_file_size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("svc/.pipeguard.yaml", []byte(tt.body), tt.root)
			var ce *scan.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a ConfigError", err)
			}
			if ce.Path != "svc/.pipeguard.yaml" || (tt.line > 0 && ce.Line != tt.line) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v (line %d), want %q at line %d", err, ce.Line, tt.want, tt.line)
			}
		})
	}
	l, err := Parse("x", []byte("max_file_size: 2MiB\nonly_new: true\n"), true)
	if err != nil || *l.MaxFileSize != 2<<20 || !*l.OnlyNew {
		t.Errorf("Parse = %+v, %v", l, err)
	}
}

func TestLoadRevIgnoresWorkingTree(t *testing.T) {
	r := gittest.New(t)
	dir := r.Dir
	gittest.WriteFiles(t, dir, map[string]string{".pipeguard.yaml": "fail_on: low\n", "svc/.pipeguard.yaml": "thresholds: {config: low}\n"})
	r.Commit("strict")
	r.Git("checkout", "-q", "-b", "head")
	gittest.WriteFiles(t, dir, map[string]string{".pipeguard.yaml": "fail_on: critical\ndisable_rules: [github-pat]\nscanners: [deps]\n"})
	r.Commit("relax")

	head, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if head.Root().FailOn != scan.Critical {
		t.Fatalf("working tree fail_on = %q", head.Root().FailOn)
	}
	base, err := LoadRev(context.Background(), dir, "main")
	if err != nil {
		t.Fatal(err)
	}
	c := base.For("svc/a.py")
	if base.Root().FailOn != scan.Low || !c.Enabled("secrets") || c.RuleDisabled(&scan.Finding{Rule: "github-pat"}) || c.Threshold("config") != scan.Low {
		t.Errorf("trusted config = %+v", c)
	}
	if got := c.Sources; len(got) != 2 || got[0] != ".pipeguard.yaml@main" {
		t.Errorf("sources = %v", got)
	}
	// Scanning a subfolder: paths are relative to it, at the revision too.
	sub, err := LoadRev(context.Background(), filepath.Join(dir, "svc"), "main")
	if err != nil {
		t.Fatal(err)
	}
	if got := sub.Root(); got.Threshold("config") != scan.Low || got.Sources[0] != ".pipeguard.yaml@main" {
		t.Errorf("subfolder root at main = %+v", got)
	}
	if _, err := LoadRev(context.Background(), dir, "no-such-ref"); !scan.IsConfigError(err) {
		t.Errorf("bad rev: err = %v, want a ConfigError", err)
	}
}

func TestOverrideWinsOverFiles(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{".pipeguard.yaml": "fail_on: low\n", "a/.pipeguard.yaml": "fail_on: medium\n"})
	set, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := set.Override(&Layer{FailOn: scan.Critical, DisableRules: []string{"x"}}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"r.py", "a/b.py"} {
		if c := set.For(p); c.FailOn != scan.Critical || !c.RuleDisabled(&scan.Finding{Rule: "x"}) {
			t.Errorf("%s: %+v", p, c)
		}
	}
}

func TestLoadFileReplacesRoot(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{".pipeguard.yaml": "fail_on: low\n", "svc/.pipeguard.yaml": "thresholds: {config: medium}\n"})
	other := filepath.Join(t.TempDir(), "ci.yaml")
	gittest.WriteFiles(t, filepath.Dir(other), map[string]string{"ci.yaml": "fail_on: critical\n"})
	set, err := LoadFile(context.Background(), dir, other)
	if err != nil {
		t.Fatal(err)
	}
	if set.Root().FailOn != scan.Critical || set.For("svc/a.py").FailOn != scan.Critical || set.For("svc/a.py").Threshold("config") != scan.Medium {
		t.Errorf("root %+v svc %+v", set.Root(), set.For("svc/a.py"))
	}
	if _, err := LoadFile(context.Background(), dir, filepath.Join(dir, "missing.yaml")); !scan.IsConfigError(err) {
		t.Errorf("missing file: err = %v", err)
	}
}

// TestPolicyModulesFromTrustedRevision: the head rewrites a policy file; the
// trusted revision's version is the one read.
func TestPolicyModulesFromTrustedRevision(t *testing.T) {
	r := gittest.New(t)
	dir := r.Dir
	gittest.WriteFiles(t, dir, map[string]string{
		".pipeguard.yaml":            "policies: [ci/policies]\n",
		"ci/policies/gate.rego":      "package pipeguard.gate.extend\n# base\n",
		"ci/policies/gate_test.rego": "package pipeguard.gate.extend_test\n",
		"ci/policies/README.md":      "not rego\n",
	})
	r.Commit("base")
	gittest.WriteFiles(t, dir, map[string]string{"ci/policies/gate.rego": "package pipeguard.gate.extend\n# head\n"})
	r.Commit("head")
	r.Git("tag", "head")
	r.Git("checkout", "-q", "HEAD~1")

	for _, tt := range []struct{ rev, want string }{{"main", "# head"}, {"main~1", "# base"}} {
		set, err := LoadRev(context.Background(), dir, tt.rev)
		if err != nil {
			t.Fatal(err)
		}
		mods, err := set.PolicyModules(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(mods) != 2 || mods[0].Path != "ci/policies/gate.rego@"+tt.rev || !strings.Contains(string(mods[0].Source), tt.want) {
			t.Errorf("%s: modules %+v", tt.rev, mods)
		}
	}
	set, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if mods, err := set.PolicyModules(context.Background()); err != nil || len(mods) != 2 || !strings.Contains(string(mods[0].Source), "# base") {
		t.Errorf("working tree modules %+v, %v", mods, err)
	}
}

// TestTestdataConfigIgnored checks that a fixture's configuration under a
// testdata folder does not configure (or break) the repository holding it.
func TestTestdataConfigIgnored(t *testing.T) {
	r := gittest.New(t)
	r.Write(".pipeguard.yaml", "fail_on: high\n")
	// A repository-wide key, which would be an error in a subfolder file.
	r.Write("testdata/example/.pipeguard.yaml", "deps:\n  osv_db: ../osv\n")
	r.Write("svc/testdata/x/.pipeguard.yaml", "disable_rules: [github-pat]\n")
	r.Commit("fixtures")
	set, err := Load(context.Background(), r.Dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if c := set.For("svc/testdata/x/app.py"); c.RuleDisabled(&scan.Finding{Rule: "github-pat"}) {
		t.Error("a testdata fixture's .pipeguard.yaml disabled a rule for the repository")
	}
	// The fixture still loads as its own root.
	fixture, err := Load(context.Background(), filepath.Join(r.Dir, "testdata", "example"))
	if err != nil {
		t.Fatalf("Load fixture root: %v", err)
	}
	if fixture.Root().OSVDB != "../osv" {
		t.Errorf("fixture root osv_db = %q", fixture.Root().OSVDB)
	}
}
