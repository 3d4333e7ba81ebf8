package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pipeguard/pipeguard/scan"
)

// ErrNotRepository is wrapped by the errors of Open for a folder that is not
// inside a git work tree.
var ErrNotRepository = errors.New("not a git repository")

// ErrBare is wrapped by the error of Open for a bare repository (one with
// no work tree, such as a mirror on a server).
var ErrBare = errors.New("bare git repository")

// Repo is a git work tree, or a folder inside one.
type Repo struct {
	// Root is the absolute path of the folder the commands run in; it may
	// be a subfolder of the work tree.
	Root string
	// IndexFile is the index git asked a hook to read (GIT_INDEX_FILE, as
	// a pre-commit hook of "git commit -a" receives it), used by the
	// commands that read the index; "" is the repository's own.
	IndexFile string

	// info is what Open learnt about the repository in its one git
	// command; nil (a Repo made as a literal) asks git each time.
	info *repoInfo
}

// repoInfo is what one rev-parse at Open says about a work tree: its git
// folder, Root's place in it, and whether it is a shallow clone. A scan of
// one commit would otherwise pay a git process for each.
type repoInfo struct {
	gitDir      string
	prefix      string
	shallow     bool
	shallowFile string // absolute
}

// Runner is the Runner of the repository's commands.
func (r *Repo) Runner() Runner { return Runner{Dir: r.Root} }

// Run runs git with args in the repository and returns its standard output.
func (r *Repo) Run(ctx context.Context, args ...string) ([]byte, error) {
	return r.Runner().Run(ctx, args...)
}

// Open checks that dir is inside a readable git work tree. A folder that is
// not in one gives an error wrapping ErrNotRepository; a bare repository
// one wrapping ErrBare; a repository owned by another user a
// *scan.ConfigError wrapping an *OwnershipError; a repository git cannot
// read (a broken HEAD, missing objects) an error that says it is corrupt,
// with git's own words.
func Open(ctx context.Context, dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	if r := opened(ctx, abs); r != nil {
		return r, nil
	}
	r := &Repo{Root: abs, IndexFile: indexFile(abs)}
	if done, err := r.openFast(ctx); done || err != nil {
		return r, err
	}
	out, err := r.Run(ctx, "rev-parse", "--is-bare-repository", "--is-inside-work-tree")
	if err != nil {
		if ctx.Err() != nil || scan.Interrupted(ctx, err) || scan.IsConfigError(err) {
			return nil, err
		}
		if dot := findDotGit(abs); dot != "" {
			return nil, fmt.Errorf("corrupt git repository at %s: git cannot read %s: %v", abs, dot, err)
		}
		return nil, fmt.Errorf("%s: %w", abs, ErrNotRepository)
	}
	switch f := strings.Fields(string(out)); {
	case len(f) == 2 && f[0] == "true":
		return nil, fmt.Errorf("%s is a %w: it has no work tree to scan; clone it (git clone %s) and scan the clone", abs, ErrBare, abs)
	case len(f) != 2 || f[1] != "true":
		// Inside a .git folder, say.
		return nil, fmt.Errorf("%s: %w (it is inside a .git folder, not a work tree)", abs, ErrNotRepository)
	}
	// An unborn branch is fine (a fresh repository); a HEAD that names a
	// missing or broken commit is not.
	if _, err := r.Run(ctx, "rev-parse", "-q", "--verify", "HEAD^{commit}"); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if _, serr := r.Run(ctx, "symbolic-ref", "-q", "HEAD"); serr == nil && !r.hasCommits(ctx) {
			return r, nil
		}
		return nil, fmt.Errorf("corrupt git repository at %s: HEAD does not name a readable commit: %v", abs, err)
	}
	return r, nil
}

type openedKey struct{}

// WithRepo returns a context that carries r, opened by Open: an Open of the
// same folder under it (a scanner's, after the engine's) returns r rather
// than asking git again.
func WithRepo(ctx context.Context, r *Repo) context.Context {
	if r == nil {
		return ctx
	}
	return context.WithValue(ctx, openedKey{}, r)
}

// opened is the repository ctx carries for the folder abs, or nil.
func opened(ctx context.Context, abs string) *Repo {
	r, _ := ctx.Value(openedKey{}).(*Repo)
	if r == nil || r.Root != abs || r.IndexFile != indexFile(abs) {
		return nil
	}
	return r
}

// openArgs ask, in one rev-parse, everything Open checks and what the
// commands of a scan of commits would otherwise ask one process each.
var openArgs = []string{"rev-parse", "--is-bare-repository", "--is-inside-work-tree", "--absolute-git-dir",
	"--is-shallow-repository", "--git-path", "shallow", "--show-prefix", "-q", "--verify", "HEAD^{commit}"}

