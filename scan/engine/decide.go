package engine

import (
	"context"
	"sort"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gate"
	"github.com/pipeguard/pipeguard/scan/repoconf"
)

// decide runs the gate over the report: each finding's decision and the
// verdict.
func decide(ctx context.Context, opts Options, set *repoconf.Set, gateOf func() (*gate.Gate, error), changed scan.Changes, rep *scan.Report) error {
	g, err := gateOf()
	if err != nil {
		return err
	}
	var files []string
	for p := range changed {
		files = append(files, p)
	}
	sort.Strings(files)
	return g.Decide(ctx, rep, gate.Context{
		Event:        opts.Event,
		Branch:       opts.Branch,
		ChangedFiles: files,
		OnlyNew:      opts.NewSince != "" || opts.Baseline != "" || set.Root().OnlyNew || set.Root().Baseline != "",
		Config:       set,
	})
}
