package policy

import (
	"bytes"
	"context"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// issueRules is the rule table of the config checks: ids and severities
// are part of pipeguard's interface.
var issueRules = map[string]scan.Severity{
	"cors-credentials-any-origin": scan.High,
	"cors-any-origin":             scan.Medium,
	"cors-unsafe-origin-regex":    scan.Medium,
	"cors-null-origin":            scan.Medium,
	"debug-enabled":               scan.High,
	"autoreload-enabled":          scan.Medium,
	"proxy-headers-trust-all":     scan.Medium,
	"api-docs-exposed":            scan.Low,
	"error-details-exposed":       scan.Medium,
	"tls-verify-disabled":         scan.High,
	"tls-weak-version":            scan.High,
	"https-not-enforced":          scan.Medium,
	"security-headers-missing":    scan.Low,
	"trusted-host-any":            scan.Low,
	"session-cookie-insecure":     scan.Medium,
	"route-missing-auth":          scan.Medium,
	"auth-failure-not-rejected":   scan.High,
	"auth-timing-unsafe-compare":  scan.Medium,
	"auth-hardcoded-credentials":  scan.High,
	"api-key-in-query":            scan.Medium,
	"rate-limit-missing":          scan.Low,
	"hardcoded-secret":            scan.High,
	"jwt-verification-disabled":   scan.Critical,
	"jwt-algorithms-missing":      scan.High,
	"jwt-unmaintained-library":    scan.Low,
	"password-hash-weak":          scan.High,
	"sql-string-formatting":       scan.High,
	"request-body-unvalidated":    scan.Low,
	"env-file-committed":          scan.High,
	"dependency-unpinned":         scan.Low,
	"dockerfile-root-user":        scan.Medium,
	// Go services (issue 15).
	"pprof-exposed":           scan.Medium,
	"server-timeouts-missing": scan.Medium,
}

// TestBuiltinPolicyTests is `pipeguard policy test` over the built-in policies.
func TestBuiltinPolicyTests(t *testing.T) {
	results, err := Test(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if Failed(results) {
		var out bytes.Buffer
		_ = WriteTestResults(&out, results, false)
		t.Fatalf("built-in policy tests fail:\n%s", out.String())
	}
	// Each rule has its own tests: cases that fire and cases that must not.
	perPackage := map[string]int{}
	for _, r := range results {
		perPackage[r.Package]++
	}
	rules, err := List(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if n := perPackage[r.Package+"_test"]; n < 2 {
			t.Errorf("rule %s has %d tests in package %s_test, want at least 2", r.ID, n, r.Package)
		}
	}
}

// TestBuiltinCatalogue checks that the built-in rules are exactly the
// issue's table, with its severities, and that each is documented.
func TestBuiltinCatalogue(t *testing.T) {
	rules, err := List(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range rules {
		seen[r.ID] = true
		want, ok := issueRules[r.ID]
		if !ok {
			t.Errorf("rule %s (%s) is not in the rule table", r.ID, r.Path)
			continue
		}
		if r.Severity != want {
			t.Errorf("rule %s: severity %s, want %s", r.ID, r.Severity, want)
		}
		if r.Title == "" || r.Description == "" || r.Remediation == "" || len(r.References) == 0 {
			t.Errorf("rule %s (%s) lacks title, description, remediation or references", r.ID, r.Path)
		}
		if !r.Builtin || r.Status != StatusActive {
			t.Errorf("rule %s: builtin=%v status=%s", r.ID, r.Builtin, r.Status)
		}
	}
	for id := range issueRules {
		if !seen[id] {
			t.Errorf("rule %s is missing", id)
		}
	}
}
