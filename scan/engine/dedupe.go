package engine

import (
	"fmt"

	"github.com/pipeguard/pipeguard/scan"
)

// overlapRule is the config rule that says what the secrets scanner says
// when both see the same literal.
const overlapRule = "hardcoded-secret"

// dropOverlaps removes config hardcoded-secret findings on a line where the
// secrets scanner reports a leaked secret in the working tree, one that is
// still reported after configuration and suppressions: one leak, one
// finding. The secrets finding stays, since it names the kind of
// credential and is what rotation advice hangs on.
func dropOverlaps(rep *scan.Report) {
	type place struct {
		path string
		line int
	}
	leaks := map[place]bool{}
	for _, f := range rep.Findings {
		if f.Scanner == scan.ScannerSecrets && f.Commit == "" && f.Suppression == nil {
			for l := f.Line; l <= max(f.Line, f.EndLine); l++ {
				leaks[place{f.Path, l}] = true
			}
		}
	}
	if len(leaks) == 0 {
		return
	}
	kept, dropped := rep.Findings[:0], 0
	for _, f := range rep.Findings {
		if f.Scanner == scan.ScannerConfig && f.Rule == overlapRule && leaks[place{f.Path, f.Line}] {
			dropped++
			continue
		}
		kept = append(kept, f)
	}
	rep.Findings = kept
	if dropped > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d %s finding(s) left out: the secrets scanner reports the same line", dropped, overlapRule))
	}
}
