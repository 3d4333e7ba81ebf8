package report

import (
	"time"

	"github.com/pipeguard/pipeguard/scan"
)

func ptr[T any](v T) *T { return &v }

// sampleReport is a failed scan with findings of all three scanners: a
// blocking secret in the tree and one in history, a suppressed secret, a
// reachable Go vulnerability, a config warning and an info note, one scanner
// error and three skipped inputs. Its text fields carry characters that
// every format must escape.
func sampleReport() *scan.Report {
	rep := scan.NewReport("/work/app", scan.Tool{Name: "pipeguard", Version: "1.2.3"},
		scan.TargetInfo{Mode: "range", Range: "main..feature", Base: "0123456789abcdef0123456789abcdef01234567"})
	rep.StartedAt = time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC)
	rep.DurationMS = 1234
	rep.Findings = []scan.Finding{
		{
			Scanner: scan.ScannerSecrets, Rule: "github-pat", Severity: scan.High, Confidence: scan.ConfidenceHigh,
			Title: "GitHub Personal Access Token", Message: "GitHub token committed | see `config` @octocat <b>now</b>",
			Path: "app/config.py", Line: 12, EndLine: 12, Column: 9,
			Fingerprint: "fp-secret-tree", Blocking: true, Decision: "block", New: ptr(true),
			Remediation: "Revoke the token and load it from the environment.",
			Secret:      "ghp_****", Tags: []string{"token"},
		},
		{
			Scanner: scan.ScannerSecrets, Rule: "aws-access-token", Severity: scan.High,
			Title: "AWS access key", Message: "AWS access key in history",
			Path: "deploy/old.env", Line: 3, EndLine: 3,
			Commit:      "89abcdef0123456789abcdef0123456789abcdef",
			Fingerprint: "fp-secret-history", Blocking: true, Decision: "block",
			Remediation: "Rotate the key.", Secret: "AKIA****",
			References: []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"},
		},
		{
			Scanner: scan.ScannerSecrets, Rule: "generic-api-key", Severity: scan.High,
			Title: "Generic API key", Message: "Generic API key in test fixture",
			Path: "tests/fixtures/keys.py", Line: 4, EndLine: 4,
			Fingerprint: "fp-suppressed", Secret: "abcd****", Decision: "warn",
			Suppression: &scan.Suppression{Kind: "inline", Reason: "test fixture, not a real key", Source: "tests/fixtures/keys.py:4"},
		},
		{
			Scanner: scan.ScannerSecrets, Rule: "generic-api-key", Severity: scan.High,
			Title: "Generic API key", Message: "Generic API key in vendored code",
			Path: "vendor/lib.py", Line: 20, EndLine: 21,
			Fingerprint: "fp-baselined", Secret: "zyxw****", New: ptr(false),
			Suppression: &scan.Suppression{Kind: "baseline", Owner: "sec-team", Until: "2027-01-01"},
		},
		{
			Scanner: scan.ScannerDeps, Rule: "GO-2024-2687", Severity: scan.Critical,
			Title: "HTTP/2 CONTINUATION flood in net/http", Message: "golang.org/x/net@v0.20.0 is vulnerable; fixed in v0.23.0",
			Path: "go.mod", Line: 5, EndLine: 5, Fingerprint: "fp-deps", Blocking: true, Decision: "block",
			Remediation: "Upgrade golang.org/x/net to v0.23.0.",
			References:  []string{"https://pkg.go.dev/vuln/GO-2024-2687", "not a url"},
			Dependency: &scan.Dependency{Ecosystem: "Go", Name: "golang.org/x/net", Version: "v0.20.0", Fixed: "v0.23.0",
				Aliases: []string{"CVE-2023-45288"}, Reachability: "called", CallPath: []string{"main.main", "http.ListenAndServe"}},
		},
		{
			Scanner: scan.ScannerConfig, Rule: "fastapi-cors-wildcard", Severity: scan.Medium, Confidence: scan.ConfidenceMedium,
			Title: "CORS allows any origin", Message: "allow_origins=[\"*\"] with credentials\nsecond line",
			Path: "app/main.py", Line: 30, EndLine: 33, Fingerprint: "fp-config", Decision: "warn",
			Remediation: "List the allowed origins.", Tags: []string{"fastapi"},
		},
		{
			Scanner: scan.ScannerConfig, Rule: "fastapi-docs-enabled", Severity: scan.Info,
			Title: "OpenAPI docs are served", Message: "docs_url is enabled",
			Path: "app/main.py", Line: 0, Fingerprint: "fp-info",
		},
	}
	rep.Errors = []scan.Error{{Scanner: scan.ScannerDeps, Message: "osv database missing: open /db/osv: no such file", Path: "requirements.txt"}}
	rep.Skipped = []scan.Skipped{
		{Path: "assets/big.bin", Reason: "larger than 10 MB", Scanner: scan.ScannerSecrets},
		{Path: "link-out", Reason: "symlink out of the root"},
		{Path: "data/dump.sql", Reason: "larger than 10 MB", Scanner: scan.ScannerSecrets},
	}
	rep.Scanners = []scan.ScannerRun{
		{Name: scan.ScannerConfig, Status: "ok", DurationMS: 10, Findings: 2},
		{Name: scan.ScannerDeps, Status: "failed", DurationMS: 20, Findings: 1},
		{Name: scan.ScannerSecrets, Status: "ok", DurationMS: 30, Findings: 4, Notes: []string{"loaded .gitleaks.toml"}},
	}
	rep.Notes = []string{"suppression for rule old-rule matched nothing (stale)"}
	rep.Decide()
	return rep
}

// emptyReport is a clean scan in which no scanner ran.
func emptyReport() *scan.Report {
	return scan.NewReport("/work/app", scan.Tool{Name: "pipeguard", Version: "1.2.3"}, scan.TargetInfo{Mode: "tree"})
}
