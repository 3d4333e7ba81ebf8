package hook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/engine"
	"github.com/pipeguard/pipeguard/scan/repoconf"
	"github.com/pipeguard/pipeguard/scan/report"
)

// Options configures Run.
type Options struct {
	// Dir is the repository git runs the hook in; default the current directory.
	Dir string
	// Remote and URL are the hook's arguments: the remote's name and location.
	Remote, URL string
	// In carries git's ref updates, one per line (the hook's standard input).
	In io.Reader
	// Updates, when not nil, are the ref updates, and In is not read.
	Updates []RefUpdate
	// Out receives what the user sees.
	Out io.Writer
	// Version is pipeguard's version, recorded in the report.
	Version string
	// GoVulnDB and OSVDB override the databases set in .pipeguard.yaml. The
	// deps scanner runs only when one of them is on this machine.
	GoVulnDB, OSVDB string
	// Progress, when set, is told as the scan enters each stage (see
	// engine.Options.Progress).
	Progress func(ctx context.Context, stage string)
	// Scan runs the scan; nil means engine.Scan.
	Scan func(context.Context, engine.Options) (*scan.Report, error)
	// Log receives progress messages; nil discards them.
	Log *slog.Logger
}

// Result is what Run did.
type Result struct {
	// Exit is the process exit code: 0 lets the push go on.
	Exit int
	// Push is what the push sends; nil when it could not be worked out.
	Push *Push
	// Scanners are the scanners that ran.
	Scanners []string
	// Report is the scan's report; nil when nothing was scanned.
	Report *scan.Report
	// Timings are the durations of Run's parts, in order.
	Timings []Timing
}

// Timing is how long one part of Run took.
type Timing struct {
	Part string
	Took time.Duration
}

