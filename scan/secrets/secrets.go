// Package secrets finds leaked credentials with the gitleaks v8 engine used
// as a library: its default rules, a repository's own .gitleaks.toml and
// .gitleaksignore, and gitleaks:allow comments, over the working tree, all of
// git history, a range of commits or the index.
//
// Rule regexes are compiled only when a rule's keywords occur in what is
// scanned (or all at once, spread over the processors, for large inputs), so
// that scanning a small change costs little more than running git.
package secrets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/logging"
	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"

	"github.com/pipeguard/pipeguard/scan"
	pgit "github.com/pipeguard/pipeguard/scan/git" // aliased: the tests have a git helper
	"github.com/pipeguard/pipeguard/scan/secrets/cred"
	"github.com/pipeguard/pipeguard/scan/target"
)

// DefaultDecodeDepth is how many rounds of base64, hex, percent and unicode
// decoding a scan applies by default, as the gitleaks command does.
const DefaultDecodeDepth = 5

// Remediation is the advice every secret finding carries.
const Remediation = "Treat the credential as compromised: revoke or rotate it with its issuer first. " +
	"Then remove it from the code and load it at run time from a secret store or the environment. " +
	"If it was committed, purge it from git history (git filter-repo) and force-push; rotation matters more " +
	"than the purge, since clones and forks keep the old commits. " +
	"If it is not a real secret, add a gitleaks:allow comment on its line or its fingerprint to .gitleaksignore."

// KindGitleaksIgnore is the Suppression.Kind of a finding whose gitleaks
// fingerprint is listed in .gitleaksignore.
const KindGitleaksIgnore = "gitleaksignore"

// Options configure a Scanner.
type Options struct {
	// Root is the repository whose .gitleaks.toml and .gitleaksignore are
	// read at construction. When empty, they are read from the Target's
	// root on the first Scan.
	Root string
	// ConfigPath is the gitleaks configuration to use instead of
	// Root/.gitleaks.toml; relative to Root.
	ConfigPath string
	// IgnorePath is the .gitleaksignore to use instead of Root/.gitleaksignore;
	// relative to Root.
	IgnorePath string
	// Severity of the findings; High when empty.
	Severity scan.Severity
	// DecodeDepth is how many rounds of decoding (base64, hex, ...) to apply
	// when looking for encoded secrets: 0 means DefaultDecodeDepth, a
	// negative value turns decoding off.
	DecodeDepth int
	// IgnoreAllowComments makes gitleaks:allow comments count for nothing.
	IgnoreAllowComments bool
	// Workers is how many fragments are scanned at once; 0 means one per processor.
	Workers int
	// Exact runs every rule over whole files and hunks, as the gitleaks
	// command does, instead of over the lines around its keywords. It is
	// slower and finds the same secrets: the windows cover every line a
	// rule's match can reach. It is there to check that claim.
	Exact bool
	// GitleaksOnly turns the structure-aware detector off: only the
	// gitleaks rules run.
	GitleaksOnly bool
}

// Scanner is the "secrets" scanner. One Scanner may run many scans, at the
// same time too; it keeps the rules it has compiled.
type Scanner struct {
	opts Options

	mu    sync.Mutex
	rules map[string]*loaded // by root

	// cred is the structure-aware detector; nil with GitleaksOnly.
	cred *cred.Detector
}

// loaded is the configuration of one root.
type loaded struct {
	rules  *ruleSet
	ignore map[string]bool // .gitleaksignore fingerprints
	notes  []string
}

var silence sync.Once

// quiet turns gitleaks' package-level logger off: it writes to stderr, and
// some of its messages quote secrets.
func quiet() {
	silence.Do(func() { logging.Logger = zerolog.Nop() })
}

