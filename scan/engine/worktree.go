package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/baseline"
	"github.com/pipeguard/pipeguard/scan/git"
)

// checkout is a detached git worktree of one revision, in a temporary
// folder: the base of --new-since, or the trusted revision's config and
// policies.
type checkout struct {
	repo *git.Repo
	rev  string // full commit id
	dir  string // the worktree's top folder
	// root is the folder of the checkout that matches the scanned root
	// (the same subfolder of the repository).
	root string
}

func checkoutRev(ctx context.Context, repo *git.Repo, rev string) (*checkout, error) {
	id, err := repo.ResolveRev(ctx, rev)
	if err != nil {
		return nil, err
	}
	prefix, err := repo.Prefix(ctx)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "pipeguard-rev-")
	if err != nil {
		return nil, fmt.Errorf("check out %s: %w", rev, err)
	}
	dir := filepath.Join(tmp, "tree")
	c := &checkout{repo: repo, rev: id, dir: dir, root: filepath.Join(dir, filepath.FromSlash(prefix))}
	// The repository's own hooks (post-checkout) must not run: they are the
	// change's code, and a guard runs none of it (scan/git runs every
	// command without hooks).
	if _, err := repo.Run(ctx, "worktree", "add", "--detach", "--quiet", dir, id); err != nil {
		c.remove() // a killed "worktree add" leaves a locked entry behind
		return nil, fmt.Errorf("check out %s: %w", rev, err)
	}
	return c, nil
}

// remove deletes the worktree, its folder and its entry in the repository,
// locked or not. It uses a fresh context so that a cancelled scan still
// cleans up.
func (c *checkout) remove() {
	ctx := context.Background()
	_, _ = c.repo.Run(ctx, "worktree", "remove", "--force", "--force", c.dir)
	os.RemoveAll(filepath.Dir(c.dir))
	_, _ = c.repo.Run(ctx, "worktree", "prune")
}

// markNew scans the base revision with the same options and marks which of
// rep's findings the change introduced. The change's own commits are scanned
// for secrets too, so that a secret added and removed again within the
// change still counts as new.
func markNew(ctx context.Context, repo *git.Repo, opts Options, trusted *checkout, rep *scan.Report) error {
	base, err := checkoutRev(ctx, repo, opts.NewSince)
	if err != nil {
		return err
	}
	defer base.remove()

	bopts := opts
	bopts.Root = base.root
	bopts.Mode = scan.ModeTree
	bopts.Range = ""
	bopts.NewSince = ""
	bopts.Baseline = ""
	bopts.Changed = nil
	// The base is scanned with the head's configuration source: a trusted
	// revision stays trusted, otherwise the base's own files apply.
	baseRep, err := run(ctx, bopts, trusted)
	if err != nil {
		return fmt.Errorf("scan base %s: %w", opts.NewSince, err)
	}
	for _, e := range baseRep.Errors {
		rep.Errors = append(rep.Errors, scan.Error{Scanner: e.Scanner, Message: "base " + opts.NewSince + ": " + e.Message, Path: e.Path})
	}
	head, err := repo.ResolveRev(ctx, "HEAD")
	if err != nil {
		return err
	}
	changed, err := repo.Changes(ctx, base.rev, head)
	if err != nil {
		return fmt.Errorf("changed lines %s..HEAD: %w", opts.NewSince, err)
	}
	rep.Target.Base, rep.Target.Head = base.rev, head
	baseline.MarkNew(rep, baseRep, changed)
	return nil
}

// alsoRange runs a scanner over the working tree and then over the commits
// of a range, keeping the range's findings that the tree does not have.
type alsoRange struct {
	inner scan.Scanner
	rng   string
}

func (a alsoRange) Name() string { return a.inner.Name() }

func (a alsoRange) Scan(ctx context.Context, t *scan.Target) (*scan.Result, error) {
	res, err := a.inner.Scan(ctx, t)
	if err != nil || res == nil {
		return res, err
	}
	rt := *t
	rt.Mode, rt.Range = scan.ModeRange, a.rng
	more, err := a.inner.Scan(ctx, &rt)
	if more != nil {
		seen := map[string]bool{}
		for _, f := range res.Findings {
			seen[f.Fingerprint] = true
		}
		for _, f := range more.Findings {
			if !seen[f.Fingerprint] {
				seen[f.Fingerprint] = true
				res.Findings = append(res.Findings, f)
			}
		}
		res.Errors = append(res.Errors, more.Errors...)
		res.Notes = append(res.Notes, more.Notes...)
	}
	if err != nil {
		res.Errors = append(res.Errors, scan.Error{Message: fmt.Sprintf("commits %s: %v", a.rng, err)})
	}
	return res, nil
}
