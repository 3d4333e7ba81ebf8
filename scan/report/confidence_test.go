package report

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestConfidenceInEveryFormat: JSON and SARIF carry every finding's
// confidence; text marks the findings below high; markdown has a column.
func TestConfidenceInEveryFormat(t *testing.T) {
	rep := sampleReport()

	var doc struct {
		Findings []struct {
			Rule       string `json:"rule"`
			Confidence string `json:"confidence"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(render(t, FormatJSON, rep, Options{})), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range doc.Findings {
		got[f.Rule] = f.Confidence
	}
	if got["github-pat"] != "high" || got["fastapi-cors-wildcard"] != "medium" {
		t.Errorf("JSON confidence = %v", got)
	}

	log, _ := parseSARIF(t, rep, Options{})
	found := false
	for _, run := range log.Runs {
		for _, r := range *run.Results {
			if r.RuleID == "fastapi-cors-wildcard" {
				found = true
				if r.Properties["confidence"] != "medium" {
					t.Errorf("SARIF properties = %v, want confidence medium", r.Properties)
				}
			}
		}
	}
	if !found {
		t.Error("no SARIF result for fastapi-cors-wildcard")
	}

	text := render(t, FormatText, rep, Options{})
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.Contains(line, "fastapi-cors-wildcard") && !strings.Contains(line, "medium confidence"):
			t.Errorf("text line lacks the confidence: %q", line)
		case strings.Contains(line, "github-pat") && strings.Contains(line, "confidence"):
			t.Errorf("text marks a high-confidence finding: %q", line)
		}
	}

	md := render(t, FormatMarkdown, rep, Options{})
	if !strings.Contains(md, "| Location | Rule | Severity | Confidence | Message |") || !strings.Contains(md, "| medium |") {
		t.Errorf("markdown lacks the confidence column:\n%s", md)
	}
}
