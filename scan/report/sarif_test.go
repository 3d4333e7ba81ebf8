package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pipeguard/pipeguard/scan"
)

// sarifSchemaPath finds the official SARIF 2.1.0 schema in ../shared/data/sarif
// next to the repository (found by walking up from the package to go.mod).
func sarifSchemaPath(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("SARIF schema test skipped: no go.mod above the package, so ../shared/data/sarif cannot be located")
		}
		dir = parent
	}
	p := filepath.Join(dir, "..", "shared", "data", "sarif", "sarif-schema-2.1.0.json")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("SARIF schema test skipped: official schema not found at %s (the shared data folder is absent)", p)
	}
	return p
}

func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	p := sarifSchemaPath(t)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(p)
	if err != nil {
		t.Fatalf("compile %s: %v", p, err)
	}
	return sch
}

// edgeReport has what real reports may hold at their edges: a finding with
// no file, one with no line, a path with spaces and non-ASCII letters, an
// unknown scanner, an error and a skipped entry that name no scanner.
func edgeReport() *scan.Report {
	rep := scan.NewReport("relative/root", scan.Tool{}, scan.TargetInfo{})
	rep.Findings = []scan.Finding{
		{Scanner: "custom", Rule: "odd", Severity: "", Message: ""},
		{Scanner: scan.ScannerDeps, Rule: "PYSEC-2024-1", Severity: scan.Low, Title: "t", Path: "dir with space/ümlaut#1.py"},
		{Scanner: scan.ScannerConfig, Rule: "r", Severity: scan.Info, Path: "Dockerfile", Line: 7, EndLine: 3, Blocking: false,
			Suppression: &scan.Suppression{Kind: "file", Source: ".pipeguard-ignore.yaml"}},
	}
	rep.Errors = []scan.Error{{Message: "engine: trusted config unreadable"}}
	rep.Skipped = []scan.Skipped{{Path: "x", Reason: "unreadable", Line: 2}}
	rep.Decide()
	return rep
}

func TestSARIFSchema(t *testing.T) {
	sch := compileSARIFSchema(t)
	tests := map[string]*scan.Report{
		"all scanners": sampleReport(),
		"empty":        emptyReport(),
		"zero":         {},
		"edges":        edgeReport(),
	}
	for name, rep := range tests {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := SARIF(&buf, rep, Options{}); err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("output is not JSON: %v", err)
			}
			if err := sch.Validate(inst); err != nil {
				t.Errorf("not valid SARIF 2.1.0: %v\n%s", err, buf.String())
			}
			checkGitHubIngestion(t, buf.Bytes())
		})
	}
}

// checkGitHubIngestion checks what GitHub code scanning requires beyond the
// schema: it rejects the whole upload when a result has no location with an
// artifact uri (GH1001), and keeps runs apart by category.
func checkGitHubIngestion(t *testing.T, out []byte) {
	t.Helper()
	var log sarifLog
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	cats := map[string]bool{}
	for _, run := range log.Runs {
		if run.AutomationDetails.ID == "" || cats[run.AutomationDetails.ID] {
			t.Errorf("run category %q missing or repeated", run.AutomationDetails.ID)
		}
		cats[run.AutomationDetails.ID] = true
		for _, r := range *run.Results {
			if len(r.Locations) == 0 || r.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" {
				t.Errorf("result %s has no artifact location; GitHub would reject the upload", r.RuleID)
			}
		}
	}
}

