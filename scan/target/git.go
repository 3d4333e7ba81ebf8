package target

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gitleaks/go-gitdiff/gitdiff"

	"github.com/pipeguard/pipeguard/scan"
)

// ErrNotRepository is wrapped by the errors of Open for a folder that is not
// inside a git work tree.
var ErrNotRepository = errors.New("not a git repository")

// Repo is a git work tree, read with the git binary.
type Repo struct {
	// Root is the absolute path of the folder the commands run in.
	Root string
}

// Open checks that dir is inside a readable git work tree. A folder that is
// not in one gives an error wrapping ErrNotRepository; a repository that git
// cannot read (a broken HEAD, missing objects) gives an error that says it
// is corrupt, with git's own words.
func Open(ctx context.Context, dir string) (*Repo, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	out, err := runGit(ctx, abs, "rev-parse", "--is-inside-work-tree")
	if err != nil || strings.TrimSpace(string(out)) != "true" {
		if dot := findDotGit(abs); dot != "" {
			return nil, fmt.Errorf("corrupt git repository at %s: git cannot read %s: %v", abs, dot, err)
		}
		return nil, fmt.Errorf("%s: %w", abs, ErrNotRepository)
	}
	r := &Repo{Root: abs}
	// An unborn branch is fine (a fresh repository); a HEAD that names a
	// missing or broken commit is not.
	if _, err := runGit(ctx, abs, "rev-parse", "-q", "--verify", "HEAD^{commit}"); err != nil {
		if _, serr := runGit(ctx, abs, "symbolic-ref", "-q", "HEAD"); serr == nil && !r.hasCommits(ctx) {
			return r, nil
		}
		return nil, fmt.Errorf("corrupt git repository at %s: HEAD does not name a readable commit: %v", abs, err)
	}
	return r, nil
}

