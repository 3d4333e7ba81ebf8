package secrets

import (
	"slices"
	"testing"

	"github.com/zricethezav/gitleaks/v8/report"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/secrets/cred"
)

// TestJudgeRandomUUID checks that the structure detector's random-uuid
// findings are of low confidence wherever they are, so the default gate
// warns on them, and say why; a UUID the detector reports under a secret's
// name (generic-secret-assignment) is judged like any other value.
func TestJudgeRandomUUID(t *testing.T) {
	const u = "3f9c2a71-58de-4b06-9a4c-d2e81f7b6c35"
	tests := []struct {
		name, rule, path string
		want             scan.Confidence
	}{
		{"in application code", cred.RuleUUID, "app/folders.cs", scan.ConfidenceLow},
		{"in a configuration file", cred.RuleUUID, ".env", scan.ConfidenceLow},
		{"in a fixture", cred.RuleUUID, "tests/fixtures/collection.json", scan.ConfidenceLow},
		{"under a secret's name", cred.RuleGeneric, ".env", scan.ConfidenceHigh},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := judge(report.Finding{RuleID: tt.rule, File: tt.path, Secret: u, Match: u, Line: "X=" + u})
			if j.confidence != tt.want {
				t.Errorf("judge(%s in %s) = %s, want %s (%s)", tt.rule, tt.path, j.confidence, tt.want, j.explain())
			}
			if tt.rule == cred.RuleUUID && !slices.Contains(j.tags(), EvidenceIdentifier) {
				t.Errorf("judge(%s) tags = %v, want %s", tt.rule, j.tags(), EvidenceIdentifier)
			}
		})
	}
}
