package secrets

import (
	"slices"
	"strings"
	"testing"

	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
	"github.com/pipeguard/pipeguard/scan/secrets/cred"
)

func TestJudge(t *testing.T) {
	const (
		realPassword = "Vt7#qLw9-pX2zK"                   // typed by no one: mixed classes, high entropy
		realToken    = "wNq3Zr8TfK1vLp6YxB2mHs9DcJ4gRt7E" // 32 generated characters
		pemBody      = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7"
		privateKey   = "-----BEGIN PRIVATE KEY-----\n" + pemBody + pemBody + "\n-----END PRIVATE KEY-----"
	)
	pat := gittest.GitHubPAT("judge")
	tests := []struct {
		name, rule, path, secret, line string
		tags                           []string
		want                           scan.Confidence
		wantTags                       []string // evidence tags that must be there
	}{
		// What stays or becomes high.
		{name: "real .env password", rule: cred.RulePassword, path: ".env", secret: realPassword,
			want: scan.ConfidenceHigh, wantTags: []string{EvidenceConfig}},
		{name: "settings.py secret", rule: cred.RuleGeneric, path: "app/settings.py", secret: realToken,
			want: scan.ConfidenceHigh, wantTags: []string{EvidenceConfig}},
		{name: "config.yaml password", rule: cred.RulePassword, path: "deploy/config.yaml", secret: realPassword,
			want: scan.ConfidenceHigh},
		{name: "kubernetes manifest", rule: cred.RulePassword, path: "k8s/secret.yaml", secret: realPassword,
			want: scan.ConfidenceHigh},
		{name: "generated value in application code", rule: cred.RuleGeneric, path: "app/crypto.py", secret: realToken,
			want: scan.ConfidenceHigh, wantTags: []string{EvidenceRandom}},
		{name: "URL password in app code", rule: cred.RuleURLCredentials, path: "app/db.py", secret: realPassword,
			want: scan.ConfidenceHigh},
		{name: "private key", rule: "private-key", path: "deploy/id_rsa", secret: privateKey, want: scan.ConfidenceHigh},
		{name: "GitHub PAT in docs stays high", rule: "github-pat", path: "docs/setup.md", secret: pat, want: scan.ConfidenceHigh},
		{name: "GitHub PAT in a test stays high", rule: "github-pat", path: "tests/test_api.py", secret: pat, want: scan.ConfidenceHigh},
		{name: "live Stripe key", rule: "stripe-access-token", path: "app/billing.py", secret: gittest.StripeKey("judge"),
			want: scan.ConfidenceHigh},
		{name: "documented TOTP example in an API example", rule: cred.RuleGeneric, path: "app/routes/credentials.py", secret: "JBSWY3DPEHPK3PXP",
			want: scan.ConfidenceLow, wantTags: []string{EvidencePlaceholder}},
		{name: "AWS key id in app code", rule: "aws-access-token", path: "app/s3.py", secret: gittest.AWSKey("judge"),
			want: scan.ConfidenceHigh},

		// A UUID with a tag is an identifier's shape (Grafana query keys).
		{name: "tagged UUID in a dashboard", rule: "generic-api-key", path: "docker/grafana/dashboards/api.json",
			secret: "Q-6a1f0c2e-9b3d-4e7a-8c5f-2d4b6e8a0c1f-0", want: scan.ConfidenceLow, wantTags: []string{EvidenceIdentifier}},

		// A word a person typed, in application code.
		{name: "typed word in app code", rule: cred.RulePassword, path: "app/db.py", secret: "hunter2x9",
			want: scan.ConfidenceLow, wantTags: []string{EvidenceWeak}},

		// Where it is lowers it.
		{name: "curl example in llms.txt", rule: "curl-auth-header", path: "llms.txt", secret: realToken,
			want: scan.ConfidenceLow, wantTags: []string{EvidenceDocs}},
		{name: "publishable key in .mdx", rule: "generic-api-key", path: "docs/overview.mdx", secret: "pk_" + realToken,
			want: scan.ConfidenceLow, wantTags: []string{EvidenceDocs, EvidencePublic}},
		{name: "OpenAPI spec example", rule: cred.RulePassword, path: "docs/api-reference/openapi.json", secret: "securepassword123",
			want: scan.ConfidenceLow, wantTags: []string{EvidenceDocs, EvidenceWeak}},
		{name: "generated client", rule: cred.RulePassword, path: "sdk/client/types.py", secret: realPassword,
			tags: []string{tagGenerated}, want: scan.ConfidenceLow, wantTags: []string{EvidenceSpec}},
		{name: "CI service container", rule: cred.RulePassword, path: ".github/workflows/tests.yml", secret: "postgres",
			want: scan.ConfidenceLow, wantTags: []string{EvidenceCI, EvidenceWeak}},
		{name: "dev compose", rule: cred.RulePassword, path: "docker/docker-compose.dev.yml", secret: "mealie",
			want: scan.ConfidenceLow, wantTags: []string{EvidenceDev}},
		{name: ".env.example", rule: cred.RulePassword, path: ".env.example", secret: realPassword,
			want: scan.ConfidenceLow, wantTags: []string{EvidenceExample}},
		{name: "env.default", rule: cred.RulePassword, path: "api/env.default", secret: realPassword,
			want: scan.ConfidenceLow, wantTags: []string{EvidenceExample}},
		{name: "private key fixture in tests", rule: "private-key", path: "tests/keys.py", secret: privateKey,
			want: scan.ConfidenceMedium, wantTags: []string{EvidenceExample}},
		{name: "AWS key in scraped test page", rule: "aws-access-token", path: "tests/data/html/page.html", secret: gittest.AWSKey("page"),
			want: scan.ConfidenceMedium},

		// What it is lowers it.
		{name: "placeholder", rule: "curl-auth-header", path: "app/routes.py", secret: "YOUR_API_KEY",
			want: scan.ConfidenceLow, wantTags: []string{EvidencePlaceholder}},
		{name: "documented AWS example key", rule: "aws-access-token", path: "app/s3.py", secret: "AKIAIOSFODNN7EXAMPLE",
			want: scan.ConfidenceLow, wantTags: []string{EvidencePlaceholder}},
		{name: "sequence key", rule: "stripe-access-token", path: "ui/settings.tsx", secret: "sk_test_zyxwvutsrqponmlkjihgfedcba654321",
			want: scan.ConfidenceLow},
		{name: "Stripe test-mode key", rule: "stripe-access-token", path: "app/billing.py", secret: gittest.Fake("sk_test_", "judge", 24, gittest.Alnum),
			want: scan.ConfidenceMedium, wantTags: []string{EvidenceTestMode}},
		{name: "PostHog project key in config", rule: cred.RuleGeneric, path: "app/config.py", secret: "phc_" + realToken,
			want: scan.ConfidenceLow, wantTags: []string{EvidencePublic}},
		{name: "extension public key", rule: cred.RuleGeneric, path: "ext/manifest.json", secret: "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + realToken,
			want: scan.ConfidenceLow, wantTags: []string{EvidencePublic}},
		{name: "truncated private key", rule: "private-key", path: "app/gcp.py", secret: "-----BEGIN PRIVATE KEY-----\\nMIItest\\n-----END PRIVATE KEY-----",
			want: scan.ConfidenceLow, wantTags: []string{EvidenceTruncated}},
		{name: "presigned URL key id", rule: "aws-access-token", path: "app/files.py", secret: "ASIA" + gittest.AWSKey("sts")[4:],
			line: `url = "https://b.s3.amazonaws.com/f?X-Amz-Credential=ASIA..."`, want: scan.ConfidenceMedium, wantTags: []string{EvidenceTemporary}},
		{name: "timestamp is not generated", rule: cred.RuleGeneric, path: "app/prefs.json", secret: "1723563046.193594",
			want: scan.ConfidenceMedium},
		{name: "words joined by hyphens are not generated", rule: cred.RuleGeneric, path: "app/auth.py", secret: "mcp-http-session-owner",
			want: scan.ConfidenceMedium},
		{name: "vendored bundle", rule: cred.RuleGeneric, path: "frontend/.yarn/releases/yarn-4.7.0.cjs", secret: realToken,
			want: scan.ConfidenceLow, wantTags: []string{EvidenceVendored}},
		{name: "dependency manifest", rule: "generic-api-key", path: "frontend/package.json", secret: "5.0.0-1667386184.dfbbb54",
			want: scan.ConfidenceLow, wantTags: []string{EvidenceVendored}},
		{name: "base64 of a typed password", rule: cred.RulePassword, path: "k8s/postgresql.yaml", secret: "UGFzc3dvcmQxMjMh",
			want: scan.ConfidenceMedium, wantTags: []string{EvidenceWeak, EvidenceConfig}},
		{name: "snake_case name in a .env", rule: "generic-api-key", path: "deploy/app.env", secret: "idp_x509cert=",
			want: scan.ConfidenceMedium, wantTags: []string{EvidenceWeak}},
		{name: "environment variable named as a value", rule: cred.RuleGeneric, path: "terraform/production/vercel.tf", secret: "MCP_OAUTH2_CLIENT_ID",
			want: scan.ConfidenceLow, wantTags: []string{EvidenceWeak}},
		{name: "instruction phrase in a Helm values file", rule: cred.RuleGeneric, path: "charts/app/values.yaml", secret: "SetARandomStringHere",
			want: scan.ConfidenceMedium, wantTags: []string{EvidenceWeak}},
		{name: "armour quoted in code", rule: "private-key", path: "app/gcp.py",
			secret: "-----BEGIN PRIVATE KEY-----' and '-----END PRIVATE KEY-----'\")\n\n        return normalized(keyfile_creds, self.configuration)\n    def validate(self, creds: Dict[str, Any]) -> None:\n-----END PRIVATE KEY-----",
			want:   scan.ConfidenceLow, wantTags: []string{EvidenceTruncated}},
		{name: "default word in a real .env", rule: cred.RulePassword, path: "docker/env/postgres.env", secret: "postgres",
			want: scan.ConfidenceMedium, wantTags: []string{EvidenceWeak, EvidenceConfig}},
		{name: "default word in a URL in config", rule: cred.RuleURLCredentials, path: "alembic.ini", secret: "appnamepassword",
			want: scan.ConfidenceMedium, wantTags: []string{EvidenceWeak}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			j := judge(report.Finding{RuleID: tc.rule, File: tc.path, Secret: tc.secret, Line: tc.line, Tags: tc.tags})
			if j.confidence != tc.want {
				t.Errorf("confidence %s, want %s (evidence %v)", j.confidence, tc.want, j.tags())
			}
			for _, w := range tc.wantTags {
				if !slices.Contains(j.tags(), w) {
					t.Errorf("evidence %v lacks %s", j.tags(), w)
				}
			}
			why := j.explain()
			if len(j.evidence) > 0 && !strings.HasPrefix(why, "Confidence "+string(tc.want)+": ") {
				t.Errorf("explain() = %q", why)
			}
			if tc.secret != "" && len(tc.secret) > 4 && strings.Contains(why, tc.secret) {
				t.Errorf("explain() quotes the secret: %q", why)
			}
		})
	}
}

func TestMarkGenerated(t *testing.T) {
	fs := []report.Finding{{RuleID: cred.RulePassword, File: "client/types.py"}}
	gen := sources.Fragment{FilePath: "client/types.py", StartLine: 0, Raw: "# This file was auto-generated by Fern from our API Definition.\n\npassword = \"x\"\n"}
	if got := markGenerated(gen, slices.Clone(fs)); !hasTag(got[0].Tags, tagGenerated) {
		t.Errorf("generated file not tagged: %v", got[0].Tags)
	}
	hand := sources.Fragment{FilePath: "client/types.py", Raw: "import os\n\n\n\n\n\n# generated by hand below line five\n"}
	if got := markGenerated(hand, slices.Clone(fs)); hasTag(got[0].Tags, tagGenerated) {
		t.Errorf("a marker past the head tagged the file: %v", got[0].Tags)
	}
}