// openFast is Open's common case in one git command: a work tree whose
// HEAD names a commit. It reports done when the repository is open (r.info
// set); anything else (an unborn branch, a bare repository, no repository
// at all, an unexpected answer) is left to Open's step-by-step checks,
// which say precisely what is wrong. A refusal for another user's
// repository, or an interrupt, is returned as it is.
func (r *Repo) openFast(ctx context.Context) (done bool, err error) {
	out, err := r.Run(ctx, openArgs...)
	if err != nil {
		if ctx.Err() != nil || scan.Interrupted(ctx, err) || scan.IsConfigError(err) {
			return false, err
		}
		return false, nil
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != 7 || lines[0] != "false" || lines[1] != "true" || !filepath.IsAbs(lines[2]) ||
		(lines[3] != "true" && lines[3] != "false") || !IsObjectID(strings.TrimSpace(lines[6])) {
		return false, nil
	}
	shallowFile := lines[4]
	if !filepath.IsAbs(shallowFile) {
		shallowFile = filepath.Join(r.Root, shallowFile)
	}
	r.info = &repoInfo{gitDir: lines[2], prefix: lines[5], shallow: lines[3] == "true", shallowFile: shallowFile}
	return true, nil
}

// indexFile is the GIT_INDEX_FILE git gave this process, made absolute,
// when it belongs to the repository at dir.
func indexFile(dir string) string {
	p := os.Getenv("GIT_INDEX_FILE")
	if p == "" {
		return ""
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// hasCommits reports whether any ref names a commit.
func (r *Repo) hasCommits(ctx context.Context) bool {
	out, err := r.Run(ctx, "for-each-ref", "--count=1", "--format=%(objectname)")
	return err == nil && len(bytes.TrimSpace(out)) > 0
}

// findDotGit returns the .git entry in dir or one of its parents, or "".
func findDotGit(dir string) string {
	for {
		p := filepath.Join(dir, ".git")
		if _, err := os.Lstat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// IsWorkTree reports whether dir is inside a git work tree. A repository
// git refuses to read (another user's) is an error, not a "no".
func IsWorkTree(ctx context.Context, dir string) (bool, error) {
	out, err := Run(ctx, dir, "rev-parse", "--is-inside-work-tree")
	if err != nil {
		if ctx.Err() != nil || scan.Interrupted(ctx, err) || scan.IsConfigError(err) {
			return false, err
		}
		return false, nil
	}
	return strings.TrimSpace(string(out)) == "true", nil
}

// GitDir is the repository's git folder, absolute.
func (r *Repo) GitDir(ctx context.Context) (string, error) {
	if r.info != nil {
		return r.info.gitDir, nil
	}
	out, err := r.Run(ctx, "rev-parse", "--absolute-git-dir")
	if err != nil {
		return "", fmt.Errorf("find the git folder of %s: %w", r.Root, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Top is the work tree's top folder, absolute.
func (r *Repo) Top(ctx context.Context) (string, error) {
	out, err := r.Run(ctx, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", fmt.Errorf("find the work tree of %s: %w", r.Root, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Prefix is Root's path inside its repository, '/'-separated with a
// trailing slash ("services/api/"), or "" at the top.
func (r *Repo) Prefix(ctx context.Context) (string, error) {
	if r.info != nil {
		return r.info.prefix, nil
	}
	return Prefix(ctx, r.Root)
}

// Prefix is dir's path inside its repository, '/'-separated with a
// trailing slash, or "" at the top.
func Prefix(ctx context.Context, dir string) (string, error) {
	out, err := Run(ctx, dir, "rev-parse", "--show-prefix")
	if err != nil {
		return "", fmt.Errorf("find %s in its repository: %w", dir, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// ResolveRev returns the full commit id that rev names. An unknown
// revision is a *scan.ConfigError; an interrupted lookup is the context's
// error.
func (r *Repo) ResolveRev(ctx context.Context, rev string) (string, error) {
	if rev == "" || strings.HasPrefix(rev, "-") {
		return "", &scan.ConfigError{Err: fmt.Errorf("invalid revision %q", rev)}
	}
	out, err := r.Run(ctx, "rev-parse", "-q", "--verify", "--end-of-options", rev+"^{commit}")
	if err != nil {
		if ctx.Err() != nil || scan.Interrupted(ctx, err) || scan.IsConfigError(err) {
			return "", err
		}
		return "", &scan.ConfigError{Err: fmt.Errorf("unknown revision %q: not a commit in %s", rev, r.Root)}
	}
	return strings.TrimSpace(string(out)), nil
}

// Range is a checked set of commits: "A..B" (the commits reachable from
// Head and not from Base), "A...B" (those on B since it forked from A), or a
// list of revisions separated by spaces, each excluded one prefixed with ^
// ("C1 C2 ^X1 ^X2", as a pre-push hook sends several refs).
type Range struct {
	// Spec is the range as the user wrote it.
	Spec string
	// Base and Head are the full commit ids of an A..B or A...B range
	// (Base is the merge base for A...B); both are empty for a list.
	Base, Head string
	// Revs are the range as git arguments, with full commit ids.
	Revs []string
}

// String is the range as one git revision expression, with full commit ids.
func (g Range) String() string { return strings.Join(g.Revs, " ") }

// ParseRange checks a range spec and resolves every revision in it. A
// malformed range or an unknown revision is a *scan.ConfigError, since an
// unchecked range would silently scan nothing.
func (r *Repo) ParseRange(ctx context.Context, spec string) (Range, error) {
	bad := func(format string, a ...any) (Range, error) {
		return Range{}, &scan.ConfigError{Err: fmt.Errorf("invalid range %q: "+format, append([]any{spec}, a...)...)}
	}
	resolve := func(rev string) (string, error) {
		id, err := r.ResolveRev(ctx, rev)
		if err != nil && ctx.Err() == nil && !scan.Interrupted(ctx, err) {
			var oe *OwnershipError
			if errors.As(err, &oe) {
				return "", err
			}
			_, err = bad("%v", unwrapConfig(err))
		}
		return id, err
	}
	fields := strings.Fields(spec)
	if len(fields) == 0 {
		return bad("want A..B")
	}
	if len(fields) > 1 || !strings.Contains(spec, "..") {
		// A revision list; a lone revision is all of its history (a push
		// to an empty remote).
		g := Range{Spec: spec}
		include := 0
		for _, f := range fields {
			rev, exclude := strings.CutPrefix(f, "^")
			if strings.Contains(rev, "..") {
				return bad("a revision list cannot hold a range (%s)", f)
			}
			id, err := resolve(rev)
			if err != nil {
				return Range{}, err
			}
			if exclude {
				g.Revs = append(g.Revs, "^"+id)
			} else {
				g.Revs = append(g.Revs, id)
				include++
			}
		}
		if include == 0 {
			return bad("no revision to include")
		}
		return g, nil
	}
	sep := ".."
	if strings.Contains(spec, "...") {
		sep = "..."
	}
	a, b, ok := strings.Cut(spec, sep)
	if !ok {
		return bad("want A..B")
	}
	if a == "" || b == "" || strings.Contains(b, "..") {
		return bad("want A..B with both ends")
	}
	base, head, ok := r.resolvePair(ctx, a, b)
	if !ok {
		var err error
		if base, err = resolve(a); err != nil {
			return Range{}, err
		}
		if head, err = resolve(b); err != nil {
			return Range{}, err
		}
	}
	if sep == "..." {
		out, err := r.Run(ctx, "merge-base", base, head)
		if err != nil {
			if ctx.Err() != nil {
				return Range{}, ctx.Err()
			}
			return bad("%s and %s have no common ancestor", a, b)
		}
		base = strings.TrimSpace(string(out))
	}
	return Range{Spec: spec, Base: base, Head: head, Revs: []string{base + ".." + head}}, nil
}

// resolvePair resolves two plain revisions in one git command, the common
// case of a range. It reports false when it cannot tell (an unknown
// revision, a revision of a form that may name several commits, any
// unexpected answer): ResolveRev then checks each one and names what is
// wrong.
func (r *Repo) resolvePair(ctx context.Context, a, b string) (base, head string, ok bool) {
	for _, rev := range []string{a, b} {
		if rev == "" || strings.HasPrefix(rev, "-") || strings.ContainsAny(rev, " \t\n:") ||
			strings.Contains(rev, "^@") || strings.Contains(rev, "^!") || strings.Contains(rev, "^-") {
			return "", "", false
		}
	}
	out, err := r.Run(ctx, "rev-parse", "--end-of-options", a+"^{commit}", b+"^{commit}")
	if err != nil {
		return "", "", false
	}
	lines := strings.Fields(string(out))
	if len(lines) > 0 && lines[0] == "--end-of-options" { // older git echoes it
		lines = lines[1:]
	}
	if len(lines) != 2 || !IsObjectID(lines[0]) || !IsObjectID(lines[1]) {
		return "", "", false
	}
	return lines[0], lines[1], true
}

func unwrapConfig(err error) error {
	var ce *scan.ConfigError
	if errors.As(err, &ce) {
		return ce.Err
	}
	return err
}

// Commits lists the commits of revs (git rev-list arguments), newest first.
func (r *Repo) Commits(ctx context.Context, revs ...string) ([]string, error) {
	out, err := r.Run(ctx, append(append([]string{"rev-list"}, revs...), "--")...)
	if err != nil {
		return nil, fmt.Errorf("list commits of %s: %w", strings.Join(revs, " "), err)
	}
	return strings.Fields(string(out)), nil
}

// Shallow returns the commits at the boundary of a shallow clone (whose
// parents were not fetched), sorted; nil for a complete repository.
func (r *Repo) Shallow(ctx context.Context) ([]string, error) {
	var p string
	if r.info != nil {
		if !r.info.shallow {
			return nil, nil
		}
		p = r.info.shallowFile
	} else {
		out, err := r.Run(ctx, "rev-parse", "--is-shallow-repository", "--git-path", "shallow")
		if err != nil {
			return nil, fmt.Errorf("check for a shallow clone: %w", err)
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		if len(lines) != 2 || strings.TrimSpace(lines[0]) != "true" {
			return nil, nil
		}
		p = strings.TrimSpace(lines[1])
		if !filepath.IsAbs(p) {
			p = filepath.Join(r.Root, p)
		}
	}
	data, err := os.ReadFile(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("read the shallow boundary: %w", err)
	}
	return strings.Fields(string(data)), nil
}

// ShallowIn returns the boundary commits of a shallow clone that revs (git
// rev-list arguments) reach: the commits whose history a scan of revs
// cannot see. It is nil when the repository is complete, or when revs stay
// clear of the boundary.
func (r *Repo) ShallowIn(ctx context.Context, revs ...string) ([]string, error) {
	boundary, err := r.Shallow(ctx)
	if err != nil || len(boundary) == 0 {
		return nil, err
	}
	commits, err := r.Commits(ctx, revs...)
	if err != nil {
		return nil, err
	}
	in := map[string]bool{}
	for _, c := range commits {
		in[c] = true
	}
	var hit []string
	for _, b := range boundary {
		if in[b] {
			hit = append(hit, b)
		}
	}
	return hit, nil
}

// Unshallow fetches the history a shallow clone lacks from its default
// remote (git fetch --unshallow). The fetch runs with the same environment
// as every other command: no prompt, no hook.
func (r *Repo) Unshallow(ctx context.Context) error {
	if r.info != nil {
		// Whatever the fetch did, ask git again.
		info := *r.info
		info.shallow = true
		r.info = &info
	}
	if _, err := r.Run(ctx, "fetch", "--quiet", "--unshallow", "--no-recurse-submodules", "--no-tags"); err != nil {
		return fmt.Errorf("deepen the shallow clone: %w", err)
	}
	return nil
}

// Submodule is a submodule the work tree records.
type Submodule struct {
	// Path is the submodule's folder, relative to Root, '/'-separated.
	Path string
	// Commit is the commit the superproject records for it.
	Commit string
	// CheckedOut is set when the folder holds a work tree of its own.
	CheckedOut bool
}

// Submodules lists the submodules under Root (gitlinks in the index). A
// work tree without a .gitmodules file at its top has none, and is answered
// without running git.
func (r *Repo) Submodules(ctx context.Context) ([]Submodule, error) {
	if dot := findDotGit(r.Root); dot != "" {
		if _, err := os.Lstat(filepath.Join(filepath.Dir(dot), ".gitmodules")); errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
	}
	out, err := r.Run(ctx, "ls-files", "-z", "--stage", "--", ".")
	if err != nil {
		return nil, fmt.Errorf("list submodules: %w", err)
	}
	var subs []Submodule
	for _, rec := range strings.Split(string(out), "\x00") {
		// "<mode> <object> <stage>\t<path>"
		meta, p, ok := strings.Cut(rec, "\t")
		if !ok {
			continue
		}
		f := strings.Fields(meta)
		if len(f) != 3 || f[0] != "160000" {
			continue
		}
		s := Submodule{Path: p, Commit: f[1]}
		dir := filepath.Join(r.Root, filepath.FromSlash(p))
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			s.CheckedOut = true
		}
		subs = append(subs, s)
	}
	return subs, nil
}

// Short is the first 12 characters of a commit id.
func Short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
