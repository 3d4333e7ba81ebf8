package policy

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// exampleFacts reads policies/facts.example.json, the documented example
// of the rules' input.
func exampleFacts(t *testing.T) any {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "policies", "facts.example.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBuiltinRulesOverExample runs the built-in rules over the documented
// example facts: a vulnerable little app.
func TestBuiltinRulesOverExample(t *testing.T) {
	ctx := context.Background()
	rs, err := Load(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, errs, err := rs.Evaluate(ctx, scan.ScannerConfig, exampleFacts(t))
	if err != nil || len(errs) > 0 {
		t.Fatalf("Evaluate: %v %v", err, errs)
	}
	var lines []string
	for _, f := range got {
		lines = append(lines, f.Rule+" "+f.Location())
	}
	sort.Strings(lines)
	want := []string{
		"api-docs-exposed app/main.py:12",
		"auth-failure-not-rejected app/main.py:27",
		"autoreload-enabled Dockerfile:6",
		"cors-credentials-any-origin app/main.py:14",
		"debug-enabled .env:1",
		"debug-enabled app/config.py:6",
		"dependency-unpinned requirements.txt:1",
		"env-file-committed .env:1",
		"hardcoded-secret app/main.py:7",
		"https-not-enforced app/main.py:12",
		"jwt-algorithms-missing app/main.py:26",
		"request-body-unvalidated app/routers/items.py:10",
		"route-missing-auth app/routers/items.py:9",
		"security-headers-missing app/main.py:12",
	}
	if len(lines) != len(want) {
		t.Fatalf("findings:\n%q\nwant\n%q", lines, want)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("finding %d = %q, want %q", i, lines[i], want[i])
		}
	}
}

// TestUserPolicyOverDocumentedFacts is what a user writes from the facts
// schema: a rule of their own, in their own package prefix.
func TestUserPolicyOverDocumentedFacts(t *testing.T) {
	src := `# METADATA
# title: Routes must live under /api
# custom:
#   id: acme-route-prefix
#   severity: low
package acme.rules.route_prefix

deny contains {"path": r.path, "line": r.line, "message": sprintf("%s is outside /api", [r.url])} if {
	some app in input.apps
	some r in app.routes
	not startswith(r.url, "/api/")
}
`
	dir := writeFiles(t, map[string]string{"route_prefix.rego": src})
	ctx := context.Background()
	rs, err := Load(ctx, Options{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	got, errs, err := rs.Evaluate(ctx, scan.ScannerConfig, exampleFacts(t))
	if err != nil || len(errs) > 0 {
		t.Fatalf("Evaluate: %v %v", err, errs)
	}
	var mine []string
	for _, f := range got {
		if f.Rule == "acme-route-prefix" {
			mine = append(mine, f.Location()+" "+f.Message)
		}
	}
	sort.Strings(mine)
	want := []string{"app/routers/items.py:14 /items/{item_id} is outside /api", "app/routers/items.py:9 /items/ is outside /api"}
	if len(mine) != 2 || mine[0] != want[0] || mine[1] != want[1] {
		t.Errorf("user rule findings = %q, want %q", mine, want)
	}
}