// sarifLog is the part of a SARIF log the structure tests read.
type sarifLog struct {
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID               string         `json:"id"`
					Name             string         `json:"name"`
					ShortDescription map[string]any `json:"shortDescription"`
					FullDescription  map[string]any `json:"fullDescription"`
					Help             map[string]any `json:"help"`
					HelpURI          string         `json:"helpUri"`
					Properties       map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		AutomationDetails struct {
			ID string `json:"id"`
		} `json:"automationDetails"`
		Results *[]struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region *struct {
						StartLine int `json:"startLine"`
						EndLine   int `json:"endLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Suppressions        []struct {
				Kind          string `json:"kind"`
				Status        string `json:"status"`
				Justification string `json:"justification"`
			} `json:"suppressions"`
			Properties map[string]any `json:"properties"`
		} `json:"results"`
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
			Notifications       []struct {
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
	} `json:"runs"`
}

func parseSARIF(t *testing.T, rep *scan.Report, opts Options) (sarifLog, string) {
	t.Helper()
	var buf bytes.Buffer
	if err := SARIF(&buf, rep, opts); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatalf("SARIF output is not JSON: %v", err)
	}
	return log, buf.String()
}

func TestSARIFStructure(t *testing.T) {
	log, out := parseSARIF(t, sampleReport(), Options{})
	if log.Version != "2.1.0" {
		t.Errorf("version = %q", log.Version)
	}
	if strings.Contains(out, `"snippet"`) {
		t.Error("SARIF output has a snippet")
	}
	var cats []string
	for _, r := range log.Runs {
		cats = append(cats, r.AutomationDetails.ID)
	}
	if want := []string{"pipeguard/secrets/", "pipeguard/deps/", "pipeguard/config/"}; !slices.Equal(cats, want) {
		t.Fatalf("run categories = %v, want %v", cats, want)
	}

	secrets, deps, config := log.Runs[0], log.Runs[1], log.Runs[2]
	if d := secrets.Tool.Driver; d.Name != "pipeguard" || d.Version != "1.2.3" {
		t.Errorf("driver = %q %q", d.Name, d.Version)
	}

	// Rules: ids, descriptions, help from remediation, helpUri, GitHub's severity.
	rules := map[string]int{}
	for i, r := range secrets.Tool.Driver.Rules {
		rules[r.ID] = i
		if r.ShortDescription["text"] == "" || r.FullDescription["text"] == "" || r.Help["text"] == "" || r.Name == "" {
			t.Errorf("rule %s lacks name, descriptions or help: %+v", r.ID, r)
		}
	}
	aws := secrets.Tool.Driver.Rules[rules["aws-access-token"]]
	if aws.HelpURI != "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html" {
		t.Errorf("helpUri = %q", aws.HelpURI)
	}
	if !strings.HasPrefix(aws.Help["text"].(string), "Rotate the key.") {
		t.Errorf("help = %v, want the remediation", aws.Help)
	}
	if got := aws.Properties["security-severity"]; got != "8.0" {
		t.Errorf("security-severity = %v, want 8.0", got)
	}
	if got := deps.Tool.Driver.Rules[0].Properties["security-severity"]; got != "9.5" {
		t.Errorf("critical security-severity = %v, want 9.5", got)
	}
	if tags, _ := secrets.Tool.Driver.Rules[rules["github-pat"]].Properties["tags"].([]any); !slices.Contains(tags, any("security")) || !slices.Contains(tags, any("token")) {
		t.Errorf("github-pat tags = %v", tags)
	}

	// Results: one per finding of the scanner, suppressed ones included.
	res := *secrets.Results
	if len(res) != 4 {
		t.Fatalf("secrets results = %d, want 4", len(res))
	}
	byFP := map[string]int{}
	for i, r := range res {
		byFP[r.PartialFingerprints[FingerprintKey]] = i
		if secrets.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s has ruleIndex %d pointing at %s", r.RuleID, r.RuleIndex, secrets.Tool.Driver.Rules[r.RuleIndex].ID)
		}
	}
	pat := res[byFP["fp-secret-tree"]]
	if pat.Level != "error" {
		t.Errorf("blocking level = %q", pat.Level)
	}
	loc := pat.Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "app/config.py" || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" || loc.Region.StartLine != 12 || loc.Region.EndLine != 12 {
		t.Errorf("location = %+v", loc)
	}
	if pat.Properties["secret"] != "ghp_****" || pat.Properties["decision"] != "block" || pat.Properties["new"] != true {
		t.Errorf("properties = %v", pat.Properties)
	}
	hist := res[byFP["fp-secret-history"]]
	if hist.Properties["commit"] != "89abcdef0123456789abcdef0123456789abcdef" || !strings.Contains(hist.Message.Text, "89abcdef0123") {
		t.Errorf("history finding lost its commit: %+v", hist)
	}
	sup := res[byFP["fp-suppressed"]]
	if len(sup.Suppressions) != 1 || sup.Suppressions[0].Kind != "inSource" || sup.Suppressions[0].Justification != "test fixture, not a real key" {
		t.Errorf("inline suppression = %+v", sup.Suppressions)
	}
	if sup.Level != "warning" {
		t.Errorf("suppressed level = %q, want warning", sup.Level)
	}
	base := res[byFP["fp-baselined"]]
	if len(base.Suppressions) != 1 || base.Suppressions[0].Kind != "external" || base.Suppressions[0].Status != "accepted" {
		t.Errorf("baseline suppression = %+v", base.Suppressions)
	}

	// Info finding without a line: a note with no region.
	var info bool
	for _, r := range *config.Results {
		if r.RuleID == "fastapi-docs-enabled" {
			info = true
			if r.Level != "note" || r.Locations[0].PhysicalLocation.Region != nil {
				t.Errorf("info finding = %+v", r)
			}
		}
	}
	if !info {
		t.Error("info finding missing")
	}

	// What was not scanned.
	if inv := deps.Invocations[0]; inv.ExecutionSuccessful || len(inv.Notifications) == 0 || inv.Notifications[0].Level != "error" ||
		!strings.Contains(inv.Notifications[0].Message.Text, "osv database missing") {
		t.Errorf("deps invocation = %+v", inv)
	}
	inv := secrets.Invocations[0]
	if !inv.ExecutionSuccessful {
		t.Error("secrets invocation marked unsuccessful")
	}
	skipped := 0
	for _, n := range inv.Notifications {
		if strings.HasPrefix(n.Message.Text, "not scanned: ") {
			skipped++
		}
	}
	if skipped != 3 {
		t.Errorf("secrets run has %d skipped notifications, want 3 (two of its own, one with no scanner)", skipped)
	}
}

func TestSARIFEmpty(t *testing.T) {
	log, out := parseSARIF(t, emptyReport(), Options{})
	if len(log.Runs) != 1 {
		t.Fatalf("runs = %d, want 1", len(log.Runs))
	}
	r := log.Runs[0]
	if r.Results == nil || len(*r.Results) != 0 || !strings.Contains(out, `"results": []`) {
		t.Errorf("results = %v, want []", r.Results)
	}
	if r.AutomationDetails.ID != "pipeguard/" {
		t.Errorf("category = %q", r.AutomationDetails.ID)
	}
	if !r.Invocations[0].ExecutionSuccessful {
		t.Error("empty scan marked unsuccessful")
	}
}

func TestSARIFPaths(t *testing.T) {
	log, _ := parseSARIF(t, edgeReport(), Options{PathPrefix: "services/api/"})
	uris := map[string]bool{}
	for _, run := range log.Runs {
		for _, r := range *run.Results {
			for _, l := range r.Locations {
				uris[l.PhysicalLocation.ArtifactLocation.URI] = true
			}
		}
	}
	for _, want := range []string{"services/api/dir%20with%20space/%C3%BCmlaut%231.py", "services/api/Dockerfile", "services/api/.pipeguard.yaml"} {
		if !uris[want] {
			t.Errorf("uri %q missing; have %v", want, uris)
		}
	}
}
