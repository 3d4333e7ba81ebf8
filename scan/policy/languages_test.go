package policy

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pipeguard/pipeguard/scan"
)

// A rule whose package spans two files: the METADATA block and Python
// clauses in one, Go clauses in the other, each with its tests.
const splitLib = `package pipeguard.lib

deploy_env contains e if {
	some e in input.env
}

# Library rules that name each other as plain terms, not references.
served := [a | some a in input.apps; not a.test]

served_debug := [a | some a in served; a.debug]
`

// chainRule reads Python facts only through lib.served_debug, which reads
// them through served.
const chainRule = `# METADATA
# title: Toy chain
# custom:
#   id: toy-chain
#   severity: low
package pipeguard.rules.toy_chain

import data.pipeguard.lib

deny contains {"path": a.path, "line": a.line, "message": "debug"} if {
	some a in lib.served_debug
}
`

const splitPy = `# METADATA
# title: Toy debug
# custom:
#   id: toy-split
#   severity: high
package pipeguard.rules.toy_split

deny contains {"path": a.path, "line": a.line, "message": "python debug"} if {
	some a in input.apps
	a.debug
}
`

const splitGo = `# Go clauses of toy-split.
package pipeguard.rules.toy_split

import data.pipeguard.lib

deny contains {"path": c.path, "line": c.line, "message": "go debug"} if {
	some c in input.go.calls
	c.callee == "github.com/gin-gonic/gin.SetMode"
}

deny contains {"path": e.path, "line": e.line, "message": "GIN_MODE"} if {
	some e in lib.deploy_env
	e.key == "GIN_MODE"
}
`

const splitGoTest = `package pipeguard.rules.toy_split_go_test

import data.pipeguard.rules.toy_split

test_go if {
	count(toy_split.deny) == 1 with input as {"apps": [], "env": [], "go": {"calls": [{"path": "main.go", "line": 3, "callee": "github.com/gin-gonic/gin.SetMode"}]}}
}
`

func splitFS() fstest.MapFS {
	return fstest.MapFS{
		"config/lib.rego":                {Data: []byte(splitLib)},
		"config/toy_split.rego":          {Data: []byte(splitPy)},
		"config/toy_split_go.rego":       {Data: []byte(splitGo)},
		"config/toy_split_go_test.rego":  {Data: []byte(splitGoTest)},
		"config/toy_declared.rego":       {Data: []byte(declaredRule)},
		"config/toy_declared_test.rego":  {Data: []byte("package pipeguard.rules.toy_declared_test\n\ntest_nothing if true\n")},
		"config/toy_split_test.rego":     {Data: []byte("package pipeguard.rules.toy_split_test\n\nimport data.pipeguard.rules.toy_split\n\ntest_py if {\n\tcount(toy_split.deny) == 1 with input as {\"apps\": [{\"path\": \"a.py\", \"line\": 1, \"debug\": true}], \"env\": [], \"go\": {\"calls\": []}}\n}\n")},
		"config/toy_declared_more.rego":  {Data: []byte("package pipeguard.rules.toy_declared\n\nextra := 1\n")},
		"config/toy_declared_other.rego": {Data: []byte("package pipeguard.other\n\nx := input.nginx\n")},
		"config/toy_chain.rego":          {Data: []byte(chainRule)},
		"config/toy_chain_test.rego":     {Data: []byte("package pipeguard.rules.toy_chain_test\n\ntest_nothing if true\n")},
	}
}

// declaredRule reads only input.files: its languages come from METADATA.
const declaredRule = `# METADATA
# title: Toy declared
# custom:
#   id: toy-declared
#   severity: low
#   languages: [Deployment]
package pipeguard.rules.toy_declared

deny contains {"path": f.path, "line": 1, "message": "file"} if {
	some f in input.files
	f.kind == "env"
}
`

