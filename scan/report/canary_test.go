package report

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// canary is a fake secret that must never reach any output in clear.
const canary = "ghp_CANARYc4n4ryC4NARYcanary0123456789"

// fakeScanner returns a fixed result and error, like a real scanner would.
type fakeScanner struct {
	name string
	res  *scan.Result
	err  error
}

func (s fakeScanner) Name() string { return s.name }

func (s fakeScanner) Scan(ctx context.Context, t *scan.Target) (*scan.Result, error) {
	return s.res, s.err
}

// canaryReport runs scan.Run over scanners whose finding, messages, errors
// and skipped entries all quote the canary, then marks one finding as
// suppressed the way the suppression step would.
func canaryReport(t *testing.T) *scan.Report {
	t.Helper()
	secret := scan.Finding{
		Rule: "github-pat", Severity: scan.High, Title: "GitHub token " + canary,
		Message: "token " + canary + " found", Path: "app/config.py", Line: 3, EndLine: 3,
		Fingerprint: scan.Fingerprint("github-pat", "app/config.py", scan.HashSecret(canary)),
		Blocking:    true, Remediation: "Revoke " + canary + ".", Tags: []string{canary},
		Reasons: []string{"secret " + canary + " blocks"},
	}.WithRawSecret(canary)
	suppressed := scan.Finding{
		Rule: "generic-api-key", Severity: scan.High, Message: "key " + canary, Path: "tests/k.py", Line: 1,
		Fingerprint: "fp2",
	}.WithRawSecret(canary)
	scanners := []scan.Scanner{
		fakeScanner{name: scan.ScannerSecrets, res: &scan.Result{
			Findings: []scan.Finding{secret, suppressed},
			Skipped:  []scan.Skipped{{Path: "big.bin", Reason: "contains " + canary}},
			Errors:   []scan.Error{{Message: "partial failure near " + canary}},
			Notes:    []string{"note " + canary},
		}},
		fakeScanner{name: scan.ScannerDeps, err: errors.New("deps failed while reading " + canary)},
		fakeScanner{name: scan.ScannerConfig, res: &scan.Result{}},
	}
	rep := scan.Run(context.Background(), &scan.Target{Root: t.TempDir(), Mode: scan.ModeTree}, scanners)
	rep.Tool = scan.Tool{Name: "pipeguard", Version: "test"}
	rep.Notes = append(rep.Notes, "report note")
	for i := range rep.Findings {
		if rep.Findings[i].Rule == "generic-api-key" {
			rep.Findings[i].Suppression = &scan.Suppression{Kind: "inline", Reason: "fixture"}
		}
	}
	rep.Decide()
	return rep
}

func TestCanaryNeverRendered(t *testing.T) {
	rep := canaryReport(t)
	masked := scan.Mask(canary)
	for _, format := range Formats {
		for _, opts := range []Options{{}, {Color: true, Links: "https://github.com/o/r/blob/abc", MaxAnnotations: -1, MaxRows: -1, MaxSkipped: -1}} {
			var buf bytes.Buffer
			if err := Write(format, &buf, rep, opts); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			out := buf.String()
			// The whole canary, and any long piece of it past the masked prefix.
			for _, piece := range []string{canary, canary[4:], canary[len(canary)-12:]} {
				if strings.Contains(out, piece) {
					t.Errorf("%s output contains the canary secret (%q):\n%s", format, piece, out)
				}
			}
			if !strings.Contains(out, masked) {
				t.Errorf("%s output lacks the masked secret %q", format, masked)
			}
		}
	}
}
