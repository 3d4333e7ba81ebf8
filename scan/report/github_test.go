package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

func TestEscapeWorkflowCommand(t *testing.T) {
	tests := []struct{ in, data, prop string }{
		{"plain", "plain", "plain"},
		{"100%", "100%25", "100%25"},
		{"a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"},
		{"a:b,c", "a:b,c", "a%3Ab%2Cc"},
		{"%0A", "%250A", "%250A"},
		{"::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"},
		// A terminal escape or a bidirectional override in a file name
		// reaches the Actions log escaped, never raw.
		{"a\x1b[2Jb", `a\u001b[2Jb`, `a\u001b[2Jb`},
		{"x\u202ey", `x\u202ey`, `x\u202ey`},
		{"tab\there", "tab\there", "tab\there"},
	}
	for _, tt := range tests {
		if got := escapeData(tt.in); got != tt.data {
			t.Errorf("escapeData(%q) = %q, want %q", tt.in, got, tt.data)
		}
		if got := escapeProperty(tt.in); got != tt.prop {
			t.Errorf("escapeProperty(%q) = %q, want %q", tt.in, got, tt.prop)
		}
	}
}

func TestAnnotations(t *testing.T) {
	out := render(t, FormatGitHub, sampleReport(), Options{PathPrefix: "svc"})
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := []string{
		"::error file=svc/go.mod,line=5,title=pipeguard deps%3A GO-2024-2687 (critical)::golang.org/x/net@v0.20.0 is vulnerable; fixed in v0.23.0%0AFix: Upgrade golang.org/x/net to v0.23.0.",
		"::error file=svc/app/config.py,line=12,col=9,title=pipeguard secrets%3A github-pat (high)::GitHub token committed | see `config` @octocat <b>now</b> [secret ghp_****]%0AFix: Revoke the token and load it from the environment.",
		"::error file=svc/deploy/old.env,line=3,title=pipeguard secrets%3A aws-access-token (high)::AWS access key in history [secret AKIA****] [commit 89abcdef0123]%0AFix: Rotate the key.",
		"::warning file=svc/app/main.py,line=30,endLine=33,title=pipeguard config%3A fastapi-cors-wildcard (medium)::allow_origins=[\"*\"] with credentials%0Asecond line%0AFix: List the allowed origins.",
		"::notice file=svc/app/main.py,title=pipeguard config%3A fastapi-docs-enabled (info)::docs_url is enabled",
		"::error file=svc/requirements.txt,title=pipeguard deps%3A scan incomplete::osv database missing: open /db/osv: no such file",
		"::notice title=pipeguard%3A inputs not scanned::3 inputs were skipped (first: assets/big.bin (larger than 10 MB))",
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i, lines[i], want[i])
		}
	}
	if strings.Contains(out, "fp-suppressed") || strings.Contains(out, "tests/fixtures/keys.py") || strings.Contains(out, "vendor/lib.py") {
		t.Error("suppressed finding annotated")
	}
}

func TestAnnotationsCap(t *testing.T) {
	rep := emptyReport()
	for i := range 60 {
		f := scan.Finding{Scanner: "config", Rule: "r", Severity: scan.Medium, Message: "m", Path: fmt.Sprintf("f%02d.py", i), Line: 1}
		if i%10 == 9 {
			f.Blocking, f.Severity = true, scan.High
		}
		rep.Findings = append(rep.Findings, f)
	}
	rep.Decide()
	tests := []struct {
		max                 int
		errors, warns, left int
	}{
		{max: 0, errors: 6, warns: 44, left: 10}, // default cap 50
		{max: 8, errors: 6, warns: 2, left: 52},
		{max: -1, errors: 6, warns: 54, left: 0},
	}
	for _, tt := range tests {
		out := render(t, FormatGitHub, rep, Options{MaxAnnotations: tt.max})
		if got := strings.Count(out, "::error "); got != tt.errors {
			t.Errorf("max %d: %d errors, want %d (blocking first)", tt.max, got, tt.errors)
		}
		if got := strings.Count(out, "::warning "); got != tt.warns {
			t.Errorf("max %d: %d warnings, want %d", tt.max, got, tt.warns)
		}
		note := fmt.Sprintf("::notice title=pipeguard%%3A annotations capped::%d more findings were not annotated", tt.left)
		if tt.left > 0 != strings.Contains(out, note) {
			t.Errorf("max %d: cap notice for %d left out: want %v in\n%s", tt.max, tt.left, tt.left > 0, out)
		}
	}
}
