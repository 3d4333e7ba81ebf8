package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

func TestJSONRoundTrip(t *testing.T) {
	rep := sampleReport()
	var buf bytes.Buffer
	if err := JSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var got scan.Report
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, buf.String())
	}
	want := sampleReport()
	want.Sort()
	if !reflect.DeepEqual(&got, want) {
		t.Errorf("round trip differs:\ngot  %+v\nwant %+v", got, *want)
	}
	if !strings.HasPrefix(buf.String(), "{\n  \"version\": 1,") {
		t.Errorf("not indented: %.40q", buf.String())
	}
	// The contract names from the issue.
	var raw map[string]any
	json.Unmarshal(buf.Bytes(), &raw)
	for _, k := range []string{"version", "tool", "root", "verdict", "findings", "errors", "skipped"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("top-level key %q missing", k)
		}
	}
	f := raw["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"scanner", "rule", "severity", "title", "message", "path", "line", "end_line", "commit", "fingerprint", "blocking", "remediation"} {
		if _, ok := f[k]; !ok {
			t.Errorf("finding key %q missing", k)
		}
	}
}

// TestJSONNeverNull covers a report built without NewReport (nil slices)
// and a failed one: the arrays must still be arrays.
func TestJSONNeverNull(t *testing.T) {
	tests := map[string]*scan.Report{
		"zero":  {},
		"empty": emptyReport(),
		"failed": {Version: scan.ReportVersion, Verdict: scan.Incomplete,
			Errors: []scan.Error{{Scanner: "secrets", Message: "git: not a repository"}}},
	}
	for name, rep := range tests {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := JSON(&buf, rep); err != nil {
				t.Fatal(err)
			}
			var raw map[string]any
			if err := json.Unmarshal(buf.Bytes(), &raw); err != nil {
				t.Fatalf("invalid JSON: %v", err)
			}
			for _, k := range []string{"findings", "errors", "skipped", "scanners"} {
				if _, ok := raw[k].([]any); !ok {
					t.Errorf("%q = %v, want an array", k, raw[k])
				}
			}
		})
	}
}
