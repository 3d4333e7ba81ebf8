package engine

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/baseline"
	"github.com/pipeguard/pipeguard/scan/config"
	"github.com/pipeguard/pipeguard/scan/deps"
	"github.com/pipeguard/pipeguard/scan/gate"
	"github.com/pipeguard/pipeguard/scan/git"
	"github.com/pipeguard/pipeguard/scan/policy"
	"github.com/pipeguard/pipeguard/scan/repoconf"
	"github.com/pipeguard/pipeguard/scan/secrets"
	"github.com/pipeguard/pipeguard/scan/suppress"
	"github.com/pipeguard/pipeguard/scan/target"
)

// run is Scan once the options are checked: configuration, target,
// scanners, then the post-processing chain in its fixed order. trusted is
// the trusted revision's checkout when the caller has one already (the
// base scan of --new-since).
func run(ctx context.Context, opts Options, trusted *checkout) (*scan.Report, error) {
	repo, err := openRepo(ctx, opts)
	if err != nil {
		return nil, err
	}
	// The scanners open the same repository: what git said once stands.
	ctx = git.WithRepo(ctx, repo)
	if opts.NewSince != "" {
		// A wrong base is a usage error, said before a whole scan runs.
		if _, err := repo.ResolveRev(ctx, opts.NewSince); err != nil {
			return nil, err
		}
	}
	// The trusted revision, when given, supplies configuration, suppressions
	// and policies: the change under scan cannot switch its own guard off.
	if opts.TrustedConfigFrom != "" && trusted == nil {
		c, err := checkoutRev(ctx, repo, opts.TrustedConfigFrom)
		if err != nil {
			return nil, err
		}
		defer c.remove()
		trusted = c
	}
	// Files the configuration names (gitleaks files, the baseline, local
	// databases) are read where the configuration comes from.
	configRoot := opts.Root
	if trusted != nil {
		configRoot = trusted.root
	}
	// The gitleaks rules are read and the gate compiled while git answers
	// the questions below (see later).
	var secretsScanner func() (*secrets.Scanner, error)
	if slices.Contains(opts.Scanners, scan.ScannerSecrets) {
		secretsScanner = later(func() (*secrets.Scanner, error) { return newSecrets(opts, configRoot) })
	}
	set, err := loadConfig(ctx, opts, trusted)
	if err != nil {
		return nil, err
	}
	rc := set.Root()
	names := slices.DeleteFunc(slices.Clone(opts.Scanners), func(n string) bool { return !rc.Enabled(n) })
	// The configuration's policy folders, read from where the configuration
	// was (the trusted revision under --trusted-config-from).
	mods, err := set.PolicyModules(ctx)
	if err != nil {
		return nil, err
	}
	gateOf := later(func() (*gate.Gate, error) {
		return opts.Cache.gate(ctx, gate.Options{PolicyDirs: opts.PolicyDirs, Modules: mods})
	})

	t, revs, err := buildTarget(ctx, opts, rc, repo)
	if err != nil {
		return nil, err
	}
	scanners, err := buildScanners(ctx, names, opts, rc, configRoot, mods, secretsScanner)
	if err != nil {
		return nil, err
	}
	if opts.NewSince != "" && opts.Mode == scan.ModeTree {
		// A pull request's own commits: a secret added and removed again
		// within the change is in none of the trees, yet it was pushed.
		for i, s := range scanners {
			if s.Name() == scan.ScannerSecrets {
				scanners[i] = alsoRange{inner: s, rng: opts.NewSince + "..HEAD"}
			}
		}
	}
	// What the commits' scan cannot see: the history a shallow clone
	// lacks (fetched first with --unshallow), the submodules' histories.
	var gaps *scan.Report
	if slices.Contains(names, scan.ScannerSecrets) && len(revs) > 0 {
		if gaps, err = historyGaps(ctx, repo, opts, revs); err != nil {
			return nil, err
		}
	}
	if readsTree(names, opts.Mode) {
		t.Enter(ctx, scan.StageWalk)
		// Listed once, here, for every scanner: its errors are theirs.
		_, _, _ = t.Tree.Files(ctx)
	}

	opts.Log.Debug("scanning", "root", opts.Root, "mode", opts.Mode, "scanners", names)
	rep := scan.Run(ctx, t, scanners)
	rep.Tool = scan.Tool{Name: "pipeguard", Version: opts.Version}
	if opts.NewSince != "" {
		rep.Target.Base = opts.NewSince
	}
	for _, n := range opts.Scanners {
		if !slices.Contains(names, n) {
			rep.Scanners = append(rep.Scanners, scan.ScannerRun{Name: n, Status: "skipped", Notes: []string{"disabled by configuration"}})
		}
	}
	if gaps != nil {
		rep.Errors = append(rep.Errors, gaps.Errors...)
		rep.Notes = append(rep.Notes, gaps.Notes...)
	}
	if err := finish(ctx, opts, set, gateOf, t, names, repo, trusted, configRoot, rep); err != nil {
		if scan.Interrupted(ctx, err) {
			return rep, nil // Scan marks it
		}
		return nil, err
	}
	return rep, nil
}

