package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

func TestMarkdown(t *testing.T) {
	links := Options{Links: "https://github.com/o/r/blob/abc/"}
	hostile := sampleReport()
	hostile.Findings[0].Message = "evil\n## Hacked\n<img src=x onerror=alert(1)> [click](javascript:alert(1)) @here | `x`"
	incomplete := emptyReport()
	incomplete.Errors = []scan.Error{{Scanner: "deps", Message: "no vulndb"}}
	incomplete.Decide()

	tests := []struct {
		name    string
		rep     *scan.Report
		opts    Options
		want    []string
		notWant []string
	}{
		{
			name: "failed with links",
			rep:  sampleReport(),
			opts: links,
			want: []string{
				"## ❌ pipeguard failed",
				"**3 blocking findings**, 2 warnings, 2 suppressed, 1 scan error",
				"| Scanner | Critical | High | Medium | Low | Info | Total |",
				"| secrets | 0 | 2 | 0 | 0 | 0 | 2 |",
				"| deps | 1 | 0 | 0 | 0 | 0 | 1 |",
				"| **Total** | **1** | **2** | **1** | **0** | **1** | **5** |",
				"### Blocking findings (3)",
				"| [app/config.py:12](https://github.com/o/r/blob/abc/app/config.py#L12) | `github-pat` | high |",
				"(https://github.com/o/r/blob/abc/app/main.py#L30-L33)",
				"secret `ghp_****`",
				"commit `89abcdef0123`",
				"<details><summary>Warnings (2)</summary>",
				"<details><summary>Suppressed (2)</summary>",
				"| inline at `tests/fixtures/keys.py:4` | test fixture, not a real key |",
				"_no reason given_ (owner sec-team, until 2027-01-01)",
				"### Not scanned",
				"- **deps**: osv database missing",
				"- 3 inputs skipped: `assets/big.bin` (larger than 10 MB)",
			},
			notWant: []string{"No findings"},
		},
		{
			name: "escaping",
			rep:  sampleReport(),
			want: []string{
				"GitHub token committed \\| see \\`config\\` @\u200boctocat &lt;b&gt;now&lt;/b&gt;",
				"| app/config.py:12 | `github-pat` |", // no links without a base URL
			},
			notWant: []string{"<b>", "@octocat", "](https://"},
		},
		{
			name:    "hostile message",
			rep:     hostile,
			want:    []string{"evil \\#\\# Hacked &lt;img src=x onerror=alert(1)&gt; \\[click\\](javascript:alert(1)) @\u200bhere \\| \\`x\\`"},
			notWant: []string{"\n## Hacked", "<img", "[click](", "@here"},
		},
		{
			name:    "clean",
			rep:     emptyReport(),
			want:    []string{"## ✅ pipeguard passed", "**No findings.** All clear."},
			notWant: []string{"Blocking findings", "<details>", "Not scanned", "| Scanner |"},
		},
		{
			name:    "incomplete without findings",
			rep:     incomplete,
			want:    []string{"## ⚠️ pipeguard incomplete", "but the scan is incomplete", "- **deps**: no vulndb"},
			notWant: []string{"All clear"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, FormatMarkdown, tt.rep, tt.opts)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("missing %q in:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out, w) {
					t.Errorf("unexpected %q in:\n%s", w, out)
				}
			}
			checkTables(t, out)
		})
	}
}

// checkTables asserts that every row of a table has as many cells as its
// header: an unescaped pipe in a cell would add one.
func checkTables(t *testing.T, md string) {
	t.Helper()
	want := -1
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			want = -1
			continue
		}
		n := strings.Count(line, "|") - strings.Count(line, "\\|")
		if want < 0 {
			want = n
		} else if n != want {
			t.Errorf("table row has %d cell separators, header has %d: %s", n, want, line)
		}
	}
}

func TestMarkdownRowCap(t *testing.T) {
	rep := emptyReport()
	for i := range 7 {
		rep.Findings = append(rep.Findings, scan.Finding{Scanner: "config", Rule: "r", Severity: scan.High,
			Message: strings.Repeat("long ", 100), Path: fmt.Sprintf("f%d.py", i), Line: 1, Blocking: true})
	}
	rep.Decide()
	out := render(t, FormatMarkdown, rep, Options{MaxRows: 3})
	if got := strings.Count(out, "| `r` |"); got != 3 {
		t.Errorf("rows = %d, want 3", got)
	}
	if !strings.Contains(out, "…and 4 more not shown") {
		t.Errorf("no note on the rows left out:\n%s", out)
	}
	if strings.Contains(out, strings.Repeat("long ", 60)) {
		t.Error("long message not cut")
	}
	all := render(t, FormatMarkdown, rep, Options{MaxRows: -1})
	if got := strings.Count(all, "| `r` |"); got != 7 {
		t.Errorf("uncapped rows = %d, want 7", got)
	}
}
