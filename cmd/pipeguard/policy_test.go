package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// runPolicy runs `pipeguard policy args...` and returns its output and exit code.
func runPolicy(t *testing.T, args ...string) (string, int) {
	t.Helper()
	cmd := newPolicyCmd()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	cmd.SilenceUsage = true
	cmd.SilenceErrors = true
	err := cmd.ExecuteContext(context.Background())
	if err == nil {
		return out.String(), 0
	}
	var ee *exitError
	if !errors.As(err, &ee) {
		t.Fatalf("policy %v: error without exit code: %v", args, err)
	}
	if ee.err != nil {
		out.WriteString(ee.err.Error())
	}
	return out.String(), ee.code
}

func writePolicy(t *testing.T, name, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestPolicyTestCommand(t *testing.T) {
	out, code := runPolicy(t, "test", "--no-config")
	if code != 0 || !strings.Contains(out, "PASS: ") {
		t.Fatalf("built-in policy tests: exit %d\n%s", code, out)
	}

	failing := writePolicy(t, "mine_test.rego", "package acme.rules.mine_test\n\ntest_broken if {\n\t1 == 2\n}\n")
	out, code = runPolicy(t, "test", "--no-config", failing)
	if code != 1 || !strings.Contains(out, "test_broken: FAIL") {
		t.Errorf("failing user test: exit %d, want 1\n%s", code, out)
	}

	forbidden := writePolicy(t, "leak.rego", "# METADATA\n# title: leak\n# custom:\n#   id: leak\n#   severity: low\npackage acme.rules.leak\n\ndeny contains {\"path\": \"x\", \"line\": 1, \"message\": t} if {\n\tt := opa.runtime().env.GITHUB_TOKEN\n}\n")
	out, code = runPolicy(t, "test", "--no-config", "--policy", forbidden)
	if code != 3 || !strings.Contains(out, "leak.rego:9") || !strings.Contains(out, "opa.runtime") {
		t.Errorf("forbidden built-in: exit %d, want 3 naming leak.rego:9 and opa.runtime\n%s", code, out)
	}
}

func TestPolicyListCommand(t *testing.T) {
	out, code := runPolicy(t, "list", "--no-config", "--format", "json", "--disable", "rate-limit-missing")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	var doc struct {
		Rules []struct {
			ID        string   `json:"id"`
			Severity  string   `json:"severity"`
			Builtin   bool     `json:"builtin"`
			Status    string   `json:"status"`
			Path      string   `json:"path"`
			Languages []string `json:"languages"`
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	byID := map[string]string{}
	langs := map[string]string{}
	for _, r := range doc.Rules {
		byID[r.ID] = r.Severity + "/" + r.Status
		langs[r.ID] = strings.Join(r.Languages, ",")
	}
	if langs["tls-verify-disabled"] != "go,python" || langs["pprof-exposed"] != "go" || langs["cors-null-origin"] != "python" {
		t.Errorf("languages: %v", langs)
	}
	if len(doc.Rules) != 33 || byID["jwt-verification-disabled"] != "critical/active" || byID["rate-limit-missing"] != "low/disabled" {
		t.Errorf("catalogue: %d rules, %v", len(doc.Rules), byID)
	}

	out, code = runPolicy(t, "list", "--no-config")
	if code != 0 || !strings.Contains(out, "cors-credentials-any-origin") || !strings.Contains(out, "SEVERITY") {
		t.Errorf("text list: exit %d\n%s", code, out)
	}
	if !regexp.MustCompile(`(?m)^tls-verify-disabled\s+high\s+go,python\s+built-in\s+active\s`).MatchString(out) {
		t.Errorf("text list has no LANGUAGES column for tls-verify-disabled:\n%s", out)
	}
	if _, code = runPolicy(t, "list", "--no-config", "--format", "xml"); code != 3 {
		t.Errorf("--format xml: exit %d, want 3", code)
	}
}