// finish applies the configuration and decides, in this fixed order:
// findings -> configuration (disabled rules, excluded paths, unreadable
// files) -> suppressions -> one finding per leak -> baseline and only-new
// -> gate. A configuration error stops the scan (exit 3); any other
// failure of a step is recorded, and the findings already made still
// count.
func finish(ctx context.Context, opts Options, set *repoconf.Set, gateOf func() (*gate.Gate, error), t *scan.Target, names []string,
	repo *git.Repo, trusted *checkout, configRoot string, rep *scan.Report) error {
	step := func(name string, err error) error {
		if err == nil || scan.IsConfigError(err) || scan.Interrupted(ctx, err) {
			return err
		}
		rep.Errors = append(rep.Errors, scan.Error{Message: fmt.Sprintf("%s: %v", name, err)})
		return nil
	}
	set.Apply(rep)
	if readsTree(names, opts.Mode) {
		treeSkipped(ctx, t, set, rep)
	}
	sopts := suppress.Options{Root: opts.Root, Config: set, TrustedRev: opts.TrustedConfigFrom,
		Partial: opts.Mode != scan.ModeTree || t.Changed != nil}
	if !sopts.Partial {
		// Stale pipeguard:ignore comments are looked for in the whole tree.
		files, _, err := t.Tree.Files(ctx)
		if err == nil {
			for _, f := range files {
				sopts.Files = append(sopts.Files, f.Path)
			}
		}
	}
	if err := step("suppressions", suppress.Apply(ctx, rep, sopts)); err != nil {
		return err
	}
	dropOverlaps(rep)
	if err := step("baseline", applyBaseline(opts, set.Root(), configRoot, rep)); err != nil {
		return err
	}
	if opts.NewSince != "" {
		if err := step("only-new", markNew(ctx, repo, opts, trusted, rep)); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	t.Enter(ctx, scan.StageGate)
	if err := decide(ctx, opts, set, gateOf, t.Changed, rep); err != nil {
		if scan.IsConfigError(err) || scan.Interrupted(ctx, err) {
			return err
		}
		// Without a gate, fall back to the documented floor: unsuppressed
		// findings of high severity and above block.
		rep.Errors = append(rep.Errors, scan.Error{Message: fmt.Sprintf("gate: %v; high and critical findings block", err)})
		for i := range rep.Findings {
			f := &rep.Findings[i]
			f.Blocking = f.Suppression == nil && f.Severity.AtLeast(scan.High)
		}
	}
	rep.Decide()
	rep.Sort()
	// Notes and errors of the steps after scan.Run may quote a secret's
	// path or a database URL: masked here, once, for every output.
	scan.Redact(rep)
	rep.DurationMS = time.Since(rep.StartedAt).Milliseconds()
	return nil
}

// openRepo opens the git repository at opts.Root; nil, with no error, for
// a folder outside git when the scan does not need git.
func openRepo(ctx context.Context, opts Options) (*git.Repo, error) {
	repo, err := git.Open(ctx, opts.Root)
	switch {
	case err == nil:
		return repo, nil
	case scan.Interrupted(ctx, err), scan.IsConfigError(err):
		// Interrupted, or git refuses the repository (another user's).
		return nil, err
	case errors.Is(err, git.ErrBare):
		return nil, &scan.ConfigError{Err: fmt.Errorf("cannot scan %s: %w", opts.Root, err)}
	case !errors.Is(err, git.ErrNotRepository):
		// A repository git cannot read: nothing can be scanned reliably.
		return nil, fmt.Errorf("open %s: %w", opts.Root, err)
	case opts.Mode != scan.ModeTree || opts.NewSince != "" || opts.TrustedConfigFrom != "":
		return nil, &scan.ConfigError{Path: opts.Root, Err: fmt.Errorf("%s needs a git repository: %w", what(opts), err)}
	}
	return nil, nil
}

// buildTarget says what the scan looks at, and returns the commits its
// secrets scan reads (git rev-list arguments; nil for none).
func buildTarget(ctx context.Context, opts Options, rc *repoconf.Config, repo *git.Repo) (*scan.Target, []string, error) {
	t := &scan.Target{Root: opts.Root, Mode: opts.Mode, Changed: opts.Changed, MaxFileSize: maxFileSize(opts, rc), Progress: opts.Progress}
	tree := target.NewTree(opts.Root, t.MaxFileSize)
	tree.SkipSubmodules = opts.NoSubmodules
	t.Tree = tree
	var revs []string
	switch opts.Mode {
	case scan.ModeHistory:
		revs = []string{"--all"}
	case scan.ModeRange:
		rng, err := repo.ParseRange(ctx, opts.Range)
		if err != nil {
			return nil, nil, err
		}
		t.Range = rng.String()
		revs = rng.Revs
		if t.Changed == nil && rng.Base != "" {
			if t.Changed, err = repo.Changes(ctx, rng.Base, rng.Head); err != nil {
				return nil, nil, fmt.Errorf("changed lines of %s: %w", opts.Range, err)
			}
		}
	case scan.ModeStaged:
		if t.Changed == nil {
			var err error
			if t.Changed, err = repo.StagedChanges(ctx); err != nil {
				return nil, nil, fmt.Errorf("staged changes: %w", err)
			}
		}
	case scan.ModeTree:
		if opts.NewSince != "" {
			revs = []string{opts.NewSince + "..HEAD"}
		}
	}
	return t, revs, nil
}

// readsTree reports whether one of the scanners reads the working tree's
// files: deps and config always, secrets in tree mode.
func readsTree(names []string, mode scan.Mode) bool {
	for _, n := range names {
		if n != scan.ScannerSecrets || mode == scan.ModeTree {
			return true
		}
	}
	return false
}

// treeSkipped puts the tree's skipped files in the report, once each
// (some scanners list them too), and makes the scan incomplete for each
// file that could not be read, unless a configured exclude covers it: a
// file nobody looked at must not pass silently.
func treeSkipped(ctx context.Context, t *scan.Target, set *repoconf.Set, rep *scan.Report) {
	type key struct{ path, kind string }
	have := map[key]bool{}
	for _, sk := range rep.Skipped {
		have[key{sk.Path, sk.Kind}] = true
	}
	_, skipped, err := t.Tree.Files(ctx)
	if err == nil {
		for _, sk := range skipped {
			if !have[key{sk.Path, sk.Kind}] {
				have[key{sk.Path, sk.Kind}] = true
				rep.Skipped = append(rep.Skipped, sk)
			}
		}
	}
	unread := map[string]bool{}
	var subs []string
	for _, sk := range rep.Skipped {
		switch {
		case sk.Kind == scan.SkipSubmodule:
			subs = append(subs, sk.Path)
		case sk.Kind != scan.SkipUnreadable || unread[sk.Path]:
		case set.For(sk.Path).Excluded(sk.Path):
		default:
			unread[sk.Path] = true
			rep.Errors = append(rep.Errors, scan.Error{Scanner: sk.Scanner, Path: sk.Path,
				Message: fmt.Sprintf("%s could not be read (%s): not scanned; exclude it in .pipeguard.yaml if it should not be", sk.Path, strings.TrimPrefix(sk.Reason, "unreadable: "))})
		}
	}
	if len(subs) > 0 {
		slices.Sort(subs)
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d submodule(s) not scanned (see skipped): %s", len(subs), listShort(subs)))
	}
}

func listShort(items []string) string {
	if len(items) <= 5 {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:5], ", "), len(items)-5)
}

