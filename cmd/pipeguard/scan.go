package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/deps"
	"github.com/pipeguard/pipeguard/scan/engine"
	"github.com/pipeguard/pipeguard/scan/github"
	"github.com/pipeguard/pipeguard/scan/outfile"
	"github.com/pipeguard/pipeguard/scan/report"
)

// scanOptions are the scan command's flags.
type scanOptions struct {
	engine engine.Options

	format      string
	output      string
	reports     []string
	scanners    string
	history     bool
	staged      bool
	maxFileSize string
	memBudget   string
	noCache     bool
	verbose     bool
	submodules  bool
	github      githubFlags
}

func newScanCmd(s Streams) *cobra.Command {
	o := &scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan [PATH]",
		Short: "Scan a repository for secrets, vulnerable dependencies and unsafe configuration",
		Long: `Scan a repository (default: the current directory).

By default the working tree is scanned by every scanner (secrets, deps,
config), checked-out submodules included. --history scans all of git
history for secrets, --range A..B only the commits in a range, --staged the
git index. In a shallow clone, commits past the shallow boundary make the
scan incomplete unless --unshallow fetches them first.

The reports asked for with -o and --report are written in every case, even
when the command line is wrong (when their paths and formats can be read)
or the scan is interrupted, and then say why the verdict is incomplete.

Exit codes: 0 pass, 1 blocking findings, 2 scan incomplete (a scanner or
database failed, a file could not be read, history is missing), 3 usage or
configuration error, 130 interrupted (SIGINT or SIGTERM).`,
		Args: func(cmd *cobra.Command, args []string) error {
			if err := cobra.MaximumNArgs(1)(cmd, args); err != nil {
				return o.usageFailure(cmd, s, usageErr(err))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.engine.Root = args[0]
			}
			return runScan(cmd, s, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.format, "format", "f", "text", "output format: "+strings.Join(report.Formats, ", "))
	f.StringVarP(&o.output, "output", "o", "", "write the output to `FILE` instead of stdout")
	f.StringArrayVar(&o.reports, "report", nil, "also write a report, as `FORMAT=PATH` (repeatable)")
	o.registerEngineFlags(f)
	f.BoolVar(&o.history, "history", false, "scan all of git history for secrets")
	f.StringVar(&o.engine.Range, "range", "", "scan only the commits in `A..B`")
	f.BoolVar(&o.staged, "staged", false, "scan the git index (staged changes)")
	f.BoolVar(&o.engine.Unshallow, "unshallow", false, "in a shallow clone, fetch the missing history (git fetch --unshallow) before scanning commits")
	f.StringVar(&o.engine.Baseline, "baseline", "", "baseline `FILE` of known findings: they are reported as existing and do not block")
	f.StringVar(&o.engine.NewSince, "new-since", "", "base `REF`: only findings the change introduced since REF block")
	f.StringVar(&o.engine.FailOn, "fail-on", "", "severity at and above which findings block: critical, high, medium, low, info")
	f.StringVar(&o.engine.Event, "event", "", "the CI event for the gate (default: $GITHUB_EVENT_NAME, else local)")
	o.github.register(f, true)
	cmd.MarkFlagsMutuallyExclusive("history", "range", "staged")
	return cmd
}

// registerEngineFlags adds the flags that say how to scan (what scanners,
// which databases and policies, which configuration): the scan command's,
// and those of every command that scans the same way (baseline create).
func (o *scanOptions) registerEngineFlags(f *pflag.FlagSet) {
	f.StringVar(&o.scanners, "scanners", "", "comma-separated scanners to run: secrets,deps,config (default all)")
	f.StringVar(&o.maxFileSize, "max-file-size", "", "skip files larger than `SIZE` (bytes, or with KB/MB/GB; default 10MB; 0 for no limit)")
	f.StringVar(&o.engine.GitleaksConfig, "gitleaks-config", "", "gitleaks configuration `FILE` (default: the repository's .gitleaks.toml)")
	f.StringVar(&o.engine.GoVulnDB, "go-vulndb", "", "Go vulnerability database `URL|PATH` (default https://vuln.go.dev)")
	f.StringVar(&o.engine.OSVDB, "osv-db", "", "offline OSV database `PATH` (folder of OSV records, or all.zip) for Python")
	f.BoolVar(&o.engine.Online, "online", true, "query the OSV API for Python advisories when no --osv-db is given")
	f.BoolVar(&o.engine.Offline, "offline", false, "never use the network: Python needs --osv-db, Go a local --go-vulndb (else Go modules are skipped, with a note)")
	f.StringArrayVar(&o.engine.PolicyDirs, "policy", nil, "add Rego policies from `DIR` (repeatable)")
	f.StringVar(&o.engine.ConfigFile, "config", "", "pipeguard configuration `FILE` (default: .pipeguard.yaml files in the repository)")
	f.StringVar(&o.engine.TrustedConfigFrom, "trusted-config-from", "", "read config, suppressions and policies from `REF` (e.g. the pull request's base)")
	f.StringVar(&o.memBudget, "memory-budget", "auto", "memory `SIZE` allowed for govulncheck's symbol analysis; past it, package level is kept with a note (auto: 3/4 of the available memory; 0 for no budget)")
	f.BoolVar(&o.noCache, "no-cache", false, "do not read or write cached dependency results")
	f.BoolVarP(&o.verbose, "verbose", "v", false, "log progress to stderr")
	f.BoolVar(&o.submodules, "submodules", true, "scan the files of checked-out submodules in a working-tree scan (--submodules=false lists them as skipped)")
}

// engineOptions turns the flags into engine options.
func (o *scanOptions) engineOptions(s Streams) (engine.Options, error) {
	opts := o.engine
	opts.Version = toolVersion()
	opts.NoSubmodules = !o.submodules
	opts.Progress = s.Progress
	switch {
	case o.history:
		opts.Mode = scan.ModeHistory
	case opts.Range != "":
		opts.Mode = scan.ModeRange
	case o.staged:
		opts.Mode = scan.ModeStaged
	default:
		opts.Mode = scan.ModeTree
	}
	if o.scanners != "" {
		opts.Scanners = strings.Split(o.scanners, ",")
	}
	if opts.GitleaksConfig != "" {
		// A path on the command line is relative to where the command runs,
		// not to the scanned folder.
		abs, err := filepath.Abs(opts.GitleaksConfig)
		if err != nil {
			return opts, usageErr(fmt.Errorf("--gitleaks-config: %w", err))
		}
		opts.GitleaksConfig = abs
	}
	if o.maxFileSize != "" {
		n, err := parseSize(o.maxFileSize)
		if err != nil {
			return opts, usageErr(fmt.Errorf("--max-file-size: %w", err))
		}
		if n == 0 {
			n = -1
		}
		opts.MaxFileSize = n
	}
	if o.memBudget != "" {
		n, err := parseBudget(o.memBudget)
		if err != nil {
			return opts, usageErr(fmt.Errorf("--memory-budget: %w", err))
		}
		opts.MemoryBudget = n
	}
	if !o.noCache {
		opts.CacheDir = deps.DefaultCacheDir()
	}
	opts.GovulncheckExec = depsExec()
	if opts.Event == "" {
		opts.Event = s.Getenv("GITHUB_EVENT_NAME")
	}
	if opts.Event == "" {
		opts.Event = "local"
	}
	opts.Branch = s.Getenv("GITHUB_HEAD_REF")
	if opts.Branch == "" {
		opts.Branch = s.Getenv("GITHUB_REF_NAME")
	}
	if o.verbose {
		opts.Log = slog.New(slog.NewTextHandler(s.Err, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return opts, nil
}

func runScan(cmd *cobra.Command, s Streams, o *scanOptions) error {
	ctx := cmd.Context()
	opts, err := o.engineOptions(s)
	if err == nil {
		if ferr := report.CheckFormat(o.format); ferr != nil {
			err = usageErr(fmt.Errorf("--format: %w", ferr))
		}
	}
	outs, rerr := parseReports(o.reports)
	if err == nil && rerr != nil {
		err = usageErr(rerr)
	}
	if err != nil {
		return o.usageFailure(cmd, s, err)
	}

	// A progress bar for the long steps (history, Go audit), on a terminal
	// only: logs and pipes get nothing.
	var bar *stepBar
	if !o.verbose && s.isTerminal(s.Err) {
		bar = newStepBar(s.Err, progressDelay)
		ctx = scan.WithMeter(ctx, bar.tick)
	}
	rep, scanErr := engine.Scan(ctx, opts)
	bar.close()
	usage := scanErr != nil && scan.IsConfigError(scanErr)
	if scanErr != nil {
		// The scan could not start. The reports are still written, valid,
		// saying why, for the pipelines that parse them.
		rep = failureReport(opts, scanErr)
	}
	s.enter(ctx, scan.StageReport)
	interrupted := scan.Interrupted(ctx, scanErr) || rep.Interrupted
	if interrupted && !rep.Interrupted {
		rep = engine.Interrupt(ctx, rep, opts.Root, opts.Version, scan.TargetInfo{Mode: string(opts.Mode), Range: opts.Range})
	}
	code := rep.Outcome(scan.Conditions{Interrupted: interrupted, Usage: usage})

	sarifPath, writeErr := o.writeReports(ctx, s, rep, outs, scanErr != nil)
	if interrupted {
		fmt.Fprintln(s.Err, "pipeguard: interrupted: the reports hold what was found until then, marked incomplete")
	} else {
		// Publishing never changes the verdict or the exit code: failures
		// are warnings on stderr.
		o.github.publish(ctx, s.Out, s.Err, s.Getenv, rep, rep.Root, sarifPath)
	}
	if writeErr != nil {
		// A report that could not be written is an incomplete run; a
		// blocking finding still wins, as it does over a failed scanner.
		code = rep.Outcome(scan.Conditions{Interrupted: interrupted, Usage: usage, OutputFailed: true})
	}
	if scanErr != nil && !interrupted {
		return &exitError{code: code, err: scanErr}
	}
	if code != scan.ExitPass {
		return &exitError{code: code}
	}
	return nil
}

// failureReport is the report of a scan that could not start: no
// findings, the reason in its errors.
func failureReport(opts engine.Options, err error) *scan.Report {
	root, aerr := filepath.Abs(cmp.Or(opts.Root, "."))
	if aerr != nil {
		root = opts.Root
	}
	rep := scan.NewReport(root, scan.Tool{Name: "pipeguard", Version: toolVersion()}, scan.TargetInfo{Mode: string(opts.Mode), Range: opts.Range})
	rep.StartedAt = time.Now().UTC()
	rep.Errors = append(rep.Errors, scan.Error{Message: err.Error()})
	return rep
}

// writeReports writes the main output (stdout or -o) and the --report
// files, each one even when another fails. It returns the SARIF file
// written, if any, and the last failure.
func (o *scanOptions) writeReports(ctx context.Context, s Streams, rep *scan.Report, outs []reportOut, failed bool) (sarifPath string, writeErr error) {
	// SARIF locations, annotations and links name repository paths, also
	// when the scanned root is a subfolder of the repository. Text and
	// JSON name none: they spare the git command.
	var ropts report.Options
	if namesRepoPaths(o.format, outs) {
		ropts.PathPrefix = github.RepoPrefix(context.WithoutCancel(ctx), rep.Root)
	}
	switch {
	case o.output == "" && failed && o.format == report.FormatText:
		// stderr says why; an empty text report would only repeat it.
	case o.output == "":
		ropts.Color = report.ColorEnabled(s.Out, s.Getenv)
		if err := report.Write(o.format, s.Out, rep, ropts); err != nil {
			// Like a report file that cannot be written: say so, write the
			// others, and let a blocking finding still decide the code.
			fmt.Fprintf(s.Err, "pipeguard: write %s output: %s\n", o.format, report.Clean(err.Error()))
			writeErr = err
		}
	default:
		outs = append([]reportOut{{format: o.format, path: o.output}}, outs...)
	}
	for _, out := range outs {
		if err := writeReportFile(out, rep, ropts); err != nil {
			fmt.Fprintf(s.Err, "pipeguard: %s\n", report.Clean(err.Error()))
			writeErr = err
			continue
		}
		if strings.EqualFold(out.format, report.FormatSARIF) {
			sarifPath = out.path
		}
	}
	return sarifPath, writeErr
}

// namesRepoPaths reports whether one of the outputs (the main format, the
// --report files) writes paths from the repository's top: all but text and
// JSON, whose paths are the scanned root's.
func namesRepoPaths(format string, outs []reportOut) bool {
	formats := []string{format}
	for _, out := range outs {
		formats = append(formats, out.format)
	}
	for _, f := range formats {
		switch strings.ToLower(strings.TrimSpace(f)) {
		case report.FormatText, report.FormatJSON:
		default:
			return true
		}
	}
	return false
}

// usageFailure handles a command line that cannot run: it writes the
// reports the command line names readably (see writeUsageReports) and
// returns err, a usage error.
func (o *scanOptions) usageFailure(cmd *cobra.Command, s Streams, err error) error {
	writeUsageReports(cmd.Context(), s, reportFlags{format: o.format, output: o.output, reports: o.reports}, err)
	return err
}

// reportFlags are the flags that say which reports to write.
type reportFlags struct {
	format, output string
	reports        []string
}

// writeUsageReports writes, for a command line that could not run, the
// reports it asks for whose format and path can be read: verdict
// incomplete, the usage error in errors. A report with an unknown format
// is left out; so is the main output on stdout in the text format (stderr
// says why).
func writeUsageReports(ctx context.Context, s Streams, f reportFlags, usage error) {
	var outs []reportOut
	for _, spec := range f.reports {
		if format, path, err := report.ParseSpec(spec); err == nil {
			outs = append(outs, reportOut{format: format, path: path})
		}
	}
	format := cmp.Or(f.format, report.FormatText)
	known := report.CheckFormat(format) == nil
	rep := failureReport(engine.Options{}, usage)
	rep.Outcome(scan.Conditions{Usage: true})
	switch {
	case !known:
		// The main output's format cannot be read: it is left out.
	case f.output != "":
		outs = append([]reportOut{{format: format, path: f.output}}, outs...)
	case format != report.FormatText:
		if err := report.Write(format, s.Out, rep, report.Options{}); err != nil {
			fmt.Fprintf(s.Err, "pipeguard: write %s output: %s\n", format, report.Clean(err.Error()))
		}
	}
	for _, out := range outs {
		if err := writeReportFile(out, rep, report.Options{}); err != nil {
			fmt.Fprintf(s.Err, "pipeguard: %s\n", report.Clean(err.Error()))
		}
	}
}

// lenientReportFlags reads --format, -o/--output and --report from a scan
// command line that cobra rejected (an unknown flag stops its parsing), so
// that the reports it names can still be written.
func lenientReportFlags(args []string) reportFlags {
	var f reportFlags
	i := slices.Index(args, "scan")
	if i < 0 {
		return f
	}
	value := func(j int, long, short string) (string, int, bool) {
		a := args[j]
		switch {
		case a == long || (short != "" && a == short):
			if j+1 < len(args) {
				return args[j+1], j + 1, true
			}
		case strings.HasPrefix(a, long+"="):
			return strings.TrimPrefix(a, long+"="), j, true
		case short != "" && strings.HasPrefix(a, short) && len(a) > len(short) && !strings.HasPrefix(a, "--"):
			return strings.TrimPrefix(strings.TrimPrefix(a, short), "="), j, true
		}
		return "", j, false
	}
	for j := i + 1; j < len(args); j++ {
		if args[j] == "--" {
			break
		}
		if v, next, ok := value(j, "--format", "-f"); ok {
			f.format, j = v, next
		} else if v, next, ok := value(j, "--output", "-o"); ok {
			f.output, j = v, next
		} else if v, next, ok := value(j, "--report", ""); ok {
			f.reports, j = append(f.reports, v), next
		}
	}
	return f
}

// reportOut is one --report FORMAT=PATH.
type reportOut struct{ format, path string }

func parseReports(specs []string) ([]reportOut, error) {
	var outs []reportOut
	for _, spec := range specs {
		format, path, err := report.ParseSpec(spec)
		if err != nil {
			return nil, fmt.Errorf("--report: %w", err)
		}
		outs = append(outs, reportOut{format: format, path: path})
	}
	return outs, nil
}

// writeReportFile renders a report and writes it: atomically to a regular
// file, in place to a device such as /dev/null (scan/outfile).
func writeReportFile(out reportOut, rep *scan.Report, opts report.Options) error {
	opts.Color = false
	var buf bytes.Buffer
	if err := report.Write(out.format, &buf, rep, opts); err != nil {
		return fmt.Errorf("write %s report %s: %w", out.format, out.path, err)
	}
	if err := outfile.Write(out.path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s report: %w", out.format, err)
	}
	return nil
}

// parseBudget reads --memory-budget: a size, or "auto" (derived from the
// available memory when the scan starts).
func parseBudget(s string) (int64, error) {
	if strings.EqualFold(strings.TrimSpace(s), "auto") {
		return deps.AutoMemoryBudget, nil
	}
	return parseSize(s)
}

// parseSize reads a byte count with an optional KB, MB or GB suffix (powers of 1024).
func parseSize(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		return 0, errors.New("want a size like 500KB, 10MB or 1048576")
	}
	return n * mult, nil
}
