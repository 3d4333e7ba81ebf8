package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/deps"
)

// dbChildCmd is the hidden subcommand of "db" that runs govulncheck for the
// deps scanner in an isolated child process: deps.Options.Exec is
// [this executable, "db", dbChildCmd].
const dbChildCmd = "govulncheck"

// newDBCmd is "pipeguard db": offline vulnerability databases.
func newDBCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Build or download vulnerability databases for offline scans",
		Long: `Build or download the vulnerability databases that the deps scanner reads,
for air-gapped runners:

  pipeguard db build --go OSV_DIR --out DIR   Go OSV records -> govulncheck's layout (--go-vulndb DIR)
  pipeguard db pull --out DIR                 download DIR/go (--go-vulndb) and DIR/pypi/all.zip (--osv-db)`,
	}
	cmd.AddCommand(newDBBuildCmd(), newDBPullCmd(), newDBChildCmd())
	return cmd
}

func newDBBuildCmd() *cobra.Command {
	var goDir, out string
	cmd := &cobra.Command{
		Use:   "build --go OSV_DIR --out DIR",
		Short: "Turn a folder of Go OSV records into govulncheck's database layout",
		Long: `Turn a folder of Go OSV records (*.json, searched recursively) into the
layout govulncheck reads with -db: DIR/index/db.json (modified time),
DIR/index/modules.json, DIR/index/vulns.json and DIR/ID/<id>.json. Give DIR
to 'pipeguard scan --go-vulndb DIR'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if goDir == "" || out == "" {
				return usageErr(fmt.Errorf("db build needs --go OSV_DIR and --out DIR"))
			}
			if fi, err := os.Stat(goDir); err != nil || !fi.IsDir() {
				if err == nil {
					err = fmt.Errorf("not a folder")
				}
				return usageErr(fmt.Errorf("--go %s: %w", goDir, err))
			}
			n, err := deps.BuildGoVulnDB(goDir, out)
			if err != nil {
				return usageErr(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "pipeguard: wrote %d Go advisories to %s\n", n, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&goDir, "go", "", "folder of Go OSV records (JSON)")
	cmd.Flags().StringVar(&out, "out", "", "folder to write the database to")
	return cmd
}

func newDBPullCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "pull --out DIR",
		Short: "Download the Go and PyPI vulnerability databases for offline use",
		Long: `Download the Go vulnerability database (` + deps.GoVulnDBZip + `) into DIR/go
and OSV's PyPI advisories (` + deps.PyPIOSVZip + `) into
DIR/pypi/all.zip. Then scan offline with
'pipeguard scan --go-vulndb DIR/go --osv-db DIR/pypi/all.zip'. Needs network access.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usageErr(fmt.Errorf("db pull needs --out DIR"))
			}
			if err := deps.Pull(cmd.Context(), nil, out); err != nil {
				return &exitError{code: scan.ExitIncomplete, err: err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "pipeguard: Go database in %s/go, PyPI advisories in %s/pypi/all.zip\n", out, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "folder to write the databases to")
	return cmd
}

// newDBChildCmd runs govulncheck with the given arguments and writes its
// output to stdout. The deps scanner starts it as a child process so that a
// panic or runaway memory in govulncheck cannot end the scan.
func newDBChildCmd() *cobra.Command {
	return &cobra.Command{
		Use:                dbChildCmd + " [govulncheck flags]",
		Short:              "Run govulncheck (used internally by the deps scanner)",
		Hidden:             true,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if code := deps.RunGovulncheck(cmd.Context(), args, cmd.OutOrStdout(), cmd.ErrOrStderr()); code != 0 {
				return &exitError{code: code}
			}
			return nil
		},
	}
}

// depsExec is the deps.Options.Exec that runs govulncheck in a child of
// this executable, or nil (in process) when the executable cannot be found.
func depsExec() []string {
	argv, err := deps.SelfExec("db", dbChildCmd)
	if err != nil {
		return nil
	}
	return argv
}