// historyGaps checks that the commits revs name are all in the
// repository. In a shallow clone the history past its boundary is missing:
// with opts.Unshallow it is fetched; otherwise the scan is incomplete (an
// error) and a note names the boundary. Submodules' own histories are
// never scanned with the superproject's: a note says so. The errors and
// notes are returned in a report's fields.
func historyGaps(ctx context.Context, repo *git.Repo, opts Options, revs []string) (*scan.Report, error) {
	gaps := &scan.Report{}
	boundary, err := repo.ShallowIn(ctx, revs...)
	if err != nil {
		return nil, err
	}
	if len(boundary) > 0 && opts.Unshallow {
		opts.Log.Info("deepening the shallow clone", "root", opts.Root)
		if err := repo.Unshallow(ctx); err != nil {
			if scan.Interrupted(ctx, err) {
				return nil, err
			}
			gaps.Errors = append(gaps.Errors, scan.Error{Scanner: scan.ScannerSecrets, Message: fmt.Sprintf("--unshallow: %v", err)})
		} else {
			gaps.Notes = append(gaps.Notes, "the shallow clone was deepened (--unshallow): the whole history was scanned")
		}
		if boundary, err = repo.ShallowIn(ctx, revs...); err != nil {
			return nil, err
		}
	}
	if len(boundary) > 0 {
		where := git.Short(boundary[0])
		if len(boundary) > 1 {
			where += fmt.Sprintf(" (and %d other boundary commit(s))", len(boundary)-1)
		}
		gaps.Errors = append(gaps.Errors, scan.Error{Scanner: scan.ScannerSecrets, Message: fmt.Sprintf(
			"history incomplete: this is a shallow clone, and the commits before %s were never fetched, so they were not scanned; "+
				"fetch the whole history (git fetch --unshallow, or fetch-depth: 0 with actions/checkout) or run with --unshallow", where)})
		gaps.Notes = append(gaps.Notes, fmt.Sprintf("shallow clone: the history scanned stops at %s", strings.Join(boundary, ", ")))
	}
	subs, err := repo.Submodules(ctx)
	if err != nil {
		return nil, err
	}
	if len(subs) > 0 && opts.Mode != scan.ModeTree {
		var paths []string
		for _, s := range subs {
			paths = append(paths, s.Path)
		}
		gaps.Notes = append(gaps.Notes, fmt.Sprintf("the histories of %d submodule(s) are not scanned with this repository's (scan each on its own): %s", len(subs), listShort(paths)))
	}
	return gaps, nil
}