func ruleByID(t *testing.T, rules []Rule, id string) Rule {
	t.Helper()
	for _, r := range rules {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no rule %s in %v", id, rules)
	return Rule{}
}

// TestRulePackageSpansFiles checks that a rule's clauses may live in
// several files of its package, one of them with the METADATA block: the
// catalogue lists every file, evaluation runs every clause, the tests of
// every file run, and a user rule with the same id drops them all.
func TestRulePackageSpansFiles(t *testing.T) {
	ctx := context.Background()
	rs, err := Load(ctx, Options{Builtin: splitFS()})
	if err != nil {
		t.Fatal(err)
	}
	r := ruleByID(t, rs.Catalogue(), "toy-split")
	if want := []string{"policies/config/toy_split.rego", "policies/config/toy_split_go.rego"}; !slices.Equal(r.Files, want) {
		t.Errorf("files = %v, want %v", r.Files, want)
	}
	if r.Path != "policies/config/toy_split.rego" || r.Line != 1 {
		t.Errorf("declared at %s:%d", r.Path, r.Line)
	}
	input := map[string]any{
		"apps":  []any{map[string]any{"path": "a.py", "line": 2, "debug": true}},
		"env":   []any{map[string]any{"path": ".env", "line": 4, "key": "GIN_MODE"}},
		"files": []any{},
		"go":    map[string]any{"calls": []any{map[string]any{"path": "main.go", "line": 9, "callee": "github.com/gin-gonic/gin.SetMode"}}},
	}
	got, errs, err := rs.Evaluate(ctx, scan.ScannerConfig, input)
	if err != nil || len(errs) > 0 {
		t.Fatalf("Evaluate: %v %v", err, errs)
	}
	var msgs []string
	for _, f := range got {
		if f.Rule == "toy-split" {
			msgs = append(msgs, f.Message)
		}
	}
	slices.Sort(msgs)
	if want := []string{"GIN_MODE", "go debug", "python debug"}; !slices.Equal(msgs, want) {
		t.Errorf("findings = %v, want %v", msgs, want)
	}

	results, err := Test(ctx, Options{Builtin: splitFS()})
	if err != nil {
		t.Fatal(err)
	}
	ran := map[string]bool{}
	for _, res := range results {
		ran[res.Package+"."+res.Name] = !res.Fail && res.Error == nil
	}
	for _, name := range []string{"data.pipeguard.rules.toy_split_go_test.test_go", "data.pipeguard.rules.toy_split_test.test_py"} {
		if !ran[name] {
			t.Errorf("test %s did not run and pass: %v", name, ran)
		}
	}

	// A user rule with the same id replaces both files, and their tests.
	user := writeFiles(t, map[string]string{"mine.rego": strings.Replace(splitPy, "python debug", "mine", 1)})
	rs, err = Load(ctx, Options{Builtin: splitFS(), Dirs: []string{user}})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err = rs.Evaluate(ctx, scan.ScannerConfig, input)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range got {
		if f.Rule == "toy-split" && f.Message != "mine" {
			t.Errorf("overridden built-in clause still runs: %+v", f)
		}
	}
	results, err = Test(ctx, Options{Builtin: splitFS(), Dirs: []string{user}})
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range results {
		if strings.HasPrefix(res.Package, "data.pipeguard.rules.toy_split") {
			t.Errorf("test of an overridden built-in rule ran: %s.%s", res.Package, res.Name)
		}
	}
}

// TestSecondMetadataBlockInPackage: only one file of a package declares the rule.
func TestSecondMetadataBlockInPackage(t *testing.T) {
	fsys := splitFS()
	fsys["config/toy_split_go.rego"] = &fstest.MapFile{Data: []byte(splitPy)}
	_, err := Load(context.Background(), Options{Builtin: fsys})
	if !scan.IsConfigError(err) || !strings.Contains(err.Error(), "only one of them carries the METADATA block") {
		t.Fatalf("err = %v, want a configuration error about the second METADATA block", err)
	}
}

// TestRuleLanguages checks the languages derived from the facts each
// rule's files read (through library rules too), plus declared ones.
func TestRuleLanguages(t *testing.T) {
	rs, err := Load(context.Background(), Options{Builtin: splitFS()})
	if err != nil {
		t.Fatal(err)
	}
	cat := rs.Catalogue()
	if got := ruleByID(t, cat, "toy-split").Languages; !slices.Equal(got, []string{LangGo, LangPython, LangDeployment}) {
		t.Errorf("toy-split languages = %v", got)
	}
	// Only files: nothing derived; METADATA declares deployment (case folded).
	// The other package's input.nginx does not leak in.
	if got := ruleByID(t, cat, "toy-declared").Languages; !slices.Equal(got, []string{LangDeployment}) {
		t.Errorf("toy-declared languages = %v", got)
	}
	// Library rules named as plain terms (some a in served) are followed.
	if got := ruleByID(t, cat, "toy-chain").Languages; !slices.Equal(got, []string{LangPython}) {
		t.Errorf("toy-chain languages = %v", got)
	}
}

// TestBuiltinRuleLanguages pins the languages of a few built-in rules.
func TestBuiltinRuleLanguages(t *testing.T) {
	rules, err := List(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string][]string{
		"tls-verify-disabled":     {LangGo, LangPython},
		"pprof-exposed":           {LangGo},
		"server-timeouts-missing": {LangGo},
		"debug-enabled":           {LangGo, LangPython, LangDeployment},
		"route-missing-auth":      {LangPython},
		"env-file-committed":      {LangDeployment},
	} {
		if got := ruleByID(t, rules, id).Languages; !slices.Equal(got, want) {
			t.Errorf("%s languages = %v, want %v", id, got, want)
		}
	}
}
