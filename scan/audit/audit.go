// Package audit scans many repositories on a schedule: it lists them (a
// GitHub organization, a list, a file), clones each with its full history
// into a work folder, runs the full scan (secrets in all of history,
// dependencies and configuration in the tree), and writes one report for
// all of them: audit.json, audit.md and a self-contained audit.html.
//
// # Whose configuration
//
// The audit's: Options.Scan.ConfigFile (the organization's .pipeguard.yaml,
// --config) or pipeguard's defaults. A repository's own files may tighten it
// but never loosen it (repoconf.LoadFloor): a repository cannot hide its own
// findings from the auditors with disable_rules or exclude. What its files
// asked for and was not honoured, and every suppression that applied (with
// its reason and expiry), are listed in its entry (Repository.Config).
// Suppressions are honoured: each one is visible there.
//
// With a state file the next run scans only the history that is new since
// the last one and reports what is new, fixed and still open. With a shard
// (I/N) a workflow matrix splits the repositories, and Merge combines the
// shards' reports. SyncIssues keeps one tracking issue per repository with
// blocking findings.
//
// # New, fixed and open
//
// Findings are compared by fingerprint with those open after the last run.
// Dependency and configuration findings (and any finding without a commit)
// are recomputed from the tree every run: one that is no longer found is
// fixed. A secret found in a commit cannot be recomputed by an incremental
// run, which scans only the new commits, so it stays open until a
// full-history scan no longer finds it (the history was rewritten: a
// force-push makes the next run scan the whole history) or its commit is no
// longer in the repository. Rotating a leaked secret does not remove it
// from history; suppress it (.gitleaksignore, .pipeguard-ignore.yaml) to
// close it.
//
// The token reaches git only through the credential environment (a
// credential helper reading it from an environment variable, for the
// GitHub server's host only): never in a URL, an argument, a log or an
// error.
package audit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/engine"
	"github.com/pipeguard/pipeguard/scan/repoconf"
)

// Version is the version of the audit.json schema.
const Version = 1

// errInterrupted is the error of a repository a signal kept from being
// audited.
var errInterrupted = errors.New("interrupted before its audit finished")

// Defaults for Options.
const (
	DefaultTimeout   = 30 * time.Minute
	DefaultServerURL = "https://github.com"
	DefaultAPIURL    = "https://api.github.com"
)

// ScanFunc runs one scan; engine.Scan is the default.
type ScanFunc func(ctx context.Context, opts engine.Options) (*scan.Report, error)

