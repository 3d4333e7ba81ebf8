// Package target says what a scan looks at: the files of a working tree
// (Tree, a scan.FileLister), listed with git (scan/git) in a work tree.
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
	"syscall"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/git"
)

// Tree lists the files of a working tree once and shares the list: in a git
// work tree the tracked files and the untracked files that are not ignored,
// elsewhere every file under the root. It implements scan.FileLister.
//
// Symlinks are never followed (one that points out of the root is reported
// as skipped), files larger than MaxFileSize are skipped with their size,
// files that cannot be read are skipped as unreadable (the engine makes the
// scan incomplete for them), and anything that is not a regular file is
// left out.
//
// The files of checked-out submodules are listed too, under the
// submodule's folder, unless SkipSubmodules is set; a submodule that is
// not checked out, or left out, is reported as skipped.
type Tree struct {
	root    string
	maxSize int64

	// SkipSubmodules leaves submodules' files out (they are reported as
	// skipped). Set it before the first call to Files.
	SkipSubmodules bool

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

	var (
		paths   []string
		skipped []scan.Skipped
	)
	inGit, err := git.IsWorkTree(ctx, abs)
	if err != nil {
		return nil, nil, fmt.Errorf("list files: %w", err)
	}
	if inGit {
		paths, skipped, err = gitFiles(ctx, abs, "", !t.SkipSubmodules)
	} else {
		paths, skipped, err = walkFiles(ctx, abs)
	}
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(paths)

	var files []scan.File
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
			skipped = append(skipped, unreadable(rel, err))
			continue
		}
		switch mode := fi.Mode(); {
		case mode&fs.ModeSymlink != 0:
			if reason := symlinkReason(real, p); reason != "" {
				skipped = append(skipped, scan.Skipped{Path: rel, Reason: reason, Kind: scan.SkipSymlink})
			}
			continue
		case !mode.IsRegular():
			continue // folders (submodules are listed by gitFiles), sockets, devices
		}
		if t.maxSize > 0 && fi.Size() > t.maxSize {
			skipped = append(skipped, scan.Skipped{
				Path:   rel,
				Reason: fmt.Sprintf("file too large: %d bytes (limit %d)", fi.Size(), t.maxSize),
				Kind:   scan.SkipTooLarge,
			})
			continue
		}
		// A file the scanners cannot open is not scanned: say so now, once
		// for all of them, rather than let each one find out.
		if err := canRead(p); err != nil {
			skipped = append(skipped, unreadable(rel, err))
			continue
		}
		files = append(files, scan.File{Path: rel, Abs: p, Size: fi.Size()})
	}
	return files, skipped, nil
}

// canRead opens the file at p for reading, without following a symlink
// put in its place since it was listed.
func canRead(p string) error {
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return err
	}
	return f.Close()
}

// unreadable is the skipped entry of a file or folder that cannot be read.
func unreadable(rel string, err error) scan.Skipped {
	reason := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		reason = pe.Err.Error()
	}
	return scan.Skipped{Path: rel, Reason: "unreadable: " + reason, Kind: scan.SkipUnreadable}
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

// gitFiles lists the tracked and the untracked-but-not-ignored files of the
// work tree at dir, relative to dir and prefixed with prefix, and those of
// its checked-out submodules when withSubs is set. Folders git could not
// open and submodules left out are returned as skipped.
func gitFiles(ctx context.Context, dir, prefix string, withSubs bool) ([]string, []scan.Skipped, error) {
	var stderr strings.Builder
	run := git.Runner{Dir: dir}
	out, err := gitOutput(ctx, run, &stderr, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	if err != nil {
		return nil, nil, fmt.Errorf("list files: %w", err)
	}
	var skipped []scan.Skipped
	// git goes on past a folder it cannot open, with a warning: those files
	// were not listed, so they are not scanned.
	for _, l := range strings.Split(stderr.String(), "\n") {
		if p, ok := unopenedDir(l); ok {
			skipped = append(skipped, scan.Skipped{Path: prefix + strings.TrimSuffix(p, "/"), Reason: "unreadable: folder git could not open (permission denied)", Kind: scan.SkipUnreadable})
		}
	}
	seen := map[string]bool{}
	var paths []string
	for _, p := range bytes.Split(out, []byte{0}) {
		if len(p) == 0 || seen[string(p)] {
			continue // an unmerged file is listed once per stage
		}
		seen[string(p)] = true
		paths = append(paths, prefix+string(p))
	}
	subs, err := (&git.Repo{Root: dir}).Submodules(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, sub := range subs {
		rel := prefix + sub.Path
		switch {
		case !sub.CheckedOut:
			skipped = append(skipped, scan.Skipped{Path: rel, Reason: "submodule not checked out: not scanned (git submodule update --init to scan it)", Kind: scan.SkipSubmodule})
		case !withSubs:
			skipped = append(skipped, scan.Skipped{Path: rel, Reason: "submodule left out (--submodules=false): not scanned", Kind: scan.SkipSubmodule})
		default:
			more, sk, err := gitFiles(ctx, filepath.Join(dir, filepath.FromSlash(sub.Path)), rel+"/", true)
			if err != nil {
				return nil, nil, fmt.Errorf("submodule %s: %w", rel, err)
			}
			paths = append(paths, more...)
			skipped = append(skipped, sk...)
		}
	}
	return paths, skipped, nil
}

// gitOutput runs git and keeps its standard error even when it succeeds.
func gitOutput(ctx context.Context, run git.Runner, stderr *strings.Builder, args ...string) ([]byte, error) {
	cmd := run.Command(ctx, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	if err := run.Wait(ctx, cmd, args, stderr); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// unopenedDir reads git's "warning: could not open directory 'x/':
// Permission denied".
func unopenedDir(line string) (string, bool) {
	rest, ok := strings.CutPrefix(line, "warning: could not open directory '")
	if !ok {
		return "", false
	}
	p, _, ok := strings.Cut(rest, "': ")
	return p, ok
}

// walkFiles lists every file under dir except in .git folders. Folders
// that cannot be read are returned as skipped.
func walkFiles(ctx context.Context, dir string) ([]string, []scan.Skipped, error) {
	var (
		paths   []string
		skipped []scan.Skipped
	)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			rel, rerr := filepath.Rel(dir, p)
			if rerr != nil {
				return rerr
			}
			skipped = append(skipped, unreadable(filepath.ToSlash(rel), err))
			return nil
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
		return nil, nil, fmt.Errorf("list files: %w", err)
	}
	return paths, skipped, nil
}
