package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/pipeguard/pipeguard/scan"
)

// Annotations writes GitHub Actions workflow commands that annotate the
// findings: ::error for blocking ones, ::warning for the others, ::notice
// for info. Blocking findings come first, then the others, worst first,
// so that a cap keeps what matters.
// GitHub shows only 10 annotations of each type per step; all are still
// written up to opts.MaxAnnotations, and a final ::notice says how many
// were left out. Suppressed findings are not annotated. Scanner errors are
// written as ::error lines (they are not counted against the cap).
func Annotations(w io.Writer, rep *scan.Report, opts Options) error {
	v := newView(rep)
	bw := bufio.NewWriter(w)
	maxN := limit(opts.MaxAnnotations, DefaultMaxAnnotations)

	ordered := append(worstFirst(v.blocking), worstFirst(v.warnings)...)
	written := 0
	for _, f := range ordered {
		if maxN >= 0 && written >= maxN {
			break
		}
		cmd := "warning"
		switch {
		case f.Blocking:
			cmd = "error"
		case f.Severity == scan.Info:
			cmd = "notice"
		}
		var props []string
		if f.Path != "" {
			props = append(props, "file="+escapeProperty(joinPath(opts.PathPrefix, f.Path)))
			if f.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", f.Line))
				if f.EndLine > f.Line {
					props = append(props, fmt.Sprintf("endLine=%d", f.EndLine))
				}
				if f.Column > 0 {
					props = append(props, fmt.Sprintf("col=%d", f.Column))
				}
			}
		}
		title := "pipeguard " + f.Scanner + ": " + f.Rule + " (" + string(f.Severity) + ")"
		props = append(props, "title="+escapeProperty(title))

		msg := findingText(f)
		if f.Secret != "" {
			msg += " [secret " + f.Secret + "]"
		}
		if f.Commit != "" {
			msg += " [commit " + shortSHA(f.Commit) + "]"
		}
		if f.Remediation != "" {
			msg += "\nFix: " + f.Remediation
		}
		writeCommand(bw, cmd, props, msg)
		written++
	}
	if left := len(ordered) - written; left > 0 {
		writeCommand(bw, "notice", []string{"title=" + escapeProperty("pipeguard: annotations capped")},
			fmt.Sprintf("%s not annotated (cap %d); see the full report for all %d findings.",
				plural(left, "more finding was", "more findings were"), maxN, len(ordered)))
	}
	for _, e := range v.rep.Errors {
		var props []string
		if e.Path != "" {
			props = append(props, "file="+escapeProperty(joinPath(opts.PathPrefix, e.Path)))
		}
		name := e.Scanner
		if name == "" {
			name = "scan"
		}
		props = append(props, "title="+escapeProperty("pipeguard "+name+": scan incomplete"))
		writeCommand(bw, "error", props, e.Message)
	}
	if n := len(v.rep.Skipped); n > 0 {
		writeCommand(bw, "notice", []string{"title=" + escapeProperty("pipeguard: inputs not scanned")},
			fmt.Sprintf("%s skipped (first: %s)", plural(n, "input was", "inputs were"), skippedText(v.rep.Skipped[0])))
	}
	return bw.Flush()
}

func writeCommand(w *bufio.Writer, cmd string, props []string, msg string) {
	w.WriteString("::")
	w.WriteString(cmd)
	if len(props) > 0 {
		w.WriteByte(' ')
		w.WriteString(strings.Join(props, ","))
	}
	w.WriteString("::")
	w.WriteString(escapeData(msg))
	w.WriteByte('\n')
}

// escapeData escapes a workflow command's message as the Actions runner
// does (toolkit's escapeData): % then CR and LF. Other control characters
// (a terminal escape in a file name) are shown escaped, as in every text
// output, since the Actions log prints them raw.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(cleanKeepLines(s))
}

// escapeProperty escapes a workflow command property value: as data, plus
// ':' and ','.
func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(cleanKeepLines(s))
}