// Options configure an audit.
type Options struct {
	// Targets are the repositories to audit, from --repo, --repos-file and
	// --org (see ParseSpec, ReadReposFile and ListOrg). Repeated names are
	// audited once.
	Targets []Target
	// Skipped are the repositories the listing left out (from ListOrg),
	// recorded in the report.
	Skipped []Skip
	// Shard, when Count > 1, keeps only the repositories of this shard.
	Shard Shard
	// Jobs is how many repositories are audited at once; 0 means 1.
	Jobs int
	// Timeout bounds the audit of one repository (clone and scan); 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// State is the state file: read before, written after. "" runs without
	// memory: every repository is scanned in full and every finding is new.
	State string
	// Full scans whole histories even when the state knows a last commit.
	Full bool
	// Out is the folder that receives audit.json, audit.md and audit.html;
	// "" writes nothing.
	Out string
	// WorkDir is where clones are made, each in its own folder removed
	// after its scan; "" means the system's temporary folder.
	WorkDir string
	// Token authenticates git to ServerURL's host (and nowhere else).
	Token string
	// ServerURL is the GitHub server clone URLs of OWNER/NAME are built on;
	// "" means DefaultServerURL.
	ServerURL string
	// Scan is the template of every repository's scan: database locations,
	// policies, fail-on, the audit's configuration file (ConfigFile),
	// version. Root, Mode and Range are set per repository; TightenOnly is
	// always set: a repository's own .pipeguard.yaml may tighten the
	// audit's configuration, not loosen it.
	Scan engine.Options
	// ScanFunc runs a scan; nil means engine.Scan.
	ScanFunc ScanFunc
	// Progress receives one event per finished repository; nil prints nothing.
	Progress Progress
	// Log receives progress messages; nil discards them. It never receives a
	// secret or the token.
	Log *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Progress is told about the audit as it goes.
type Progress interface {
	// Start is called once with the number of repositories to audit.
	Start(total int)
	// Done is called as each repository finishes.
	Done(r *Repository)
	// Finish is called once at the end.
	Finish()
}

// Audit is the result of an audit: the content of audit.json.
type Audit struct {
	Version     int       `json:"version"`
	Tool        scan.Tool `json:"tool"`
	GeneratedAt time.Time `json:"generated_at"`
	// Shard is "I/N" for one shard's report; Shards lists the shards a
	// merged report combines.
	Shard  string   `json:"shard,omitempty"`
	Shards []string `json:"shards,omitempty"`
	Totals Totals   `json:"totals"`
	// Repositories are sorted by name.
	Repositories []Repository `json:"repositories"`
	// Skipped are the repositories an organization listing left out.
	Skipped []Skip `json:"skipped,omitempty"`
	// History is the open findings over time, summed over the repositories,
	// one point per day (the last run of the day), oldest first.
	History []Point `json:"history"`
	// Interrupted is set when a signal stopped the audit: the repositories
	// it did not finish are incomplete.
	Interrupted bool `json:"interrupted,omitempty"`
}

// Totals are counts over all repositories.
type Totals struct {
	Repositories int `json:"repositories"`
	Pass         int `json:"pass"`
	Fail         int `json:"fail"`
	Incomplete   int `json:"incomplete"`
	Errors       int `json:"errors"`
	Findings     int `json:"findings"`
	Blocking     int `json:"blocking"`
	New          int `json:"new"`
	Fixed        int `json:"fixed"`
	Open         int `json:"open"`
}

// Repository is one repository's audit.
type Repository struct {
	// Name is OWNER/NAME, or the path or URL as given.
	Name string `json:"name"`
	URL  string `json:"url"`
	// Head is the commit scanned (HEAD of the default branch).
	Head    string       `json:"head"`
	Verdict scan.Verdict `json:"verdict"`
	// Findings are every finding open now: those this run found, and the
	// history secrets found by earlier runs that an incremental run cannot
	// see again (see the package documentation).
	Findings []scan.Finding `json:"findings"`
	// Error says why the repository could not be audited (clone, timeout,
	// configuration); "" when it was. Its findings are then those of the
	// last audit.
	Error string `json:"error"`
	// New are the fingerprints of findings first seen in this run; Open
	// those already open at the last audit and still present.
	New  []string `json:"new"`
	Open []string `json:"open"`
	// Fixed are the findings open at the last audit that are gone.
	Fixed []scan.Finding `json:"fixed"`
	// FirstAudit is set when the state knew nothing of the repository.
	FirstAudit bool `json:"first_audit,omitempty"`
	// Scan says what history was scanned.
	Scan ScanInfo `json:"scan"`
	// Errors are the scanners that failed: the verdict is then incomplete.
	Errors []scan.Error `json:"errors,omitempty"`
	// Notes are remarks: fallbacks taken, scanner notes.
	Notes []string `json:"notes,omitempty"`
	// Skipped are the inputs the scan did not look at (too large,
	// unreadable, excluded...), as in a scan report.
	Skipped []scan.Skipped `json:"skipped,omitempty"`
	// History is this repository's counts per run, from the state.
	History    []Point `json:"history,omitempty"`
	DurationMS int64   `json:"duration_ms"`
	// Config is what the repository's own configuration does to the
	// audit: what it asked for and was not honoured, and the suppressions
	// that applied. Nil when there is nothing to say.
	Config *RepoConfig `json:"config,omitempty"`
}

// RepoConfig lists, for one repository, every rule its configuration
// disables, every path it excludes, the other settings of its
// .pipeguard.yaml files that would have loosened the audit's configuration
// (none of them is honoured: a repository may tighten an audit, never
// loosen it), and every suppression that applied, with its reason and
// expiry.
type RepoConfig struct {
	DisabledRules []repoconf.Refusal `json:"disabled_rules"`
	Excludes      []repoconf.Refusal `json:"excludes"`
	NotHonoured   []repoconf.Refusal `json:"not_honoured"`
	Suppressions  []Suppression      `json:"suppressions"`
}

// Suppression is one suppression that applied to the repository's findings.
type Suppression struct {
	// Kind is inline, file, gitleaks:allow, nosec...
	Kind string `json:"kind"`
	// Source is where it is written: path:line.
	Source string `json:"source"`
	// Rules are the rules of the findings it suppressed.
	Rules  []string `json:"rules"`
	Reason string   `json:"reason"`
	Owner  string   `json:"owner,omitempty"`
	// Until is its expiry (YYYY-MM-DD), "" for none.
	Until string `json:"until"`
	// Findings is how many findings it suppressed.
	Findings int `json:"findings"`
}

// ScanInfo says what part of a repository's history a run scanned.
type ScanInfo struct {
	// Mode is "history" (all of it) or "range" (only what is new).
	Mode string `json:"mode,omitempty"`
	// Range is the revisions of a range scan: new tips, then ^old tips.
	Range string `json:"range,omitempty"`
	// Since is the head of the last audit, for a range scan.
	Since string `json:"since,omitempty"`
	// Commits is how many commits the secrets scan read.
	Commits int `json:"commits"`
}

// Blocking is the repository's blocking findings.
func (r *Repository) Blocking() []scan.Finding {
	var out []scan.Finding
	for _, f := range r.Findings {
		if f.Blocking {
			out = append(out, f)
		}
	}
	return out
}

// ExitCode is the audit's exit code, chosen by scan.Decide:
// scan.ExitInterrupted when a signal stopped it, scan.ExitFail when some
// repository has blocking findings, scan.ExitIncomplete when some could
// not be fully audited, scan.ExitPass otherwise.
func (a *Audit) ExitCode() int {
	_, code := scan.Decide(scan.Tally{Blocking: a.Totals.Fail, Errors: a.Totals.Incomplete,
		Conditions: scan.Conditions{Interrupted: a.Interrupted}})
	return code
}

// Run audits the targets and writes the reports and the state. It returns
// an error only when the audit could not start or its outputs could not be
// written; a repository that fails is recorded in its entry.
func Run(ctx context.Context, opts Options) (*Audit, error) {
	if opts.Jobs <= 0 {
		opts.Jobs = 1
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.ServerURL == "" {
		opts.ServerURL = DefaultServerURL
	}
	if opts.ScanFunc == nil {
		opts.ScanFunc = engine.Scan
	}
	if opts.Scan.Cache == nil {
		// Compile the policies and the default gitleaks rules once for all
		// the repositories, not once for each.
		opts.Scan.Cache = engine.NewCache()
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	// The audit's configuration (--config), which each repository's own
	// files may tighten but not loosen: a bad file stops the audit before
	// anything is cloned.
	opts.Scan.TightenOnly = true
	if f := opts.Scan.ConfigFile; f != "" {
		if _, err := repoconf.ParseFile(f); err != nil {
			return nil, err
		}
	}
	st := NewState()
	if opts.State != "" {
		var err error
		if st, err = LoadState(opts.State); err != nil {
			return nil, err
		}
	}
	work := opts.WorkDir
	if work != "" {
		if err := os.MkdirAll(work, 0o700); err != nil {
			return nil, fmt.Errorf("create work folder %s: %w", work, err)
		}
	}
	work, err := os.MkdirTemp(work, "pipeguard-audit-")
	if err != nil {
		return nil, fmt.Errorf("create work folder: %w", err)
	}
	defer os.RemoveAll(work)

	targets := selectTargets(opts.Targets, opts.Shard)
	a := &Audit{
		Version:      Version,
		Tool:         scan.Tool{Name: "pipeguard", Version: opts.Scan.Version},
		GeneratedAt:  opts.Now().UTC(),
		Shard:        opts.Shard.String(),
		Repositories: make([]Repository, len(targets)),
		Skipped:      opts.Skipped,
	}
	g := &gitRunner{token: opts.Token, host: hostOf(opts.ServerURL)}
	if opts.Progress != nil {
		opts.Progress.Start(len(targets))
	}
	var mu sync.Mutex // guards st and Progress
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(opts.Jobs, max(len(targets), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				t := targets[i]
				mu.Lock()
				prev := st.Repositories[t.Name]
				mu.Unlock()
				r, next := auditOne(ctx, opts, g, work, t, prev)
				mu.Lock()
				if next != nil {
					st.Repositories[t.Name] = next
				}
				if rs := st.Repositories[t.Name]; rs != nil {
					r.History = rs.History
				}
				a.Repositories[i] = *r
				if opts.Progress != nil {
					opts.Progress.Done(&a.Repositories[i])
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range targets {
		select {
		case jobs <- i:
		case <-ctx.Done():
			for j := i; j < len(targets); j++ {
				a.Repositories[j] = *failed(targets[j], prevOf(st, targets[j].Name), errInterrupted)
			}
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if opts.Progress != nil {
		opts.Progress.Finish()
	}
	sort.SliceStable(a.Repositories, func(i, j int) bool { return a.Repositories[i].Name < a.Repositories[j].Name })
	a.Interrupted = scan.Interrupted(ctx, nil)
	a.finish()
	if opts.State != "" {
		if err := st.Save(opts.State); err != nil {
			return a, err
		}
	}
	if opts.Out != "" {
		if err := WriteReports(opts.Out, a); err != nil {
			return a, err
		}
	}
	return a, nil
}

func prevOf(st *State, name string) *RepoState { return st.Repositories[name] }

// selectTargets drops repeated names and the repositories of other shards.
func selectTargets(ts []Target, sh Shard) []Target {
	seen := map[string]bool{}
	var out []Target
	for _, t := range ts {
		if seen[t.Name] || !sh.Owns(t.Name) {
			continue
		}
		seen[t.Name] = true
		out = append(out, t)
	}
	return out
}

// finish computes the totals and the summed history.
func (a *Audit) finish() {
	t := Totals{Repositories: len(a.Repositories)}
	for i := range a.Repositories {
		r := &a.Repositories[i]
		switch r.Verdict {
		case scan.Pass:
			t.Pass++
		case scan.Fail:
			t.Fail++
		default:
			t.Incomplete++
		}
		if r.Error != "" {
			t.Errors++
		}
		t.Findings += len(r.Findings)
		t.Blocking += len(r.Blocking())
		t.New += len(r.New)
		t.Fixed += len(r.Fixed)
		t.Open += len(r.Open)
	}
	a.Totals = t
	a.History = sumHistory(a.Repositories)
}

// sumHistory sums the repositories' open and blocking counts per day: each
// repository counts with its last point on or before that day.
func sumHistory(repos []Repository) []Point {
	days := map[string]time.Time{}
	for _, r := range repos {
		for _, p := range r.History {
			d := p.At.UTC().Format(time.DateOnly)
			if p.At.After(days[d]) {
				days[d] = p.At.UTC()
			}
		}
	}
	keys := make([]string, 0, len(days))
	for d := range days {
		keys = append(keys, d)
	}
	sort.Strings(keys)
	out := []Point{}
	for _, d := range keys {
		end, _ := time.Parse(time.DateOnly, d)
		end = end.Add(24 * time.Hour)
		sum := Point{At: days[d]}
		for _, r := range repos {
			var last *Point
			for i := range r.History {
				p := &r.History[i]
				if p.At.Before(end) {
					if last == nil || !p.At.Before(last.At) {
						last = p
					}
				}
			}
			if last != nil {
				sum.Open += last.Open
				sum.Blocking += last.Blocking
				if last.At.UTC().Format(time.DateOnly) == d {
					sum.New += last.New
					sum.Fixed += last.Fixed
				}
			}
		}
		out = append(out, sum)
	}
	return out
}

// failed is the entry of a repository that could not be audited: its
// findings are those of the last audit, still open as far as anyone knows.
func failed(t Target, prev *RepoState, err error) *Repository {
	r := &Repository{Name: t.Name, URL: displayURL(t.URL), Error: err.Error(),
		Findings: []scan.Finding{}, New: []string{}, Open: []string{}, Fixed: []scan.Finding{}}
	if prev != nil {
		r.Head = prev.Head
		r.Findings = slices.Clone(prev.Findings)
		_, r.Open, _ = diff(prev.Findings, prev.Findings)
		r.Notes = append(r.Notes, "not audited this run: the findings are those of the last audit")
	}
	// Known blocking findings still fail it; otherwise it is incomplete.
	r.Verdict, _ = scan.Decide(scan.Tally{Blocking: len(r.Blocking()), Errors: 1})
	return r
}

// displayURL is a URL safe to show: credentials masked.
func displayURL(s string) string { return scan.MaskURL(s) }

// hostOf is the host (with port) of a URL.
func hostOf(s string) string {
	s = strings.TrimSuffix(s, "/")
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndex(s, "@"); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// auditOne clones and scans one repository. It returns the entry and the
// repository's next state (nil to keep the old one).
func auditOne(ctx context.Context, opts Options, g *gitRunner, work string, t Target, prev *RepoState) (*Repository, *RepoState) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	r, next, err := scanOne(ctx, opts, g, work, t, prev)
	if err != nil {
		switch {
		case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
			err = fmt.Errorf("timed out after %v", opts.Timeout)
		case scan.Interrupted(ctx, err):
			err = errInterrupted
		}
		msg := scan.MaskURLs(g.scrub(err.Error()))
		opts.Log.Warn("audit failed", "repository", t.Name, "error", msg)
		r = failed(t, prev, errors.New(msg))
		next = nil
	}
	r.DurationMS = time.Since(start).Milliseconds()
	return r, next
}

// scanOne does the work of auditOne; the clone is removed whatever happens.
func scanOne(ctx context.Context, opts Options, g *gitRunner, work string, t Target, prev *RepoState) (*Repository, *RepoState, error) {
	dir, err := os.MkdirTemp(work, "repo-")
	if err != nil {
		return nil, nil, fmt.Errorf("create work folder: %w", err)
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "src")
	opts.Log.Info("clone", "repository", t.Name)
	if err := g.clone(ctx, t.URL, src); err != nil {
		return nil, nil, err // "git clone: ..."
	}
	head, err := g.head(ctx, src)
	if err != nil {
		return nil, nil, fmt.Errorf("read HEAD: %w", err)
	}
	r := &Repository{Name: t.Name, URL: displayURL(t.URL), Head: head, Verdict: scan.Pass,
		Findings: []scan.Finding{}, New: []string{}, Open: []string{}, Fixed: []scan.Finding{}, FirstAudit: prev == nil}
	now := opts.Now().UTC()
	if head == "" {
		r.Notes = append(r.Notes, "empty repository: nothing to scan")
		var prevFindings []scan.Finding
		if prev != nil {
			prevFindings = prev.Findings
		}
		r.New, r.Open, r.Fixed = diff(prevFindings, nil)
		return r, nextState(t, prev, r, nil, now), nil
	}
	tips, err := g.tips(ctx, src)
	if err != nil {
		return nil, nil, fmt.Errorf("list refs: %w", err)
	}

	// What history to scan: all of it, or only what the last audit did not see.
	so := opts.Scan
	so.Root = src
	so.Mode = scan.ModeHistory
	so.Range = ""
	so.Event = "schedule"
	so.Branch = t.DefaultBranch
	so.Log = opts.Log.With("repository", t.Name)
	incremental := false
	if prev != nil && prev.Head != "" && !opts.Full {
		switch {
		case !g.hasCommit(ctx, src, prev.Head):
			r.Notes = append(r.Notes, fmt.Sprintf("the last audited head %s is no longer in the repository (history rewritten?): scanned the full history", short(prev.Head)))
		case !g.isAncestor(ctx, src, prev.Head, head):
			r.Notes = append(r.Notes, fmt.Sprintf("the last audited head %s is not an ancestor of %s (force-push?): scanned the full history", short(prev.Head), short(head)))
		case len(prev.Tips) == 0:
			r.Notes = append(r.Notes, "the state records no refs for this repository: scanned the full history")
		default:
			// The refs that moved or appeared, minus everything the last
			// audit's refs reached (those still in the repository).
			present, err := g.commitsPresent(ctx, src, prev.Tips)
			if err != nil {
				return nil, nil, fmt.Errorf("check the last audit's refs: %w", err)
			}
			var revs, excl []string
			for _, tip := range tips {
				if !present[tip] {
					revs = append(revs, tip)
				}
			}
			if len(revs) == 0 {
				revs = []string{head} // nothing new: an empty range
			}
			for _, old := range prev.Tips {
				if present[old] {
					excl = append(excl, "^"+old)
				}
			}
			revs = append(revs, excl...)
			if len(excl) == 0 {
				// Cannot happen while prev.Head is present; be safe.
				break
			}
			so.Mode = scan.ModeRange
			so.Range = strings.Join(revs, " ")
			r.Scan.Since = prev.Head
			incremental = true
		}
	}
	r.Scan.Mode = string(so.Mode)
	r.Scan.Range = so.Range
	countRevs := []string{"--all"}
	if incremental {
		countRevs = strings.Fields(so.Range)
	}
	if r.Scan.Commits, err = g.countCommits(ctx, src, countRevs...); err != nil {
		return nil, nil, fmt.Errorf("count commits: %w", err)
	}

	rep, err := opts.ScanFunc(ctx, so)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		return nil, nil, fmt.Errorf("scan: %w", err)
	}
	if ctx.Err() != nil || rep.Interrupted {
		// What an unfinished scan found is not the repository's state.
		return nil, nil, cmp.Or(ctx.Err(), errInterrupted)
	}
	// The report feeds audit.json, audit.md, audit.html, the state and the
	// tracking issues: masked before any of them sees it.
	scan.Redact(rep)
	for _, e := range rep.Errors {
		if strings.Contains(e.Message, src) {
			e.Message = strings.ReplaceAll(e.Message, src, ".")
		}
		r.Errors = append(r.Errors, e)
	}
	r.Notes = append(r.Notes, rep.Notes...)
	r.Skipped = append(r.Skipped, rep.Skipped...)
	if n := len(rep.Skipped); n > 0 {
		first := rep.Skipped[0]
		r.Notes = append(r.Notes, fmt.Sprintf("%s not scanned (see skipped), %s: %s", plural(n, "input", "inputs"), first.Path, first.Reason))
	}
	for _, run := range rep.Scanners {
		for _, n := range run.Notes {
			// What a scanner could not do (Go modules skipped offline, a
			// fallback) is part of what the audit says.
			r.Notes = append(r.Notes, run.Name+": "+n)
		}
	}
	// The secrets scanner's status: "ok", "failed", "skipped" (the
	// repository's configuration turns it off) or "" (not selected).
	secrets := ""
	for _, run := range rep.Scanners {
		if run.Name == scan.ScannerSecrets {
			secrets = run.Status
		}
	}
	secretsOK := secrets == "ok"
	r.Findings = append(r.Findings, rep.Findings...)

	// History secrets an incremental run cannot see again stay open while
	// their commit is still in the repository; when the secrets scan failed
	// or did not run, all of the last audit's secrets do. A repository that
	// turned the secrets scanner off has no secret findings.
	var prevFindings []scan.Finding
	if prev != nil {
		prevFindings = prev.Findings
	}
	if (incremental || !secretsOK) && secrets != "skipped" {
		foundNow := map[string]bool{}
		for _, f := range r.Findings {
			foundNow[f.Fingerprint] = true
		}
		var commits []string
		for _, f := range prevFindings {
			if isHistorySecret(f) && !foundNow[f.Fingerprint] {
				commits = append(commits, f.Commit)
			}
		}
		present, err := g.commitsPresent(ctx, src, commits)
		if err != nil {
			return nil, nil, fmt.Errorf("check the commits of earlier findings: %w", err)
		}
		carried := map[string]bool{}
		for _, f := range prevFindings {
			if f.Scanner != scan.ScannerSecrets || foundNow[f.Fingerprint] {
				continue
			}
			if secretsOK && (!isHistorySecret(f) || !present[f.Commit]) {
				continue
			}
			r.Findings = append(r.Findings, f)
			carried[f.Fingerprint] = true
		}
		if n := len(carried); n > 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("%d secret %s from earlier audits of the history %s still open", n, plural(n, "finding", "findings"), plural(n, "is", "are")))
		}
	}
	sortFindings(r.Findings)
	r.Config = repoConfig(ctx, src, opts.Scan.ConfigFile, r.Findings)
	r.New, r.Open, r.Fixed = diff(prevFindings, r.Findings)
	r.Verdict, _ = scan.Decide(scan.Tally{Blocking: len(r.Blocking()), PolicyFail: rep.PolicyFail || rep.Verdict == scan.Fail,
		Errors: len(r.Errors), Conditions: scan.Conditions{Interrupted: rep.Interrupted}})
	next := nextState(t, prev, r, tips, now)
	if !secretsOK && secrets != "skipped" {
		// The history the secrets scan should have read is read next time.
		next.Head, next.Tips = "", nil
		if prev != nil {
			next.Head, next.Tips = prev.Head, prev.Tips
		}
	}
	return r, next, nil
}

// repoConfig lists what the repository's configuration files ask for that
// the audit did not honour (read again as the scan read them), and the
// suppressions among its findings; nil when there is none of either.
func repoConfig(ctx context.Context, root, floor string, findings []scan.Finding) *RepoConfig {
	c := &RepoConfig{DisabledRules: []repoconf.Refusal{}, Excludes: []repoconf.Refusal{}, NotHonoured: []repoconf.Refusal{}, Suppressions: []Suppression{}}
	if set, err := repoconf.LoadFloor(ctx, root, floor); err == nil {
		for _, r := range set.Refused() {
			switch r.Setting {
			case "disable_rules":
				c.DisabledRules = append(c.DisabledRules, r)
			case "exclude":
				c.Excludes = append(c.Excludes, r)
			default:
				c.NotHonoured = append(c.NotHonoured, r)
			}
		}
	}
	bySource := map[string]*Suppression{}
	var order []string
	for _, f := range dedupe(findings) {
		sp := f.Suppression
		if sp == nil {
			continue
		}
		key := sp.Kind + "\x00" + sp.Source
		s := bySource[key]
		if s == nil {
			s = &Suppression{Kind: sp.Kind, Source: sp.Source, Reason: sp.Reason, Owner: sp.Owner, Until: sp.Until}
			bySource[key] = s
			order = append(order, key)
		}
		s.Findings++
		if !slices.Contains(s.Rules, f.Rule) {
			s.Rules = append(s.Rules, f.Rule)
		}
	}
	for _, k := range order {
		c.Suppressions = append(c.Suppressions, *bySource[k])
	}
	if len(c.DisabledRules)+len(c.Excludes)+len(c.NotHonoured)+len(c.Suppressions) == 0 {
		return nil
	}
	return c
}

// nextState is the state a successful audit leaves.
func nextState(t Target, prev *RepoState, r *Repository, tips []string, now time.Time) *RepoState {
	next := &RepoState{URL: displayURL(t.URL), Head: r.Head, Tips: tips, ScannedAt: now, Findings: r.Findings}
	if prev != nil {
		next.History = slices.Clone(prev.History)
	}
	next.History = append(next.History, Point{At: now, Open: len(dedupe(r.Findings)), Blocking: len(dedupe(r.Blocking())), New: len(r.New), Fixed: len(r.Fixed)})
	if len(next.History) > maxHistory {
		next.History = next.History[len(next.History)-maxHistory:]
	}
	return next
}

// dedupe keeps one finding per fingerprint.
func dedupe(fs []scan.Finding) []scan.Finding {
	seen := map[string]bool{}
	var out []scan.Finding
	for _, f := range fs {
		if !seen[f.Fingerprint] {
			seen[f.Fingerprint] = true
			out = append(out, f)
		}
	}
	return out
}

// sortFindings orders findings as scan.Report.Sort does.
func sortFindings(fs []scan.Finding) {
	rep := &scan.Report{Findings: fs}
	rep.Sort()
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
