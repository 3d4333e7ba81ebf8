package repoconf

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/pipeguard/pipeguard/scan/git"
)

// Source reads repository files either from the working tree or from one git
// revision. Paths are relative to the repository root and '/'-separated.
type Source interface {
	// ReadFile returns the content of name; an error wrapping fs.ErrNotExist
	// when there is no such file.
	ReadFile(ctx context.Context, name string) ([]byte, error)
	// Find returns the paths of every file whose base name is one of names,
	// sorted.
	Find(ctx context.Context, names ...string) ([]string, error)
	// Files returns the paths of every file under folder dir ("" for the
	// whole repository), sorted.
	Files(ctx context.Context, dir string) ([]string, error)
	// String describes the source for messages: "working tree" or "revision main (abc1234)".
	String() string
}

// WorkTree returns a Source that reads the working tree under root.
func WorkTree(root string) Source { return &workTree{root: root} }

type workTree struct{ root string }

func (w *workTree) String() string { return "working tree" }

func (w *workTree) ReadFile(ctx context.Context, name string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	clean := path.Clean(name)
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return nil, fmt.Errorf("read %s: path is outside the repository", name)
	}
	return os.ReadFile(filepath.Join(w.root, filepath.FromSlash(clean)))
}

// skipDirs are folders that never hold a project's own configuration.
var skipDirs = map[string]bool{
	".git": true, "node_modules": true, ".venv": true, "venv": true, "__pycache__": true,
	".tox": true, ".mypy_cache": true, ".pytest_cache": true,
}

// Find lists the files named names. In a git work tree it asks git (tracked
// files and untracked files that are not ignored), so ignored folders are
// never searched; elsewhere it walks the tree, skipping skipDirs.
func (w *workTree) Find(ctx context.Context, names ...string) ([]string, error) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	if out, err := gitOutput(ctx, w.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"); err == nil {
		var found []string
		seen := map[string]bool{}
		for _, p := range strings.Split(string(out), "\x00") {
			if p == "" || seen[p] || !want[path.Base(p)] {
				continue
			}
			// ls-files lists deleted-but-tracked files too: keep only those on disk.
			if _, err := os.Stat(filepath.Join(w.root, filepath.FromSlash(p))); err != nil {
				continue
			}
			seen[p] = true
			found = append(found, p)
		}
		sort.Strings(found)
		return found, nil
	}
	var found []string
	err := filepath.WalkDir(w.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == w.root {
				return err
			}
			return nil // unreadable folder: nothing to configure there
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p != w.root && skipDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && want[d.Name()] {
			rel, err := filepath.Rel(w.root, p)
			if err != nil {
				return err
			}
			found = append(found, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("find %s under %s: %w", strings.Join(names, ", "), w.root, err)
	}
	sort.Strings(found)
	return found, nil
}

func (w *workTree) Files(ctx context.Context, dir string) ([]string, error) {
	base := filepath.Join(w.root, filepath.FromSlash(path.Clean("/"+dir)))
	var found []string
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p != base && skipDirs[d.Name()] {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() {
			rel, err := filepath.Rel(w.root, p)
			if err != nil {
				return err
			}
			found = append(found, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	sort.Strings(found)
	return found, nil
}

// GitRev returns a Source that reads files as they are at revision rev of
// the repository at root, without touching the working tree. It fails with a
// *scan.ConfigError-friendly message when rev does not name a commit.
func GitRev(ctx context.Context, root, rev string) (Source, error) {
	if rev == "" || strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("invalid revision %q", rev)
	}
	out, err := gitOutput(ctx, root, "rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil {
		return nil, fmt.Errorf("revision %q is not a commit in %s: %w", rev, root, err)
	}
	return &gitRev{root: root, rev: rev, sha: strings.TrimSpace(string(out))}, nil
}

type gitRev struct {
	root, rev, sha string

	once  sync.Once
	files map[string]bool
	err   error
}

func (g *gitRev) String() string {
	short := g.sha
	if len(short) > 12 {
		short = short[:12]
	}
	return fmt.Sprintf("revision %s (%s)", g.rev, short)
}

func (g *gitRev) list(ctx context.Context) (map[string]bool, error) {
	g.once.Do(func() {
		// Paths relative to root, which may be a subfolder of the repository.
		out, err := gitOutput(ctx, g.root, "ls-tree", "-r", "-z", "--name-only", g.sha)
		if err != nil {
			g.err = fmt.Errorf("list files of %s: %w", g, err)
			return
		}
		g.files = map[string]bool{}
		for _, p := range strings.Split(string(out), "\x00") {
			if p != "" {
				g.files[p] = true
			}
		}
	})
	return g.files, g.err
}

func (g *gitRev) ReadFile(ctx context.Context, name string) ([]byte, error) {
	files, err := g.list(ctx)
	if err != nil {
		return nil, err
	}
	name = path.Clean(name)
	if !files[name] {
		return nil, fmt.Errorf("read %s at %s: %w", name, g, fs.ErrNotExist)
	}
	out, err := gitOutput(ctx, g.root, "cat-file", "blob", g.sha+":./"+name)
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", name, g, err)
	}
	return out, nil
}

func (g *gitRev) Find(ctx context.Context, names ...string) ([]string, error) {
	files, err := g.list(ctx)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var found []string
	for p := range files {
		if want[path.Base(p)] {
			found = append(found, p)
		}
	}
	sort.Strings(found)
	return found, nil
}

func (g *gitRev) Files(ctx context.Context, dir string) ([]string, error) {
	files, err := g.list(ctx)
	if err != nil {
		return nil, err
	}
	dir = strings.Trim(path.Clean("/"+dir), "/")
	var found []string
	for p := range files {
		if dir == "" || strings.HasPrefix(p, dir+"/") {
			found = append(found, p)
		}
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("list %s at %s: %w", dir, g, fs.ErrNotExist)
	}
	sort.Strings(found)
	return found, nil
}

// gitOutput runs git in dir (scan/git: one environment, one error
// handling) and returns its standard output.
func gitOutput(ctx context.Context, dir string, args ...string) ([]byte, error) {
	return git.Run(ctx, dir, args...)
}

// isNotExist reports whether err says a file is absent.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }
