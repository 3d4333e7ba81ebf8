package hook

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/git"
)

// ChangedPaths lists the paths that the pushed commits add, modify or
// delete, sorted and without duplicates.
func ChangedPaths(ctx context.Context, dir string, p *Push) ([]string, error) {
	if p.Range() == "" {
		return nil, nil
	}
	if p.paths != nil {
		return p.paths, nil
	}
	_, paths, err := logPaths(ctx, dir, p.Revisions())
	return paths, err
}

// logPaths counts the commits of revs and lists the paths they touch, with
// one git log.
func logPaths(ctx context.Context, dir string, revs []string) (commits int, paths []string, err error) {
	args := append([]string{"log", "--format=%x01%H", "--name-only", "--no-renames", "-z"}, revs...)
	out, err := gitOut(ctx, dir, nil, args...)
	if err != nil {
		return 0, nil, fmt.Errorf("list pushed commits and files: %w", err)
	}
	// -z ends each name with NUL; a commit's "\x01<id>\n" heads its first name.
	paths = []string{}
	for _, f := range bytes.Split(out, []byte{0}) {
		s := strings.TrimLeft(string(f), "\n")
		if rest, ok := strings.CutPrefix(s, "\x01"); ok {
			commits++
			_, s, _ = strings.Cut(rest, "\n")
		}
		if s != "" {
			paths = append(paths, s)
		}
	}
	slices.Sort(paths)
	return commits, slices.Compact(paths), nil
}

// maxDiffBases bounds the diffs ChangedLines intersects; past it the
// result is larger than needed, never smaller.
const maxDiffBases = 8

// ChangedLines maps each file of the pushed tree to the lines the push
// changes there, for scan.Target.Changed (which limits working-tree
// findings: config and deps read the work tree). The tree is that of the
// pushed commit the work tree is on (HEAD), or else the first pushed one; a
// line counts when it differs from every excluded commit the remote has,
// which for the usual "A..B" push is git diff A B. It is nil, no limit,
// when the remote has none of the pushed history.
func ChangedLines(ctx context.Context, dir string, p *Push) (scan.Changes, error) {
	if p.Range() == "" {
		return scan.Changes{}, nil
	}
	if len(p.Exclude) == 0 {
		return nil, nil
	}
	tip := p.Include[0]
	if head, err := gitLines(ctx, dir, nil, "rev-parse", "-q", "--verify", "HEAD^{commit}"); err == nil && len(head) == 1 && slices.Contains(p.Include, head[0]) {
		tip = head[0]
	}
	repo := &git.Repo{Root: dir}
	var ch scan.Changes
	for i, base := range p.Exclude {
		if i == maxDiffBases {
			break
		}
		c, err := repo.Changes(ctx, base, tip)
		if err != nil {
			return nil, fmt.Errorf("read the pushed changes: %w", err)
		}
		if ch == nil {
			ch = c
		} else {
			ch = intersect(ch, c)
		}
	}
	return ch, nil
}

// intersect keeps the lines changed in both a and b. An empty range list
// stands for the whole file.
func intersect(a, b scan.Changes) scan.Changes {
	out := scan.Changes{}
	for path, ra := range a {
		rb, ok := b[path]
		switch {
		case !ok:
		case len(ra) == 0:
			out[path] = rb
		case len(rb) == 0:
			out[path] = ra
		default:
			var rs []scan.LineRange
			for _, x := range ra {
				for _, y := range rb {
					if s, e := max(x.Start, y.Start), min(x.End, y.End); s <= e {
						rs = append(rs, scan.LineRange{Start: s, End: e})
					}
				}
			}
			if len(rs) > 0 {
				out[path] = rs
			}
		}
	}
	return out
}
