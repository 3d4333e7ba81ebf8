package policy

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/pipeguard/pipeguard/scan"
)

// debugRule is a small built-in rule over a toy input: {"apps": [{path, line, debug}]}.
const debugRule = `# METADATA
# title: Debug mode on
# description: The app runs in debug mode.
# related_resources:
#   - ref: https://fastapi.tiangolo.com/reference/fastapi/
# custom:
#   id: toy-debug
#   severity: high
#   remediation: Turn debug off.
#   tags: [toy]
package pipeguard.rules.toy_debug

deny contains f if {
	some app in input.apps
	app.debug == true
	f := {"path": app.path, "line": app.line, "message": sprintf("app %s runs in debug mode", [app.name]), "fingerprint_key": app.name}
}
`

const debugTest = `package pipeguard.rules.toy_debug_test

import data.pipeguard.rules.toy_debug

test_fires if {
	count(toy_debug.deny) == 1 with input as {"apps": [{"path": "a.py", "line": 3, "name": "app", "debug": true}]}
}

test_quiet if {
	count(toy_debug.deny) == 0 with input as {"apps": [{"path": "a.py", "line": 3, "name": "app", "debug": false}]}
}
`

func builtinFS() fstest.MapFS {
	return fstest.MapFS{
		"config/toy_debug.rego":      {Data: []byte(debugRule)},
		"config/toy_debug_test.rego": {Data: []byte(debugTest)},
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func toyInput(line int, debug bool) map[string]any {
	return map[string]any{"apps": []any{map[string]any{"path": "app/main.py", "line": line, "name": "app", "debug": debug}}}
}

func TestEvaluateMapsFindings(t *testing.T) {
	ctx := context.Background()
	rs, err := Load(ctx, Options{Builtin: builtinFS()})
	if err != nil {
		t.Fatal(err)
	}
	got, errs, err := rs.Evaluate(ctx, scan.ScannerConfig, toyInput(7, true))
	if err != nil || len(errs) > 0 {
		t.Fatalf("Evaluate: %v %v", err, errs)
	}
	if len(got) != 1 {
		t.Fatalf("got %d findings, want 1: %+v", len(got), got)
	}
	f := got[0]
	want := scan.Finding{Scanner: "config", Rule: "toy-debug", Severity: scan.High, Title: "Debug mode on",
		Message: "app app runs in debug mode", Path: "app/main.py", Line: 7, EndLine: 7, Remediation: "Turn debug off.",
		Fingerprint: scan.Fingerprint("toy-debug", "app/main.py", "app")}
	if f.Scanner != want.Scanner || f.Rule != want.Rule || f.Severity != want.Severity || f.Title != want.Title ||
		f.Message != want.Message || f.Path != want.Path || f.Line != want.Line || f.EndLine != want.EndLine ||
		f.Remediation != want.Remediation || f.Fingerprint != want.Fingerprint {
		t.Errorf("finding\n got %+v\nwant %+v", f, want)
	}
	if len(f.References) != 1 || f.References[0] != "https://fastapi.tiangolo.com/reference/fastapi/" {
		t.Errorf("references = %v", f.References)
	}
	if len(f.Tags) != 1 || f.Tags[0] != "toy" {
		t.Errorf("tags = %v", f.Tags)
	}

	// Content-based fingerprint: the same finding on another line keeps it.
	moved, _, _ := rs.Evaluate(ctx, scan.ScannerConfig, toyInput(40, true))
	if len(moved) != 1 || moved[0].Fingerprint != f.Fingerprint || moved[0].Line != 40 {
		t.Errorf("moved finding = %+v, want same fingerprint at line 40", moved)
	}
	none, _, _ := rs.Evaluate(ctx, scan.ScannerConfig, toyInput(7, false))
	if len(none) != 0 {
		t.Errorf("debug=false gave %+v", none)
	}
}

func TestUserRulesOverrideAndDisable(t *testing.T) {
	ctx := context.Background()
	// Same id as the built-in, same package name: replaces it.
	override := strings.Replace(debugRule, "severity: high", "severity: low", 1)
	override = strings.Replace(override, "Debug mode on", "Debug mode (ours)", 1)
	userOwn := `# METADATA
# title: App named app
# custom:
#   id: app-named-app
#   severity: info
#   references: [https://example.com/naming]
package acme.checks.naming

findings contains {"path": a.path, "line": a.line, "message": "named app"} if {
	some a in input.apps
	a.name == "app"
}
`
	dir := writeFiles(t, map[string]string{"override.rego": override, "sub/own.rego": userOwn})
	rs, err := Load(ctx, Options{Builtin: builtinFS(), Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	got, errs, err := rs.Evaluate(ctx, "config", toyInput(3, true))
	if err != nil || len(errs) > 0 {
		t.Fatalf("Evaluate: %v %v", err, errs)
	}
	rules := map[string]scan.Finding{}
	for _, f := range got {
		rules[f.Rule] = f
	}
	if len(got) != 2 || rules["toy-debug"].Severity != scan.Low || rules["toy-debug"].Title != "Debug mode (ours)" || rules["app-named-app"].Severity != scan.Info {
		t.Errorf("findings = %+v", got)
	}
	if refs := rules["app-named-app"].References; len(refs) != 1 || refs[0] != "https://example.com/naming" {
		t.Errorf("custom.references = %v", refs)
	}
	status := map[string]string{}
	for _, r := range rs.Catalogue() {
		status[r.ID+"/"+map[bool]string{true: "builtin", false: "user"}[r.Builtin]] = r.Status
	}
	wantStatus := map[string]string{"toy-debug/builtin": StatusOverridden, "toy-debug/user": StatusActive, "app-named-app/user": StatusActive}
	for k, v := range wantStatus {
		if status[k] != v {
			t.Errorf("status %s = %q, want %q (all: %v)", k, status[k], v, status)
		}
	}

	rs, err = Load(ctx, Options{Builtin: builtinFS(), Dirs: []string{dir}, Disabled: []string{"toy-debug", "no-such-rule"}})
	if err != nil {
		t.Fatal(err)
	}
	got, _, _ = rs.Evaluate(ctx, "config", toyInput(3, true))
	if len(got) != 1 || got[0].Rule != "app-named-app" {
		t.Errorf("with toy-debug disabled: %+v", got)
	}
}

func TestRefusedPolicies(t *testing.T) {
	meta := "# METADATA\n# title: t\n# custom:\n#   id: bad\n#   severity: low\npackage user.rules.bad\n\n"
	tests := []struct {
		name     string
		src      string
		wantLine int
		wantMsg  string
	}{
		{"http.send", meta + "deny contains {\"path\": \"x\", \"line\": 1, \"message\": r.body} if {\n\tr := http.send({\"method\": \"GET\", \"url\": \"https://example.com\"})\n}\n", 9, "http.send"},
		{"opa.runtime", meta + "deny contains {\"path\": \"x\", \"line\": 1, \"message\": m} if {\n\tm := opa.runtime().env.GITHUB_TOKEN\n}\n", 9, "opa.runtime"},
		{"net.lookup_ip_addr", meta + "deny contains {\"path\": \"x\", \"line\": 1, \"message\": \"m\"} if {\n\tnet.lookup_ip_addr(\"example.com\")\n}\n", 9, "net.lookup_ip_addr"},
		{"syntax error", meta + "deny contains f if {\n\tf := := 1\n}\n", 9, "unexpected"},
		{"bad severity", "# METADATA\n# title: t\n# custom:\n#   id: bad\n#   severity: severe\npackage user.rules.bad\n\ndeny contains 1 if false\n", 1, "severity"},
		{"rule package without id", "package user.rules.anon\n\ndeny contains 1 if false\n", 1, "METADATA"},
		{"unsafe variable", meta + "deny contains f if {\n\tf := x\n}\n", 9, "var x is unsafe"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"bad.rego": tt.src})
			_, err := Load(context.Background(), Options{Builtin: builtinFS(), Dirs: []string{dir}})
			var ce *scan.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *scan.ConfigError", err)
			}
			if ce.Path != filepath.ToSlash(filepath.Join(dir, "bad.rego")) || ce.Line != tt.wantLine {
				t.Errorf("error at %s:%d, want bad.rego:%d (%v)", ce.Path, ce.Line, tt.wantLine, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not name %q", err, tt.wantMsg)
			}
			// policy test refuses it the same way.
			if _, err := Test(context.Background(), Options{Builtin: builtinFS(), Dirs: []string{dir}}); !scan.IsConfigError(err) {
				t.Errorf("Test: err = %v, want a *scan.ConfigError", err)
			}
		})
	}
}

func TestDuplicateIDs(t *testing.T) {
	r := func(pkg string) string {
		return "# METADATA\n# title: t\n# custom:\n#   id: same\n#   severity: low\npackage " + pkg + "\n\ndeny contains 1 if false\n"
	}
	dir := writeFiles(t, map[string]string{"a.rego": r("u.rules.a"), "b.rego": r("u.rules.b")})
	_, err := Load(context.Background(), Options{NoBuiltin: true, Dirs: []string{dir}})
	if !scan.IsConfigError(err) || !strings.Contains(err.Error(), "already declared") {
		t.Errorf("err = %v, want duplicate id error", err)
	}
}

func TestSameFolderTwice(t *testing.T) {
	dir := writeFiles(t, map[string]string{"r.rego": "# METADATA\n# title: t\n# custom:\n#   id: once\n#   severity: low\npackage u.rules.once\n\ndeny contains 1 if false\n"})
	rs, err := Load(context.Background(), Options{NoBuiltin: true, Dirs: []string{dir, dir + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rs.Rules()); n != 1 {
		t.Errorf("%d rules, want 1", n)
	}
}

func TestMalformedFindingIsAnError(t *testing.T) {
	src := `# METADATA
# title: broken
# custom:
#   id: broken
#   severity: low
package u.rules.broken

deny contains "just a string" if true
`
	dir := writeFiles(t, map[string]string{"broken.rego": src})
	rs, err := Load(context.Background(), Options{Builtin: builtinFS(), Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	got, errs, err := rs.Evaluate(context.Background(), "config", toyInput(1, true))
	if err != nil {
		t.Fatal(err)
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Message, "broken") || !strings.Contains(errs[0].Message, "path") {
		t.Errorf("errors = %+v, want one naming the rule and the contract", errs)
	}
	if len(got) != 1 || got[0].Rule != "toy-debug" {
		t.Errorf("the other rule must go on: %+v", got)
	}
}

func TestRunTests(t *testing.T) {
	ctx := context.Background()
	results, err := Test(ctx, Options{Builtin: builtinFS()})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || Failed(results) {
		t.Fatalf("results = %v", results)
	}
	failing := `package u.rules.failing_test

test_wrong if {
	1 == 2
}
`
	dir := writeFiles(t, map[string]string{"failing_test.rego": failing})
	results, err = Test(ctx, Options{Builtin: builtinFS(), Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if !Failed(results) || len(results) != 3 {
		t.Fatalf("want a failure among 3 results: %v", results)
	}
	var out bytes.Buffer
	if err := WriteTestResults(&out, results, true); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"test_wrong: FAIL", "test_fires: PASS", "PASS: 2/3", "FAIL: 1/3", "failing_test.rego:3"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}

	// A user override of the built-in rule drops the built-in's tests,
	// which would not hold for the replacement.
	override := strings.Replace(debugRule, "app.debug == true", "app.debug == \"yes\"", 1)
	dir = writeFiles(t, map[string]string{"override.rego": override})
	results, err = Test(ctx, Options{Builtin: builtinFS(), Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 0 {
		t.Errorf("built-in tests of an overridden rule ran: %v", results)
	}
}

func TestUserReplacesBuiltinLibrary(t *testing.T) {
	fsys := builtinFS()
	fsys["gate/gate.rego"] = &fstest.MapFile{Data: []byte("package pipeguard.gate\n\ndefault verdict := \"pass\"\n")}
	fsys["gate/gate_test.rego"] = &fstest.MapFile{Data: []byte("package pipeguard.gate_test\n\ntest_pass if data.pipeguard.gate.verdict == \"pass\"\n")}
	results, err := Test(context.Background(), Options{Builtin: fsys})
	if err != nil || len(results) != 3 || Failed(results) {
		t.Fatalf("built-in: %v %v", results, err)
	}
	dir := writeFiles(t, map[string]string{
		"gate.rego":      "package pipeguard.gate\n\ndefault verdict := \"fail\"\n",
		"gate_test.rego": "package acme.gate_test\n\ntest_fail if data.pipeguard.gate.verdict == \"fail\"\n",
	})
	results, err = Test(context.Background(), Options{Builtin: fsys, Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range results {
		names = append(names, r.Name)
	}
	if Failed(results) || strings.Join(names, ",") != "test_fail,test_fires,test_quiet" {
		t.Errorf("with the gate replaced: %v", results)
	}
}

func TestEngineEval(t *testing.T) {
	ctx := context.Background()
	eng, err := Compile(ctx, []Module{{Path: "gate.rego", Source: []byte("package g\n\nblock contains f.id if {\n\tsome f in input.findings\n\tf.severity == \"high\"\n}\n")}}, CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // prepared once, evaluated twice
		rs, err := eng.Eval(ctx, "data.g.block", map[string]any{"findings": []any{
			map[string]any{"id": "a", "severity": "high"}, map[string]any{"id": "b", "severity": "low"}}})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || len(rs[0].Expressions) != 1 {
			t.Fatalf("result = %v", rs)
		}
		got, _ := rs[0].Expressions[0].Value.([]any)
		if len(got) != 1 || got[0] != "a" {
			t.Errorf("block = %v, want [a]", got)
		}
	}
	if _, err := Compile(ctx, []Module{{Path: "x.rego", Source: []byte("package x\n\np := http.send({})\n")}}, CompileOptions{}); !scan.IsConfigError(err) {
		t.Errorf("Compile with http.send: %v", err)
	}
}