func what(opts Options) string {
	switch {
	case opts.Mode != scan.ModeTree:
		return "--" + string(opts.Mode)
	case opts.NewSince != "":
		return "--new-since"
	}
	return "--trusted-config-from"
}

func maxFileSize(opts Options, rc *repoconf.Config) int64 {
	switch {
	case opts.MaxFileSize < 0:
		return 0
	case opts.MaxFileSize > 0:
		return opts.MaxFileSize
	case rc.MaxFileSize > 0:
		return rc.MaxFileSize
	}
	return DefaultMaxFileSize
}

// loadConfig reads the .pipeguard.yaml files (from the trusted revision
// when there is one) and lays the command line over them.
func loadConfig(ctx context.Context, opts Options, trusted *checkout) (*repoconf.Set, error) {
	var (
		set *repoconf.Set
		err error
	)
	switch {
	case trusted != nil:
		set, err = repoconf.LoadRev(ctx, opts.Root, trusted.rev)
	case opts.TightenOnly:
		set, err = repoconf.LoadFloor(ctx, opts.Root, opts.ConfigFile)
	case opts.ConfigFile != "":
		set, err = repoconf.LoadFile(ctx, opts.Root, opts.ConfigFile)
	default:
		set, err = repoconf.Load(ctx, opts.Root)
	}
	if err != nil {
		return nil, err
	}
	flags := &repoconf.Layer{}
	if opts.FailOn != "" {
		sev, err := scan.ParseSeverity(opts.FailOn)
		if err != nil {
			return nil, &scan.ConfigError{Err: fmt.Errorf("--fail-on: %w", err)}
		}
		flags.FailOn = sev
	}
	if err := set.Override(flags); err != nil {
		return nil, err
	}
	return set, nil
}

