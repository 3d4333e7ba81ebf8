package scan

import (
	"context"
	"fmt"
	"runtime/debug"
	"sort"
	"time"
)

// Mode says which part of a repository a scan looks at.
type Mode string

// The target modes.
const (
	ModeTree    Mode = "tree"    // the working tree (default)
	ModeHistory Mode = "history" // all of git history
	ModeRange   Mode = "range"   // the commits in a range A..B
	ModeStaged  Mode = "staged"  // the git index
)

// File is one regular file of the working tree, inside the root.
type File struct {
	Path string // relative to the root, '/'-separated
	Abs  string // absolute path on disk
	Size int64
}

// FileLister lists the working-tree files a scan may read. The list is
// computed once and shared by every scanner.
type FileLister interface {
	// Files returns the files to scan and those that were skipped (too large,
	// a symlink out of the root, unreadable), each with its reason.
	Files(ctx context.Context) ([]File, []Skipped, error)
}

// Target is what one scan looks at. Scanners read it and never change it.
type Target struct {
	// Root is the absolute path of the scanned folder (usually a git work tree).
	Root string
	Mode Mode
	// Range is "A..B" in ModeRange.
	Range string
	// Tree lists the working-tree files (used in every mode by scanners that
	// read files: deps and config read the tree, secrets in ModeTree).
	Tree FileLister
	// Changed, when not nil, limits working-tree findings (those with no
	// Commit) to the lines a change touched. Findings from commits are
	// already limited to the commits scanned, and are kept even when a later
	// commit of the change removed their line.
	Changed Changes
	// MaxFileSize is the largest file, in bytes, a scanner reads (a
	// working-tree file, or a blob of a commit or of the index); 0 means no
	// limit.
	MaxFileSize int64
	// Progress, when not nil, is told as the scan enters each stage (the
	// Stage constants). It may block: tests use it to interrupt a scan at
	// a chosen point.
	Progress func(ctx context.Context, stage string)
}

// The stages of a scan, in the order a scan enters them (the scanners run
// concurrently, so parse and policy may come before another scanner's
// work is done).
const (
	StageWalk   = "walk"   // listing the files
	StageParse  = "parse"  // reading files into facts
	StagePolicy = "policy" // evaluating the config rules
	StageGate   = "gate"   // deciding with the gate
	StageReport = "report" // writing the reports
)

// Enter tells t.Progress that the scan enters stage.
func (t *Target) Enter(ctx context.Context, stage string) {
	if t != nil && t.Progress != nil {
		t.Progress(ctx, stage)
	}
}

// LineRange is an inclusive range of 1-based lines.
type LineRange struct{ Start, End int }

// Changes maps a path to the line ranges a change touched. A path mapped to
// an empty slice was changed as a whole (added or binary).
type Changes map[string][]LineRange

// Contains reports whether the change touched path at line. A finding with
// no line (line 0) counts as touched when its file was.
func (c Changes) Contains(path string, line int) bool {
	ranges, ok := c[path]
	if !ok {
		return false
	}
	if len(ranges) == 0 || line <= 0 {
		return true
	}
	for _, r := range ranges {
		if line >= r.Start && line <= r.End {
			return true
		}
	}
	return false
}

// Result is what one scanner found.
type Result struct {
	Findings []Finding
	Skipped  []Skipped
	// Errors are partial failures: the scanner went on, but the scan is incomplete.
	Errors []Error
	// Notes are remarks for the report (fallbacks taken, inputs found).
	Notes []string
}

// Scanner is one kind of check. Scan returns an error when it could not do
// its job at all; whatever Result it returns alongside is still reported.
type Scanner interface {
	Name() string
	Scan(ctx context.Context, t *Target) (*Result, error)
}

