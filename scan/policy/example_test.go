package policy

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
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
		"cors-credentials-any-origin app/main.py:16",
		"debug-enabled .env:1",
		"debug-enabled app/config.py:6",
		"dependency-unpinned requirements.txt:1",
		"dockerfile-root-user Dockerfile:6",
		"env-file-committed .env:2",
		"hardcoded-secret app/main.py:7",
		"hardcoded-secret docker-compose.yml:12",
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

// TestRulesAreTypeChecked checks that rules are compiled against the facts
// schema: a misspelt fact is a compile error naming file and line, not a
// rule that never fires.
func TestRulesAreTypeChecked(t *testing.T) {
	src := `# METADATA
# title: typo
# custom:
#   id: acme-typo
#   severity: low
package acme.rules.typo

deny contains {"path": m.path, "line": m.line, "message": "x"} if {
	some app in input.apps
	some m in app.midleware
}
`
	dir := writeFiles(t, map[string]string{"typo.rego": src})
	_, err := Load(context.Background(), Options{Dirs: []string{dir}})
	var ce *scan.ConfigError
	if !errors.As(err, &ce) || ce.Line != 10 || !strings.HasSuffix(ce.Path, "typo.rego") || !strings.Contains(err.Error(), "midleware") {
		t.Fatalf("err = %v, want a type error at typo.rego:10 naming midleware", err)
	}
	if testing.Verbose() {
		t.Log(err)
	}
}

// TestGatePoliciesBesideRules: a --policy folder may hold gate policies
// (another input) next to rules; only the rules and what they use are
// compiled, and type-checked, for the config scanner.
func TestGatePoliciesBesideRules(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"gate.rego": "package pipeguard.gate.extend\n\nblock contains f.fingerprint if {\n\tsome f in input.findings\n\tf.rule == \"acme-route-prefix\"\n}\n",
		"lib.rego":  "package acme.lib\n\noutside(url) if not startswith(url, \"/api/\")\n",
		"rule.rego": "# METADATA\n# title: t\n# custom:\n#   id: acme-route-prefix\n#   severity: low\npackage acme.rules.prefix\n\nimport data.acme.lib\n\ndeny contains {\"path\": r.path, \"line\": r.line, \"message\": r.url} if {\n\tsome app in input.apps\n\tsome r in app.routes\n\tlib.outside(r.url)\n}\n",
	})
	rs, err := Load(context.Background(), Options{Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	got, errs, err := rs.Evaluate(context.Background(), scan.ScannerConfig, exampleFacts(t))
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	n := 0
	for _, f := range got {
		if f.Rule == "acme-route-prefix" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("user rule with a user library gave %d findings, want 2", n)
	}
}