// Run is the pre-push check: it reads the ref updates git gives the hook,
// scans what the push would send with the repository's own configuration,
// suppressions and gate (the same as CI), and tells the user what blocks
// the push and how to fix it. Result.Exit is 1 when a finding blocks, 2
// when the scan could not finish (3 for a configuration error), and 0
// otherwise, or when fail_open: true in .pipeguard.yaml lets an unfinished
// scan through.
func Run(ctx context.Context, o Options) *Result {
	res := &Result{}
	start := time.Now()
	mark := func(part string) {
		now := time.Now()
		res.Timings = append(res.Timings, Timing{Part: part, Took: now.Sub(start)})
		start = now
	}
	out := o.Out
	if out == nil {
		out = io.Discard
	}
	if o.Scan == nil {
		o.Scan = engine.Scan
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.In == nil {
		o.In = strings.NewReader("")
	}
	dir := o.Dir
	if dir == "" {
		dir = "."
	}

	dir, err := workTree(ctx, dir)
	if err != nil {
		res.Exit = fail(ctx, out, false, err)
		return res
	}
	cfg, cfgErr := rootConfig(dir)
	if cfg == nil {
		cfg = &repoconf.Layer{}
	}
	if cfgErr != nil {
		// The engine reads the same file and reports the error in full.
		o.Log.Debug("read .pipeguard.yaml", "err", cfgErr)
	}
	failOpen := cfg.FailOpen != nil && *cfg.FailOpen
	mark("config")

	ups := o.Updates
	if ups == nil {
		ups, err = ParseUpdates(o.In)
	}
	if err != nil {
		res.Exit = fail(ctx, out, failOpen, err)
		return res
	}
	p, err := Plan(ctx, dir, ups)
	if err != nil {
		res.Exit = fail(ctx, out, failOpen, err)
		return res
	}
	res.Push = p
	mark("plan")
	if p.Range() == "" {
		for _, n := range p.Notes {
			say(out, "pipeguard: %s", n)
		}
		if len(ups) > 0 {
			fmt.Fprintf(out, "pipeguard: nothing new to scan in this push\n")
		}
		return res
	}

	paths, err := ChangedPaths(ctx, dir, p)
	if err != nil {
		res.Exit = fail(ctx, out, failOpen, err)
		return res
	}
	goDB, osvDB := orDefault(o.GoVulnDB, cfg.GoVulnDB), orDefault(o.OSVDB, cfg.OSVDB)
	hasGo := func() bool {
		// The deps scanner audits every Go module of the tree, and for Go
		// without a local database it would ask the public one online.
		files, err := gitLines(ctx, dir, nil, "ls-files", "--", ":(glob)**/go.mod", ":(glob)**/go.work")
		return err != nil || len(files) > 0
	}
	names, notes := chooseScanners(paths, goDB, osvDB, hasGo)
	if len(names) > 1 {
		// Config and deps read the work tree: it must be what is pushed.
		head, err := gitLines(ctx, dir, nil, "rev-parse", "-q", "--verify", "HEAD^{commit}")
		if err != nil || len(head) != 1 || !slices.Contains(p.Include, head[0]) {
			notes = append(notes, fmt.Sprintf("skipped the %s checks: they read the work tree, and it is not on the commit pushed (check it out to run them here; CI still runs them)", strings.Join(names[1:], " and ")))
			names = names[:1]
		}
	}
	res.Scanners = names
	var changed scan.Changes
	if slices.Contains(names, scan.ScannerConfig) || slices.Contains(names, scan.ScannerDeps) {
		// Config and deps findings count only on the lines the push
		// changes (findings from commits are not limited by Changed).
		if changed, err = ChangedLines(ctx, dir, p); err != nil {
			res.Exit = fail(ctx, out, failOpen, err)
			return res
		}
	}
	mark("changes")

	opts := engine.Options{
		Root:     dir,
		Mode:     scan.ModeRange,
		Range:    p.Range(),
		Scanners: names,
		Changed:  changed,
		Event:    "pre-push",
		Offline:  true, // a hook must never hang on the network
		Branch:   pushedBranch(ups),
		Version:  o.Version,
		Log:      o.Log,
		Progress: o.Progress,
	}
	if slices.Contains(names, scan.ScannerDeps) {
		opts.GoVulnDB, opts.OSVDB = localOnly(goDB), localOnly(osvDB)
	}
	rep, err := o.Scan(ctx, opts)
	mark("scan")
	if err != nil {
		res.Exit = fail(ctx, out, failOpen, err)
		return res
	}
	res.Report = rep
	res.Exit = show(out, rep, p, names, notes, failOpen)
	mark("output")
	return res
}

// workTree returns the top folder of the work tree that holds dir. Git
// runs hooks there, so a .git entry in dir answers without running git.
func workTree(ctx context.Context, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("find the repository's work tree from %s: %w", dir, err)
	}
	if _, err := os.Lstat(filepath.Join(abs, ".git")); err == nil {
		return abs, nil
	}
	root, err := gitLines(ctx, abs, nil, "rev-parse", "--show-toplevel")
	if err != nil || len(root) != 1 {
		return "", fmt.Errorf("find the repository's work tree from %s: %w", dir, err)
	}
	return root[0], nil
}

