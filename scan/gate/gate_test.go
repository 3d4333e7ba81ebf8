package gate

import (
	"context"
	"strings"
	"testing"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/format"
	"github.com/open-policy-agent/opa/v1/tester"

	"github.com/pipeguard/pipeguard/policies"
	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
	"github.com/pipeguard/pipeguard/scan/policy"
	"github.com/pipeguard/pipeguard/scan/repoconf"
)

// TestRegoUnitTests runs policies/gate/*_test.rego with OPA's tester, in the sandbox.
func TestRegoUnitTests(t *testing.T) {
	mods, err := policy.LoadFS(policies.FS, policies.GateDir)
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]*ast.Module{}
	tests := 0
	for _, m := range mods {
		am, err := ast.ParseModuleWithOpts(m.Path, string(m.Source), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		in[m.Path] = am
	}
	c := ast.NewCompiler().WithCapabilities(policy.Capabilities()).WithDefaultRegoVersion(ast.RegoV1)
	ch, err := tester.NewRunner().SetCompiler(c).SetModules(in).RunTests(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for r := range ch {
		tests++
		if r.Fail || r.Error != nil {
			t.Errorf("%s %s: fail=%v err=%v", r.Location, r.Name, r.Fail, r.Error)
		}
	}
	if tests < 15 {
		t.Errorf("only %d gate tests ran", tests)
	}
}

func newGate(t *testing.T, dirs ...string) *Gate {
	t.Helper()
	g, err := New(context.Background(), Options{PolicyDirs: dirs})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func goDep(reach string) *scan.Dependency {
	return &scan.Dependency{Ecosystem: "Go", Name: "golang.org/x/net", Version: "v0.1.0", Reachability: reach, Aliases: []string{"CVE-2024-1"}}
}

func pyDep(reach string) *scan.Dependency {
	return &scan.Dependency{Ecosystem: "PyPI", Name: "jinja2", Version: "3.1.2", Reachability: reach}
}

func isNew(b bool) *bool { return &b }

// TestDefaultDecisions runs the default gate from Go over each kind of
// finding and checks Blocking, Decision, Reasons and the verdict.
func TestDefaultDecisions(t *testing.T) {
	tests := []struct {
		name  string
		f     scan.Finding
		block bool
		why   string
	}{
		{"secret", scan.Finding{Scanner: "secrets", Rule: "github-pat", Severity: scan.High}, true, "leaked secret"},
		{"low secret", scan.Finding{Scanner: "secrets", Rule: "generic-api-key", Severity: scan.Low}, true, "leaked secret"},
		{"go called", scan.Finding{Scanner: "deps", Rule: "GO-2024-1", Severity: scan.Low, Dependency: goDep("called")}, true, "is called"},
		{"go imported", scan.Finding{Scanner: "deps", Rule: "GO-2024-1", Severity: scan.Critical, Dependency: goDep("imported")}, false, "not called"},
		{"go required", scan.Finding{Scanner: "deps", Rule: "GO-2024-1", Severity: scan.Critical, Dependency: goDep("required")}, false, "not called"},
		{"py high imported", scan.Finding{Scanner: "deps", Rule: "PYSEC-1", Severity: scan.High, Dependency: pyDep("imported")}, true, "imported"},
		{"py medium imported", scan.Finding{Scanner: "deps", Rule: "PYSEC-1", Severity: scan.Medium, Dependency: pyDep("imported")}, false, "below the floor high"},
		{"py critical required", scan.Finding{Scanner: "deps", Rule: "PYSEC-1", Severity: scan.Critical, Dependency: pyDep("required")}, false, "not imported"},
		{"config high", scan.Finding{Scanner: "config", Rule: "debug-enabled", Severity: scan.High}, true, "at or above the floor high"},
		{"config high, high confidence", scan.Finding{Scanner: "config", Rule: "debug-enabled", Severity: scan.High, Confidence: scan.ConfidenceHigh}, true, "of high confidence"},
		{"config critical, medium confidence", scan.Finding{Scanner: "config", Rule: "auth-failure-not-rejected", Severity: scan.Critical, Confidence: scan.ConfidenceMedium}, false, "of medium confidence"},
		{"config medium", scan.Finding{Scanner: "config", Rule: "cors-any-origin", Severity: scan.Medium}, false, "below the floor high"},
		{"suppressed secret", scan.Finding{Scanner: "secrets", Rule: "github-pat", Severity: scan.High,
			Suppression: &scan.Suppression{Kind: "file", Reason: "fixture", Source: ".pipeguard-ignore.yaml:3"}}, false, "suppressed (file at .pipeguard-ignore.yaml:3): fixture"},
	}
	g := newGate(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := scan.NewReport("", scan.Tool{}, scan.TargetInfo{Mode: "tree"})
			tt.f.Path, tt.f.Line = "app/x.py", 3
			rep.Findings = []scan.Finding{tt.f}
			if err := g.Decide(context.Background(), rep, Context{Event: "push"}); err != nil {
				t.Fatal(err)
			}
			f := rep.Findings[0]
			want := map[bool]string{true: Block, false: Warn}[tt.block]
			if f.Blocking != tt.block || f.Decision != want {
				t.Errorf("blocking=%v decision=%q, want %v", f.Blocking, f.Decision, tt.block)
			}
			if !strings.Contains(strings.Join(f.Reasons, "\n"), tt.why) {
				t.Errorf("reasons %q lack %q", f.Reasons, tt.why)
			}
			wantVerdict := map[bool]scan.Verdict{true: scan.Fail, false: scan.Pass}[tt.block]
			if rep.Verdict != wantVerdict {
				t.Errorf("verdict %s, want %s", rep.Verdict, wantVerdict)
			}
		})
	}
}

