package repoconf

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// A repository's .pipeguard.yaml may tighten an audit's configuration but
// never loosen it: disabled rules, excludes, raised floors, its own
// policies and databases, a baseline are refused and listed; what lowers a
// floor is kept (issue 12, item 17).
func TestHostileFloorRefusesLoosening(t *testing.T) {
	repo := t.TempDir()
	gittest.WriteFiles(t, repo, map[string]string{
		".pipeguard.yaml": `scanners: [deps]
fail_on: low
report: high
thresholds: {secrets: critical, config: medium}
disable_rules: [github-pat]
exclude: [secrets/]
policies: [policy]
secrets: {severity: low}
deps: {go_vulndb: "https://ci:PW@mirror.internal/"}
max_file_size: 1KB
only_new: true
baseline: base.json
ignore_file: .ignore.yaml
`,
		"svc/.pipeguard.yaml": "disable_rules: [cors-any-origin]\nthresholds: {deps: critical}\n",
	})
	org := filepath.Join(t.TempDir(), "org.yaml")
	gittest.WriteFiles(t, filepath.Dir(org), map[string]string{"org.yaml": "disable_rules: [generic-api-key]\npolicies: [org-policies]\n"})

	set, err := LoadFloor(context.Background(), repo, org)
	if err != nil {
		t.Fatal(err)
	}
	root := set.Root()
	pat := &scan.Finding{Rule: "github-pat", Scanner: "secrets", Path: "secrets/x.py"}
	if root.RuleDisabled(pat) || root.Excluded("secrets/x.py") || !root.Enabled("secrets") || !root.Enabled("config") {
		t.Errorf("the repository loosened the audit: %+v", root)
	}
	if !root.RuleDisabled(&scan.Finding{Rule: "generic-api-key"}) {
		t.Errorf("the organization's own disable_rules should hold")
	}
	if got := root.Threshold("config"); got != scan.Medium {
		t.Errorf("config threshold %q, want medium (a tightening, kept)", got)
	}
	if got := root.Threshold("deps"); got != scan.Low {
		t.Errorf("deps threshold %q, want low (fail_on: low lowers it)", got)
	}
	if got := root.Threshold("secrets"); got != "" {
		t.Errorf("secrets threshold %q, want none: critical would raise info", got)
	}
	if root.Report != "" || root.SecretSeverity != "" || root.GoVulnDB != "" || root.MaxFileSize != 0 || root.OnlyNew || root.Baseline != "" {
		t.Errorf("a loosening was honoured: %+v", root)
	}
	if root.IgnoreFile != ".ignore.yaml" {
		t.Errorf("ignore_file %q: suppressions stay visible, the file is honoured", root.IgnoreFile)
	}
	if len(root.Policies) != 1 || root.Policies[0] != filepath.Join(filepath.Dir(org), "org-policies") {
		t.Errorf("policies = %q, want only the organization's, made absolute", root.Policies)
	}
	svc := set.For("svc/app.py")
	if svc.RuleDisabled(&scan.Finding{Rule: "cors-any-origin"}) || svc.Threshold("deps") != scan.Low {
		t.Errorf("the subfolder loosened the audit: %+v", svc)
	}

	var got []string
	for _, r := range set.Refused() {
		if strings.Contains(r.Value, "PW") {
			t.Errorf("a refusal quotes the database password: %+v", r)
		}
		got = append(got, r.Source+" "+r.Setting)
	}
	sort.Strings(got)
	want := []string{
		".pipeguard.yaml baseline", ".pipeguard.yaml deps.go_vulndb", ".pipeguard.yaml disable_rules", ".pipeguard.yaml exclude",
		".pipeguard.yaml max_file_size", ".pipeguard.yaml only_new", ".pipeguard.yaml policies",
		".pipeguard.yaml report", ".pipeguard.yaml scanners", ".pipeguard.yaml secrets.severity", ".pipeguard.yaml thresholds.secrets",
		"svc/.pipeguard.yaml disable_rules", "svc/.pipeguard.yaml thresholds.deps",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("refused:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// fail_on that would raise the secrets floor is refused, and kept where
	// it lowers one.
	gittest.WriteFiles(t, repo, map[string]string{".pipeguard.yaml": "fail_on: medium\n", "svc/.pipeguard.yaml": ""})
	set, err = LoadFloor(context.Background(), repo, "")
	if err != nil {
		t.Fatal(err)
	}
	if r := set.Refused(); len(r) != 1 || r[0].Setting != "fail_on" || !strings.Contains(r[0].Why, "secrets from info") {
		t.Errorf("refused = %+v", r)
	}
	if set.Root().Threshold("config") != scan.Medium || set.Root().Threshold("secrets") != "" {
		t.Errorf("thresholds = %+v", set.Root().Thresholds)
	}
	gittest.WriteFiles(t, repo, map[string]string{".pipeguard.yaml": "disable_rules: [github-pat]\n"})

	// Without an organization's file, pipeguard's defaults are the floor.
	set, err = LoadFloor(context.Background(), repo, "")
	if err != nil {
		t.Fatal(err)
	}
	if set.Root().RuleDisabled(pat) || len(set.Refused()) != 1 {
		t.Errorf("defaults as the floor: disabled %v, %d refusals", set.Root().RuleDisabled(pat), len(set.Refused()))
	}
}
