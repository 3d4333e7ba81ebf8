package github

import (
	"context"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/git"
)

// ChangedLines returns the lines of the head side that a pull request
// changed, as GitHub's diff shows them: from the merge base of base and
// head, or from base when the history is too shallow for a merge base
// (see git.Repo.PullRequestChanges). Paths are relative to the
// repository's top level, '/'-separated. Deleted files are left out.
func ChangedLines(ctx context.Context, dir, base, head string) (scan.Changes, error) {
	return (&git.Repo{Root: dir}).PullRequestChanges(ctx, base, head)
}

// parsePatch returns the lines a file's patch adds, from a patch as GitHub's
// API gives it: hunks with context lines, without file headers. A patch
// that cannot be read in part gives the lines read before the problem.
func parsePatch(patch string) []scan.LineRange {
	runs, _ := git.AddedLines(patch)
	return runs
}

func short(sha string) string { return git.Short(sha) }
