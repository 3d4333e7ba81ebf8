package audit

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/pipeguard/pipeguard/scan/git"
)

// Environment variables that carry the credential to git's credential
// helper. The token is never in an argument, a URL or a file.
const (
	envToken = "PIPEGUARD_GIT_TOKEN"
	envHost  = "PIPEGUARD_GIT_HOST"
)

// credentialHelper is a git credential helper, run by git through the
// shell, that answers "get" with the token from the environment, and only
// for the GitHub server's host, so that a repository list naming another
// host cannot collect the token.
const credentialHelper = `!f() { test "$1" = get || exit 0; h=; while IFS= read -r l; do case "$l" in host=*) h="${l#host=}";; esac; done; test -n "$` + envToken + `" && test "$h" = "$` + envHost + `" || exit 0; echo username=x-access-token; echo "password=$` + envToken + `"; }; f`

// gitRunner runs git for the audit (through scan/git, with its one
// environment), adding the credential environment.
type gitRunner struct {
	token string
	host  string // the host the token is for
}

// runner is the git.Runner for dir: the credential helper replaces any
// other (so that a helper of the machine's cannot answer for another
// host), and the token and its host are in its environment only.
func (g *gitRunner) runner(dir string) git.Runner {
	r := git.Runner{Dir: dir, Config: []string{"credential.helper=", "credential.helper=" + credentialHelper}}
	if g.token != "" {
		r.Env = []string{envToken + "=" + g.token, envHost + "=" + g.host}
	}
	return r
}

// run runs git args in dir and returns its standard output; an error
// carries git's standard error, with the token scrubbed from it.
func (g *gitRunner) run(ctx context.Context, dir string, args ...string) ([]byte, error) {
	return g.runInput(ctx, dir, nil, args...)
}

// runInput is run with stdin.
func (g *gitRunner) runInput(ctx context.Context, dir string, stdin io.Reader, args ...string) ([]byte, error) {
	out, err := g.runner(dir).RunInput(ctx, stdin, args...)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ge *git.Error
		if errors.As(err, &ge) {
			msg := ge.Stderr
			if msg == "" {
				msg = ge.Err.Error()
			}
			return nil, errors.New(g.scrub(fmt.Sprintf("git %s: %s", args[0], lastLines(msg, 5))))
		}
		return nil, errors.New(g.scrub(err.Error()))
	}
	return out, nil
}

// scrub removes the token from s, in case git or a server echoed it.
func (g *gitRunner) scrub(s string) string {
	if g.token == "" || len(g.token) < 4 {
		return s
	}
	s = strings.ReplaceAll(s, g.token, "***")
	return strings.ReplaceAll(s, url.QueryEscape(g.token), "***")
}

// clone clones url with its full history into dir.
func (g *gitRunner) clone(ctx context.Context, src, dir string) error {
	_, err := g.run(ctx, "", "clone", "--quiet", "--no-recurse-submodules", "--", src, dir)
	return err
}

// head is the commit HEAD names, "" in an empty repository.
func (g *gitRunner) head(ctx context.Context, dir string) (string, error) {
	out, err := g.run(ctx, dir, "rev-parse", "-q", "--verify", "HEAD^{commit}")
	if err != nil {
		if tips, terr := g.tips(ctx, dir); terr == nil && len(tips) == 0 {
			return "", nil
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// tips are the commits the refs of a clone name (branches, remote
// branches, tags peeled), sorted and without repeats: what a history scan
// with --all reaches.
func (g *gitRunner) tips(ctx context.Context, dir string) ([]string, error) {
	out, err := g.run(ctx, dir, "for-each-ref", "--format=%(objecttype) %(objectname) %(*objecttype) %(*objectname)")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var tips []string
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		var id string
		switch {
		case len(f) >= 2 && f[0] == "commit":
			id = f[1]
		case len(f) >= 4 && f[0] == "tag" && f[2] == "commit":
			id = f[3]
		}
		if id != "" && !seen[id] {
			seen[id] = true
			tips = append(tips, id)
		}
	}
	slices.Sort(tips)
	return tips, nil
}

// hasCommit reports whether the clone holds commit id. A fresh clone holds
// only what its refs reach, so this is "still in the repository's history".
func (g *gitRunner) hasCommit(ctx context.Context, dir, id string) bool {
	if id == "" {
		return false
	}
	_, err := g.run(ctx, dir, "cat-file", "-e", id+"^{commit}")
	return err == nil
}

// commitsPresent returns which of ids are commits in the clone, with one
// git process for all of them.
func (g *gitRunner) commitsPresent(ctx context.Context, dir string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	var in strings.Builder
	for _, id := range ids {
		in.WriteString(id + "\n")
	}
	res, err := g.runInput(ctx, dir, strings.NewReader(in.String()), "cat-file", "--batch-check=%(objecttype)")
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimRight(string(res), "\n"), "\n")
	if len(lines) != len(ids) {
		return nil, fmt.Errorf("git cat-file: %d answers for %d objects", len(lines), len(ids))
	}
	for i, l := range lines {
		if strings.TrimSpace(l) == "commit" {
			out[ids[i]] = true
		}
	}
	return out, nil
}

// isAncestor reports whether a is an ancestor of b.
func (g *gitRunner) isAncestor(ctx context.Context, dir, a, b string) bool {
	_, err := g.run(ctx, dir, "merge-base", "--is-ancestor", a, b)
	return err == nil
}

// countCommits counts the commits git rev-list revs lists.
func (g *gitRunner) countCommits(ctx context.Context, dir string, revs ...string) (int, error) {
	out, err := g.run(ctx, dir, append(append([]string{"rev-list", "--count"}, revs...), "--")...)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(out)))
}

// lastLines keeps the last n non-blank lines of s, joined with " / ".
func lastLines(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " / ")
}
