// Package suppress applies pipeguard's suppressions to a report: inline
// comments in the code and entries of .pipeguard-ignore.yaml.
//
// A suppressed finding stays in the report, marked with its Suppression, and
// never blocks. An expired suppression stops suppressing and says so on the
// finding and in the report's notes; one that matches nothing is reported as
// stale. See README.md in this folder for the forms.
package suppress

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/repoconf"
	"github.com/pipeguard/pipeguard/scan/target"
)

// Options says where suppressions come from.
type Options struct {
	// Root is the repository (scan) root; finding paths are relative to it.
	Root string
	// Config names the suppression files (each folder's ignore_file) and the
	// Source they are read from: the working tree, or the trusted revision
	// under --trusted-config-from. Nil means the default file in the working tree.
	Config *repoconf.Set
	// IgnoreFiles, when set, replaces the files Config names (repository-relative).
	IgnoreFiles []string
	// TrustedRev, when set (--trusted-config-from), makes an inline comment
	// count only when that file at TrustedRev already holds the same comment
	// over the same code (the lines the finding spans): the finding the
	// comment suppressed there, same rule and same content, so same
	// fingerprint. A change can neither suppress its own findings inline nor
	// copy a trusted comment above a new finding.
	TrustedRev string
	// Files are repository-relative files searched for pipeguard:ignore
	// comments that match no finding (stale). Leave empty to skip that
	// search (for example when scanning a range or only changed lines).
	Files []string
	// Partial says the report covers only part of the repository (a range,
	// staged files, changed lines): no suppression is then reported stale.
	Partial bool
	// Now is the current time, for expiry; zero means time.Now().
	Now time.Time
}

// Apply marks the report's findings that a suppression covers, and adds
// notes for expired, stale, untrusted and malformed suppressions. A malformed
// ignore file is a *scan.ConfigError.
func Apply(ctx context.Context, rep *scan.Report, opts Options) error {
	a := &applier{
		opts:  opts,
		today: opts.Now,
		lines: map[string][]string{},
		used:  map[string]bool{},
		noted: map[string]bool{},
		stmts: map[string][]scan.Statement{},
	}
	if a.today.IsZero() {
		a.today = time.Now()
	}
	if opts.Config == nil {
		a.opts.Config = repoconf.Default()
	}
	a.work = repoconf.WorkTree(opts.Root)
	if src := a.opts.Config.Source(); src != nil {
		a.files = src
	} else {
		a.files = a.work
	}
	if opts.TrustedRev != "" {
		src, err := repoconf.GitRev(ctx, opts.Root, opts.TrustedRev)
		if err != nil {
			return &scan.ConfigError{Err: fmt.Errorf("--trusted-config-from: %w", err)}
		}
		a.trusted = src
		a.trustedLines = map[string][]string{}
	}
	entries, err := a.loadEntries(ctx)
	if err != nil {
		return err
	}
	a.prefetchHistory(ctx, rep)
	for i := range rep.Findings {
		if err := ctx.Err(); err != nil {
			return err
		}
		f := &rep.Findings[i]
		if f.Suppression != nil {
			continue // already suppressed upstream (e.g. by the scanner)
		}
		if a.inline(ctx, rep, f) {
			continue
		}
		a.file(rep, f, entries)
	}
	if !opts.Partial {
		ran := ranScanners(rep)
		for _, e := range entries {
			if a.used[e.Source] {
				continue
			}
			if s := e.scanner(); (s == "" && !ran["*"]) || (s != "" && !ran[s]) {
				continue // its scanner did not run in full: cannot tell
			}
			rep.Notes = append(rep.Notes, fmt.Sprintf("warning: stale suppression at %s (%s) matches no finding: remove it", e.Source, e.describe()))
		}
		if ran["*"] {
			a.staleInline(ctx, rep)
		}
	}
	return nil
}

