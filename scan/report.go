package scan

import (
	"sort"
	"time"
)

// ReportVersion is the version of the JSON report schema.
const ReportVersion = 1

// Verdict is the overall outcome of a scan.
type Verdict string

// The verdicts. Fail wins over incomplete: a known blocking finding fails the
// build even when another scanner could not finish.
const (
	Pass       Verdict = "pass"
	Fail       Verdict = "fail"
	Incomplete Verdict = "incomplete"
)

// Exit codes are a contract with the pipelines that run pipeguard. Decide
// is the one function that chooses among them.
const (
	ExitPass       = 0 // nothing blocks
	ExitFail       = 1 // at least one blocking finding
	ExitIncomplete = 2 // a scanner or database failed, and nothing else blocks
	ExitUsage      = 3 // usage or configuration error
	// ExitInterrupted is a run stopped by SIGINT or SIGTERM, whatever it
	// had found: 128 + SIGINT, as shells report a process the signal
	// killed. The reports asked for are still written, marked incomplete.
	ExitInterrupted = 130
)

// Tool names the program that wrote a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Error is a scanner that failed, or failed in part. Any Error makes the scan
// incomplete.
type Error struct {
	Scanner string `json:"scanner"`
	Message string `json:"message"`
	Path    string `json:"path,omitempty"`
}

// Skipped is an input that was not scanned, and why.
type Skipped struct {
	Path    string `json:"path"`
	Reason  string `json:"reason"`
	Line    int    `json:"line,omitempty"`
	Scanner string `json:"scanner,omitempty"`
	// Commit is the commit of a file skipped in a history or range scan.
	Commit string `json:"commit,omitempty"`
	// Kind classifies the reason (SkipUnreadable, SkipTooLarge...), for
	// scripts; "" for others (a malformed line, say).
	Kind string `json:"kind,omitempty"`
}

// Kinds of skipped inputs. An unreadable file makes the scan incomplete
// unless a configured exclude covers it; the others are said and pass.
const (
	SkipUnreadable = "unreadable"
	SkipTooLarge   = "too_large"
	SkipSymlink    = "symlink"
	SkipSubmodule  = "submodule"
)

// ScannerRun says how one scanner went.
type ScannerRun struct {
	Name string `json:"name"`
	// Status is "ok", "failed", "skipped" or "interrupted".
	Status     string   `json:"status"`
	DurationMS int64    `json:"duration_ms"`
	Findings   int      `json:"findings"`
	Notes      []string `json:"notes,omitempty"`
}

// TargetInfo describes what was scanned.
type TargetInfo struct {
	Mode  string `json:"mode"` // tree, history, range, staged
	Range string `json:"range,omitempty"`
	Base  string `json:"base,omitempty"` // --new-since base revision
	Head  string `json:"head,omitempty"`
}

// Report is the whole result of a scan, as every reporter receives it.
type Report struct {
	Version  int          `json:"version"`
	Tool     Tool         `json:"tool"`
	Root     string       `json:"root"`
	Target   TargetInfo   `json:"target"`
	Verdict  Verdict      `json:"verdict"`
	Findings []Finding    `json:"findings"`
	Errors   []Error      `json:"errors"`
	Skipped  []Skipped    `json:"skipped"`
	Scanners []ScannerRun `json:"scanners"`
	// Notes are report-level remarks: fallbacks, stale suppressions, gate reasons.
	Notes []string `json:"notes,omitempty"`
	// Interrupted is set when a signal stopped the run: the report holds
	// what was found until then, and the verdict is incomplete.
	Interrupted bool `json:"interrupted,omitempty"`
	// PolicyFail is set when the gate policy failed the report as a whole
	// (not through one finding).
	PolicyFail bool      `json:"-"`
	StartedAt  time.Time `json:"started_at"`
	// DurationMS is the wall time of the scan.
	DurationMS int64 `json:"duration_ms"`

	// secrets are the raw secrets of the scan's findings, which Redact
	// scrubs from every text field; never written anywhere.
	secrets []string
	// inPaths are those of secrets found in file names: Redact masks them
	// in paths too.
	inPaths []string
}

// NewReport returns an empty report whose slices are non-nil, so that its
// JSON form always has "findings": [], "errors": [] and "skipped": [].
func NewReport(root string, tool Tool, target TargetInfo) *Report {
	return &Report{
		Version:  ReportVersion,
		Tool:     tool,
		Root:     root,
		Target:   target,
		Verdict:  Pass,
		Findings: []Finding{},
		Errors:   []Error{},
		Skipped:  []Skipped{},
		Scanners: []ScannerRun{},
	}
}

// Blocking returns the findings that block.
func (r *Report) Blocking() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Blocking {
			out = append(out, f)
		}
	}
	return out
}

// SortFindings puts findings in pipeguard's one deterministic order: path,
// line, scanner, rule, fingerprint, commit.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Scanner != b.Scanner {
			return a.Scanner < b.Scanner
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.Fingerprint != b.Fingerprint {
			return a.Fingerprint < b.Fingerprint
		}
		return a.Commit < b.Commit
	})
}

// Sort puts findings in a deterministic order: path, line, scanner, rule,
// fingerprint, commit; and skipped entries by path.
func (r *Report) Sort() {
	SortFindings(r.Findings)
	sort.SliceStable(r.Skipped, func(i, j int) bool {
		if r.Skipped[i].Path != r.Skipped[j].Path {
			return r.Skipped[i].Path < r.Skipped[j].Path
		}
		return r.Skipped[i].Line < r.Skipped[j].Line
	})
	sort.SliceStable(r.Errors, func(i, j int) bool { return r.Errors[i].Scanner < r.Errors[j].Scanner })
}
