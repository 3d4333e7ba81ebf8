package report

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

func TestText(t *testing.T) {
	out := render(t, FormatText, sampleReport(), Options{})
	want := []string{
		"pipeguard 1.2.3: range scan of main..feature in /work/app\n",
		"\napp/config.py\n  BLOCK app/config.py:12  high      github-pat             GitHub token committed | see `config` @octocat <b>now</b>  [secret ghp_****; new]\n",
		"  BLOCK deploy/old.env:3  high      aws-access-token       AWS access key in history  [secret AKIA****; commit 89abcdef0123]\n",
		"  warn  app/main.py:30    medium    fastapi-cors-wildcard  allow_origins=[\"*\"] with credentials second line  [medium confidence]\n",
		"  info  app/main.py       info      fastapi-docs-enabled   docs_url is enabled\n",
		"[golang.org/x/net@v0.20.0, fixed in v0.23.0, called]",
		"Not scanned:\n  error   deps: osv database missing: open /db/osv: no such file (requirements.txt)\n  skipped 3 inputs:\n",
		"    secrets: assets/big.bin (larger than 10 MB)\n",
		"Suppressed: 2 findings not counted (1 inline, 1 baseline)\n",
		"Findings: 5 (1 critical, 2 high, 1 medium, 1 info); by scanner: secrets 2, deps 1, config 2; 3 blocking, 2 warnings\n",
		"Verdict: FAIL (3 blocking findings)\n",
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("missing %q in:\n%s", w, out)
		}
	}
	// Suppressed findings are counted, not listed as problems.
	for _, no := range []string{"tests/fixtures/keys.py", "vendor/lib.py", "\x1b["} {
		if strings.Contains(out, no) {
			t.Errorf("unexpected %q in:\n%s", no, out)
		}
	}
	// One group header per file.
	if n := strings.Count(out, "\napp/main.py\n"); n != 1 {
		t.Errorf("app/main.py header appears %d times", n)
	}
}

func TestTextSkippedCap(t *testing.T) {
	rep := emptyReport()
	for _, p := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		rep.Skipped = append(rep.Skipped, scan.Skipped{Path: p, Reason: "too large"})
	}
	out := render(t, FormatText, rep, Options{MaxSkipped: 2})
	if !strings.Contains(out, "skipped 7 inputs:\n    a (too large)\n    b (too large)\n    ... and 5 more\n") {
		t.Errorf("skipped list not capped:\n%s", out)
	}
}

func TestTextClean(t *testing.T) {
	out := render(t, FormatText, emptyReport(), Options{Color: true})
	if !strings.Contains(out, "Findings: none") || !strings.Contains(out, "Verdict: PASS\x1b[0m (no findings)") {
		t.Errorf("clean report:\n%q", out)
	}
}

func TestTextColor(t *testing.T) {
	out := render(t, FormatText, sampleReport(), Options{Color: true})
	for _, w := range []string{ansiBold + ansiRed + "BLOCK" + ansiReset, ansiYellow + "warn " + ansiReset, ansiBold + ansiRed + "Verdict: FAIL" + ansiReset} {
		if !strings.Contains(out, w) {
			t.Errorf("missing %q in:\n%q", w, out)
		}
	}
}

// TestTextTerminalInjection: escape sequences and bidi overrides from
// scanned files must not reach the terminal.
func TestTextTerminalInjection(t *testing.T) {
	rep := emptyReport()
	rep.Findings = []scan.Finding{{Scanner: "config", Rule: "r\x1b[2J", Severity: scan.Low, Message: "a\x1b]0;pwned\x07b \u202egnp.exe", Path: "x\x1b[31m.py", Line: 1}}
	rep.Decide()
	out := render(t, FormatText, rep, Options{})
	if strings.ContainsAny(out, "\x1b\x07\u202e") {
		t.Errorf("control characters reach the terminal: %q", out)
	}
	if !strings.Contains(out, `a\u001b]0;pwned\u0007b \u202egnp.exe`) {
		t.Errorf("escaped message missing: %q", out)
	}
}

func TestColorEnabled(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tests := []struct {
		name string
		w    io.Writer
		env  map[string]string
	}{
		{"buffer", &bytes.Buffer{}, nil},
		{"regular file", f, nil},
		{"NO_COLOR", f, map[string]string{"NO_COLOR": "1"}},
		{"dumb terminal", f, map[string]string{"TERM": "dumb"}},
	}
	for _, tt := range tests {
		if ColorEnabled(tt.w, env(tt.env)) {
			t.Errorf("%s: ColorEnabled = true", tt.name)
		}
	}
	// On a real terminal colour depends on NO_COLOR alone.
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		t.Logf("no terminal to test the positive case: %v", err)
		return
	}
	defer tty.Close()
	if !ColorEnabled(tty, env(nil)) {
		t.Error("terminal without NO_COLOR: ColorEnabled = false")
	}
	if ColorEnabled(tty, env(map[string]string{"NO_COLOR": "x"})) {
		t.Error("terminal with NO_COLOR: ColorEnabled = true")
	}
}