type applier struct {
	opts  Options
	today time.Time
	work  repoconf.Source // the working tree, for code
	files repoconf.Source // where ignore files are read
	// trusted is the --trusted-config-from revision, for inline comments.
	trusted      repoconf.Source
	trustedLines map[string][]string
	// lines caches source files, by commit and path.
	lines map[string][]string
	// used are the suppressions (by source) that matched at least one finding.
	used map[string]bool
	// noted are report notes already added.
	noted map[string]bool
	// history caches one Source per commit, for findings in history.
	history map[string]repoconf.Source
	// stmts caches the statements of source files, by commit and path.
	stmts map[string][]scan.Statement
}

func (a *applier) note(rep *scan.Report, msg string) {
	if !a.noted[msg] {
		a.noted[msg] = true
		rep.Notes = append(rep.Notes, msg)
	}
}

func (a *applier) loadEntries(ctx context.Context) ([]*Entry, error) {
	names := a.opts.IgnoreFiles
	if len(names) == 0 {
		seen := map[string]bool{}
		for _, c := range a.opts.Config.Configs() {
			if c.IgnoreFile != "" && !seen[c.IgnoreFile] {
				seen[c.IgnoreFile] = true
				names = append(names, c.IgnoreFile)
			}
		}
	}
	var entries []*Entry
	for _, name := range names {
		data, err := a.files.ReadFile(ctx, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, &scan.ConfigError{Path: name, Err: err}
		}
		f, err := ParseIgnoreFile(name, data)
		if err != nil {
			return nil, err
		}
		entries = append(entries, f.Entries...)
	}
	return entries, nil
}

// expired reports whether a suppression valid through until has expired.
func (a *applier) expired(until string) bool {
	return until != "" && a.today.UTC().Format(time.DateOnly) > until
}

// inline applies the comments on the finding's line, or on a comment-only
// line just above it. It reports whether the finding is now suppressed.
func (a *applier) inline(ctx context.Context, rep *scan.Report, f *scan.Finding) bool {
	if f.Path == "" || f.Line <= 0 {
		return false
	}
	lines := a.source(ctx, f)
	if f.Line > len(lines) {
		return false
	}
	type cand struct {
		d    directive
		line int
	}
	var cands []cand
	// own adds the comments written on line as if on the finding's own
	// line, and a pipeguard:ignore alone on the line above it; gitleaks:allow
	// and nosec work on their own line, as in their tools.
	own := func(line int) {
		for _, d := range parseLine(lines[line-1]) {
			cands = append(cands, cand{d, line})
		}
		if line >= 2 {
			for _, d := range parseLine(lines[line-2]) {
				if d.kind == KindInline && d.commentOnly {
					cands = append(cands, cand{d, line - 1})
				}
			}
		}
	}
	own(f.Line)
	// The finding's statement: a comment on its first line covers the
	// whole statement (requests.get(  # nosec ... verify=False on a later
	// line; a struct literal's first line in Go), as gosec reads it.
	stmt, inStmt := a.statement(ctx, f, lines)
	if inStmt && stmt.Line < f.Line {
		own(stmt.Line)
	}
	// nosec and noqa also count on the other lines of the finding's
	// statement: Ruff wants noqa at the end of a multi-line string, Bandit
	// reads nosec on any line of the statement.
	toolLine := func(l int) {
		for _, d := range parseLine(lines[l-1]) {
			if d.kind == KindNosec || d.kind == KindNoqa {
				cands = append(cands, cand{d, l})
			}
		}
	}
	for l := f.Line + 1; l <= min(f.EndLine, f.Line+maxToolSpan, len(lines)); l++ {
		toolLine(l)
	}
	if inStmt {
		for l := max(stmt.Line+1, f.Line-maxToolSpan); l <= min(stmt.EndLine, f.Line+maxToolSpan, len(lines)); l++ {
			if l != f.Line && (l < f.Line || l > f.EndLine) && a.ownLine(f, l, stmt) {
				toolLine(l)
			}
		}
	}
	for _, c := range cands {
		d := c.d
		src := fmt.Sprintf("%s:%d", f.Path, c.line)
		if d.foreign && (d.kind == KindNosec || d.bare) && (f.Scanner == scan.ScannerConfig || f.Scanner == scan.ScannerSecrets) {
			// Say why a comment meant to silence checks leaves this one.
			f.Reasons = append(f.Reasons, fmt.Sprintf("# %s at %s does not suppress %s: it names no check that maps to this rule (name one, e.g. # %s %s)", d.kind, src, f.Rule, toolHint(d.kind), f.Rule))
			continue
		}
		if !d.appliesTo(f) {
			continue
		}
		if d.err != nil {
			f.Reasons = append(f.Reasons, fmt.Sprintf("inline suppression at %s ignored: %v", src, d.err))
			a.note(rep, fmt.Sprintf("warning: malformed suppression at %s: %v", src, d.err))
			a.used[src] = true
			continue
		}
		a.used[src] = true
		if a.trusted != nil {
			switch a.trustedCover(ctx, f, d, c.line, lines) {
			case notTrusted:
				f.Reasons = append(f.Reasons, fmt.Sprintf("inline suppression at %s ignored: it is not in the trusted revision %s", src, a.opts.TrustedRev))
				a.note(rep, fmt.Sprintf("warning: suppression at %s is not in the trusted revision %s and was ignored", src, a.opts.TrustedRev))
				continue
			case otherCode:
				f.Reasons = append(f.Reasons, fmt.Sprintf("inline suppression at %s ignored: at the trusted revision %s this comment covers other code, not this finding", src, a.opts.TrustedRev))
				a.note(rep, fmt.Sprintf("warning: suppression at %s is a copy of a comment of the trusted revision %s over other code and was ignored", src, a.opts.TrustedRev))
				continue
			}
		}
		if a.expired(d.until) {
			f.Reasons = append(f.Reasons, fmt.Sprintf("suppression at %s expired on %s and no longer applies", src, d.until))
			a.note(rep, fmt.Sprintf("warning: expired suppression at %s (until %s): renew or remove it", src, d.until))
			continue
		}
		reason := d.reason
		if reason == "" {
			reason = d.kind + " comment"
		}
		f.Suppression = &scan.Suppression{Kind: d.kind, Reason: reason, Owner: d.owner, Until: d.until, Source: src}
		return true
	}
	return false
}

