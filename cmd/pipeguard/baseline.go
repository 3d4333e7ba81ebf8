package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/baseline"
	"github.com/pipeguard/pipeguard/scan/report"
)

// defaultBaselineFile is where `baseline create` writes when -o is not given.
const defaultBaselineFile = ".pipeguard-baseline.json"

// newBaselineCmd returns `pipeguard baseline` and its `create` subcommand.
// flags registers the scan flags create accepts (scanners, databases,
// policies, configuration); run scans the repository at root with them
// (without --baseline or --new-since) and returns its report, suppressions
// applied.
func newBaselineCmd(s Streams, flags func(*pflag.FlagSet), run func(ctx context.Context, root string) (*scan.Report, error)) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "Record today's findings so that only new ones block",
		Args:  cobra.NoArgs,
	}
	var out string
	var fresh bool
	create := &cobra.Command{
		Use:   "create [PATH]",
		Short: "Scan the repository and write the fingerprints of its findings to a baseline file",
		Long: `Scan the repository (default: the current directory) and write the
fingerprints of its findings (rule, path, first-seen day; never a secret)
to a baseline file. Later, "pipeguard scan --baseline FILE" reports those
findings as existing, and only new findings block.

Fingerprints are content-based: moving code or rebasing keeps them. When
the output file already exists, findings it knows keep their first-seen
day (--fresh starts over).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			root := "."
			if len(args) == 1 {
				root = args[0]
			}
			return runBaselineCreate(cmd.Context(), s, run, root, out, fresh, time.Now())
		},
	}
	create.Flags().StringVarP(&out, "output", "o", defaultBaselineFile, "write the baseline to `FILE`")
	create.Flags().BoolVar(&fresh, "fresh", false, "ignore an existing baseline file's first-seen days")
	if flags != nil {
		flags(create.Flags())
	}
	cmd.AddCommand(create)
	return cmd
}

func runBaselineCreate(ctx context.Context, s Streams, run func(context.Context, string) (*scan.Report, error), root, out string, fresh bool, now time.Time) error {
	var prev *baseline.File
	if !fresh {
		p, err := baseline.ReadFile(out)
		switch {
		case err == nil:
			prev = p
		case errors.Is(err, fs.ErrNotExist):
		default:
			return usageErr(fmt.Errorf("%w (use --fresh to overwrite it)", err))
		}
	}
	rep, err := run(ctx, root)
	if err != nil {
		if scan.IsConfigError(err) {
			return usageErr(err)
		}
		return &exitError{code: scan.ExitIncomplete, err: err}
	}
	if rep.Interrupted {
		// Half a baseline would make the findings it misses "new" later.
		return &exitError{code: rep.Outcome(scan.Conditions{}), err: errors.New("interrupted: the baseline was not written")}
	}
	b := baseline.Create(rep, prev, now)
	if err := b.WriteFile(out); err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "baseline: %d finding(s) written to %s\n", len(b.Findings), report.Clean(out))
	if len(rep.Errors) > 0 {
		for _, e := range rep.Errors {
			fmt.Fprintf(s.Err, "pipeguard: warning: %s scanner: %s\n", e.Scanner, report.Clean(e.Message))
		}
		return &exitError{code: scan.ExitIncomplete, err: errors.New("the scan was incomplete: the baseline may miss findings (they will count as new)")}
	}
	return nil
}