func TestOnlyNewAndErrors(t *testing.T) {
	g := newGate(t)
	rep := scan.NewReport("", scan.Tool{}, scan.TargetInfo{})
	rep.Findings = []scan.Finding{
		{Scanner: "secrets", Rule: "github-pat", Severity: scan.High, Path: "a", New: isNew(false)},
		{Scanner: "config", Rule: "debug-enabled", Severity: scan.High, Path: "b", New: isNew(false)},
	}
	rep.Errors = []scan.Error{{Scanner: "deps", Message: "vulndb unreachable"}}
	if err := g.Decide(context.Background(), rep, Context{OnlyNew: true}); err != nil {
		t.Fatal(err)
	}
	if len(rep.Blocking()) != 0 || rep.Verdict != scan.Incomplete {
		t.Fatalf("existing findings with an error: verdict %s, blocking %d", rep.Verdict, len(rep.Blocking()))
	}
	rep.Findings[1].New = isNew(true)
	rep.Findings[0].Reasons, rep.Findings[1].Reasons = nil, nil
	if err := g.Decide(context.Background(), rep, Context{OnlyNew: true}); err != nil {
		t.Fatal(err)
	}
	if !rep.Findings[1].Blocking || rep.Findings[0].Blocking || rep.Verdict != scan.Fail {
		t.Errorf("new finding should block and fail the incomplete scan: %+v, verdict %s", rep.Findings, rep.Verdict)
	}
}

// TestKnobsPerFolder: fail_on, thresholds and disable_rules from a monorepo's
// .pipeguard.yaml files decide without any Rego.
func TestKnobsPerFolder(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{
		".pipeguard.yaml":          "thresholds: {config: medium}\ndisable_rules: [CVE-2024-1]\n",
		"legacy/.pipeguard.yaml":   "fail_on: critical\nthresholds: {config: critical}\n",
		"payments/.pipeguard.yaml": "thresholds: {config: low, secrets: critical}\n",
	})
	set, err := repoconf.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	rep := scan.NewReport(dir, scan.Tool{}, scan.TargetInfo{})
	rep.Findings = []scan.Finding{
		{Scanner: "config", Rule: "cors-any-origin", Severity: scan.Medium, Path: "api/main.py"},               // 0 root: medium blocks
		{Scanner: "config", Rule: "debug-enabled", Severity: scan.High, Path: "legacy/app.py"},                 // 1 legacy: high warns
		{Scanner: "secrets", Rule: "github-pat", Severity: scan.High, Path: "legacy/x.py"},                     // 2 legacy fail_on critical: warns
		{Scanner: "config", Rule: "api-docs-exposed", Severity: scan.Low, Path: "payments/main.py"},            // 3 payments: low blocks
		{Scanner: "secrets", Rule: "github-pat", Severity: scan.High, Path: "payments/k.py"},                   // 4 payments secrets critical: warns
		{Scanner: "deps", Rule: "GO-2024-1", Severity: scan.High, Path: "go.mod", Dependency: goDep("called")}, // disabled by alias: dropped
	}
	if err := newGate(t).Decide(context.Background(), rep, Context{Config: set}); err != nil {
		t.Fatal(err)
	}
	want := []bool{true, false, false, true, false}
	if len(rep.Findings) != len(want) {
		t.Fatalf("disabled rule kept: %d findings", len(rep.Findings))
	}
	for i, w := range want {
		if rep.Findings[i].Blocking != w {
			t.Errorf("finding %d (%s in %s): blocking=%v, want %v; reasons %q", i, rep.Findings[i].Rule, rep.Findings[i].Path, rep.Findings[i].Blocking, w, rep.Findings[i].Reasons)
		}
	}
}