// appliesTo reports whether the directive concerns finding f.
func (d directive) appliesTo(f *scan.Finding) bool {
	switch d.kind {
	case KindGitleaksAllow:
		return f.Scanner == scan.ScannerSecrets
	case KindNosec, KindNoqa:
		if f.Scanner != scan.ScannerSecrets && f.Scanner != scan.ScannerConfig || d.foreign {
			return false
		}
		if len(d.rules) == 0 {
			return true
		}
	}
	if d.err != nil && len(d.rules) == 0 {
		return true // a malformed comment with no rule: tell the finding why it did not work
	}
	for _, r := range d.rules {
		if f.HasID(r) {
			return true
		}
		// pipeguard reports a hard-coded credential once, by the secrets
		// scanner's rule when it knows the kind of credential (the config
		// finding on its line is then left out): the ids of the tools'
		// hard-coded credential checks (gosec's G101, Bandit's B105) that
		// stand for hardcoded-secret stand for that finding too.
		if r == overlapRule && f.Scanner == scan.ScannerSecrets && (d.kind == KindNosec || d.kind == KindNoqa) {
			return true
		}
	}
	return false
}

// overlapRule is the config rule that says what the secrets scanner says
// when both see the same literal.
const overlapRule = "hardcoded-secret"

// maxToolSpan bounds how many lines below a finding's line a nosec or
// noqa comment is looked for.
const maxToolSpan = 30

func toolHint(kind string) string {
	if kind == KindNoqa {
		return "noqa:"
	}
	return "nosec"
}

