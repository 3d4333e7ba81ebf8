package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pipeguard/pipeguard/scan"
)

// ANSI styles for the text format.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
)

// Text writes the report for people: findings grouped by file, one line per
// finding ("path:line  severity  rule  message"), blocking ones marked
// BLOCK and warnings marked warn, then what was not scanned, what was
// suppressed, a summary line and the verdict. Colours only with opts.Color.
func Text(w io.Writer, rep *scan.Report, opts Options) error {
	v := newView(rep)
	bw := bufio.NewWriter(w)
	p := &textPrinter{w: bw, color: opts.Color}

	name := rep.Tool.Name
	if name == "" {
		name = "pipeguard"
	}
	head := name
	if rep.Tool.Version != "" {
		head += " " + rep.Tool.Version
	}
	mode := rep.Target.Mode
	if mode == "" {
		mode = string(scan.ModeTree)
	}
	head += ": " + mode + " scan"
	if rep.Target.Range != "" {
		head += " of " + rep.Target.Range
	}
	if rep.Root != "" {
		head += " in " + rep.Root
	}
	p.line(p.style(ansiBold, clean(head)))

	if len(v.active) > 0 {
		p.findings(v.active)
	}

	if len(v.rep.Errors) > 0 || len(v.rep.Skipped) > 0 {
		p.line("")
		p.line(p.style(ansiBold, "Not scanned:"))
		for _, e := range v.rep.Errors {
			p.line("  " + p.style(ansiYellow, "error  ") + " " + clean(errorText(e)))
		}
		if n := len(v.rep.Skipped); n > 0 {
			max := limit(opts.MaxSkipped, DefaultMaxSkipped)
			p.line("  " + p.style(ansiDim, "skipped") + " " + plural(n, "input", "inputs") + ":")
			for i, s := range v.rep.Skipped {
				if max >= 0 && i >= max {
					p.line(fmt.Sprintf("    ... and %d more", n-max))
					break
				}
				item := skippedText(s)
				if s.Scanner != "" {
					item = s.Scanner + ": " + item
				}
				p.line("    " + clean(item))
			}
		}
	}

	if len(rep.Notes) > 0 {
		p.line("")
		p.line(p.style(ansiBold, "Notes:"))
		for _, n := range rep.Notes {
			p.line("  " + clean(n))
		}
	}

	p.line("")
	if n := len(v.suppressed); n > 0 {
		kinds := map[string]int{}
		var order []string
		for _, f := range v.suppressed {
			k := f.Suppression.Kind
			if k == "" {
				k = "suppressed"
			}
			if kinds[k] == 0 {
				order = append(order, k)
			}
			kinds[k]++
		}
		var parts []string
		for _, k := range order {
			parts = append(parts, fmt.Sprintf("%d %s", kinds[k], k))
		}
		p.line(p.style(ansiDim, clean(fmt.Sprintf("Suppressed: %s not counted (%s)", plural(n, "finding", "findings"), strings.Join(parts, ", ")))))
	}
	p.line(summaryLine(v))
	p.line(p.verdict(v))
	return bw.Flush()
}

type textPrinter struct {
	w     *bufio.Writer
	color bool
}

func (p *textPrinter) line(s string) {
	p.w.WriteString(s)
	p.w.WriteByte('\n')
}