func TestUserGateExtendsAndReplaces(t *testing.T) {
	ext := t.TempDir()
	gittest.WriteFiles(t, ext, map[string]string{
		"team.rego": `package pipeguard.gate.extend

block contains {"finding": f.id, "reason": "team rule: no open CORS"} if {
	some f in input.findings
	f.rule == "cors-any-origin"
}

warn contains {"finding": f.id, "reason": "docs are public on purpose"} if {
	some f in input.findings
	f.rule == "debug-enabled"
	startswith(f.path, "docs/")
}

fail contains "main needs a clean scan" if {
	input.context.branch == "main"
	count(input.findings) > 0
}
`,
		// A config rule in the same folder is not the gate's business.
		"rules/x.rego": "package acme.rules.x\n\ndeny contains \"x\" if false\n",
	})
	rep := func() *scan.Report {
		r := scan.NewReport("", scan.Tool{}, scan.TargetInfo{})
		r.Findings = []scan.Finding{
			{Scanner: "config", Rule: "cors-any-origin", Severity: scan.Medium, Path: "api/main.py"},
			{Scanner: "config", Rule: "debug-enabled", Severity: scan.High, Path: "docs/app.py"},
			{Scanner: "config", Rule: "api-docs-exposed", Severity: scan.Low, Path: "api/main.py"},
		}
		return r
	}
	g := newGate(t, ext)
	if g.Replaced {
		t.Fatal("an extension replaced the gate")
	}
	r := rep()
	if err := g.Decide(context.Background(), r, Context{Branch: "feature"}); err != nil {
		t.Fatal(err)
	}
	if !r.Findings[0].Blocking || r.Findings[1].Blocking || r.Findings[2].Blocking || r.Verdict != scan.Fail {
		t.Errorf("extended gate: %+v", r.Findings)
	}
	r = rep()
	r.Findings = r.Findings[1:]
	if err := g.Decide(context.Background(), r, Context{Branch: "main"}); err != nil {
		t.Fatal(err)
	}
	if len(r.Blocking()) != 0 || r.Verdict != scan.Fail || !strings.Contains(strings.Join(r.Notes, "\n"), "main needs a clean scan") {
		t.Errorf("extension fail: verdict %s notes %q", r.Verdict, r.Notes)
	}

	repl := t.TempDir()
	gittest.WriteFiles(t, repl, map[string]string{"gate.rego": `package pipeguard.gate

# Everything blocks, except suppressed findings (which pipeguard never lets block).
decisions[f.id] := {"decision": "block", "reasons": ["strict gate"]} if some f in input.findings
`})
	g = newGate(t, repl)
	if !g.Replaced {
		t.Fatal("a pipeguard.gate module should replace the default gate")
	}
	r = rep()
	r.Findings[2].Suppression = &scan.Suppression{Kind: "inline", Reason: "x"}
	if err := g.Decide(context.Background(), r, Context{}); err != nil {
		t.Fatal(err)
	}
	if !r.Findings[1].Blocking || r.Findings[2].Blocking || r.Findings[1].Reasons[0] != "strict gate" {
		t.Errorf("replacement gate: %+v", r.Findings)
	}
}

func TestGateRefusesUnsafeOrBrokenPolicies(t *testing.T) {
	tests := map[string]string{
		"http.send":   "package pipeguard.gate.extend\n\nfail contains \"x\" if {\n\thttp.send({\"method\": \"get\", \"url\": \"https://example.com\"})\n}\n",
		"opa.runtime": "package pipeguard.gate.extend\n\nfail contains \"x\" if {\n\topa.runtime().env.GITHUB_TOKEN\n}\n",
		"syntax":      "package pipeguard.gate.extend\n\nfail contains if {\n",
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			gittest.WriteFiles(t, dir, map[string]string{"bad.rego": src})
			_, err := New(context.Background(), Options{PolicyDirs: []string{dir}})
			if !scan.IsConfigError(err) || !strings.Contains(err.Error(), "bad.rego") {
				t.Errorf("err = %v, want a ConfigError naming bad.rego", err)
			}
		})
	}
	// A decision that is neither block nor warn is a configuration error.
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{"gate.rego": "package pipeguard.gate\n\ndecisions[f.id] := {\"decision\": \"maybe\"} if some f in input.findings\n"})
	rep := scan.NewReport("", scan.Tool{}, scan.TargetInfo{})
	rep.Findings = []scan.Finding{{Scanner: "config", Rule: "x", Severity: scan.Low}}
	if err := newGate(t, dir).Decide(context.Background(), rep, Context{}); !scan.IsConfigError(err) {
		t.Errorf("err = %v, want a ConfigError", err)
	}
}

// TestRegoFormattedAndStrict: the gate's Rego is as `opa fmt` writes it and
// compiles in OPA's strict mode (no unused variables or imports).
func TestRegoFormattedAndStrict(t *testing.T) {
	mods, err := policy.LoadFS(policies.FS, policies.GateDir)
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]*ast.Module{}
	for _, m := range mods {
		am, err := ast.ParseModuleWithOpts(m.Path, string(m.Source), ast.ParserOptions{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		in[m.Path] = am
		out, err := format.SourceWithOpts(m.Path, m.Source, format.Opts{RegoVersion: ast.RegoV1})
		if err != nil {
			t.Fatal(err)
		}
		if string(out) != string(m.Source) {
			t.Errorf("%s is not formatted as opa fmt would", m.Path)
		}
	}
	c := ast.NewCompiler().WithStrict(true).WithCapabilities(policy.Capabilities()).WithDefaultRegoVersion(ast.RegoV1)
	if c.Compile(in); c.Failed() {
		t.Errorf("strict compile: %v", c.Errors)
	}
}
