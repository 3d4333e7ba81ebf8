// Package report renders a *scan.Report for people and machines: text for a
// terminal, the stable JSON schema, SARIF 2.1.0 for code scanning, markdown
// for a pull-request comment or $GITHUB_STEP_SUMMARY, and GitHub workflow
// annotations.
//
// Every renderer is a pure function of the report and Options: it writes to
// an io.Writer, reads no environment, makes no network call, and gives the
// same bytes for the same input. Reports reach this package already redacted
// by scan.Run and the engine; Write redacts once more (scan.Redact masks in
// place and is idempotent) for text added since. Renderers never show
// anything but a finding's masked Secret.
package report

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pipeguard/pipeguard/scan"
)

// The format names, as --format and --report FORMAT=PATH spell them.
const (
	FormatText     = "text"
	FormatJSON     = "json"
	FormatSARIF    = "sarif"
	FormatMarkdown = "markdown"
	FormatGitHub   = "github"
)

// Formats lists every format Write knows, in the order help text shows them.
var Formats = []string{FormatText, FormatJSON, FormatSARIF, FormatMarkdown, FormatGitHub}

// ErrUnknownFormat is wrapped by the error Write and CheckFormat return for a
// format name they do not know. That error is also a *scan.ConfigError, so
// the command maps it to scan.ExitUsage.
var ErrUnknownFormat = errors.New("unknown report format")

// Defaults for the caps in Options.
const (
	DefaultMaxAnnotations = 50
	DefaultMaxRows        = 40
	DefaultMaxSkipped     = 5
)

// Options tunes the renderers. The zero value is ready to use.
type Options struct {
	// Color turns on ANSI colours in the text format. The caller decides,
	// usually with ColorEnabled.
	Color bool
	// Links is a base URL for file links in markdown, such as
	// https://github.com/OWNER/REPO/blob/SHA; "path#L12" is appended to it.
	// Empty means no links.
	Links string
	// PathPrefix is joined before every finding path in SARIF uris, markdown
	// links and GitHub annotations, for when the scanned root is a subfolder
	// of the repository (paths in the report are relative to the root).
	PathPrefix string
	// MaxAnnotations caps the GitHub annotations written for findings;
	// 0 means DefaultMaxAnnotations, a negative value means no cap.
	MaxAnnotations int
	// MaxRows caps the rows of each markdown table; 0 means DefaultMaxRows,
	// a negative value means no cap. With the default, and messages cut to
	// maxCellRunes, a summary stays well under GitHub's 65,536-character
	// limit for a comment.
	MaxRows int
	// MaxSkipped is how many skipped inputs text and markdown list by name
	// (all are counted); 0 means DefaultMaxSkipped, negative means all.
	MaxSkipped int
}

// Write renders rep in the named format to w. An unknown format gives an
// error wrapping ErrUnknownFormat (and a *scan.ConfigError). The report is
// redacted first (scan.Redact), in case text was added to it since the
// scan: an error made by the command, a note.
func Write(format string, w io.Writer, rep *scan.Report, opts Options) error {
	f, err := normalizeFormat(format)
	if err != nil {
		return err
	}
	if rep == nil {
		return fmt.Errorf("render %s report: no report", f)
	}
	scan.Redact(rep)
	var werr error
	switch f {
	case FormatText:
		werr = Text(w, rep, opts)
	case FormatJSON:
		werr = JSON(w, rep)
	case FormatSARIF:
		werr = SARIF(w, rep, opts)
	case FormatMarkdown:
		werr = Markdown(w, rep, opts)
	case FormatGitHub:
		werr = Annotations(w, rep, opts)
	}
	if werr != nil {
		return fmt.Errorf("render %s report: %w", f, werr)
	}
	return nil
}

// CheckFormat reports whether Write knows format, so that a command can
// reject a bad --format or --report before it scans anything.
func CheckFormat(format string) error {
	_, err := normalizeFormat(format)
	return err
}

// ParseSpec splits a --report value "FORMAT=PATH" and checks the format.
func ParseSpec(spec string) (format, path string, err error) {
	format, path, ok := strings.Cut(spec, "=")
	if !ok || strings.TrimSpace(path) == "" {
		return "", "", &scan.ConfigError{Err: fmt.Errorf("--report %q: want FORMAT=PATH (formats: %s)", spec, strings.Join(Formats, ", "))}
	}
	format, err = normalizeFormat(format)
	if err != nil {
		return "", "", err
	}
	return format, path, nil
}

func normalizeFormat(format string) (string, error) {
	f := strings.ToLower(strings.TrimSpace(format))
	if slices.Contains(Formats, f) {
		return f, nil
	}
	return "", &scan.ConfigError{Err: fmt.Errorf("%w %q (want %s)", ErrUnknownFormat, format, strings.Join(Formats, ", "))}
}

// view is the report as renderers read it: a copy with non-nil slices, in
// the deterministic order of scan.Report.Sort, split into the findings that
// count and those that were suppressed.
type view struct {
	rep        *scan.Report
	active     []scan.Finding // not suppressed
	blocking   []scan.Finding
	warnings   []scan.Finding // active, not blocking
	suppressed []scan.Finding
	scanners   []string // scanners that ran or appear anywhere in the report
}

