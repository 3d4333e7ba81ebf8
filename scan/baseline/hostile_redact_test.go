package baseline

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
)

// A baseline records paths: one that names a secret is masked, even for a
// finding added to the report after the scan (issue 12, item 2).
func TestHostileSecretInPathBaseline(t *testing.T) {
	const raw = "ghp_BASELINEcanary0123456789abcdefABCD"
	rep := scan.NewReport("/r", scan.Tool{}, scan.TargetInfo{})
	rep.Findings = append(rep.Findings, scan.Finding{Scanner: scan.ScannerSecrets, Rule: "github-pat",
		Path: "keys/" + raw, Fingerprint: "fp"}.WithRawSecret(raw))
	var buf bytes.Buffer
	if err := Create(rep, nil, time.Now()).Write(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), raw[4:]) {
		t.Fatalf("the baseline holds the secret of a file name:\n%s", buf.String())
	}
	if !strings.Contains(buf.String(), "keys/ghp_****") {
		t.Errorf("the baseline should keep the masked path:\n%s", buf.String())
	}
}