// New returns a secrets scanner. When opts.Root is set it reads the
// configuration at once, so that a malformed .gitleaks.toml is reported
// before any scan, as a *scan.ConfigError naming the file.
func New(opts Options) (*Scanner, error) {
	quiet()
	if opts.Severity == "" {
		opts.Severity = scan.High
	}
	if opts.Severity.Rank() == 0 {
		return nil, &scan.ConfigError{Err: fmt.Errorf("unknown severity %q", opts.Severity)}
	}
	s := &Scanner{opts: opts, rules: map[string]*loaded{}}
	if !opts.GitleaksOnly {
		s.cred = cred.New()
	}
	if opts.Root != "" {
		if _, err := s.load(opts.Root); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Name is "secrets".
func (s *Scanner) Name() string { return scan.ScannerSecrets }

// load returns the configuration of root, reading it on first use.
func (s *Scanner) load(root string) (*loaded, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.rules[abs]; ok {
		return l, nil
	}
	if s.opts.Root != "" {
		// The configuration is the one named at construction, whatever the target.
		if l, ok := s.rules[mustAbs(s.opts.Root)]; ok {
			return l, nil
		}
	}
	rs, err := loadRules(abs, s.opts.ConfigPath)
	if err != nil {
		return nil, err
	}
	l := &loaded{rules: rs}
	if rs.path != "" {
		l.notes = append(l.notes, "gitleaks config: "+rs.path)
	}
	ip := s.opts.IgnorePath
	if ip == "" {
		ip = ".gitleaksignore"
	}
	if !filepath.IsAbs(ip) {
		ip = filepath.Join(abs, ip)
	}
	l.ignore, err = readIgnore(ip)
	switch {
	case errors.Is(err, os.ErrNotExist) && s.opts.IgnorePath == "":
	case err != nil:
		return nil, &scan.ConfigError{Path: ip, Err: err}
	}
	s.rules[abs] = l
	return l, nil
}

func mustAbs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// Scan looks for secrets in what t.Mode names: the working tree files of
// t.Tree, all of history, the commits of t.Range, or the index.
func (s *Scanner) Scan(ctx context.Context, t *scan.Target) (*scan.Result, error) {
	quiet()
	l, err := s.load(t.Root)
	if err != nil {
		return nil, err
	}
	res := &scan.Result{Notes: append([]string(nil), l.notes...)}
	var (
		src   source
		names []string // file names to look at for secrets, in tree mode
	)
	switch t.Mode {
	case scan.ModeTree, "":
		tree := t.Tree
		if tree == nil {
			tree = target.NewTree(t.Root, t.MaxFileSize)
		}
		files, skipped, err := tree.Files(ctx)
		if err != nil {
			return nil, err
		}
		res.Skipped = append(res.Skipped, skipped...)
		src = s.treeSource(files, l)
		for _, f := range files {
			names = append(names, f.Path)
		}
		for _, sk := range skipped {
			names = append(names, sk.Path)
		}
	case scan.ModeHistory, scan.ModeRange, scan.ModeStaged:
		repo, err := pgit.Open(ctx, t.Root)
		if err != nil {
			if errors.Is(err, pgit.ErrNotRepository) {
				return nil, &scan.ConfigError{Err: fmt.Errorf("%s mode needs a git repository: %w", t.Mode, err)}
			}
			return nil, err
		}
		switch t.Mode {
		case scan.ModeHistory:
			src = logSource(repo, []string{"--all"}, t.MaxFileSize)
		case scan.ModeRange:
			// A range of full commit ids was checked by whoever resolved
			// it (the engine does); anything else is checked here, since
			// git log on a bad range could scan nothing without a word.
			revs := resolved(t.Range)
			if revs == nil {
				g, err := repo.ParseRange(ctx, t.Range)
				if err != nil {
					return nil, err
				}
				revs = g.Revs
			}
			src = logSource(repo, revs, t.MaxFileSize)
		case scan.ModeStaged:
			src = stagedSource(repo, t.MaxFileSize)
		}
	default:
		return nil, &scan.ConfigError{Err: fmt.Errorf("unknown scan mode %q", t.Mode)}
	}

	found, stats, err := s.run(ctx, l.rules, src, names)
	if err != nil {
		if t.Mode == scan.ModeRange && ctx.Err() == nil {
			// Say which revision is wrong, when one is.
			if repo, oerr := pgit.Open(ctx, t.Root); oerr == nil {
				if _, perr := repo.ParseRange(ctx, t.Range); perr != nil {
					return nil, perr
				}
			}
		}
		return nil, err
	}
	res.Errors = append(res.Errors, stats.errors...)
	res.Skipped = append(res.Skipped, stats.skipped...)
	ignored := 0
	for _, f := range found {
		sf := s.finding(f)
		if l.ignored(f) {
			// Kept, marked suppressed, so that reports show what was
			// dismissed and why (issue: suppressed findings stay in JSON
			// and SARIF).
			ignored++
			sf.Suppression = &scan.Suppression{Kind: KindGitleaksIgnore, Reason: "fingerprint listed in .gitleaksignore", Source: ".gitleaksignore"}
		}
		res.Findings = append(res.Findings, sf)
	}
	if ignored > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d secret findings suppressed by .gitleaksignore", ignored))
	}
	scan.SortFindings(res.Findings)
	return res, nil
}

// resolved returns the fields of a range made only of full commit ids
// ("A..B", or "C ^X ..."), or nil.
func resolved(rng string) []string {
	fields := strings.Fields(rng)
	if len(fields) == 0 {
		return nil
	}
	for _, f := range fields {
		f = strings.TrimPrefix(f, "^")
		a, b, isRange := strings.Cut(f, "..")
		if !isCommitID(a) || (isRange && (len(fields) > 1 || !isCommitID(b))) {
			return nil
		}
	}
	return fields
}

// isCommitID reports whether s is a full SHA-1 or SHA-256 object id.
func isCommitID(s string) bool { return pgit.IsObjectID(s) }

// finding turns a gitleaks finding (or one of the structure detector's,
// made in gitleaks' shape) into pipeguard's, the secret kept only for
// redaction.
func (s *Scanner) finding(f report.Finding) scan.Finding {
	where := f.File
	if f.StartLine > 0 {
		where = fmt.Sprintf("%s:%d", f.File, f.StartLine)
	}
	if f.Commit != "" {
		where += " in commit " + shortSHA(f.Commit)
	}
	desc := strings.TrimSpace(f.Description)
	structure := hasTag(f.Tags, TagStructure)
	inName := hasTag(f.Tags, TagFileName)
	var msg, ttl string
	switch {
	case structure:
		ttl = cred.Title(f.RuleID)
		msg = fmt.Sprintf("%s (rule %s) at %s.", strings.TrimSuffix(desc, "."), f.RuleID, where)
	case desc != "":
		ttl = title(desc, f.RuleID)
		msg = fmt.Sprintf("%s (gitleaks rule %s) at %s.", strings.TrimSuffix(desc, "."), f.RuleID, where)
	default:
		ttl = title(desc, f.RuleID)
		msg = fmt.Sprintf("gitleaks rule %s matched a secret at %s.", f.RuleID, where)
	}
	if inName {
		msg = strings.TrimSuffix(msg, ".") + ", in the file's name: the name itself holds the secret."
	}
	tags := append([]string{"secret"}, f.Tags...)
	if (structure || isGeneric(f.RuleID)) && isTestPath(f.File) {
		// A value judged by its shape, in test or example code: still
		// reported (test credentials leak too), but the default gate
		// only warns on it.
		tags = append(tags, TagTestPath)
		msg += " It is in a test or example path: reported, but the default gate only warns on it."
	}
	j := judge(f)
	tags = append(tags, j.tags()...)
	if why := j.explain(); why != "" {
		msg += " " + why
	}
	out := scan.Finding{
		Scanner:     scan.ScannerSecrets,
		Rule:        f.RuleID,
		Severity:    s.opts.Severity,
		Confidence:  j.confidence,
		Title:       ttl,
		Message:     msg,
		Path:        f.File,
		Line:        f.StartLine,
		EndLine:     f.EndLine,
		Column:      f.StartColumn,
		Commit:      f.Commit,
		Author:      f.Author,
		Date:        f.Date,
		Fingerprint: scan.Fingerprint(f.RuleID, f.File, scan.HashSecret(f.Secret)),
		Remediation: Remediation,
		Tags:        tags,
	}
	if out.EndLine < out.Line {
		out.EndLine = out.Line
	}
	return out.WithRawSecret(f.Secret)
}

func hasTag(tags []string, tag string) bool {
	for _, t := range tags {
		if t == tag {
			return true
		}
	}
	return false
}

// title shortens a gitleaks rule description ("Uncovered a GitHub Personal
// Access Token, potentially leading to ...") to its first clause.
func title(desc, rule string) string {
	if desc == "" {
		return "Secret matched by gitleaks rule " + rule
	}
	t := desc
	if i := strings.Index(t, ", "); i >= 12 {
		t = t[:i]
	}
	return strings.TrimSuffix(strings.TrimSpace(t), ".")
}

func shortSHA(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// scanStats are what a scan met besides findings.
type scanStats struct {
	fragments int
	errors    []scan.Error
	skipped   []scan.Skipped
	mu        sync.Mutex
}

func (st *scanStats) skip(sk scan.Skipped) {
	st.mu.Lock()
	st.skipped = append(st.skipped, sk)
	st.mu.Unlock()
}

// source yields the fragments of a scan to emit, in one goroutine; emit
// returns an error when the scan is cancelled.
type source func(ctx context.Context, rs *ruleSet, st *scanStats, emit func(sources.Fragment) error) error

// smallScan is the input size (bytes) up to which a scan compiles only the
// rules whose keywords occur in it; above it, every rule is compiled.
const smallScan = 512 << 10

// run scans the fragments of src and returns the findings. The names of
// files are scanned too: those of names, and, in diffs, those of the
// files each commit touches.
func (s *Scanner) run(ctx context.Context, rs *ruleSet, src source, names []string) ([]report.Finding, *scanStats, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	st := &scanStats{}
	frags := make(chan sources.Fragment, 64)
	srcErr := make(chan error, 1)
	go func() {
		defer close(frags)
		srcErr <- src(ctx, rs, st, func(f sources.Fragment) error {
			select {
			case frags <- f:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	// drain makes the source stop, and waits for it, on an early return.
	drain := func() {
		cancel()
		for range frags {
		}
	}

	// Buffer the start of the input: when all of it is small, compile only
	// the rules its keywords call for.
	var (
		buf  []sources.Fragment
		size int
		all  = false
	)
	for size <= smallScan {
		f, ok := <-frags
		if !ok {
			break
		}
		buf = append(buf, f)
		size += len(f.Raw)
	}
	if size > smallScan {
		all = true
	}
	var ids []string
	if all {
		ids = rs.ids
	} else {
		ids = rs.selectRules(func(yield func(string)) {
			for _, f := range buf {
				s.decoded(f.Raw, yield)
				yield(f.FilePath)
			}
			for _, n := range names {
				yield(n)
			}
		})
	}
	eng, err := s.newEngine(ctx, rs, ids)
	if err != nil {
		drain()
		return nil, nil, err
	}

	var (
		mu    sync.Mutex
		found []report.Finding
		wg    sync.WaitGroup
	)
	work := make(chan sources.Fragment, 64)
	workers := s.opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	seen := newNameSet(names)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				fs := markGenerated(f, s.structure(rs, st, f, eng.detect(ctx, f)))
				if f.CommitSHA != "" || len(names) == 0 {
					if seen.add(f.CommitSHA, f.FilePath) {
						fs = append(fs, s.nameFindings(ctx, eng, rs, f.FilePath, f.CommitSHA, f.CommitInfo)...)
					}
				}
				if len(fs) == 0 {
					continue
				}
				mu.Lock()
				found = append(found, fs...)
				mu.Unlock()
			}
		}()
	}
	n := 0
	for _, f := range buf {
		work <- f
		n++
	}
	buf = nil
	for f := range frags {
		work <- f
		n++
	}
	close(work)
	wg.Wait()
	for _, name := range names {
		found = append(found, s.nameFindings(ctx, eng, rs, name, "", nil)...)
	}
	st.fragments = n
	if err := eng.failed(); err != nil {
		<-srcErr
		return nil, nil, err
	}
	if err := <-srcErr; err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	sortFindings(found)
	return found, st, nil
}

func (s *Scanner) decodeDepth() int {
	switch {
	case s.opts.DecodeDepth == 0:
		return DefaultDecodeDepth
	case s.opts.DecodeDepth < 0:
		return 0
	}
	return s.opts.DecodeDepth
}

func sortFindings(fs []report.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		if a.StartColumn != b.StartColumn {
			return a.StartColumn < b.StartColumn
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Commit < b.Commit
	})
}

// dateOf formats a commit date as RFC 3339 in UTC.
func dateOf(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
