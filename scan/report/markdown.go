package report

import (
	"bufio"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/pipeguard/pipeguard/scan"
)

// Markdown writes what a pull-request comment or $GITHUB_STEP_SUMMARY
// shows: the verdict, counts by scanner and severity, a table of blocking
// findings (linked to file and line when opts.Links is set), warnings and
// suppressed findings folded in <details>, and what was not scanned. Text
// from findings is escaped so that it cannot break a table, mention
// someone, or inject HTML.
func Markdown(w io.Writer, rep *scan.Report, opts Options) error {
	v := newView(rep)
	bw := bufio.NewWriter(w)
	m := &mdWriter{w: bw, opts: opts, maxRows: limit(opts.MaxRows, DefaultMaxRows)}

	var icon, word string
	switch v.rep.Verdict {
	case scan.Fail:
		icon, word = "❌", "failed"
	case scan.Incomplete:
		icon, word = "⚠️", "incomplete"
	case scan.Pass:
		icon, word = "✅", "passed"
	default:
		icon, word = "❔", mdText(string(v.rep.Verdict))
	}
	m.line("## " + icon + " pipeguard " + word)
	m.line("")

	var parts []string
	parts = append(parts, "**"+plural(len(v.blocking), "blocking finding", "blocking findings")+"**")
	parts = append(parts, plural(len(v.warnings), "warning", "warnings"))
	if n := len(v.suppressed); n > 0 {
		parts = append(parts, fmt.Sprintf("%d suppressed", n))
	}
	if n := len(v.rep.Errors); n > 0 {
		parts = append(parts, plural(n, "scan error", "scan errors"))
	}
	scope := v.rep.Target.Mode
	if scope == "" {
		scope = string(scan.ModeTree)
	}
	scope += " scan"
	if v.rep.Target.Range != "" {
		scope += " of " + mdCode(v.rep.Target.Range)
	}
	if v.rep.Target.Base != "" {
		scope += ", new since " + mdCode(shortSHA(v.rep.Target.Base))
	}
	if len(v.scanners) > 0 {
		scope += " (" + mdText(strings.Join(v.scanners, ", ")) + ")"
	}
	m.line(strings.Join(parts, ", ") + " · " + scope)
	m.line("")

	switch {
	case len(v.active) == 0 && len(v.rep.Errors) == 0:
		m.line("**No findings.** All clear.")
		m.line("")
	case len(v.active) == 0:
		m.line("**No findings** in what was scanned, but the scan is incomplete (see below).")
		m.line("")
	default:
		m.counts(v)
	}

	if len(v.blocking) > 0 {
		m.line(fmt.Sprintf("### Blocking findings (%d)", len(v.blocking)))
		m.line("")
		m.findingTable(worstFirst(v.blocking))
	}
	if len(v.warnings) > 0 {
		m.line(fmt.Sprintf("<details><summary>Warnings (%d)</summary>", len(v.warnings)))
		m.line("")
		m.findingTable(worstFirst(v.warnings))
		m.line("</details>")
		m.line("")
	}
	if len(v.suppressed) > 0 {
		m.line(fmt.Sprintf("<details><summary>Suppressed (%d)</summary>", len(v.suppressed)))
		m.line("")
		m.suppressedTable(v.suppressed)
		m.line("</details>")
		m.line("")
	}
	if len(v.rep.Errors) > 0 || len(v.rep.Skipped) > 0 {
		m.line("### Not scanned")
		m.line("")
		for _, e := range v.rep.Errors {
			name := e.Scanner
			if name == "" {
				name = "scan"
			}
			item := "- **" + mdText(name) + "**: " + mdText(e.Message)
			if e.Path != "" {
				item += " (" + mdCode(e.Path) + ")"
			}
			m.line(item)
		}
		if n := len(v.rep.Skipped); n > 0 {
			max := limit(m.opts.MaxSkipped, DefaultMaxSkipped)
			var names []string
			for i, s := range v.rep.Skipped {
				if max >= 0 && i >= max {
					names = append(names, fmt.Sprintf("and %d more", n-max))
					break
				}
				names = append(names, mdCode(s.Path)+" ("+mdText(s.Reason)+")")
			}
			m.line("- " + plural(n, "input", "inputs") + " skipped: " + strings.Join(names, ", "))
		}
		m.line("")
	}
	if len(v.rep.Notes) > 0 {
		m.line("<details><summary>Notes</summary>")
		m.line("")
		for _, n := range v.rep.Notes {
			m.line("- " + mdText(n))
		}
		m.line("")
		m.line("</details>")
		m.line("")
	}
	return bw.Flush()
}

type mdWriter struct {
	w       *bufio.Writer
	opts    Options
	maxRows int
}

func (m *mdWriter) line(s string) {
	m.w.WriteString(s)
	m.w.WriteByte('\n')
}

func (m *mdWriter) row(cells ...string) {
	m.line("| " + strings.Join(cells, " | ") + " |")
}

