package scan

import "testing"

// Decide's order is the contract the exit codes document: an interrupt
// wins over everything, a usage error next, then a blocking finding over
// an incomplete scan.
func TestDecide(t *testing.T) {
	tests := []struct {
		name    string
		t       Tally
		verdict Verdict
		code    int
	}{
		{"nothing", Tally{}, Pass, ExitPass},
		{"blocking", Tally{Blocking: 1}, Fail, ExitFail},
		{"gate fails the report", Tally{PolicyFail: true}, Fail, ExitFail},
		{"errors", Tally{Errors: 2}, Incomplete, ExitIncomplete},
		{"blocking wins over errors", Tally{Blocking: 1, Errors: 1}, Fail, ExitFail},
		{"a report not written", Tally{Conditions: Conditions{OutputFailed: true}}, Incomplete, ExitIncomplete},
		{"blocking wins over a report not written", Tally{Blocking: 1, Conditions: Conditions{OutputFailed: true}}, Fail, ExitFail},
		{"fail_open lets errors through", Tally{Errors: 1, Conditions: Conditions{FailOpen: true}}, Incomplete, ExitPass},
		{"fail_open never lets a blocking finding through", Tally{Blocking: 1, Errors: 1, Conditions: Conditions{FailOpen: true}}, Fail, ExitFail},
		{"usage", Tally{Errors: 1, Conditions: Conditions{Usage: true}}, Incomplete, ExitUsage},
		{"fail_open lets a configuration error through", Tally{Conditions: Conditions{Usage: true, FailOpen: true}}, Incomplete, ExitPass},
		{"interrupt wins over blocking", Tally{Blocking: 3, Conditions: Conditions{Interrupted: true}}, Incomplete, ExitInterrupted},
		{"interrupt wins over usage and fail_open", Tally{Conditions: Conditions{Interrupted: true, Usage: true, FailOpen: true}}, Incomplete, ExitInterrupted},
	}
	for _, tt := range tests {
		v, code := Decide(tt.t)
		if v != tt.verdict || code != tt.code {
			t.Errorf("%s: %s %d, want %s %d", tt.name, v, code, tt.verdict, tt.code)
		}
	}
	// A report's Outcome sets its verdict and remembers the interrupt.
	rep := NewReport("/r", Tool{}, TargetInfo{})
	rep.Findings = []Finding{{Blocking: true}}
	if code := rep.Outcome(Conditions{Interrupted: true}); code != ExitInterrupted || rep.Verdict != Incomplete || !rep.Interrupted {
		t.Errorf("Outcome: %d %s %v", code, rep.Verdict, rep.Interrupted)
	}
}
