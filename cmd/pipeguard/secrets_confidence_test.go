package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// TestSecretConfidenceDecidesTheGate commits what real FastAPI
// applications hold: a curl example with a token in the docs, a CI
// workflow's service-container password, and a real-looking database
// password in a committed .env. Only the .env blocks; the others are
// reported, warn, and say why; no output shows a secret in clear.
func TestSecretConfidenceDecidesTheGate(t *testing.T) {
	r := gittest.New(t)
	docToken := gittest.Fake("", "docs-example", 40, gittest.Alnum)
	ciPassword := "postgres"
	envPassword := "Vt7#qLw9-pX2zK"
	r.Write("docs/api.md", "Call the API:\n\n    curl -H \"Authorization: Bearer "+docToken+"\" https://api.example.com/v1/items\n")
	r.Write(".github/workflows/tests.yml", "jobs:\n  test:\n    services:\n      db:\n        image: postgres\n        env:\n          POSTGRES_PASSWORD: "+ciPassword+"\n")
	r.Write(".env", "DATABASE_HOST=db\nDATABASE_PASSWORD="+envPassword+"\n")
	r.Commit("docs, CI and a committed .env")

	out := filepath.Join(t.TempDir(), "report")
	code, stdout, stderr := runCLI(t, r.Dir, "scan", "--scanners", "secrets", "--offline",
		"--report", "json="+out+".json", "--report", "sarif="+out+".sarif", "--report", "text="+out+".txt")
	if code != scan.ExitFail {
		t.Fatalf("exit %d, want %d (the .env password blocks)\n%s", code, scan.ExitFail, stderr)
	}
	var rep scan.Report
	b, err := os.ReadFile(out + ".json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string]scan.Finding{}
	for _, f := range rep.Findings {
		got[f.Path] = f
	}
	tests := []struct {
		path       string
		confidence scan.Confidence
		blocking   bool
		evidence   string
	}{
		{"docs/api.md", scan.ConfidenceLow, false, "evidence:docs"},
		{".github/workflows/tests.yml", scan.ConfidenceLow, false, "evidence:ci"},
		{".env", scan.ConfidenceHigh, true, "evidence:config-file"},
	}
	for _, tc := range tests {
		f, ok := got[tc.path]
		if !ok {
			t.Errorf("%s: not reported (findings %v)", tc.path, rep.Findings)
			continue
		}
		if f.Confidence != tc.confidence || f.Blocking != tc.blocking || !slices.Contains(f.Tags, tc.evidence) {
			t.Errorf("%s: confidence %s blocking %v tags %v, want %s %v with %s", tc.path, f.Confidence, f.Blocking, f.Tags,
				tc.confidence, tc.blocking, tc.evidence)
		}
		if !tc.blocking && !strings.Contains(f.Message, "Confidence "+string(tc.confidence)+": ") {
			t.Errorf("%s: the message does not say why it warns: %q", tc.path, f.Message)
		}
	}

	sarif, err := os.ReadFile(out + ".sarif")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(sarif), `"confidence": "low"`) || !strings.Contains(string(sarif), `"confidence": "high"`) {
		t.Errorf("SARIF lacks the findings' confidence")
	}
	text, err := os.ReadFile(out + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{docToken, envPassword} {
		for name, s := range map[string]string{"stdout": stdout, "stderr": stderr, "json": string(b), "sarif": string(sarif), "text": string(text)} {
			if strings.Contains(s, c) {
				t.Errorf("a canary is in clear in %s", name)
			}
		}
	}
}
