package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/audit"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// audit takes --offline, --memory-budget and --max-file-size like scan,
// and --config, the audit's own configuration (issue 12, items 17, 18).
func TestHostileAuditFlags(t *testing.T) {
	gittest.Setup(t)
	root := t.TempDir()
	repo := gittest.Init(t, filepath.Join(root, "svc"))
	repo.CommitFiles("init", map[string]string{
		"go.mod":          "module example.com/svc\n\ngo 1.22\n",
		"main.go":         "package main\n\nfunc main() {}\n",
		".pipeguard.yaml": "disable_rules: [github-pat]\n",
		"big/blob.txt":    strings.Repeat("x", 1<<20+1024),
	})
	org := filepath.Join(root, "org.yaml")
	os.WriteFile(org, []byte("fail_on: high\n"), 0o644)
	out := filepath.Join(root, "out")
	code, stdout, stderr := runAuditCmd(t, "--repo", repo.Dir, "--out", out, "--no-progress", "--scanners", "deps,secrets",
		"--offline", "--memory-budget", "512MB", "--max-file-size", "1MB", "--config", org)
	if code != scan.ExitPass {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	b, err := os.ReadFile(filepath.Join(out, audit.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	var a audit.Audit
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	r := a.Repositories[0]
	if !strings.Contains(strings.Join(r.Notes, "\n"), "Go modules not audited: offline") {
		t.Errorf("--offline did not reach the scan: notes %q", r.Notes)
	}
	if !strings.Contains(string(b), "big/blob.txt") {
		t.Errorf("--max-file-size 1MB did not reach the scan: the 1 MiB+ file is not named as skipped\n%s", b)
	}
	if r.Config == nil || len(r.Config.DisabledRules) != 1 {
		t.Errorf("config listing = %+v", r.Config)
	}

	for _, tt := range []struct{ args []string }{
		{[]string{"--memory-budget", "lots"}}, {[]string{"--max-file-size", "-1"}}, {[]string{"--config", filepath.Join(root, "missing.yaml")}},
	} {
		code, _, stderr := runAuditCmd(t, append([]string{"--repo", repo.Dir, "--out", out, "--no-progress"}, tt.args...)...)
		want := tt.args[0]
		if want == "--config" {
			want = "missing.yaml"
		}
		if code != scan.ExitUsage || !strings.Contains(stderr, want) {
			t.Errorf("%v: exit %d, %s", tt.args, code, stderr)
		}
	}
}