func newView(rep *scan.Report) *view {
	c := *rep
	c.Findings = slices.Clone(rep.Findings)
	c.Errors = slices.Clone(rep.Errors)
	c.Skipped = slices.Clone(rep.Skipped)
	c.Scanners = slices.Clone(rep.Scanners)
	if c.Findings == nil {
		c.Findings = []scan.Finding{}
	}
	if c.Errors == nil {
		c.Errors = []scan.Error{}
	}
	if c.Skipped == nil {
		c.Skipped = []scan.Skipped{}
	}
	if c.Scanners == nil {
		c.Scanners = []scan.ScannerRun{}
	}
	c.Sort()
	// scan.Run orders scanner runs by name; do the same for hand-made reports.
	slices.SortStableFunc(c.Scanners, func(a, b scan.ScannerRun) int { return strings.Compare(a.Name, b.Name) })
	v := &view{rep: &c}
	for _, f := range c.Findings {
		switch {
		case f.Suppression != nil:
			v.suppressed = append(v.suppressed, f)
		case f.Blocking:
			v.active = append(v.active, f)
			v.blocking = append(v.blocking, f)
		default:
			v.active = append(v.active, f)
			v.warnings = append(v.warnings, f)
		}
	}
	seen := map[string]bool{}
	var names []string
	add := func(n string) {
		if n != "" && !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	for _, s := range c.Scanners {
		add(s.Name)
	}
	for _, f := range c.Findings {
		add(f.Scanner)
	}
	for _, e := range c.Errors {
		add(e.Scanner)
	}
	slices.SortFunc(names, compareScanners)
	v.scanners = names
	return v
}

// compareScanners orders scanner names as scan.AllScanners lists them, then
// any others by name.
func compareScanners(a, b string) int {
	ia, ib := slices.Index(scan.AllScanners, a), slices.Index(scan.AllScanners, b)
	switch {
	case ia >= 0 && ib >= 0:
		return ia - ib
	case ia >= 0:
		return -1
	case ib >= 0:
		return 1
	}
	return strings.Compare(a, b)
}

// worstFirst returns a copy of fs ordered by severity, worst first, and
// otherwise in the order given.
func worstFirst(fs []scan.Finding) []scan.Finding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b scan.Finding) int { return b.Severity.Rank() - a.Severity.Rank() })
	return out
}

// severities lists the severities from worst to mildest.
var severities = []scan.Severity{scan.Critical, scan.High, scan.Medium, scan.Low, scan.Info}

// counts tallies findings by scanner and severity.
type counts struct {
	bySev     map[scan.Severity]int
	byScanner map[string]map[scan.Severity]int
	total     int
}

func countFindings(fs []scan.Finding) counts {
	c := counts{bySev: map[scan.Severity]int{}, byScanner: map[string]map[scan.Severity]int{}}
	for _, f := range fs {
		c.total++
		c.bySev[f.Severity]++
		m := c.byScanner[f.Scanner]
		if m == nil {
			m = map[scan.Severity]int{}
			c.byScanner[f.Scanner] = m
		}
		m[f.Severity]++
	}
	return c
}

// scannerTotal is how many findings scanner name has.
func (c counts) scannerTotal(name string) int {
	n := 0
	for _, k := range c.byScanner[name] {
		n += k
	}
	return n
}

// limit applies a cap option: 0 means def, negative means no cap.
func limit(opt, def int) int {
	switch {
	case opt == 0:
		return def
	case opt < 0:
		return -1
	}
	return opt
}

// shortSHA is the first 12 characters of a commit id.
func shortSHA(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// plural writes "1 finding" or "2 findings".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// joinPath joins the PathPrefix option before a report path.
func joinPath(prefix, p string) string {
	prefix = strings.Trim(strings.ReplaceAll(prefix, "\\", "/"), "/")
	if prefix == "" || prefix == "." {
		return p
	}
	if p == "" {
		return prefix
	}
	return prefix + "/" + p
}

// findingText is what a one-line view of f says: its message (or title).
func findingText(f scan.Finding) string {
	if strings.TrimSpace(f.Message) != "" {
		return f.Message
	}
	if strings.TrimSpace(f.Title) != "" {
		return f.Title
	}
	return f.Rule
}

// suppressionText describes why f is suppressed: kind, reason, source.
func suppressionText(s *scan.Suppression) string {
	if s == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(s.Kind)
	if s.Reason != "" {
		b.WriteString(": ")
		b.WriteString(s.Reason)
	}
	var extra []string
	if s.Owner != "" {
		extra = append(extra, "owner "+s.Owner)
	}
	if s.Until != "" {
		extra = append(extra, "until "+s.Until)
	}
	if s.Source != "" {
		extra = append(extra, "at "+s.Source)
	}
	if len(extra) > 0 {
		b.WriteString(" (" + strings.Join(extra, ", ") + ")")
	}
	return b.String()
}