// file applies the first matching entry of the ignore files.
func (a *applier) file(rep *scan.Report, f *scan.Finding, entries []*Entry) {
	for _, e := range entries {
		if !e.Matches(f) {
			continue
		}
		a.used[e.Source] = true
		if a.expired(e.Until) {
			f.Reasons = append(f.Reasons, fmt.Sprintf("suppression at %s expired on %s and no longer applies", e.Source, e.Until))
			a.note(rep, fmt.Sprintf("warning: expired suppression at %s (until %s, owner %s): renew or remove it", e.Source, e.Until, e.Owner))
			continue
		}
		f.Suppression = &scan.Suppression{Kind: KindFile, Reason: e.Reason, Owner: e.Owner, Until: e.Until, Source: e.Source}
		return
	}
}

// prefetchHistory reads, with one git process, the file of every finding
// found in a commit, at that commit: a history scan has hundreds of such
// findings, and a git process or three for each made the suppression step
// slower than the scan. What it cannot read is left to source.
func (a *applier) prefetchHistory(ctx context.Context, rep *scan.Report) {
	var specs []string
	seen := map[string]bool{}
	for _, f := range rep.Findings {
		key := f.Commit + ":" + f.Path
		if f.Commit == "" || f.Suppression != nil || seen[key] {
			continue
		}
		seen[key] = true
		specs = append(specs, key)
	}
	if len(specs) == 0 {
		return
	}
	blobs, err := target.ReadFilesAt(ctx, a.opts.Root, specs)
	if err != nil {
		return
	}
	for key, data := range blobs {
		a.lines[key] = splitLines(data)
	}
}

// source returns the lines of the file a finding is in: at its commit for
// findings in history (falling back to the working tree), else in the
// working tree. Files are read once.
func (a *applier) source(ctx context.Context, f *scan.Finding) []string {
	key := f.Commit + ":" + f.Path
	if l, ok := a.lines[key]; ok {
		return l
	}
	var data []byte
	var err error = fs.ErrNotExist
	if f.Commit != "" {
		if a.history == nil {
			a.history = map[string]repoconf.Source{}
		}
		src, ok := a.history[f.Commit]
		if !ok {
			src, _ = repoconf.GitRev(ctx, a.opts.Root, f.Commit)
			a.history[f.Commit] = src
		}
		if src != nil {
			data, err = src.ReadFile(ctx, f.Path)
		}
	}
	if err != nil {
		data, err = a.work.ReadFile(ctx, f.Path)
	}
	var lines []string
	if err == nil {
		lines = splitLines(data)
	}
	a.lines[key] = lines
	return lines
}

// Answers of trustedCover.
const (
	notTrusted = iota // the comment is not in the file at the trusted revision
	otherCode         // it is, but over other code: a copy
	sameCode          // it is, over the same code: the finding it suppressed there
)

// trustedCover says whether the trusted revision's version of f's file
// holds the comment d over the code f spans: the comment's line there
// (at) must start the same code, from the comment's line (on the line
// above the finding or its statement, or on the statement's first line)
// or the finding's, whichever comes first, to the finding's end. Lines are
// compared trimmed, so indentation may change, and a moved block keeps its
// suppression; a finding whose code differs (a new secret under a copied
// comment) does not.
func (a *applier) trustedCover(ctx context.Context, f *scan.Finding, d directive, at int, lines []string) int {
	tl, ok := a.trustedLines[f.Path]
	if !ok {
		if data, err := a.trusted.ReadFile(ctx, f.Path); err == nil {
			tl = splitLines(data)
		}
		a.trustedLines[f.Path] = tl
	}
	end := max(f.EndLine, f.Line)
	if end > len(lines) {
		end = len(lines)
	}
	// The code from the comment (when above the finding: on the line above
	// it, or on its statement's first line) to the finding's last line.
	first := min(at, f.Line)
	span := lines[first-1 : end]
	found := notTrusted
	for i, l := range tl {
		if strings.TrimSpace(l) != d.text {
			continue
		}
		found = otherCode
		start := i - (at - first)
		if start < 0 || start+len(span) > len(tl) {
			continue
		}
		same := true
		for j, want := range span {
			if strings.TrimSpace(tl[start+j]) != strings.TrimSpace(want) {
				same = false
				break
			}
		}
		if same {
			return sameCode
		}
	}
	return found
}

