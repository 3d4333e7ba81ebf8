package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/engine"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise it comes from the module's build information.
var version = ""

// Streams are the process's standard streams and environment, injected so
// that commands run in tests without a terminal.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	Err    io.Writer
	Getenv func(string) string
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

// Main runs pipeguard with args and returns the exit code.
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
	if err == nil {
		return scan.ExitPass
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(s.Err, "pipeguard: %v\n", ee.err)
		}
		return ee.code
	}
	// Anything cobra itself rejects (unknown command, bad flag, wrong
	// argument count) and every configuration error is a usage error.
	fmt.Fprintf(s.Err, "pipeguard: %v\n", err)
	return scan.ExitUsage
}

func newRootCmd(s Streams) *cobra.Command {
	root := &cobra.Command{
		Use:           "pipeguard",
		Short:         "Pipeline guard for API services: secrets, dependencies, FastAPI and deployment config",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr(err) })
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
		newGitHubCmd(),
		newHookCmd(),
		newAuditCmd(),
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
