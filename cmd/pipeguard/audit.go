package main

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/audit"
	"github.com/pipeguard/pipeguard/scan/deps"
	"github.com/pipeguard/pipeguard/scan/report"
)

// auditOptions are the audit command's flags.
type auditOptions struct {
	audit audit.Options

	org        string
	filter     audit.OrgFilter
	repos      []string
	reposFile  string
	apiURL     string
	tokenEnv   string
	shard      string
	scanners   string
	maxSize    string
	memBudget  string
	verbose    bool
	noProgress bool
	issues     auditIssueFlags
}

// auditIssueFlags are the flags of --open-issues, shared by audit and audit merge.
type auditIssueFlags struct {
	open      bool
	repo      string
	reportURL string
	tokenEnv  string
}

func (f *auditIssueFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.BoolVar(&f.open, "open-issues", false, "keep one tracking issue (label "+audit.IssueLabel+") per repository with blocking findings; close it when clean")
	fl.StringVar(&f.repo, "issues-repo", "", "put every tracking issue in `OWNER/NAME` instead of each audited repository")
	fl.StringVar(&f.reportURL, "report-url", "", "link tracking issues to this `URL` (e.g. the workflow run)")
	fl.StringVar(&f.tokenEnv, "issues-token-env", "", "environment `VARIABLE` that holds the token for tracking issues (default: --token-env)")
}

// token is the token for tracking issues: from --issues-token-env, or from
// the command's own token variable.
func (f *auditIssueFlags) token(s Streams, fallbackEnv string) string {
	name := f.tokenEnv
	if name == "" {
		name = fallbackEnv
	}
	return strings.TrimSpace(s.Getenv(name))
}