// counts writes the scanner x severity table of findings that count.
func (m *mdWriter) counts(v *view) {
	c := countFindings(v.active)
	head := []string{"Scanner"}
	sep := []string{"---"}
	for _, s := range severities {
		head = append(head, strings.ToUpper(string(s[:1]))+string(s[1:]))
		sep = append(sep, "---:")
	}
	head = append(head, "Total")
	sep = append(sep, "---:")
	m.row(head...)
	m.row(sep...)
	for _, name := range v.scanners {
		cells := []string{mdText(name)}
		for _, s := range severities {
			cells = append(cells, fmt.Sprint(c.byScanner[name][s]))
		}
		cells = append(cells, fmt.Sprint(c.scannerTotal(name)))
		m.row(cells...)
	}
	cells := []string{"**Total**"}
	for _, s := range severities {
		cells = append(cells, fmt.Sprintf("**%d**", c.bySev[s]))
	}
	cells = append(cells, fmt.Sprintf("**%d**", c.total))
	m.row(cells...)
	m.line("")
}

func (m *mdWriter) findingTable(fs []scan.Finding) {
	m.row("Location", "Rule", "Severity", "Confidence", "Message")
	m.row("---", "---", "---", "---", "---")
	for i, f := range fs {
		if m.maxRows >= 0 && i >= m.maxRows {
			break
		}
		msg := mdText(truncate(findingText(f), maxCellRunes))
		if f.Secret != "" {
			msg += " · secret " + mdCode(f.Secret)
		}
		if f.Commit != "" {
			msg += " · commit " + mdCode(shortSHA(f.Commit))
		}
		if d := f.Dependency; d != nil {
			dep := mdCode(d.Name + "@" + d.Version)
			if d.Fixed != "" {
				dep += ", fixed in " + mdCode(d.Fixed)
			}
			msg += " · " + dep
		}
		if f.New != nil && *f.New {
			msg += " · **new**"
		}
		m.row(m.location(f), mdCode(f.Rule), mdText(string(f.Severity)), mdText(orDash(string(f.Confidence))), msg)
	}
	m.more(len(fs))
}

func (m *mdWriter) suppressedTable(fs []scan.Finding) {
	m.row("Location", "Rule", "Suppression", "Reason")
	m.row("---", "---", "---", "---")
	for i, f := range fs {
		if m.maxRows >= 0 && i >= m.maxRows {
			break
		}
		s := f.Suppression
		kind := mdText(s.Kind)
		if s.Source != "" {
			kind += " at " + mdCode(s.Source)
		}
		reason := mdText(truncate(s.Reason, maxCellRunes))
		if reason == "" {
			reason = "_no reason given_"
		}
		var extra []string
		if s.Owner != "" {
			extra = append(extra, "owner "+mdText(s.Owner))
		}
		if s.Until != "" {
			extra = append(extra, "until "+mdText(s.Until))
		}
		if len(extra) > 0 {
			reason += " (" + strings.Join(extra, ", ") + ")"
		}
		m.row(m.location(f), mdCode(f.Rule), kind, reason)
	}
	m.more(len(fs))
}

func (m *mdWriter) more(n int) {
	if m.maxRows >= 0 && n > m.maxRows {
		m.line("")
		m.line(fmt.Sprintf("_…and %d more not shown here; see the full report._", n-m.maxRows))
	}
	m.line("")
}

// location is the finding's path:line, linked when a base URL is known.
func (m *mdWriter) location(f scan.Finding) string {
	if f.Path == "" {
		return "—"
	}
	text := mdText(f.Location())
	base := strings.TrimRight(m.opts.Links, "/")
	if base == "" {
		return text
	}
	var segs []string
	for _, s := range strings.Split(joinPath(m.opts.PathPrefix, f.Path), "/") {
		segs = append(segs, url.PathEscape(s))
	}
	link := base + "/" + strings.Join(segs, "/")
	if f.Line > 0 {
		link += fmt.Sprintf("#L%d", f.Line)
		if f.EndLine > f.Line {
			link += fmt.Sprintf("-L%d", f.EndLine)
		}
	}
	return "[" + text + "](" + strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "|", "%7C").Replace(link) + ")"
}

// maxCellRunes is the longest message a markdown table cell shows.
const maxCellRunes = 200

// truncate cuts s to n runes, marking the cut with an ellipsis.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// EscapeMarkdown makes untrusted text (from the scanned code, an advisory)
// one inert line of GitHub-flavoured markdown, as every markdown pipeguard
// writes needs it: see mdText.
func EscapeMarkdown(s string) string { return mdText(s) }

// mdText escapes untrusted text for one line of GitHub-flavoured markdown,
// table cells included: line breaks become spaces, markdown punctuation is
// backslash-escaped, HTML is written as entities, and @mentions are broken
// with a zero-width space so that nobody gets notified.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range clean(s) {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '|', '~', '#', '!':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '@':
			b.WriteString("@\u200b")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// MarkdownCode writes untrusted text as an inline code span that survives
// inside a table: a fence longer than any run of backticks in s, pipes
// escaped, control characters escaped, one line. With EscapeMarkdown, the
// one way pipeguard writes untrusted text into markdown: reports, the audit,
// pull request comments and tracking issues.
func MarkdownCode(s string) string { return mdCode(s) }

// mdCode is MarkdownCode.
func mdCode(s string) string {
	s = clean(s)
	if s == "" {
		return ""
	}
	run, longest := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	s = strings.ReplaceAll(s, "|", "\\|")
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// orDash is s, or a dash for an empty cell.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