// rootConfig reads the repository's root .pipeguard.yaml, if any.
func rootConfig(root string) (*repoconf.Layer, error) {
	for _, name := range []string{repoconf.FileName, repoconf.AltFileName} {
		data, err := os.ReadFile(filepath.Join(root, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		l, err := repoconf.Parse(name, data, true)
		if err != nil {
			// The file is broken, and the engine will say so; whether the
			// user wants the push to go on then is still theirs to say.
			var loose struct {
				FailOpen bool `yaml:"fail_open"`
			}
			if yaml.Unmarshal(data, &loose) == nil && loose.FailOpen {
				t := true
				return &repoconf.Layer{FailOpen: &t}, err
			}
		}
		return l, err
	}
	return &repoconf.Layer{}, nil
}

// chooseScanners picks the scanners a push needs: secrets always, config
// when a Python or deployment file changed, deps when a manifest or
// lockfile changed and the audit needs no network: a local database is
// configured, and the Go database is local too when the tree has Go
// modules (hasGo). notes say what was left out.
func chooseScanners(paths []string, goDB, osvDB string, hasGo func() bool) (names, notes []string) {
	names = []string{scan.ScannerSecrets}
	var manifests []string
	config := false
	for _, p := range paths {
		config = config || IsConfigPath(p)
		if IsManifestPath(p) {
			manifests = append(manifests, p)
		}
	}
	if len(manifests) > 0 {
		switch {
		case !isLocalDB(goDB) && !isLocalDB(osvDB):
			notes = append(notes, fmt.Sprintf("skipped the dependency audit of %s: no offline database is configured (set deps.go_vulndb or deps.osv_db to a local path in .pipeguard.yaml; CI still audits)", listShort(manifests)))
		case !isLocalDB(goDB) && hasGo():
			notes = append(notes, fmt.Sprintf("skipped the dependency audit of %s: the Go modules here would need the online Go vulnerability database (set deps.go_vulndb to a local path in .pipeguard.yaml; CI still audits)", listShort(manifests)))
		default:
			names = append(names, scan.ScannerDeps)
		}
	}
	if config {
		names = append(names, scan.ScannerConfig)
	}
	return names, notes
}

func listShort(paths []string) string {
	if len(paths) <= 3 {
		return strings.Join(paths, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(paths[:3], ", "), len(paths)-3)
}

func localOnly(loc string) string {
	if isLocalDB(loc) {
		return loc
	}
	return ""
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// pushedBranch names the first branch the push updates, for the gate's
// context.
func pushedBranch(ups []RefUpdate) string {
	for _, u := range ups {
		if !u.IsDelete() {
			if b, ok := strings.CutPrefix(u.RemoteRef, "refs/heads/"); ok {
				return b
			}
		}
	}
	return ""
}

// fail reports a scan that could not run and returns the exit code
// (scan.Decide's).
func fail(ctx context.Context, out io.Writer, failOpen bool, err error) int {
	_, code := scan.Decide(scan.Tally{Errors: 1, Conditions: scan.Conditions{
		Interrupted: scan.Interrupted(ctx, err), Usage: scan.IsConfigError(err), FailOpen: failOpen}})
	if code == scan.ExitInterrupted {
		say(out, "pipeguard: interrupted: the push was not checked")
		return code
	}
	say(out, "pipeguard: the pre-push scan could not run: %v", err)
	if code == scan.ExitPass {
		say(out, "pipeguard: pushing anyway, because .pipeguard.yaml sets fail_open: true")
		return code
	}
	say(out, "pipeguard: push blocked, because a check that cannot run must not pass silently")
	fmt.Fprintf(out, "  fix the error above, set fail_open: true in .pipeguard.yaml to push when the scan fails,\n")
	fmt.Fprintf(out, "  or bypass this check once with: git push --no-verify\n")
	return code
}

// say prints one line: names and messages are the repository's, and a
// file name may hold line breaks or terminal escapes; report.Clean shows
// them escaped, as the text report does.
func say(out io.Writer, format string, a ...any) {
	fmt.Fprintln(out, report.Clean(fmt.Sprintf(format, a...)))
}

// show writes the terminal output for a finished scan and returns the
// exit code (scan.Decide's, through the report's Outcome).
func show(out io.Writer, rep *scan.Report, p *Push, names, notes []string, failOpen bool) int {
	code := rep.Outcome(scan.Conditions{FailOpen: failOpen})
	commits := "commits"
	if p.Commits == 1 {
		commits = "commit"
	}
	say(out, "pipeguard: scanned %d %s (%s)", p.Commits, commits, strings.Join(names, ", "))
	for _, n := range append(slices.Clone(p.Notes), notes...) {
		say(out, "pipeguard: %s", n)
	}
	for _, n := range rep.Notes {
		if strings.Contains(n, "shallow") || strings.Contains(n, "submodule") {
			say(out, "pipeguard: %s", n)
		}
	}
	for _, sk := range rep.Skipped {
		if sk.Kind == scan.SkipTooLarge || sk.Kind == scan.SkipUnreadable {
			where := sk.Path
			if sk.Commit != "" {
				where += " in commit " + short(sk.Commit)
			}
			say(out, "pipeguard: not scanned: %s: %s", where, sk.Reason)
		}
	}
	blocking := rep.Blocking()
	warnings := 0
	for _, f := range rep.Findings {
		if !f.Blocking && f.Suppression == nil {
			warnings++
		}
	}
	if warnings > 0 {
		say(out, "pipeguard: %d finding(s) reported but not blocking (run `pipeguard scan --range %s` to see them)", warnings, rangeHint(p))
	}
	for _, e := range rep.Errors {
		if e.Scanner != "" {
			say(out, "pipeguard: %s scanner failed: %s", e.Scanner, e.Message)
		} else {
			say(out, "pipeguard: %s", e.Message)
		}
	}
	switch {
	case rep.Interrupted:
		say(out, "pipeguard: interrupted: the push was not fully checked")
	case len(blocking) > 0:
		fmt.Fprintf(out, "\npipeguard: push blocked by %d finding(s):\n", len(blocking))
		for _, f := range blocking {
			fmt.Fprintf(out, "  %s\n", report.Clean(findingLine(f)))
		}
		fmt.Fprintln(out)
		for _, h := range fixHints(blocking) {
			say(out, "How to fix: %s", h)
		}
		fmt.Fprintf(out, "To suppress a false positive, on its line or the line above (`//` instead of `#` in Go), or with an entry in .pipeguard-ignore.yaml:\n")
		for _, rule := range distinctRules(blocking) {
			fmt.Fprintf(out, "  # pipeguard:ignore %s reason=\"...\"\n", report.Clean(rule))
		}
		fmt.Fprintf(out, "To bypass this check once: git push --no-verify\n")
	case rep.Verdict == scan.Incomplete && code == scan.ExitPass:
		fmt.Fprintf(out, "pipeguard: the scan is incomplete; pushing anyway, because .pipeguard.yaml sets fail_open: true\n")
	case rep.Verdict == scan.Incomplete:
		fmt.Fprintf(out, "pipeguard: push blocked, because the scan is incomplete (see above)\n")
		fmt.Fprintf(out, "  set fail_open: true in .pipeguard.yaml to push when the scan fails, or bypass once with: git push --no-verify\n")
	}
	return code
}

// findingLine is "path:line rule message", with the masked secret and the
// commit when there are.
func findingLine(f scan.Finding) string {
	var b strings.Builder
	b.WriteString(f.Location())
	b.WriteString(" ")
	b.WriteString(f.Rule)
	msg := f.Message
	if msg == "" {
		msg = f.Title
	}
	if msg != "" {
		b.WriteString(" ")
		b.WriteString(oneLine(msg))
	}
	if f.Secret != "" && !strings.Contains(msg, f.Secret) {
		fmt.Fprintf(&b, " (secret %s)", f.Secret)
	}
	if f.Commit != "" {
		fmt.Fprintf(&b, " [commit %s]", short(f.Commit))
	}
	return b.String()
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// fixHints are the distinct remediations of the blocking findings, with a
// general one for secrets: the secret is in the commits, not only in the
// working tree.
func fixHints(fs []scan.Finding) []string {
	var hints []string
	secret := false
	for _, f := range fs {
		if f.Scanner == scan.ScannerSecrets {
			secret = true
			continue
		}
		if h := oneLine(f.Remediation); h != "" && !slices.Contains(hints, h) {
			hints = append(hints, h)
		}
	}
	if secret {
		hints = append([]string{"remove each secret from the commits that add it (git rebase -i, or git commit --amend for the last one): " +
			"a later commit that deletes it is not enough, the history still carries it. " +
			"Rotate any secret that has left this machine, and load secrets from the environment or a secret manager."}, hints...)
	}
	return hints
}

// distinctRules lists the rules of fs once each, in order.
func distinctRules(fs []scan.Finding) []string {
	var rules []string
	for _, f := range fs {
		if !slices.Contains(rules, f.Rule) {
			rules = append(rules, f.Rule)
		}
	}
	return rules
}

// rangeHint is the push's range in a form to paste after --range.
func rangeHint(p *Push) string {
	r := p.Range()
	if strings.Contains(r, " ") {
		return "'" + r + "'"
	}
	return r
}
