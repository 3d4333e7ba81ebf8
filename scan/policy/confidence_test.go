package policy

import (
	"context"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// confidenceRule reports one finding per app; an app may give its own
// confidence, as a rule does for the findings it is less sure of.
const confidenceRule = `# METADATA
# title: Guessing rule
# custom:
#   id: guess
#   severity: high
#   confidence: medium
package u.rules.guess

deny contains f if {
	some app in input.apps
	not app.sure
	f := {"path": app.path, "line": app.line, "message": "guess"}
}

deny contains f if {
	some app in input.apps
	app.sure
	f := {"path": app.path, "line": app.line, "message": "sure", "confidence": "high"}
}
`

// TestConfidence: a rule's confidence comes from its METADATA (high when
// it does not say), and a finding may override it.
func TestConfidence(t *testing.T) {
	ctx := context.Background()
	dir := writeFiles(t, map[string]string{"guess.rego": confidenceRule})
	rs, err := Load(ctx, Options{Builtin: builtinFS(), Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Rule{}
	for _, r := range rs.Rules() {
		byID[r.ID] = r
	}
	if byID["guess"].Confidence != scan.ConfidenceMedium || byID["toy-debug"].Confidence != scan.ConfidenceHigh {
		t.Errorf("rule confidence: guess %q, toy-debug %q; want medium and high (the default)", byID["guess"].Confidence, byID["toy-debug"].Confidence)
	}
	input := map[string]any{"apps": []any{
		map[string]any{"path": "a.py", "line": 1, "name": "a", "debug": true, "sure": false},
		map[string]any{"path": "b.py", "line": 2, "name": "b", "debug": false, "sure": true},
	}}
	got, errs, err := rs.Evaluate(ctx, scan.ScannerConfig, input)
	if err != nil || len(errs) > 0 {
		t.Fatal(err, errs)
	}
	conf := map[string]scan.Confidence{}
	for _, f := range got {
		conf[f.Rule+" "+f.Path] = f.Confidence
	}
	want := map[string]scan.Confidence{"guess a.py": "medium", "guess b.py": "high", "toy-debug a.py": "high"}
	if len(conf) != len(want) {
		t.Fatalf("findings %v, want %v", conf, want)
	}
	for k, v := range want {
		if conf[k] != v {
			t.Errorf("%s: confidence %q, want %q", k, conf[k], v)
		}
	}
}

func TestBadConfidence(t *testing.T) {
	ctx := context.Background()
	bad := strings.Replace(confidenceRule, "confidence: medium", "confidence: certain", 1)
	dir := writeFiles(t, map[string]string{"guess.rego": bad})
	_, err := Load(ctx, Options{Builtin: builtinFS(), Dirs: []string{dir}})
	if !scan.IsConfigError(err) || !strings.Contains(err.Error(), "custom.confidence") {
		t.Errorf("err = %v, want a configuration error naming custom.confidence", err)
	}

	badFinding := strings.Replace(confidenceRule, `"confidence": "high"`, `"confidence": "very"`, 1)
	dir = writeFiles(t, map[string]string{"guess.rego": badFinding})
	rs, err := Load(ctx, Options{Builtin: builtinFS(), Dirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	input := map[string]any{"apps": []any{map[string]any{"path": "b.py", "line": 2, "sure": true}}}
	_, errs, err := rs.Evaluate(ctx, scan.ScannerConfig, input)
	if err != nil || len(errs) != 1 || !strings.Contains(errs[0].Message, "confidence") {
		t.Errorf("errs = %+v (%v), want the rule's error naming the confidence", errs, err)
	}
}
