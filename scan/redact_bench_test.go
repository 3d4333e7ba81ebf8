package scan

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
)

// BenchmarkRedact is the cost of one more scan.Redact over a report of
// 10,000 findings, 500 of them secrets, every message with a URL (the
// worst case), as every output now pays it; "json" encodes the same report,
// the reference it is compared with.
func BenchmarkRedact(b *testing.B) {
	var fs []Finding
	for i := range 10000 {
		f := Finding{Rule: "r", Severity: Medium, Path: fmt.Sprintf("pkg%d/file%d.py", i%100, i), Line: i,
			Title: "a finding", Message: fmt.Sprintf("something at line %d, see https://example.com/x?id=%d", i, i),
			Remediation: "fix it", References: []string{"https://example.com/rule"}}
		if i%20 == 0 {
			f = f.WithRawSecret(fmt.Sprintf("ghp_%036d", i))
		}
		fs = append(fs, f)
	}
	rep := Run(context.Background(), &Target{Root: "/r", Mode: ModeTree}, []Scanner{fakeScanner{name: ScannerSecrets, res: &Result{Findings: fs}}})
	b.Run("redact", func(b *testing.B) {
		for b.Loop() {
			Redact(rep)
		}
	})
	b.Run("json", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(rep); err != nil {
				b.Fatal(err)
			}
		}
	})
}
