package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/policy"
	"github.com/pipeguard/pipeguard/scan/repoconf"
)

// policyFlags are the options shared by the policy subcommands.
type policyFlags struct {
	dirs     []string
	disabled []string
	root     string
	noConfig bool
}

func (p *policyFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&p.dirs, "policy", nil, "user policy folder or .rego file (repeatable)")
	cmd.Flags().StringVar(&p.root, "root", ".", "repository whose .pipeguard.yaml adds policies and disabled rules")
	cmd.Flags().BoolVar(&p.noConfig, "no-config", false, "ignore the repository's .pipeguard.yaml")
}

// options builds the policy options: the flags' folders plus the policies
// and disabled rules of the repository configuration.
func (p *policyFlags) options(cmd *cobra.Command, extraDirs []string) (policy.Options, error) {
	opts := policy.Options{Dirs: append(append([]string(nil), p.dirs...), extraDirs...), Disabled: p.disabled}
	if p.noConfig {
		return opts, nil
	}
	set, err := repoconf.Load(cmd.Context(), p.root)
	if err != nil {
		return opts, err
	}
	mods, err := set.PolicyModules(cmd.Context())
	if err != nil {
		return opts, err
	}
	opts.Modules = mods
	if root := set.Root(); root != nil {
		opts.Disabled = append(opts.Disabled, root.DisableRules...)
	}
	return opts, nil
}

// policyErr maps a policy error to its exit code: a problem with the
// policies themselves is a configuration error (exit 3).
func policyErr(err error) error {
	if scan.IsConfigError(err) {
		return usageErr(err)
	}
	return &exitError{code: scan.ExitIncomplete, err: err}
}

func newPolicyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Test and list the Rego rules of the config checks",
		Long: `The config scanner turns FastAPI and Go sources and deployment files into
facts (policies/facts.schema.json) and evaluates Rego rules over them: the
built-in ones and those of --policy folders and the repository
configuration. See policies/README.md for writing rules.`,
	}
	cmd.AddCommand(newPolicyTestCmd(), newPolicyListCmd())
	return cmd
}

func newPolicyTestCmd() *cobra.Command {
	var (
		pf      policyFlags
		verbose bool
		run     string
	)
	cmd := &cobra.Command{
		Use:   "test [DIR...]",
		Short: "Run the Rego unit tests of the built-in and user policies",
		Long: `Runs every test_* rule of the built-in policies and of the user's policy
folders (arguments, --policy, repository configuration) in the same sandbox
as a scan, and prints the results like "opa test". Exits 1 when a test
fails, 3 when a policy does not compile or uses a forbidden built-in.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := pf.options(cmd, args)
			if err != nil {
				return policyErr(err)
			}
			opts.Run = run
			results, err := policy.Test(cmd.Context(), opts)
			if err != nil {
				return policyErr(err)
			}
			if err := policy.WriteTestResults(cmd.OutOrStdout(), results, verbose); err != nil {
				return &exitError{code: scan.ExitIncomplete, err: err}
			}
			if policy.Failed(results) {
				return &exitError{code: scan.ExitFail}
			}
			return nil
		},
	}
	pf.register(cmd)
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "print every test, not only failures")
	cmd.Flags().StringVar(&run, "run", "", "run only the tests whose name matches this regular expression")
	return cmd
}

func newPolicyListCmd() *cobra.Command {
	var (
		pf     policyFlags
		format string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Print the rule catalogue",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return usageErr(fmt.Errorf("--format %q: want text or json", format))
			}
			opts, err := pf.options(cmd, nil)
			if err != nil {
				return policyErr(err)
			}
			rules, err := policy.List(cmd.Context(), opts)
			if err != nil {
				return policyErr(err)
			}
			if format == "json" {
				return writeRulesJSON(cmd.OutOrStdout(), rules)
			}
			return writeRulesText(cmd.OutOrStdout(), rules)
		},
	}
	pf.register(cmd)
	cmd.Flags().StringArrayVar(&pf.disabled, "disable", nil, "rule id to mark disabled (repeatable)")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func writeRulesJSON(w io.Writer, rules []policy.Rule) error {
	if rules == nil {
		rules = []policy.Rule{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Rules []policy.Rule `json:"rules"`
	}{rules})
}

func writeRulesText(w io.Writer, rules []policy.Rule) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tLANGUAGES\tSOURCE\tSTATUS\tTITLE")
	for _, r := range rules {
		src := "built-in"
		if !r.Builtin {
			src = r.Path
		}
		langs := strings.Join(r.Languages, ",")
		if langs == "" {
			langs = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Severity, langs, src, r.Status, strings.TrimSpace(r.Title))
	}
	return tw.Flush()
}
