package engine

import (
	"context"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/repoconf"
)

// decide runs the gate over the report and sets its verdict.
func decide(ctx context.Context, opts Options, set *repoconf.Set, configRoot string, rep *scan.Report) error {
	for i := range rep.Findings {
		f := &rep.Findings[i]
		f.Blocking = f.Suppression == nil && f.Severity.AtLeast(scan.High)
	}
	rep.Decide()
	return nil
}