// newSecrets builds the secrets scanner of a scan.
func newSecrets(opts Options, configRoot string) (*secrets.Scanner, error) {
	return opts.Cache.secretsScanner(secrets.Options{
		Root: configRoot, ConfigPath: opts.GitleaksConfig,
		// gitleaks:allow is honoured by the suppression step, which
		// reports it as such (and, under --trusted-config-from, refuses
		// one the change added itself).
		IgnoreAllowComments: true,
	})
}

// later starts build in its own goroutine and returns a function that
// waits for its result. A scan builds what costs CPU (compiled rules and
// policies) while it waits on git; a result nobody waits for (the scan
// stopped on an error first, the configuration turned the scanner off)
// is dropped.
func later[T any](build func() (T, error)) func() (T, error) {
	var (
		v    T
		err  error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		v, err = build()
	}()
	return func() (T, error) {
		<-done
		return v, err
	}
}

// buildScanners builds the scanners names; secretsScanner, when set, gives
// the secrets scanner (built ahead, see later).
func buildScanners(ctx context.Context, names []string, opts Options, rc *repoconf.Config, configRoot string, mods []policy.Module,
	secretsScanner func() (*secrets.Scanner, error)) ([]scan.Scanner, error) {
	var out []scan.Scanner
	for _, n := range names {
		switch n {
		case scan.ScannerSecrets:
			if secretsScanner == nil {
				secretsScanner = func() (*secrets.Scanner, error) { return newSecrets(opts, configRoot) }
			}
			s, err := secretsScanner()
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		case scan.ScannerDeps:
			dopts := deps.Options{
				// Flags are paths as the user typed them; the configuration's
				// are relative to the repository root.
				GoVulnDB:     firstOf(opts.GoVulnDB, resolve(configRoot, rc.GoVulnDB)),
				OSVDB:        firstOf(opts.OSVDB, resolve(configRoot, rc.OSVDB)),
				Online:       opts.Online && !opts.Offline,
				Offline:      opts.Offline,
				CacheDir:     opts.CacheDir,
				MemoryBudget: opts.MemoryBudget,
				Exec:         opts.GovulncheckExec,
			}
			var notes []string
			if opts.Offline && !isLocal(dopts.GoVulnDB) {
				dopts.SkipGo = true
				notes = append(notes, "Go modules not audited: offline, and no local Go vulnerability database (--go-vulndb or deps.go_vulndb)")
			}
			d, err := deps.New(dopts)
			if err != nil {
				return nil, err
			}
			out = append(out, withNotes{Scanner: d, notes: notes})
		case scan.ScannerConfig:
			// The facts' root and size limit come from the target.
			c, err := opts.Cache.config(config.Options{
				PolicyDirs:    opts.PolicyDirs,
				PolicyModules: mods,
				Disabled:      rc.DisableRules,
			})
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	return out, nil
}

// isLocal reports whether a database location is on this machine.
func isLocal(db string) bool {
	return db != "" && !strings.HasPrefix(db, "http://") && !strings.HasPrefix(db, "https://")
}

// withNotes adds notes to a scanner's result: what the engine decided not
// to let it do.
type withNotes struct {
	scan.Scanner
	notes []string
}

func (w withNotes) Scan(ctx context.Context, t *scan.Target) (*scan.Result, error) {
	res, err := w.Scanner.Scan(ctx, t)
	if res == nil {
		res = &scan.Result{}
	}
	res.Notes = append(res.Notes, w.notes...)
	return res, err
}

func resolve(root, p string) string {
	if p == "" {
		return ""
	}
	return repoconf.Resolve(root, p)
}

func firstOf(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

func applyBaseline(opts Options, rc *repoconf.Config, configRoot string, rep *scan.Report) error {
	path := opts.Baseline
	if path == "" && rc.Baseline != "" {
		path = filepath.Join(configRoot, filepath.FromSlash(rc.Baseline))
	}
	if path == "" {
		return nil
	}
	b, err := baseline.ReadFile(path)
	if err != nil {
		return err
	}
	baseline.Apply(rep, b)
	return nil
}