// staleInline reports pipeguard:ignore comments in opts.Files that matched no finding.
func (a *applier) staleInline(ctx context.Context, rep *scan.Report) {
	var stale []string
	for _, p := range a.opts.Files {
		if ctx.Err() != nil {
			return
		}
		data, err := a.work.ReadFile(ctx, p)
		if err != nil || !bytes.Contains(data, []byte("pipeguard:ignore")) {
			continue
		}
		for i, line := range splitLines(data) {
			if !strings.Contains(line, "pipeguard:ignore") {
				continue
			}
			if !inRealComment(p, line) {
				continue // quoted in a string or a document: not a suppression of this file
			}
			for _, d := range parseLine(line) {
				src := fmt.Sprintf("%s:%d", p, i+1)
				if d.kind == KindInline && !a.used[src] {
					stale = append(stale, fmt.Sprintf("warning: stale suppression at %s (rule %s) matches no finding: remove it", src, strings.Join(d.rules, ",")))
				}
			}
		}
	}
	sort.Strings(stale)
	for _, s := range stale {
		a.note(rep, s)
	}
}

// Comment markers by kind of file, for telling a pipeguard:ignore comment
// from one quoted in a string literal (a test, a help message) or in
// documentation.
var (
	slashComment = regexp.MustCompile(`(?:^|\s)(?://|/\*)\s*pipeguard:ignore\b`)
	hashComment  = regexp.MustCompile(`(?:^|\s)#\s*pipeguard:ignore\b`)
	slashLangs   = map[string]bool{".go": true, ".js": true, ".jsx": true, ".ts": true, ".tsx": true, ".java": true,
		".kt": true, ".c": true, ".h": true, ".cc": true, ".cpp": true, ".rs": true, ".swift": true, ".cs": true, ".scala": true}
	hashLangs = map[string]bool{".py": true, ".pyi": true, ".yaml": true, ".yml": true, ".toml": true, ".sh": true,
		".bash": true, ".rb": true, ".conf": true, ".cfg": true, ".ini": true, ".txt": true, ".env": true, ".tf": true}
	docs = map[string]bool{".md": true, ".markdown": true, ".rst": true, ".adoc": true, ".html": true, ".htm": true}
)

// inRealComment reports whether the pipeguard:ignore on line, in file p,
// is written as a comment of p's language rather than inside a string: the
// comment marker is the language's, and the text before it does not leave
// a quote open. Documents hold examples, never suppressions. Files of other
// kinds accept any marker, as suppressions do.
func inRealComment(p, line string) bool {
	ext := strings.ToLower(path.Ext(p))
	base := path.Base(p)
	var re *regexp.Regexp
	switch {
	case docs[ext]:
		return false
	case slashLangs[ext]:
		re = slashComment
	case hashLangs[ext] || strings.HasPrefix(base, ".env") || strings.HasPrefix(base, "Dockerfile") || base == "Procfile":
		re = hashComment
	default:
		return true
	}
	loc := re.FindStringIndex(line)
	if loc == nil {
		return false
	}
	before := line[:loc[0]]
	for _, q := range []string{`"`, "'", "`"} {
		if strings.Count(before, q)%2 == 1 {
			return false
		}
	}
	return true
}

// ranScanners returns the scanners that ran in full; "*" is set when all did.
func ranScanners(rep *scan.Report) map[string]bool {
	ran := map[string]bool{}
	if len(rep.Scanners) == 0 {
		for _, s := range scan.AllScanners {
			ran[s] = true
		}
	}
	for _, r := range rep.Scanners {
		if r.Status == "ok" {
			ran[r.Name] = true
		}
	}
	all := true
	for _, s := range scan.AllScanners {
		all = all && ran[s]
	}
	ran["*"] = all
	return ran
}

func splitLines(data []byte) []string {
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}