// Run runs the scanners concurrently over t and gathers their results into
// one report. A scanner that fails or panics is recorded in Errors (and so
// makes the scan incomplete) without losing the other scanners' findings.
// Working-tree findings outside t.Changed are dropped. Secrets are redacted before Run
// returns: nothing after this point ever sees one in clear.
func Run(ctx context.Context, t *Target, scanners []Scanner) *Report {
	start := time.Now()
	rep := NewReport(t.Root, Tool{}, TargetInfo{Mode: string(t.Mode), Range: t.Range})
	rep.StartedAt = start.UTC()

	type outcome struct {
		res  *Result
		err  error
		took time.Duration
	}
	outs := make([]outcome, len(scanners))
	done := make(chan int, len(scanners))
	for i, s := range scanners {
		go func() {
			begin := time.Now()
			res, err := runOne(ctx, s, t)
			outs[i] = outcome{res: res, err: err, took: time.Since(begin)}
			done <- i
		}()
	}
	finished := waitScanners(ctx, done, len(scanners))

	var dropped []string // raw secrets of findings left out, still to scrub
	for i, s := range scanners {
		if !finished[i] {
			rep.Scanners = append(rep.Scanners, ScannerRun{Name: s.Name(), Status: "interrupted",
				Notes: []string{fmt.Sprintf("still running %v after the interrupt: stopped without its results", InterruptGrace)}})
			continue
		}
		o := outs[i]
		run := ScannerRun{Name: s.Name(), Status: "ok", DurationMS: o.took.Milliseconds()}
		if o.res != nil {
			for _, f := range o.res.Findings {
				if f.Scanner == "" {
					f.Scanner = s.Name()
				}
				if t.Changed != nil && f.Commit == "" && !t.Changed.Contains(f.Path, f.Line) {
					if f.raw != "" {
						dropped = append(dropped, f.raw)
					}
					continue
				}
				rep.Findings = append(rep.Findings, f)
				run.Findings++
			}
			for _, sk := range o.res.Skipped {
				if sk.Scanner == "" {
					sk.Scanner = s.Name()
				}
				rep.Skipped = append(rep.Skipped, sk)
			}
			for _, e := range o.res.Errors {
				if e.Scanner == "" {
					e.Scanner = s.Name()
				}
				rep.Errors = append(rep.Errors, e)
			}
			run.Notes = append(run.Notes, o.res.Notes...)
		}
		switch {
		case o.err != nil && Interrupted(ctx, o.err):
			// Not a failure of the scanner: the run was stopped, and the
			// report says so once (Report.Interrupted).
			run.Status = "interrupted"
		case o.err != nil:
			run.Status = "failed"
			rep.Errors = append(rep.Errors, Error{Scanner: s.Name(), Message: o.err.Error()})
		}
		rep.Scanners = append(rep.Scanners, run)
	}
	redact(rep, dropped)
	rep.Sort()
	sort.SliceStable(rep.Scanners, func(i, j int) bool { return rep.Scanners[i].Name < rep.Scanners[j].Name })
	rep.DurationMS = time.Since(start).Milliseconds()
	rep.Interrupted = Interrupted(ctx, nil)
	rep.Decide()
	return rep
}

// InterruptGrace is how long Run waits, once its context is cancelled, for
// scanners to return. A scanner still busy then (a computation that does
// not look at the context) is left behind, so that an interrupt always
// ends the run with its report.
var InterruptGrace = 3 * time.Second

// waitScanners collects the indexes sent on done until n have come, or
// until InterruptGrace after ctx is cancelled; it reports which finished.
// Only their outcomes may be read: the others are still being written.
func waitScanners(ctx context.Context, done <-chan int, n int) []bool {
	finished := make([]bool, n)
	var grace <-chan time.Time
	cancelled := ctx.Done()
	for left := n; left > 0; {
		select {
		case i := <-done:
			finished[i] = true
			left--
		case <-cancelled:
			cancelled = nil // once
			timer := time.NewTimer(InterruptGrace)
			defer timer.Stop()
			grace = timer.C
		case <-grace:
			return finished
		}
	}
	return finished
}

// runOne runs a scanner and turns a panic into an error, so that one broken
// scanner (or a malformed advisory deep inside a library) cannot bring the
// whole process down.
func runOne(ctx context.Context, s Scanner, t *Target) (res *Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s scanner panicked: %v\n%s", s.Name(), p, firstLines(debug.Stack(), 12))
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.Scan(ctx, t)
}

func firstLines(b []byte, n int) string {
	lines := 0
	for i, c := range b {
		if c == '\n' {
			lines++
			if lines == n {
				return string(b[:i])
			}
		}
	}
	return string(b)
}

// Meter is told how far a long step of a scan has got: step names what is
// counted ("commits", "Go modules"), done how many are finished, total how
// many there are (0 when unknown). A step ends when done reaches total.
// Scanners run concurrently: a meter must accept calls from several
// goroutines.
type Meter func(step string, done, total int)

type meterKey struct{}

// WithMeter returns ctx carrying m, for the scanners to report how far
// their long steps have got.
func WithMeter(ctx context.Context, m Meter) context.Context {
	if m == nil {
		return ctx
	}
	return context.WithValue(ctx, meterKey{}, m)
}

// Metered reports whether ctx carries a meter: work done only to count
// (listing the commits to scan) is skipped when none listens.
func Metered(ctx context.Context) bool {
	_, ok := ctx.Value(meterKey{}).(Meter)
	return ok
}

// Tick tells the meter of ctx, if any, how far step has got.
func Tick(ctx context.Context, step string, done, total int) {
	if m, ok := ctx.Value(meterKey{}).(Meter); ok {
		m(step, done, total)
	}
}
