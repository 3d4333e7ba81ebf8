package audit

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/report"
)

// Text from a scanned repository (a finding's title, a repository's name,
// a rule id) is escaped in audit.md and in tracking issues by report's one
// markdown escaping: no link, image, HTML, mention or broken table.
func TestHostileMarkdownInAudit(t *testing.T) {
	title := "x</td><img src=x onerror=alert(1)> [click](https://evil.example) @acme/security | row\nnew line"
	rule := "rule`with|pipes"
	a := &Audit{Version: Version, Repositories: []Repository{{
		Name: "acme/[svc](https://evil.example)", Verdict: scan.Fail, Head: "0123456789abcdef",
		Findings: []scan.Finding{{Scanner: "config", Rule: rule, Severity: scan.High, Title: title, Path: "a|b.py", Line: 1, Blocking: true, Fingerprint: "fp"}},
		New:      []string{"fp"},
	}}}
	a.finish()
	var b bytes.Buffer
	if err := WriteMarkdown(&b, a); err != nil {
		t.Fatal(err)
	}
	body := issueBody(&a.Repositories[0], "<!-- marker -->", "")
	codeSpan := regexp.MustCompile("`+[^`]*`+")
	link := regexp.MustCompile(`(^|[^\\])\]\(https://evil`)
	for name, out := range map[string]string{"audit.md": b.String(), "issue": body} {
		for _, bad := range []string{"<img", "</td>", "@acme/security", "\nnew line"} {
			if strings.Contains(out, bad) {
				t.Errorf("%s holds %q unescaped:\n%s", name, bad, out)
			}
		}
		if link.MatchString(codeSpan.ReplaceAllString(out, "")) {
			t.Errorf("%s holds a live link:\n%s", name, out)
		}
		if !strings.Contains(out, report.MarkdownCode(rule)) {
			t.Errorf("%s does not write the rule as report.MarkdownCode does:\n%s", name, out)
		}
	}
	if !strings.Contains(b.String(), report.EscapeMarkdown(cut(title, 160))) {
		t.Errorf("audit.md does not escape the title as report.EscapeMarkdown does:\n%s", b.String())
	}
}
