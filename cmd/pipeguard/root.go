package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/engine"
	"github.com/pipeguard/pipeguard/scan/report"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build information.
var version = ""

// Streams are the process's standard streams and environment, injected
// into every command (as cli/cli's IOStreams are) so that commands run in
// tests without a terminal: no command reads os.Stdin, os.Stdout,
// os.Stderr or the environment itself.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
	// IsTerminal reports whether w is a terminal (for progress bars);
	// nil means it checks *os.File values.
	IsTerminal func(w io.Writer) bool
	// Progress, when set, is told as a scan enters each stage
	// (scan.StageWalk... scan.StageReport). Tests set it to interrupt a
	// real pipeguard process at a chosen point; main leaves it nil.
	Progress func(ctx context.Context, stage string)
}

// isTerminal reports whether w is a terminal.
func (s Streams) isTerminal(w io.Writer) bool {
	if s.IsTerminal != nil {
		return s.IsTerminal(w)
	}
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// enter tells s.Progress that the command enters stage.
func (s Streams) enter(ctx context.Context, stage string) {
	if s.Progress != nil {
		s.Progress(ctx, stage)
	}
}

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error // nil when the command already said why
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErr marks an error as a usage or configuration error (exit 3).
func usageErr(err error) error { return &exitError{code: scan.ExitUsage, err: err} }

// flagError is a command line cobra rejected, with the command it was for.
type flagError struct {
	cmd *cobra.Command
	err error
}

func (e *flagError) Error() string { return e.err.Error() }
func (e *flagError) Unwrap() error { return e.err }

// Main runs pipeguard with args and returns the exit code. An interrupt
// (ctx cancelled by SIGINT or SIGTERM) always gives scan.ExitInterrupted,
// after the command wrote what it could.
func Main(ctx context.Context, args []string, s Streams) int {
	if s.Getenv == nil {
		s.Getenv = os.Getenv
	}
	root := newRootCmd(s)
	root.SetArgs(args)
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.Err)
	err := root.ExecuteContext(ctx)
	var fe *flagError
	if errors.As(err, &fe) && fe.cmd.Name() == "scan" {
		// The scan's reports are still written, saying why it did not run,
		// whenever the command line names them readably.
		writeUsageReports(ctx, s, lenientReportFlags(args), err)
	}
	code := scan.ExitPass
	var ee *exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.code
		if ee.err != nil && !scan.Interrupted(ctx, ee.err) {
			fmt.Fprintf(s.Err, "pipeguard: %s\n", report.Clean(ee.err.Error()))
		}
	case scan.Interrupted(ctx, err):
	default:
		// Anything cobra itself rejects (unknown command, bad flag, wrong
		// argument count) and every configuration error is a usage error.
		fmt.Fprintf(s.Err, "pipeguard: %s\n", report.Clean(err.Error()))
		code = scan.ExitUsage
	}
	if scan.Interrupted(ctx, err) || ctx.Err() != nil {
		fmt.Fprintf(s.Err, "pipeguard: interrupted (%v)\n", context.Cause(ctx))
		return scan.ExitInterrupted
	}
	return code
}

func newRootCmd(s Streams) *cobra.Command {
	root := &cobra.Command{
		Use:           "pipeguard",
		Short:         "Pipeline guard for API services: secrets, dependencies, FastAPI and deployment config",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &flagError{cmd: c, err: usageErr(err)} })
	// baseline create scans as scan does, with the same flags.
	baselineScan := &scanOptions{}
	root.AddCommand(
		newScanCmd(s),
		newBaselineCmd(s, baselineScan.registerEngineFlags, func(ctx context.Context, dir string) (*scan.Report, error) {
			opts, err := baselineScan.engineOptions(s)
			if err != nil {
				return nil, err
			}
			opts.Root = dir
			return engine.Scan(ctx, opts)
		}),
		newPolicyCmd(),
		newDBCmd(),
		newGitHubCmd(s),
		newHookCmd(s),
		newAuditCmd(s),
		newVersionCmd(s),
	)
	return root
}

// toolVersion is the version recorded in reports.
func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

func newVersionCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print pipeguard's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(s.Out, "pipeguard %s\n", toolVersion())
			return nil
		},
	}
}