func newAuditCmd(s Streams) *cobra.Command {
	o := &auditOptions{}
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Audit many repositories: full history secrets, dependencies and config, with reports over time",
		Long: `Audit many repositories: each is cloned with its full history into a work
folder (removed afterwards) and scanned in full (secrets in all of history,
dependencies and configuration in the tree).

The configuration is the audit's: --config FILE (the organization's policy,
a .pipeguard.yaml) or pipeguard's defaults. A repository's own
.pipeguard.yaml files may tighten it (more scanners, lower thresholds) but
never loosen it: their disable_rules, exclude, policies, databases,
baseline, only_new and raised thresholds are not honoured, and the reports
list them per repository with every suppression that applied (reason and
expiry).

Repositories come from --org (the GitHub API; archived repositories, forks
and empty ones are left out unless asked), --repo OWNER/NAME and
--repos-file (one OWNER/NAME, clone URL, file:// URL or local path per line,
# for comments).

The token is read from the environment (--token-env, default GITHUB_TOKEN)
and reaches git only through its credential environment, for the GitHub
server's host only: never in a URL, an argument or a log.

With --state FILE the next run scans only the history that is new since the
last one, and reports what is new, fixed and still open. A secret found in
history stays open until a full-history scan (after a force-push, or with
--full) no longer finds it or it is suppressed.

--shard I/N audits a stable share of the repositories, for a workflow
matrix; 'pipeguard audit merge' combines the shards' reports.

Reports go to --out: audit.json, audit.md and audit.html.

Exit codes: 0 pass, 1 some repository has blocking findings, 2 some
repository could not be fully audited, 3 usage or configuration error.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runAudit(cmd, s, o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.org, "org", "", "audit the repositories of GitHub organization `ORG`")
	f.StringArrayVar(&o.filter.Topics, "topic", nil, "with --org, only repositories with this `TOPIC` (repeatable: all must match)")
	f.StringArrayVar(&o.filter.Include, "include", nil, "with --org, only repositories whose NAME or OWNER/NAME matches `GLOB` (repeatable)")
	f.StringArrayVar(&o.filter.Exclude, "exclude", nil, "with --org, leave out repositories whose NAME or OWNER/NAME matches `GLOB` (repeatable)")
	f.BoolVar(&o.filter.IncludeArchived, "include-archived", false, "with --org, audit archived repositories too")
	f.BoolVar(&o.filter.IncludeForks, "include-forks", false, "with --org, audit forks too")
	f.BoolVar(&o.filter.IncludeEmpty, "include-empty", false, "with --org, audit repositories the API reports as empty too")
	f.StringArrayVar(&o.repos, "repo", nil, "audit `OWNER/NAME` (or a clone URL or a local path; repeatable)")
	f.StringVar(&o.reposFile, "repos-file", "", "audit the repositories listed in `FILE`, one per line")
	f.StringVar(&o.apiURL, "github-url", "", "GitHub API `URL` (default $GITHUB_API_URL or "+audit.DefaultAPIURL+")")
	f.StringVar(&o.audit.ServerURL, "server-url", "", "GitHub server `URL` that OWNER/NAME is cloned from (default $GITHUB_SERVER_URL or "+audit.DefaultServerURL+")")
	f.StringVar(&o.tokenEnv, "token-env", "GITHUB_TOKEN", "environment `VARIABLE` that holds the GitHub token")
	f.IntVarP(&o.audit.Jobs, "jobs", "j", 2, "audit `N` repositories at once")
	f.DurationVar(&o.audit.Timeout, "timeout", audit.DefaultTimeout, "give up on one repository after `DURATION`")
	f.StringVar(&o.audit.State, "state", "", "remember commits and findings in `FILE` between runs (incremental audits)")
	f.BoolVar(&o.audit.Full, "full", false, "scan whole histories even when the state knows what was scanned")
	f.StringVarP(&o.audit.Out, "out", "o", "pipeguard-audit", "write audit.json, audit.md and audit.html to `DIR`")
	f.StringVar(&o.audit.WorkDir, "work-dir", "", "clone into `DIR` (default the system's temporary folder)")
	f.StringVar(&o.shard, "shard", "", "audit only shard `I/N` of the repositories (1 <= I <= N)")
	f.StringVar(&o.scanners, "scanners", "", "comma-separated scanners to run: secrets,deps,config (default all)")
	f.StringVar(&o.audit.Scan.GoVulnDB, "go-vulndb", "", "Go vulnerability database `URL|PATH` (default https://vuln.go.dev)")
	f.StringVar(&o.audit.Scan.OSVDB, "osv-db", "", "offline OSV database `PATH` for Python")
	f.BoolVar(&o.audit.Scan.Online, "online", true, "query the OSV API for Python advisories when no --osv-db is given")
	f.BoolVar(&o.audit.Scan.Offline, "offline", false, "never use the network for scans: Python needs --osv-db, Go a local --go-vulndb (else Go modules are skipped, with a note); cloning still uses it")
	f.StringVar(&o.maxSize, "max-file-size", "", "skip files larger than `SIZE` (bytes, or with KB/MB/GB; default 10MB; 0 for no limit)")
	f.StringVar(&o.memBudget, "memory-budget", "auto", "memory `SIZE` allowed for govulncheck's symbol analysis; past it, package level is kept with a note (auto: 3/4 of the available memory; 0 for no budget)")
	f.StringVar(&o.audit.Scan.ConfigFile, "config", "", "the audit's configuration `FILE` (a .pipeguard.yaml: the organization's policy), which repositories may tighten but not loosen (default: pipeguard's defaults)")
	f.StringArrayVar(&o.audit.Scan.PolicyDirs, "policy", nil, "add Rego policies from `DIR` (repeatable)")
	f.StringVar(&o.audit.Scan.FailOn, "fail-on", "", "severity at and above which findings block: critical, high, medium, low, info")
	f.BoolVar(&o.noProgress, "no-progress", false, "print one line per repository even on a terminal")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "log progress to stderr")
	o.issues.register(cmd)
	cmd.AddCommand(newAuditMergeCmd(s))
	return cmd
}

func runAudit(cmd *cobra.Command, s Streams, o *auditOptions) error {
	ctx := cmd.Context()
	stderr := s.Err
	opts := o.audit
	opts.Scan.Version = toolVersion()
	// govulncheck runs in a child process, as for scan, so that one large
	// module cannot take the whole audit's memory; results are cached
	// across repositories and runs.
	opts.Scan.GovulncheckExec = depsExec()
	opts.Scan.CacheDir = deps.DefaultCacheDir()
	if opts.ServerURL == "" {
		opts.ServerURL = auditEnv(s, "GITHUB_SERVER_URL", audit.DefaultServerURL)
	}
	apiURL := o.apiURL
	if apiURL == "" {
		apiURL = auditEnv(s, "GITHUB_API_URL", audit.DefaultAPIURL)
	}
	opts.Token = strings.TrimSpace(s.Getenv(o.tokenEnv))
	if o.scanners != "" {
		opts.Scan.Scanners = strings.Split(o.scanners, ",")
	}
	if err := o.scanLimits(&opts); err != nil {
		return err
	}
	if o.shard != "" {
		sh, err := audit.ParseShard(o.shard)
		if err != nil {
			return usageErr(err)
		}
		opts.Shard = sh
	}
	if opts.Jobs < 1 {
		return usageErr(fmt.Errorf("--jobs must be at least 1"))
	}
	if err := o.filter.Check(); err != nil {
		return usageErr(err)
	}
	if o.org == "" && len(o.repos) == 0 && o.reposFile == "" {
		return usageErr(fmt.Errorf("nothing to audit: give --org, --repo or --repos-file"))
	}
	if o.verbose {
		opts.Log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}

	for _, r := range o.repos {
		t, err := audit.ParseSpec(r, opts.ServerURL, "")
		if err != nil {
			return usageErr(fmt.Errorf("--repo: %w", err))
		}
		opts.Targets = append(opts.Targets, t)
	}
	if o.reposFile != "" {
		ts, err := audit.ReadReposFile(o.reposFile, opts.ServerURL)
		if err != nil {
			return usageErr(err)
		}
		opts.Targets = append(opts.Targets, ts...)
	}
	if o.org != "" || o.issues.open {
		client, err := audit.NewClient(apiURL, opts.Token, nil)
		if err != nil {
			return usageErr(err)
		}
		if o.org != "" {
			ts, sk, err := audit.ListOrg(ctx, client, o.org, opts.ServerURL, o.filter)
			if err != nil {
				return &exitError{code: scan.ExitIncomplete, err: auditScrub(err, opts.Token)}
			}
			opts.Targets = append(opts.Targets, ts...)
			opts.Skipped = sk
		}
	}
	if !o.noProgress && !o.verbose {
		opts.Progress = audit.NewProgress(stderr, s.isTerminal(stderr))
	}

	a, err := audit.Run(ctx, opts)
	if err != nil {
		if scan.IsConfigError(err) {
			return usageErr(err)
		}
		return &exitError{code: scan.ExitIncomplete, err: err}
	}
	if o.issues.open && !a.Interrupted {
		if err := auditSyncIssues(s, cmd, apiURL, o.issues.token(s, o.tokenEnv), a, o.issues); err != nil {
			return err
		}
	}
	printAuditSummary(s.Out, a, opts.Out)
	return auditExit(a.ExitCode())
}

// scanLimits reads the flags that bound each scan, as scan reads them, and
// makes --config a path that does not depend on the clone's folder.
func (o *auditOptions) scanLimits(opts *audit.Options) error {
	if o.maxSize != "" {
		n, err := parseSize(o.maxSize)
		if err != nil {
			return usageErr(fmt.Errorf("--max-file-size: %w", err))
		}
		if n == 0 {
			n = -1
		}
		opts.Scan.MaxFileSize = n
	}
	if o.memBudget != "" {
		n, err := parseBudget(o.memBudget)
		if err != nil {
			return usageErr(fmt.Errorf("--memory-budget: %w", err))
		}
		opts.Scan.MemoryBudget = n
	}
	if f := opts.Scan.ConfigFile; f != "" {
		abs, err := filepath.Abs(f)
		if err != nil {
			return usageErr(fmt.Errorf("--config: %w", err))
		}
		opts.Scan.ConfigFile = abs
	}
	return nil
}

func newAuditMergeCmd(s Streams) *cobra.Command {
	var (
		state    string
		apiURL   string
		tokenEnv string
		issues   auditIssueFlags
	)
	cmd := &cobra.Command{
		Use:   "merge OUT_DIR SHARD_DIR...",
		Short: "Combine the reports of audit shards into one",
		Long: `Combine the reports of audit shards (each SHARD_DIR holds the audit.json
that 'pipeguard audit --shard I/N --out SHARD_DIR' wrote, or is that file)
into one: OUT_DIR receives the merged audit.json, audit.md and audit.html.

With --state FILE the shards' state files (state.json next to each
audit.json) are merged too, the latest scan of each repository winning, for
the next run to start from.

