package hook

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pipeguard/pipeguard/scan/git"
)

// RefUpdate is one line git writes on a pre-push hook's standard input:
// a local ref, its object, the remote ref it updates and the object that
// ref has on the remote now. A deletion has an all-zero LocalSHA, a new
// remote ref an all-zero RemoteSHA.
type RefUpdate struct {
	LocalRef  string
	LocalSHA  string
	RemoteRef string
	RemoteSHA string
}

// IsDelete reports whether the update deletes the remote ref.
func (u RefUpdate) IsDelete() bool { return isZero(u.LocalSHA) }

// IsNew reports whether the update creates the remote ref.
func (u RefUpdate) IsNew() bool { return isZero(u.RemoteSHA) }

func isZero(sha string) bool { return strings.Trim(sha, "0") == "" }

// isHex reports whether s is a full object id (SHA-1 or SHA-256).
func isHex(s string) bool { return git.IsObjectID(s) }

// ParseUpdates reads the lines git gives a pre-push hook on standard input.
// Blank lines are ignored; a malformed line is an error naming its number.
func ParseUpdates(r io.Reader) ([]RefUpdate, error) {
	var ups []RefUpdate
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 {
			return nil, fmt.Errorf("pre-push input line %d: want \"<local ref> <local sha> <remote ref> <remote sha>\", got %q", n, line)
		}
		if !isHex(f[1]) || !isHex(f[3]) {
			return nil, fmt.Errorf("pre-push input line %d: %q: object names must be full hexadecimal ids", n, line)
		}
		ups = append(ups, RefUpdate{LocalRef: f[0], LocalSHA: f[1], RemoteRef: f[2], RemoteSHA: f[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read pre-push input: %w", err)
	}
	return ups, nil
}

// Push is what a push would send, as git revisions: the commits reachable
// from Include and from none of Exclude.
type Push struct {
	Updates []RefUpdate
	// Include are the commits pushed (peeled local objects), Exclude the
	// commits the remote has, or that are on a remote-tracking branch.
	Include, Exclude []string
	// Commits is how many commits the push sends; 0 means nothing to scan.
	Commits int
	// Notes say what was left out and why (deletions, tags of trees).
	Notes []string

	// paths are the files the commits touch, when Plan listed them.
	paths []string
}

// Range is the push as one git revision expression that git log and
// git rev-list understand: "EXCLUDE..INCLUDE" when there is one of each,
// otherwise the list "INCLUDE... ^EXCLUDE..." separated by single spaces
// (a single INCLUDE alone means its whole history: the remote has none of
// it). Every element is a full object id. Range is empty when nothing is
// pushed.
func (p *Push) Range() string {
	if p.Commits == 0 || len(p.Include) == 0 {
		return ""
	}
	if len(p.Include) == 1 && len(p.Exclude) == 1 {
		return p.Exclude[0] + ".." + p.Include[0]
	}
	return strings.Join(p.Revisions(), " ")
}

// Revisions is the push as git arguments: the included commits, then each
// excluded one prefixed with ^.
func (p *Push) Revisions() []string {
	revs := slices.Clone(p.Include)
	for _, x := range p.Exclude {
		revs = append(revs, "^"+x)
	}
	return revs
}

// Plan works out what a push of ups from the repository at dir would send.
//
// An update sends remote..local. A new remote ref sends the commits of
// local that no remote-tracking branch has (git rev-list local --not
// --remotes); in a push that creates a ref, every ref's commits are
// counted that way, which only drops commits a remote already has. A
// deletion sends nothing. When the remote's object is unknown here (the
// remote moved since the last fetch, and the push is forced), the update
// is treated like a new ref.
func Plan(ctx context.Context, dir string, ups []RefUpdate) (*Push, error) {
	p := &Push{Updates: ups}
	var query []string
	for _, u := range ups {
		if u.IsDelete() {
			p.Notes = append(p.Notes, fmt.Sprintf("%s: deleted, nothing to scan", u.RemoteRef))
			continue
		}
		query = append(query, u.LocalSHA+"^{commit}")
		if !u.IsNew() {
			query = append(query, u.RemoteSHA+"^{commit}")
		}
	}
	if len(query) == 0 {
		return p, nil
	}
	commits, err := peel(ctx, dir, query)
	if err != nil {
		return nil, err
	}
	againstRemotes := false
	for _, u := range ups {
		if u.IsDelete() {
			continue
		}
		local := commits[u.LocalSHA+"^{commit}"]
		if local == "" {
			// A tag of a tree or a blob, or an object git does not have:
			// there is no history to scan.
			p.Notes = append(p.Notes, fmt.Sprintf("%s: %s is not a commit, nothing to scan", u.RemoteRef, short(u.LocalSHA)))
			continue
		}
		if !slices.Contains(p.Include, local) {
			p.Include = append(p.Include, local)
		}
		remote := ""
		if !u.IsNew() {
			remote = commits[u.RemoteSHA+"^{commit}"]
		}
		if remote == "" {
			againstRemotes = true
			if !u.IsNew() {
				p.Notes = append(p.Notes, fmt.Sprintf("%s: the remote's %s is not known here; scanning the commits on no remote-tracking branch", u.RemoteRef, short(u.RemoteSHA)))
			}
			continue
		}
		if !slices.Contains(p.Exclude, remote) {
			p.Exclude = append(p.Exclude, remote)
		}
	}
	if len(p.Include) == 0 {
		return p, nil
	}
	if againstRemotes {
		// The boundary commits are exactly the excluded parents of the
		// pushed commits: "INCLUDE ^BOUNDARY..." is the same set as
		// "INCLUDE ^EXCLUDE --not --remotes", in a form that needs no flag.
		args := append([]string{"rev-list", "--boundary"}, p.Revisions()...)
		args = append(args, "--not", "--remotes")
		lines, err := gitLines(ctx, dir, nil, args...)
		if err != nil {
			return nil, fmt.Errorf("list pushed commits: %w", err)
		}
		p.Exclude = nil
		p.Commits = 0
		for _, l := range lines {
			if b, ok := strings.CutPrefix(l, "-"); ok {
				p.Exclude = append(p.Exclude, b)
			} else {
				p.Commits++
			}
		}
		slices.Sort(p.Exclude)
		return p, nil
	}
	// One git log counts the commits and lists the files they touch.
	if p.Commits, p.paths, err = logPaths(ctx, dir, p.Revisions()); err != nil {
		return nil, err
	}
	return p, nil
}

// peel resolves each "OBJECT^{commit}" in query to a commit id with one
// git process; an object that is missing or is not a commit maps to "".
func peel(ctx context.Context, dir string, query []string) (map[string]string, error) {
	lines, err := gitLines(ctx, dir, strings.NewReader(strings.Join(query, "\n")+"\n"), "cat-file", "--batch-check=%(objectname) %(objecttype)")
	if err != nil {
		return nil, fmt.Errorf("resolve pushed objects: %w", err)
	}
	if len(lines) != len(query) {
		return nil, fmt.Errorf("resolve pushed objects: git cat-file answered %d lines for %d objects", len(lines), len(query))
	}
	out := make(map[string]string, len(query))
	for i, l := range lines {
		f := strings.Fields(l)
		if len(f) == 2 && f[1] == "commit" {
			out[query[i]] = f[0]
		} else {
			out[query[i]] = ""
		}
	}
	return out, nil
}

func short(sha string) string {
	if len(sha) > 10 {
		return sha[:10]
	}
	return sha
}