// hasCommits reports whether any ref names a commit.
func (r *Repo) hasCommits(ctx context.Context) bool {
	out, err := runGit(ctx, r.Root, "for-each-ref", "--count=1", "--format=%(objectname)")
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

// Git runs git with args in the repository and returns its standard output.
// A failure carries git's standard error.
func (r *Repo) Git(ctx context.Context, args ...string) ([]byte, error) {
	return runGit(ctx, r.Root, args...)
}

// ResolveRev returns the full commit id that rev names. An unknown
// revision is a *scan.ConfigError.
func (r *Repo) ResolveRev(ctx context.Context, rev string) (string, error) {
	if rev == "" || strings.HasPrefix(rev, "-") {
		return "", &scan.ConfigError{Err: fmt.Errorf("invalid revision %q", rev)}
	}
	out, err := runGit(ctx, r.Root, "rev-parse", "-q", "--verify", "--end-of-options", rev+"^{commit}")
	if err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err() // interrupted: not the user's mistake
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
			id, err := r.ResolveRev(ctx, rev)
			if err != nil {
				return bad("%v", unwrapConfig(err))
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
	base, err := r.ResolveRev(ctx, a)
	if err != nil {
		return bad("%v", unwrapConfig(err))
	}
	head, err := r.ResolveRev(ctx, b)
	if err != nil {
		return bad("%v", unwrapConfig(err))
	}
	if sep == "..." {
		out, err := runGit(ctx, r.Root, "merge-base", base, head)
		if err != nil {
			return bad("%s and %s have no common ancestor", a, b)
		}
		base = strings.TrimSpace(string(out))
	}
	return Range{Spec: spec, Base: base, Head: head, Revs: []string{base + ".." + head}}, nil
}

func unwrapConfig(err error) error {
	var ce *scan.ConfigError
	if errors.As(err, &ce) {
		return ce.Err
	}
	return err
}

// Commits lists the commits of the range, newest first.
func (r *Repo) Commits(ctx context.Context, g Range) ([]string, error) {
	out, err := runGit(ctx, r.Root, append(append([]string{"rev-list"}, g.Revs...), "--")...)
	if err != nil {
		return nil, fmt.Errorf("list commits of %s: %w", g.Spec, err)
	}
	return strings.Fields(string(out)), nil
}

// Changes returns the lines that head adds or changes relative to base, by
// path in head (renames followed). A file added whole, or a binary file, maps
// to an empty slice.
func (r *Repo) Changes(ctx context.Context, base, head string) (scan.Changes, error) {
	// --relative: paths relative to Root (which may be a subfolder of the
	// repository), as findings' paths are, and only changes under it.
	out, err := runGit(ctx, r.Root, "diff", "--relative", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "-M",
		base, head, "--")
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s: %w", short(base), short(head), err)
	}
	return parseChanges(out)
}

// Prefix is Root's path inside its repository, '/'-separated with a
// trailing slash ("services/api/"), or "" at the top.
func (r *Repo) Prefix(ctx context.Context) (string, error) {
	out, err := runGit(ctx, r.Root, "rev-parse", "--show-prefix")
	if err != nil {
		return "", fmt.Errorf("find %s in its repository: %w", r.Root, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// StagedChanges returns the lines that the index adds or changes relative
// to HEAD (or to nothing, before the first commit).
func (r *Repo) StagedChanges(ctx context.Context) (scan.Changes, error) {
	out, err := runGit(ctx, r.Root, "diff", "--cached", "--relative", "-U0", "--no-color", "--no-ext-diff", "--no-textconv", "-M", "--")
	if err != nil {
		return nil, fmt.Errorf("diff the index: %w", err)
	}
	return parseChanges(out)
}

// parseChanges turns the output of git diff -U0 into changed line ranges.
func parseChanges(out []byte) (scan.Changes, error) {
	files, err := gitdiff.Parse(bytes.NewReader(out))
	if err != nil {
		for range files {
		}
		return nil, fmt.Errorf("parse diff: %w", err)
	}
	c := scan.Changes{}
	for f := range files {
		if f.IsDelete {
			continue
		}
		if f.IsNew || f.IsBinary {
			c[f.NewName] = []scan.LineRange{}
			continue
		}
		for _, frag := range f.TextFragments {
			if frag.NewLines == 0 {
				continue // lines only removed
			}
			start := int(frag.NewPosition)
			c[f.NewName] = append(c[f.NewName], scan.LineRange{Start: start, End: start + int(frag.NewLines) - 1})
		}
	}
	return c, nil
}

func short(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}

// runGit runs git in dir with a clean, predictable environment and returns
// its standard output; an error carries the first lines of standard error.
func runGit(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := Command(ctx, dir, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i > 0 {
			msg = msg[:i]
		}
		if msg == "" {
			return nil, fmt.Errorf("git %s: %w", strings.Join(args, " "), err)
		}
		return nil, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return out, nil
}

// Command returns the git command for args, run in dir, with paths quoted
// never and pagers, prompts and optional locks off.
func Command(ctx context.Context, dir string, args ...string) *exec.Cmd {
	full := append([]string{"-C", dir, "-c", "core.quotePath=false", "--no-pager"}, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C")
	return cmd
}

// ReadFilesAt reads many files at many commits with one git process (git
// cat-file --batch): specs are "commit:path", path relative to dir. Files
// that do not exist at their commit are absent from the result.
func ReadFilesAt(ctx context.Context, dir string, specs []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(specs))
	if len(specs) == 0 {
		return out, nil
	}
	cmd := Command(ctx, dir, "cat-file", "--batch")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	go func() {
		w := bufio.NewWriter(stdin)
		for _, s := range specs {
			// "<rev>:./<path>" is relative to the command's folder, which
			// may be a subfolder of the repository.
			rev, p, _ := strings.Cut(s, ":")
			fmt.Fprintf(w, "%s:./%s\n", rev, p)
		}
		w.Flush()
		stdin.Close()
	}()
	r := bufio.NewReader(stdout)
	var readErr error
	for _, s := range specs {
		header, err := r.ReadString('\n')
		if err != nil {
			readErr = fmt.Errorf("git cat-file: read %s: %w", s, err)
			break
		}
		fields := strings.Fields(header)
		if len(fields) != 3 {
			continue // "<spec> missing" or "ambiguous"
		}
		size, err := strconv.Atoi(fields[2])
		if err != nil {
			readErr = fmt.Errorf("git cat-file: bad header %q", strings.TrimSpace(header))
			break
		}
		buf := make([]byte, size+1) // the contents, then a newline
		if _, err := io.ReadFull(r, buf); err != nil {
			readErr = fmt.Errorf("git cat-file: read %s: %w", s, err)
			break
		}
		if fields[1] == "blob" {
			out[s] = buf[:size]
		}
	}
	if readErr != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, readErr
	}
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	return out, nil
}
