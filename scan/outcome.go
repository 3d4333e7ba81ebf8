package scan

import (
	"context"
	"errors"
)

// ErrInterrupted is wrapped by the errors of work a signal stopped (a git
// child killed by the terminal's SIGINT, say), so that they are not taken
// for failures of their own.
var ErrInterrupted = errors.New("interrupted")

// Interrupted reports whether the run was stopped by an interrupt: ctx was
// cancelled (a deadline is a timeout, not an interrupt), or err says so.
func Interrupted(ctx context.Context, err error) bool {
	if ctx != nil && errors.Is(ctx.Err(), context.Canceled) {
		return true
	}
	return err != nil && (errors.Is(err, ErrInterrupted) || errors.Is(err, context.Canceled))
}

// Conditions are what decides a run's outcome besides its findings and
// errors.
type Conditions struct {
	// Interrupted: a signal stopped the run.
	Interrupted bool
	// Usage: the run could not start (a usage or configuration error).
	Usage bool
	// OutputFailed: a report that was asked for could not be written.
	OutputFailed bool
	// FailOpen: a scan that could not finish, or start, lets the run pass
	// (the pre-push hook's fail_open: true); the verdict still says
	// incomplete. It never lets a blocking finding or an interrupt through.
	FailOpen bool
}

// Tally is what a run met, counted from a report (Report.Tally) or from
// the reports of an audit.
type Tally struct {
	// Blocking counts the blocking findings (for an audit: the
	// repositories with some).
	Blocking int
	// PolicyFail: the gate policy failed the report as a whole.
	PolicyFail bool
	// Errors counts what could not be scanned (for an audit: the
	// repositories not fully audited).
	Errors int
	Conditions
}

// Decide is the one place where the verdict and the exit code are chosen;
// the CLI, the pre-push hook and the audit all come here. In order:
//
//   - an interrupt: incomplete, ExitInterrupted, whatever was found;
//   - a usage or configuration error: incomplete, ExitUsage (or ExitPass
//     when FailOpen lets a scan that could not start through);
//   - a blocking finding or a failing gate: fail, ExitFail (a known reason
//     to fail wins over a scan that did not finish);
//   - an error or a report not written: incomplete, ExitIncomplete (or
//     ExitPass when FailOpen lets an unfinished scan through);
//   - otherwise pass, ExitPass.
func Decide(t Tally) (Verdict, int) {
	switch {
	case t.Interrupted:
		return Incomplete, ExitInterrupted
	case t.Usage:
		if t.FailOpen {
			return Incomplete, ExitPass
		}
		return Incomplete, ExitUsage
	case t.Blocking > 0 || t.PolicyFail:
		return Fail, ExitFail
	case t.Errors > 0 || t.OutputFailed:
		if t.FailOpen {
			return Incomplete, ExitPass
		}
		return Incomplete, ExitIncomplete
	}
	return Pass, ExitPass
}

// Tally counts what decides the report's outcome.
func (r *Report) Tally() Tally {
	return Tally{
		Blocking:   len(r.Blocking()),
		PolicyFail: r.PolicyFail,
		Errors:     len(r.Errors),
		Conditions: Conditions{Interrupted: r.Interrupted},
	}
}

// Decide sets the verdict from the findings' Blocking flags, the gate's
// verdict, the errors and an interrupt.
func (r *Report) Decide() { r.Verdict, _ = Decide(r.Tally()) }

// Outcome sets the final verdict under c and returns the exit code: what
// a command calls once, last, before it writes its reports.
func (r *Report) Outcome(c Conditions) int {
	t := r.Tally()
	c.Interrupted = c.Interrupted || r.Interrupted
	r.Interrupted = c.Interrupted
	t.Conditions = c
	var code int
	r.Verdict, code = Decide(t)
	return code
}

// ExitCode is the exit code of the report as it stands.
func (r *Report) ExitCode() int {
	_, code := Decide(r.Tally())
	return code
}
