package hook

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/gitleaks/go-gitdiff/gitdiff"

	"github.com/pipeguard/pipeguard/scan"
)

// ChangedPaths lists the paths that the pushed commits add, modify or
// delete, sorted and without duplicates.
func ChangedPaths(ctx context.Context, dir string, p *Push) ([]string, error) {
	if p.Range() == "" {
		return nil, nil
	}
	args := append([]string{"-c", "core.quotePath=false", "log", "--format=", "--name-only", "--no-renames", "-z"}, p.Revisions()...)
	out, err := git(ctx, dir, nil, args...)
	if err != nil {
		return nil, fmt.Errorf("list changed files: %w", err)
	}
	var paths []string
	for _, f := range bytes.Split(out, []byte{0}) {
		if s := strings.TrimLeft(string(f), "\n"); s != "" {
			paths = append(paths, s)
		}
	}
	slices.Sort(paths)
	return slices.Compact(paths), nil
}

// ChangedLines maps each file to the lines the push touches, for
// scan.Target.Changed: the lines each pushed commit adds (in that
// commit's version of the file, which is where a secret found in history
// is reported), plus, when the push is one "A..B" range, the lines of the
// overall diff A..B (where a finding in B's tree is reported). A binary
// file is changed as a whole.
func ChangedLines(ctx context.Context, dir string, p *Push) (scan.Changes, error) {
	ch := scan.Changes{}
	if p.Range() == "" {
		return ch, nil
	}
	args := append([]string{"log", "-p", "-U0", "--format=commit %H", "--no-color", "--no-ext-diff", "--full-history"}, p.Revisions()...)
	if err := addDiff(ctx, dir, ch, args); err != nil {
		return nil, fmt.Errorf("read pushed diffs: %w", err)
	}
	if len(p.Include) == 1 && len(p.Exclude) == 1 {
		args := []string{"diff", "-U0", "--no-color", "--no-ext-diff", p.Exclude[0], p.Include[0]}
		if err := addDiff(ctx, dir, ch, args); err != nil {
			return nil, fmt.Errorf("read pushed diff: %w", err)
		}
	}
	for k, v := range ch {
		ch[k] = mergeRanges(v)
	}
	return ch, nil
}

// whole marks a path changed as a whole in a scan.Changes under
// construction; it is replaced by an empty slice at the end.
var whole = scan.LineRange{Start: -1, End: -1}

func addDiff(ctx context.Context, dir string, ch scan.Changes, args []string) error {
	out, err := git(ctx, dir, nil, args...)
	if err != nil {
		return err
	}
	files, err := gitdiff.Parse(bytes.NewReader(out))
	if err != nil {
		return err
	}
	for f := range files {
		if f.IsDelete || f.NewName == "" {
			continue
		}
		name := path.Clean(f.NewName)
		if f.IsBinary {
			ch[name] = append(ch[name], whole)
			continue
		}
		if _, ok := ch[name]; !ok {
			ch[name] = nil
		}
		for _, frag := range f.TextFragments {
			if frag.NewLines == 0 {
				continue // only deletions
			}
			ch[name] = append(ch[name], scan.LineRange{Start: int(frag.NewPosition), End: int(frag.NewPosition + frag.NewLines - 1)})
		}
	}
	return nil
}

// mergeRanges sorts and joins overlapping or adjacent ranges; a whole-file
// mark wins over every range.
func mergeRanges(rs []scan.LineRange) []scan.LineRange {
	if slices.Contains(rs, whole) {
		return []scan.LineRange{}
	}
	if len(rs) == 0 {
		// A file whose mode or name alone changed: no line of it is new.
		return []scan.LineRange{{Start: 0, End: -1}}
	}
	slices.SortFunc(rs, func(a, b scan.LineRange) int { return a.Start - b.Start })
	out := rs[:1]
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if r.Start <= last.End+1 {
			last.End = max(last.End, r.End)
			continue
		}
		out = append(out, r)
	}
	return out
}
