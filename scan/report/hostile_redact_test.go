package report

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// A secret in a file name, and a database URL's password, reach no format:
// neither from the finding's path, nor from the notes, errors and skipped
// entries that quote the path or the URL, nor from text added to the
// report after the scan (issue 12, items 1 and 2).
func TestHostileSecretInPathEveryFormat(t *testing.T) {
	const raw = "ghp_PATHc4n4ryPATHcanary0123456789abcdef"
	const pw = "MIRRORpassword99"
	p := "deploy/" + raw + ".env"
	sec := fakeScanner{name: scan.ScannerSecrets, res: &scan.Result{
		Findings: []scan.Finding{scan.Finding{Rule: "github-pat", Severity: scan.High, Title: "token in a file name",
			Path: p, Line: 1, Blocking: true, Fingerprint: "fp-name"}.WithRawSecret(raw)},
		Skipped: []scan.Skipped{{Path: p + ".bak", Reason: "too large"}},
	}}
	deps := fakeScanner{name: scan.ScannerDeps, res: &scan.Result{
		Errors: []scan.Error{{Message: "go vulnerability database https://ci:" + pw + "@mirror.internal unreachable"}},
	}}
	rep := scan.Run(context.Background(), &scan.Target{Root: t.TempDir(), Mode: scan.ModeTree}, []scan.Scanner{sec, deps})
	rep.Notes = append(rep.Notes, "warning: stale suppression at "+p+":3 matches no finding")
	rep.Errors = append(rep.Errors, scan.Error{Message: "--osv-db https://ci:" + pw + "@mirror.internal/all.zip: not a folder"})
	for _, format := range Formats {
		var buf bytes.Buffer
		if err := Write(format, &buf, rep, Options{MaxSkipped: -1, MaxRows: -1, MaxAnnotations: -1}); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		for _, leak := range []string{raw, raw[4:], pw} {
			if strings.Contains(buf.String(), leak) {
				t.Errorf("%s output holds %q:\n%s", format, leak, buf.String())
			}
		}
	}
}
