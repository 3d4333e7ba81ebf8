// Package target says what a scan looks at: the files of a working tree
// (Tree, a scan.FileLister) and the git facts the modes need (revisions,
// ranges, commits, changed lines, the index), read with the git binary.
package target

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/pipeguard/pipeguard/scan"
)

// Tree lists the files of a working tree once and shares the list: in a git
// work tree the tracked files and the untracked files that are not ignored,
// elsewhere every file under the root. It implements scan.FileLister.
//
// Symlinks are never followed (one that points out of the root is reported
// as skipped), files larger than MaxFileSize are skipped with their size, and
// anything that is not a regular file is left out.
type Tree struct {
	root    string
	maxSize int64

	once    sync.Once
	files   []scan.File
	skipped []scan.Skipped
	err     error
}

// NewTree returns the lister of the files under root. maxFileSize is the
// largest file, in bytes, that is listed; 0 means no limit.
func NewTree(root string, maxFileSize int64) *Tree {
	return &Tree{root: root, maxSize: maxFileSize}
}

// Root is the absolute path of the listed folder.
func (t *Tree) Root() string { return t.root }

// Files returns the files to scan, sorted by path, and those skipped with
// their reason. The work is done on the first call; later calls return the
// same slices, which callers must not modify.
func (t *Tree) Files(ctx context.Context) ([]scan.File, []scan.Skipped, error) {
	t.once.Do(func() { t.files, t.skipped, t.err = t.list(ctx) })
	return t.files, t.skipped, t.err
}

func (t *Tree) list(ctx context.Context) ([]scan.File, []scan.Skipped, error) {
	abs, err := filepath.Abs(t.root)
	if err != nil {
		return nil, nil, fmt.Errorf("list files: %w", err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, nil, fmt.Errorf("list files: %w", err)
	}
	if !info.IsDir() {
		return nil, nil, fmt.Errorf("list files: %s is not a folder", abs)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, nil, fmt.Errorf("list files: %w", err)
	}

	var paths []string
	if isWorkTree(ctx, abs) {
		paths, err = gitFiles(ctx, abs)
		if err != nil {
			return nil, nil, err
		}
	} else {
		paths, err = walkFiles(ctx, abs)
		if err != nil {
			return nil, nil, err
		}
	}

	var (
		files   []scan.File
		skipped []scan.Skipped
	)
	for _, rel := range paths {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		p := filepath.Join(abs, filepath.FromSlash(rel))
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue // tracked but deleted from the working tree
		}
		if err != nil {
			skipped = append(skipped, scan.Skipped{Path: rel, Reason: "unreadable: " + err.Error()})
			continue
		}
		switch mode := fi.Mode(); {
		case mode&fs.ModeSymlink != 0:
			if reason := symlinkReason(real, p); reason != "" {
				skipped = append(skipped, scan.Skipped{Path: rel, Reason: reason})
			}
			continue
		case !mode.IsRegular():
			continue // folders (submodules), sockets, devices
		}
		if t.maxSize > 0 && fi.Size() > t.maxSize {
			skipped = append(skipped, scan.Skipped{
				Path:   rel,
				Reason: fmt.Sprintf("file too large: %d bytes (limit %d)", fi.Size(), t.maxSize),
			})
			continue
		}
		files = append(files, scan.File{Path: rel, Abs: p, Size: fi.Size()})
	}
	return files, skipped, nil
}

// symlinkReason says why the symlink at p is skipped, or "" when it points to
// a place inside root, whose files are listed on their own.
func symlinkReason(root, p string) string {
	dest, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "symlink with a missing target, not followed"
	}
	if !within(root, dest) {
		return "symlink to a target outside the root, not followed"
	}
	return ""
}

// within reports whether p is root or inside it.
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// isWorkTree reports whether dir is inside a git work tree.
func isWorkTree(ctx context.Context, dir string) bool {
	out, err := runGit(ctx, dir, "rev-parse", "--is-inside-work-tree")
	return err == nil && strings.TrimSpace(string(out)) == "true"
}

// gitFiles lists the tracked and the untracked-but-not-ignored files of the
// work tree at dir, relative to dir.
func gitFiles(ctx context.Context, dir string) ([]string, error) {
	out, err := runGit(ctx, dir, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	seen := map[string]bool{}
	var paths []string
	for _, p := range bytes.Split(out, []byte{0}) {
		if len(p) == 0 || seen[string(p)] {
			continue // an unmerged file is listed once per stage
		}
		seen[string(p)] = true
		paths = append(paths, string(p))
	}
	sort.Strings(paths)
	return paths, nil
}

// walkFiles lists every file under dir except in .git folders.
func walkFiles(ctx context.Context, dir string) ([]string, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			return nil // an unreadable folder: leave it out
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" && p != dir {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		paths = append(paths, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	sort.Strings(paths)
	return paths, nil
}
