package github

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"

	"github.com/pipeguard/pipeguard/scan"
)

// ChangedLines returns the lines of the head side that a pull request
// changed, as GitHub's diff shows them: `git diff -U0 base...head` run in
// dir, from the merge base of base and head (so that commits the base
// branch gained since the pull request branched do not count), or
// `git diff base head` when the history is too shallow for a merge base.
// Paths are relative to the repository's top level, '/'-separated. Deleted
// files are left out.
func ChangedLines(ctx context.Context, dir, base, head string) (scan.Changes, error) {
	for _, rev := range []string{base, head} {
		if rev == "" || strings.HasPrefix(rev, "-") {
			return nil, fmt.Errorf("changed lines: bad revision %q", rev)
		}
	}
	revs := []string{base + "..." + head}
	mb := exec.CommandContext(ctx, "git", "merge-base", base, head)
	mb.Dir = dir
	if err := mb.Run(); err != nil {
		revs = []string{base, head}
	}
	args := append([]string{"-c", "core.quotePath=false", "diff", "-U0", "--no-color",
		"--no-ext-diff", "--no-textconv", "--find-renames"}, revs...)
	cmd := exec.CommandContext(ctx, "git", append(args, "--")...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git diff %s %s in %s: %v: %s (is the base commit fetched? use fetch-depth: 0)",
			short(base), short(head), dir, err, strings.TrimSpace(stderr.String()))
	}
	return parseDiff(out), nil
}

// parseDiff reads unified diff output with zero context lines.
func parseDiff(out []byte) scan.Changes {
	changes := scan.Changes{}
	var path string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "diff --git "):
			path = ""
		case strings.HasPrefix(line, "+++ "):
			name := strings.TrimPrefix(line, "+++ ")
			if name == "/dev/null" {
				path = ""
				continue
			}
			name = unquote(name)
			path = strings.TrimPrefix(name, "b/")
			if _, ok := changes[path]; !ok {
				changes[path] = []scan.LineRange{}
			}
		case strings.HasPrefix(line, "@@ ") && path != "":
			if r, ok := hunkRange(line); ok {
				changes[path] = append(changes[path], r)
			}
		}
	}
	// A file with no added lines (pure deletions, a rename) must not read as
	// "changed as a whole", which an empty slice means.
	for p, rs := range changes {
		if len(rs) == 0 {
			delete(changes, p)
		}
	}
	return changes
}

// hunkRange reads the new-side range of "@@ -a,b +c,d @@".
func hunkRange(line string) (scan.LineRange, bool) {
	fields := strings.Fields(line)
	if len(fields) < 3 || !strings.HasPrefix(fields[2], "+") {
		return scan.LineRange{}, false
	}
	start, count, found := strings.Cut(strings.TrimPrefix(fields[2], "+"), ",")
	s, err := strconv.Atoi(start)
	if err != nil {
		return scan.LineRange{}, false
	}
	n := 1
	if found {
		if n, err = strconv.Atoi(count); err != nil {
			return scan.LineRange{}, false
		}
	}
	if n == 0 {
		return scan.LineRange{}, false // only deletions here
	}
	return scan.LineRange{Start: s, End: s + n - 1}, true
}

// unquote undoes git's C-style quoting of unusual file names.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	return s
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// parsePatch returns the lines a file's patch adds, from a patch as GitHub's
// API gives it: hunks with context lines, without file headers.
func parsePatch(patch string) []scan.LineRange {
	var out []scan.LineRange
	line := 0
	for _, l := range strings.Split(patch, "\n") {
		switch {
		case strings.HasPrefix(l, "@@ "):
			r, ok := hunkStart(l)
			if !ok {
				return out
			}
			line = r
		case line == 0:
		case strings.HasPrefix(l, "+"):
			if n := len(out); n > 0 && out[n-1].End == line-1 {
				out[n-1].End = line
			} else {
				out = append(out, scan.LineRange{Start: line, End: line})
			}
			line++
		case strings.HasPrefix(l, "-"), strings.HasPrefix(l, `\`):
		default:
			line++
		}
	}
	return out
}

// hunkStart reads the new-side start line of "@@ -a,b +c,d @@".
func hunkStart(header string) (int, bool) {
	fields := strings.Fields(header)
	if len(fields) < 3 || !strings.HasPrefix(fields[2], "+") {
		return 0, false
	}
	start, _, _ := strings.Cut(strings.TrimPrefix(fields[2], "+"), ",")
	n, err := strconv.Atoi(start)
	return n, err == nil
}