func (p *textPrinter) style(code, s string) string {
	if !p.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

// findings prints the active findings grouped by file, columns aligned.
func (p *textPrinter) findings(fs []scan.Finding) {
	locW, sevW, ruleW := 0, 0, 0
	for _, f := range fs {
		locW = max(locW, utf8.RuneCountInString(clean(f.Location())))
		sevW = max(sevW, utf8.RuneCountInString(clean(string(f.Severity))))
		ruleW = max(ruleW, utf8.RuneCountInString(clean(f.Rule)))
	}
	group := "\x00"
	for _, f := range fs {
		if f.Path != group {
			group = f.Path
			p.line("")
			title := f.Path
			if title == "" {
				title = "(no file)"
			}
			p.line(p.style(ansiBold+ansiCyan, clean(title)))
		}
		var mark string
		switch {
		case f.Blocking:
			mark = p.style(ansiBold+ansiRed, "BLOCK")
		case f.Severity == scan.Info:
			mark = p.style(ansiDim, "info ")
		default:
			mark = p.style(ansiYellow, "warn ")
		}
		sevStyle := ansiDim
		switch f.Severity {
		case scan.Critical, scan.High:
			sevStyle = ansiRed
		case scan.Medium:
			sevStyle = ansiYellow
		}
		loc := pad(clean(f.Location()), locW)
		sev := p.style(sevStyle, pad(clean(string(f.Severity)), sevW))
		rule := pad(clean(f.Rule), ruleW)
		line := "  " + mark + " " + loc + "  " + sev + "  " + rule + "  " + clean(findingText(f))
		var tags []string
		if f.Confidence != "" && f.Confidence != scan.ConfidenceHigh {
			tags = append(tags, string(f.Confidence)+" confidence")
		}
		if f.Secret != "" {
			tags = append(tags, "secret "+f.Secret)
		}
		if f.Commit != "" {
			tags = append(tags, "commit "+shortSHA(f.Commit))
		}
		if f.Dependency != nil {
			d := f.Dependency
			dep := d.Name + "@" + d.Version
			if d.Fixed != "" {
				dep += ", fixed in " + d.Fixed
			}
			if d.Reachability != "" {
				dep += ", " + d.Reachability
			}
			tags = append(tags, dep)
		}
		if f.New != nil {
			if *f.New {
				tags = append(tags, "new")
			} else {
				tags = append(tags, "existing")
			}
		}
		if len(tags) > 0 {
			line += "  " + p.style(ansiDim, "["+clean(strings.Join(tags, "; "))+"]")
		}
		p.line(line)
	}
}

func (p *textPrinter) verdict(v *view) string {
	nb := len(v.blocking)
	switch v.rep.Verdict {
	case scan.Fail:
		return p.style(ansiBold+ansiRed, "Verdict: FAIL") + " (" + plural(nb, "blocking finding", "blocking findings") + ")"
	case scan.Incomplete:
		return p.style(ansiBold+ansiYellow, "Verdict: INCOMPLETE") + " (" + plural(len(v.rep.Errors), "scan error", "scan errors") + "; some inputs were not scanned)"
	case scan.Pass:
		why := "nothing blocks"
		if len(v.active) == 0 {
			why = "no findings"
		}
		return p.style(ansiBold+ansiGreen, "Verdict: PASS") + " (" + why + ")"
	}
	return "Verdict: " + clean(strings.ToUpper(string(v.rep.Verdict)))
}

// summaryLine counts active findings by severity and scanner.
func summaryLine(v *view) string {
	c := countFindings(v.active)
	if c.total == 0 {
		return "Findings: none"
	}
	var sev []string
	for _, s := range severities {
		if n := c.bySev[s]; n > 0 {
			sev = append(sev, fmt.Sprintf("%d %s", n, s))
		}
	}
	var odd []string
	for s, n := range c.bySev {
		if s.Rank() == 0 && n > 0 {
			odd = append(odd, fmt.Sprintf("%d %s", n, clean(string(s))))
		}
	}
	slices.Sort(odd)
	sev = append(sev, odd...)
	var sc []string
	for _, name := range v.scanners {
		if n := c.scannerTotal(name); n > 0 {
			sc = append(sc, fmt.Sprintf("%s %d", clean(name), n))
		}
	}
	return fmt.Sprintf("Findings: %d (%s); by scanner: %s; %d blocking, %s",
		c.total, strings.Join(sev, ", "), strings.Join(sc, ", "), len(v.blocking), plural(len(v.warnings), "warning", "warnings"))
}

func pad(s string, w int) string {
	if n := utf8.RuneCountInString(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// clean makes s safe to print on one terminal line: line breaks and tabs
// become spaces, and other control characters (escape sequences that could
// rewrite the terminal) and bidirectional overrides are shown escaped.
func clean(s string) string { return escapeControls(s, false) }

// cleanKeepLines is clean for outputs that encode line breaks themselves
// (workflow commands): CR, LF and tab are kept, other control characters
// and bidirectional overrides are shown escaped.
func cleanKeepLines(s string) string { return escapeControls(s, true) }

func escapeControls(s string, keepLines bool) string {
	ok := true
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			if keepLines {
				b.WriteRune(r)
			} else {
				b.WriteByte(' ')
			}
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
