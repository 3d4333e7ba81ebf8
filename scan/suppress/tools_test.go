package suppress

import (
	"context"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

const toolsPy = `import requests
SECRET_KEY = "dev-secret"  # nosec B105
PASSWORD = "hunter2"  # nosec B608
count_query = f"SELECT COUNT(*) FROM {table}"  # noqa: S608
rows = db.execute(
    f"""
    SELECT * FROM t WHERE a = {a}
    """,  # noqa: S608
)
requests.get(url, verify=False)  # noqa: E501
requests.get(url, verify=False)  # noqa
requests.get(url, verify=False)  # NOQA: S501
ctx = make(ssl_version=ssl.PROTOCOL_TLSv1)  # nosec
ctx = make(ssl_version=ssl.PROTOCOL_TLSv1)  # nosec: B502
other = 1
`

// Suppressions written for Bandit and Ruff count for the pipeguard rule
// that reports the same weakness, with their kind.
func TestBanditAndRuffSuppressions(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{"app.py": toolsPy})
	f := func(rule string, line, end int) scan.Finding {
		return scan.Finding{Scanner: "config", Rule: rule, Path: "app.py", Line: line, EndLine: end, Severity: scan.High, Fingerprint: rule + "x"}
	}
	rep := report(dir,
		f("hardcoded-secret", 2, 2),                                              // 0 nosec B105
		f("hardcoded-secret", 3, 3),                                              // 1 nosec B608 names another check
		f("sql-string-formatting", 4, 4),                                         // 2 noqa: S608 on the line
		f("sql-string-formatting", 6, 8),                                         // 3 noqa at the end of a multi-line string
		f("tls-verify-disabled", 10, 10),                                         // 4 noqa: E501 is a style code
		f("tls-verify-disabled", 11, 11),                                         // 5 bare noqa: not for security findings
		f("tls-verify-disabled", 12, 12),                                         // 6 NOQA: S501
		f("tls-weak-version", 13, 13),                                            // 7 bare nosec: every rule, as in Bandit
		f("tls-weak-version", 14, 14),                                            // 8 nosec: B502
		f("sql-string-formatting", 15, 15),                                       // 9 nothing
		f("sql-string-formatting", 14, 15),                                       // 10 a nosec for another rule inside the range
		scan.Finding{Scanner: "deps", Rule: "PYSEC-1", Path: "app.py", Line: 13}, // 11 nosec is not for dependencies
	)
	if err := Apply(context.Background(), rep, Options{Root: dir, Now: today}); err != nil {
		t.Fatal(err)
	}
	want := []struct{ kind, source string }{
		{KindNosec, "app.py:2"}, {}, {KindNoqa, "app.py:4"}, {KindNoqa, "app.py:8"}, {}, {},
		{KindNoqa, "app.py:12"}, {KindNosec, "app.py:13"}, {KindNosec, "app.py:14"}, {}, {}, {},
	}
	for i, w := range want {
		s := rep.Findings[i].Suppression
		switch {
		case w.kind == "" && s != nil:
			t.Errorf("finding %d (%s:%d) suppressed by %+v", i, rep.Findings[i].Rule, rep.Findings[i].Line, s)
		case w.kind != "" && s == nil:
			t.Errorf("finding %d (%s:%d) not suppressed", i, rep.Findings[i].Rule, rep.Findings[i].Line)
		case w.kind != "" && (s.Kind != w.kind || s.Source != w.source):
			t.Errorf("finding %d: suppression %+v, want %s at %s", i, s, w.kind, w.source)
		}
	}
	if r := strings.Join(rep.Findings[5].Reasons, "\n"); !strings.Contains(r, "# noqa at app.py:11 does not suppress tls-verify-disabled") {
		t.Errorf("bare noqa reasons = %q", r)
	}
	if len(rep.Findings[4].Reasons) != 0 {
		t.Errorf("noqa: E501 should say nothing: %q", rep.Findings[4].Reasons)
	}
}
