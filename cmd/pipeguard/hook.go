package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/hook"
	"github.com/pipeguard/pipeguard/scan/report"
)

func newHookCmd(s Streams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "hook",
		Short: "Run pipeguard as a git pre-push check",
		Long: `Run pipeguard as a git pre-push check: before a push leaves this machine,
the commits it would send are scanned for secrets (and for unsafe
configuration and, with an offline database, vulnerable dependencies, when
the files those checks read changed), with the repository's own
configuration, suppressions and gate, the same as CI.

  pipeguard hook install     write .git/hooks/pre-push (core.hooksPath is honoured)
  pipeguard hook uninstall   remove it

A push that would leak a secret is refused; git push --no-verify bypasses
the check once.`,
	}
	cmd.AddCommand(newHookInstallCmd(s), newHookUninstallCmd(s), newHookRunCmd(s))
	return cmd
}

func newHookInstallCmd(s Streams) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "install",
		Short: "Install pipeguard's pre-push hook in this repository",
		Long: `Install pipeguard's pre-push hook in the repository of the current
directory, in the folder git reads hooks from (core.hooksPath is honoured).
The hook runs this pipeguard binary, or pipeguard from PATH when this one
has gone. A pre-push hook that pipeguard did not write is left alone,
unless --force is given: it is then renamed to pre-push` + hook.BackupSuffix + `,
and 'pipeguard hook uninstall' puts it back.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bin, note := hookBinary()
			res, err := hook.Install(cmd.Context(), hook.InstallOptions{Dir: ".", Binary: bin, Force: force})
			if err != nil {
				return usageErr(err)
			}
			out := s.Out
			if res.Backup != "" {
				fmt.Fprintf(out, "pipeguard: moved the existing pre-push hook to %s\n", report.Clean(res.Backup))
			}
			verb := "installed"
			if res.Updated {
				verb = "updated"
			}
			fmt.Fprintf(out, "pipeguard: %s the pre-push hook %s\n", verb, report.Clean(res.Path))
			if note != "" {
				fmt.Fprintf(out, "pipeguard: %s\n", report.Clean(note))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace a pre-push hook pipeguard did not write (it is kept as pre-push"+hook.BackupSuffix+")")
	return cmd
}

// hookBinary is the pipeguard binary the hook should run: this one, unless
// it is a temporary build (go run, go test) that will not outlive the
// command; then the hook finds pipeguard on PATH.
func hookBinary() (bin, note string) {
	exe, err := os.Executable()
	if err == nil {
		exe, err = filepath.EvalSymlinks(exe)
	}
	if err != nil {
		return "", fmt.Sprintf("the hook will run pipeguard from PATH (this binary's path is unknown: %v)", err)
	}
	if strings.Contains(exe, string(filepath.Separator)+"go-build") {
		return "", "this pipeguard is a temporary build (go run): the hook will run pipeguard from PATH"
	}
	return exe, fmt.Sprintf("the hook runs %s (or pipeguard from PATH if that file goes away)", exe)
}

func newHookUninstallCmd(s Streams) *cobra.Command {
	return &cobra.Command{
		Use:   "uninstall",
		Short: "Remove pipeguard's pre-push hook from this repository",
		Long: `Remove pipeguard's pre-push hook from the repository of the current
directory, and put back the hook that 'pipeguard hook install --force'
moved aside. A pre-push hook pipeguard did not write is left alone.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := hook.Uninstall(cmd.Context(), ".")
			if errors.Is(err, hook.ErrNotInstalled) {
				fmt.Fprintf(s.Out, "pipeguard: %s\n", report.Clean(err.Error()))
				return nil
			}
			if err != nil {
				return usageErr(err)
			}
			fmt.Fprintf(s.Out, "pipeguard: removed the pre-push hook %s\n", report.Clean(res.Path))
			if res.Restored {
				fmt.Fprintf(s.Out, "pipeguard: restored the hook it had replaced, %s\n", report.Clean(res.Path))
			}
			return nil
		},
	}
}

func newHookRunCmd(s Streams) *cobra.Command {
	var (
		o       hook.Options
		timings bool
	)
	cmd := &cobra.Command{
		Use:   "run pre-push [REMOTE URL]",
		Short: "Run the pre-push check (git's pre-push hook calls this)",
		Long: `Run the pre-push check, as git's pre-push hook does: REMOTE and URL are
the remote's name and location, and standard input has one line per ref
pushed: "<local ref> <local sha> <remote ref> <remote sha>".

Without REMOTE and URL, the push is read from the variables the pre-commit
framework sets at its pre-push stage (PRE_COMMIT_FROM_REF,
PRE_COMMIT_TO_REF, PRE_COMMIT_REMOTE_NAME, PRE_COMMIT_REMOTE_URL, ...).

Exit codes: 0 the push may go on, 1 a finding blocks it, 2 the scan could
not finish (0 instead when .pipeguard.yaml sets fail_open: true), 3 a
configuration error.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 || args[0] != "pre-push" {
				return fmt.Errorf("hook run: want the hook name pre-push, then REMOTE and URL")
			}
			if len(args) != 1 && len(args) != 3 {
				return fmt.Errorf("hook run pre-push: want REMOTE and URL, got %d argument(s)", len(args)-1)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dir = "."
			o.In = s.In
			if len(args) == 3 {
				o.Remote, o.URL = args[1], args[2]
			} else {
				// Run by the pre-commit framework, which keeps git's
				// standard input to itself.
				o.Remote, o.URL = s.Getenv("PRE_COMMIT_REMOTE_NAME"), s.Getenv("PRE_COMMIT_REMOTE_URL")
				ups, err := hook.PreCommitUpdates(cmd.Context(), ".", s.Getenv)
				if err != nil {
					return &exitError{code: scan.ExitIncomplete, err: err}
				}
				if ups == nil {
					return usageErr(errors.New("hook run pre-push: without REMOTE and URL, PRE_COMMIT_TO_REF must be set (as the pre-commit framework does)"))
				}
				o.Updates = ups
			}
			o.Out = s.Out
			o.Version = toolVersion()
			o.Progress = s.Progress
			res := hook.Run(cmd.Context(), o)
			if timings {
				printTimings(s, res)
			}
			if res.Exit != scan.ExitPass {
				return &exitError{code: res.Exit}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.GoVulnDB, "go-vulndb", "", "local Go vulnerability database `PATH` (default: deps.go_vulndb of .pipeguard.yaml)")
	f.StringVar(&o.OSVDB, "osv-db", "", "local OSV database `PATH` for Python (default: deps.osv_db of .pipeguard.yaml)")
	f.BoolVar(&timings, "timings", false, "print how long each part of the check took, to stderr")
	return cmd
}

func printTimings(s Streams, res *hook.Result) {
	w := s.Err
	for _, t := range res.Timings {
		fmt.Fprintf(w, "timing %-8s %7.1f ms\n", t.Part, float64(t.Took.Microseconds())/1000)
	}
	if res.Report != nil {
		for _, s := range res.Report.Scanners {
			fmt.Fprintf(w, "timing scanner %-8s %5d ms\n", s.Name, s.DurationMS)
		}
	}
}
