package report

import (
	"fmt"
	"io"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// largeReport has n findings over 200 rules and 500 files.
func largeReport(n int) *scan.Report {
	rep := sampleReport()
	for i := range n {
		rep.Findings = append(rep.Findings, scan.Finding{
			Scanner: scan.AllScanners[i%3], Rule: fmt.Sprintf("rule-%03d", i%200), Severity: severities[i%5],
			Title: "title", Message: fmt.Sprintf("message %d", i), Path: fmt.Sprintf("pkg%03d/file.py", i%500),
			Line: i%900 + 1, Fingerprint: fmt.Sprintf("fp%06d", i), Blocking: i%7 == 0, Remediation: "fix it",
		})
	}
	rep.Decide()
	return rep
}

// BenchmarkWrite renders a report of 10,000 findings in each format.
func BenchmarkWrite(b *testing.B) {
	rep := largeReport(10000)
	for _, f := range Formats {
		b.Run(f, func(b *testing.B) {
			for b.Loop() {
				if err := Write(f, io.Discard, rep, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
