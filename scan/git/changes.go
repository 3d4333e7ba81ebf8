package git

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/pipeguard/pipeguard/scan"
)

// diffFlags make a patch the parser reads and nothing outside the
// repository's objects changes: no colour, no external diff program, no
// textconv filter, full blob ids.
var diffFlags = []string{"--no-color", "--no-ext-diff", "--no-textconv", "--full-index"}

// ChangesOf returns the lines a patch adds or changes, by path after the
// change. A file added whole or a binary file maps to an empty slice (the
// whole file); a deletion, a pure rename and a mode change are left out.
func ChangesOf(r io.Reader) (scan.Changes, error) {
	c := scan.Changes{}
	err := Parse(r, ParseOptions{RangesOnly: true}, func(f *FileDiff) error {
		if f.Deleted || f.NewPath == "" || f.Submodule {
			return nil
		}
		if f.New || f.Binary {
			c[f.NewPath] = []scan.LineRange{}
			return nil
		}
		for _, h := range f.Hunks {
			if len(h.Runs) > 0 { // a hunk that only removes lines adds none
				c[f.NewPath] = append(c[f.NewPath], h.Runs...)
			}
		}
		return nil
	})
	return c, err
}

// AddedLines returns the lines a patch of one file adds, as GitHub's API
// gives it (hunks with context lines, no file header), as runs of new-side
// line numbers.
func AddedLines(patch string) ([]scan.LineRange, error) {
	var runs []scan.LineRange
	if strings.TrimSpace(patch) == "" {
		return nil, nil
	}
	const header = "diff --git a/f b/f\n--- a/f\n+++ b/f\n"
	err := Parse(strings.NewReader(header+patch), ParseOptions{RangesOnly: true}, func(f *FileDiff) error {
		for _, h := range f.Hunks {
			runs = append(runs, h.Runs...)
		}
		return nil
	})
	return runs, err
}

// Changes returns the lines that head adds or changes relative to base, by
// path in head (renames followed), relative to Root (which may be a
// subfolder of the repository; only changes under it count).
func (r *Repo) Changes(ctx context.Context, base, head string) (scan.Changes, error) {
	args := append(append([]string{"diff", "--relative", "-U0", "-M"}, diffFlags...), base, head, "--")
	c, err := r.changes(ctx, args, "")
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s: %w", Short(base), Short(head), err)
	}
	return c, nil
}

// StagedChanges returns the lines that the index adds or changes relative
// to HEAD (or to nothing, before the first commit), relative to Root.
func (r *Repo) StagedChanges(ctx context.Context) (scan.Changes, error) {
	args := append(append([]string{"diff", "--cached", "--relative", "-U0", "-M"}, diffFlags...), "--")
	c, err := r.changes(ctx, args, r.IndexFile)
	if err != nil {
		return nil, fmt.Errorf("diff the index: %w", err)
	}
	return c, nil
}

// PullRequestChanges returns the lines of the head side that a pull
// request changed, as GitHub's diff shows them: from the merge base of
// base and head (so that commits the base branch gained since the pull
// request branched do not count), or from base itself when the history is
// too shallow for a merge base. Paths are relative to the repository's top
// folder.
func (r *Repo) PullRequestChanges(ctx context.Context, base, head string) (scan.Changes, error) {
	for _, rev := range []string{base, head} {
		if rev == "" || strings.HasPrefix(rev, "-") {
			return nil, fmt.Errorf("changed lines: bad revision %q", rev)
		}
	}
	revs := []string{base + "..." + head}
	if _, err := r.Run(ctx, "merge-base", base, head); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		revs = []string{base, head}
	}
	args := append(append(append([]string{"diff", "-U0", "--find-renames"}, diffFlags...), revs...), "--")
	c, err := r.changes(ctx, args, "")
	if err != nil {
		return nil, fmt.Errorf("git diff %s %s in %s: %w (is the base commit fetched? use fetch-depth: 0)", Short(base), Short(head), r.Root, err)
	}
	return c, nil
}

// changes runs a diff and reads its changed lines, streaming.
func (r *Repo) changes(ctx context.Context, args []string, index string) (scan.Changes, error) {
	var c scan.Changes
	err := r.stream(ctx, args, index, func(out io.Reader) error {
		var err error
		c, err = ChangesOf(out)
		return err
	})
	return c, err
}

// stream runs git args and hands its standard output to read. It returns
// git's failure first (a patch cut short by a failing git is not a parse
// problem), then read's error.
func (r *Repo) stream(ctx context.Context, args []string, index string, read func(io.Reader) error) error {
	run := r.Runner()
	if index != "" {
		run.Env = append(run.Env, "GIT_INDEX_FILE="+index)
	}
	return run.Stream(ctx, args, read)
}

// Stream runs git args and hands its standard output to read, which need
// not read all of it. It returns the context's error when cancelled, git's
// failure next, then read's error.
func (r Runner) Stream(ctx context.Context, args []string, read func(io.Reader) error) error {
	cmd := r.Command(ctx, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("git %s: %w", args[0], err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git %s: %w", args[0], err)
	}
	rerr := read(bufio.NewReaderSize(out, 1<<20))
	_, _ = io.Copy(io.Discard, out) // let git finish
	werr := r.Wait(ctx, cmd, args, &stderr)
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case werr != nil:
		return werr
	}
	return rerr
}

// PatchOptions tune Log and Staged.
type PatchOptions struct {
	// MaxFileSize is the largest file, in bytes, whose changes are read: git
	// shows larger ones as binary without reading them
	// (core.bigFileThreshold), and the parser drops the added lines of a
	// file past it. 0 means no limit.
	MaxFileSize int64
}

// Log reads the patches of the commits of revs (git log arguments), oldest
// last, and calls fn with each file of each commit, its Commit set. Only
// added lines are shown (-U0); merges show no patch, as in git log.
//
// The log runs from the git folder, not the work tree, so that the work
// tree's .gitattributes cannot change what it shows: a change cannot hide
// files from a history scan with "-diff", nor make git diff a huge file
// it marked "diff".
func (r *Repo) Log(ctx context.Context, revs []string, opts PatchOptions, fn func(*FileDiff) error) error {
	dir, err := r.GitDir(ctx)
	if err != nil {
		return err
	}
	args := append([]string{"log", "-p", "-U0", "--full-history", "--diff-filter=tuxdb", logFormat}, diffFlags...)
	args = append(append(args, revs...), "--")
	return r.patches(ctx, Runner{Dir: dir}, args, opts, fn)
}

// Staged reads the patch of the index against HEAD (added lines only) and
// calls fn with each file.
func (r *Repo) Staged(ctx context.Context, opts PatchOptions, fn func(*FileDiff) error) error {
	args := append([]string{"diff", "--cached", "-U0", "--diff-filter=tuxdb"}, diffFlags...)
	args = append(args, "--")
	run := r.Runner()
	if r.IndexFile != "" {
		run.Env = append(run.Env, "GIT_INDEX_FILE="+r.IndexFile)
	}
	return r.patches(ctx, run, args, opts, fn)
}

func (r *Repo) patches(ctx context.Context, run Runner, args []string, opts PatchOptions, fn func(*FileDiff) error) error {
	popts := ParseOptions{MaxBytes: opts.MaxFileSize}
	if opts.MaxFileSize > 0 {
		run = run.With("core.bigFileThreshold=" + strconv.FormatInt(opts.MaxFileSize, 10))
	}
	return run.Stream(ctx, args, func(out io.Reader) error {
		return Parse(out, popts, fn)
	})
}