Exit codes as for audit: 0 pass, 1 blocking findings, 2 incomplete, 3 usage.`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := audit.MergeDirs(args[1:], audit.MergeOptions{Out: args[0], State: state})
			if err != nil {
				return usageErr(err)
			}
			if issues.open {
				if apiURL == "" {
					apiURL = auditEnv(s, "GITHUB_API_URL", audit.DefaultAPIURL)
				}
				if err := auditSyncIssues(s, cmd, apiURL, issues.token(s, tokenEnv), a, issues); err != nil {
					return err
				}
			}
			printAuditSummary(s.Out, a, args[0])
			return auditExit(a.ExitCode())
		},
	}
	cmd.Flags().StringVar(&state, "state", "", "write the shards' merged state to `FILE`")
	cmd.Flags().StringVar(&apiURL, "github-url", "", "GitHub API `URL` (default $GITHUB_API_URL or "+audit.DefaultAPIURL+")")
	cmd.Flags().StringVar(&tokenEnv, "token-env", "GITHUB_TOKEN", "environment `VARIABLE` that holds the GitHub token")
	issues.register(cmd)
	return cmd
}

// auditSyncIssues updates the tracking issues; failures are warnings.
func auditSyncIssues(s Streams, cmd *cobra.Command, apiURL, token string, a *audit.Audit, f auditIssueFlags) error {
	if token == "" {
		fmt.Fprintln(s.Err, "pipeguard audit: --open-issues needs a token: no tracking issue written")
		return nil
	}
	client, err := audit.NewClient(apiURL, token, nil)
	if err != nil {
		return usageErr(err)
	}
	out := audit.SyncIssues(cmd.Context(), client, a, audit.IssueOptions{Repo: f.repo, ReportURL: f.reportURL})
	w := s.Err
	fmt.Fprintf(w, "pipeguard audit: tracking issues: %d created, %d updated, %d reopened, %d closed, %d unchanged\n",
		len(out.Created), len(out.Updated), len(out.Reopened), len(out.Closed), len(out.Unchanged))
	for _, warn := range out.Warnings {
		fmt.Fprintf(w, "pipeguard audit: warning: %s\n", report.Clean(strings.ReplaceAll(warn, token, "***")))
	}
	return nil
}

func printAuditSummary(w io.Writer, a *audit.Audit, out string) {
	t := a.Totals
	fmt.Fprintf(w, "pipeguard audit: %d repositories: %d fail, %d pass, %d incomplete; %d blocking findings, %d new, %d fixed",
		t.Repositories, t.Fail, t.Pass, t.Incomplete, t.Blocking, t.New, t.Fixed)
	if out != "" {
		fmt.Fprintf(w, "; reports in %s", out)
	}
	fmt.Fprintln(w)
}

func auditExit(code int) error {
	if code == scan.ExitPass {
		return nil
	}
	return &exitError{code: code}
}

func auditScrub(err error, token string) error {
	if token == "" || err == nil {
		return err
	}
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), token, "***"))
}

func auditEnv(s Streams, name, def string) string {
	if v := strings.TrimSpace(s.Getenv(name)); v != "" {
		return v
	}
	return def
}
