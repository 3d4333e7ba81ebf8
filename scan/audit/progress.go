package audit

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/pipeguard/pipeguard/scan/report"
)

// NewProgress reports an audit's progress to w: a progress bar when w is a
// terminal, one plain line per repository otherwise (CI logs).
func NewProgress(w io.Writer, terminal bool) Progress {
	if terminal {
		return &barProgress{w: w}
	}
	return &lineProgress{w: w}
}

// lineProgress prints "[3/50] owner/name: fail, 2 findings (1 new), 1.2s".
type lineProgress struct {
	w           io.Writer
	done, total int
}

func (p *lineProgress) Start(total int) {
	p.total = total
	fmt.Fprintf(p.w, "pipeguard audit: %d %s\n", total, plural(total, "repository", "repositories"))
}

func (p *lineProgress) Done(r *Repository) {
	p.done++
	fmt.Fprintf(p.w, "[%d/%d] %s\n", p.done, p.total, summaryLine(r))
}

func (p *lineProgress) Finish() {}

// summaryLine is one repository's outcome in a line. Names and errors are
// made printable: no terminal escape from a repository name.
func summaryLine(r *Repository) string {
	if r.Error != "" {
		return fmt.Sprintf("%s: %s: %s", printable(r.Name), r.Verdict, printable(cut(r.Error, 300)))
	}
	n := len(dedupe(r.Findings))
	return fmt.Sprintf("%s: %s, %d %s (%d new, %d fixed), %s", printable(r.Name), r.Verdict, n, plural(n, "finding", "findings"),
		len(r.New), len(r.Fixed), (time.Duration(r.DurationMS) * time.Millisecond).Round(100*time.Millisecond))
}

// printable shows control characters escaped, as every text output of
// pipeguard does (report.Clean).
func printable(s string) string { return report.Clean(s) }

// barProgress draws a progress bar, and prints failing repositories above it.
type barProgress struct {
	w   io.Writer
	bar *progressbar.ProgressBar
}

func (p *barProgress) Start(total int) {
	p.bar = NewBar(p.w, total, "auditing")
}

// NewBar is pipeguard's progress bar on terminal w: max steps (-1 for a
// spinner when the total is unknown), a count, the elapsed and remaining
// time, cleared when finished.
func NewBar(w io.Writer, max int, description string) *progressbar.ProgressBar {
	return progressbar.NewOptions(max,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(description),
		progressbar.OptionShowCount(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

func (p *barProgress) Done(r *Repository) {
	if r.Verdict != "pass" {
		_ = p.bar.Clear()
		fmt.Fprintf(p.w, "%s\n", summaryLine(r))
	}
	_ = p.bar.Add(1)
}

func (p *barProgress) Finish() { _ = p.bar.Finish() }
