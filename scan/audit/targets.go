package audit

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/pipeguard/pipeguard/scan"
)

// Target is one repository to audit.
type Target struct {
	// Name is OWNER/NAME for GitHub repositories, the path as written for a
	// local repository, or the URL (without credentials) for any other.
	Name string
	// URL is what git clones: a clone URL, a file:// URL or a local path.
	URL string
	// DefaultBranch is the branch the API names, when known.
	DefaultBranch string
}

// ownerName matches OWNER/NAME.
var ownerName = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)

// scpLike matches git's scp-like syntax, user@host:path.
var scpLike = regexp.MustCompile(`^[A-Za-z0-9_.-]+@[A-Za-z0-9_.-]+:`)

// ParseSpec reads one repository as --repo or a line of --repos-file gives
// it: OWNER/NAME (cloned from serverURL), a URL (https, ssh, git, file) or a
// local path (absolute, or starting with ./, ../ or ~/; a relative path is
// resolved against base). A URL that carries credentials is refused: the
// token goes through the git credential environment only.
func ParseSpec(spec, serverURL, base string) (Target, error) {
	spec = strings.TrimSpace(spec)
	switch {
	case spec == "":
		return Target{}, errors.New("empty repository")
	case strings.HasPrefix(spec, "file://"):
		u, err := url.Parse(spec)
		if err != nil {
			return Target{}, fmt.Errorf("repository %q: %w", spec, err)
		}
		return Target{Name: u.Path, URL: spec}, nil
	case strings.Contains(spec, "://"):
		u, err := url.Parse(spec)
		if err != nil {
			return Target{}, fmt.Errorf("repository %s: not a URL", scan.MaskURL(spec))
		}
		if u.User != nil {
			return Target{}, fmt.Errorf("repository %s: a URL must not carry credentials; give the token in the environment", scan.MaskURL(spec))
		}
		return Target{Name: urlName(u, serverURL), URL: spec}, nil
	case scpLike.MatchString(spec):
		return Target{Name: spec, URL: spec}, nil
	case ownerName.MatchString(spec) && !strings.HasPrefix(spec, "."):
		return Target{Name: spec, URL: CloneURL(serverURL, spec)}, nil
	}
	p := spec
	if strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[2:])
		}
	}
	if !filepath.IsAbs(p) && base != "" {
		p = filepath.Join(base, p)
	}
	return Target{Name: filepath.ToSlash(filepath.Clean(spec)), URL: filepath.Clean(p)}, nil
}

// urlName is OWNER/NAME for a URL on the GitHub server, host/path otherwise.
func urlName(u *url.URL, serverURL string) string {
	p := strings.TrimSuffix(strings.Trim(u.Path, "/"), ".git")
	if s, err := url.Parse(serverURL); err == nil && strings.EqualFold(s.Host, u.Host) {
		rest := strings.TrimPrefix(p, strings.Trim(s.Path, "/")+"/")
		if ownerName.MatchString(rest) {
			return rest
		}
	}
	return u.Host + "/" + p
}

// CloneURL is the https clone URL of OWNER/NAME on serverURL
// (https://github.com, or a GitHub Enterprise Server's address).
func CloneURL(serverURL, fullName string) string {
	return strings.TrimSuffix(serverURL, "/") + "/" + fullName + ".git"
}

// ReadReposFile reads a list of repositories, one per line: OWNER/NAME, a
// clone URL, a file:// URL or a local path (relative to the file's folder).
// Blank lines and lines starting with # are skipped, as is a trailing
// " # comment". A bad line is a *scan.ConfigError naming the file and line.
func ReadReposFile(name, serverURL string) ([]Target, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, &scan.ConfigError{Path: name, Err: err}
	}
	defer f.Close()
	base := filepath.Dir(name)
	var out []Target
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, " #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		t, err := ParseSpec(line, serverURL, base)
		if err != nil {
			return nil, &scan.ConfigError{Path: name, Line: n, Err: err}
		}
		out = append(out, t)
	}
	if err := sc.Err(); err != nil {
		return nil, &scan.ConfigError{Path: name, Err: err}
	}
	return out, nil
}

// OrgFilter selects the repositories of an organization.
type OrgFilter struct {
	// IncludeArchived, IncludeForks and IncludeEmpty keep repositories that
	// are skipped by default.
	IncludeArchived, IncludeForks, IncludeEmpty bool
	// Topics, when set, keep only repositories that have every one of them.
	Topics []string
	// Include and Exclude are glob patterns (path.Match) matched against
	// NAME and OWNER/NAME: a repository is kept when it matches some Include
	// (or there is none) and no Exclude.
	Include, Exclude []string
}

// Check validates the patterns.
func (f OrgFilter) Check() error {
	for _, p := range slices.Concat(f.Include, f.Exclude) {
		if _, err := path.Match(p, ""); err != nil {
			return &scan.ConfigError{Err: fmt.Errorf("bad pattern %q: %w", p, err)}
		}
	}
	return nil
}

// MatchName applies Include and Exclude to a repository name.
func (f OrgFilter) MatchName(fullName string) bool {
	short := fullName[strings.LastIndex(fullName, "/")+1:]
	match := func(pats []string) bool {
		for _, p := range pats {
			if ok, _ := path.Match(p, short); ok {
				return true
			}
			if ok, _ := path.Match(p, fullName); ok {
				return true
			}
		}
		return false
	}
	if len(f.Include) > 0 && !match(f.Include) {
		return false
	}
	return !match(f.Exclude)
}

// keep says whether to audit repo, and if not, why.
func (f OrgFilter) keep(r *gh.Repository) (bool, string) {
	switch {
	case r.GetArchived() && !f.IncludeArchived:
		return false, "archived"
	case r.GetFork() && !f.IncludeForks:
		return false, "fork"
	case (r.GetSize() == 0 || r.GetDefaultBranch() == "") && !f.IncludeEmpty:
		return false, "empty"
	case r.GetDisabled():
		return false, "disabled"
	case !f.MatchName(r.GetFullName()):
		return false, "name pattern"
	}
	for _, t := range f.Topics {
		if !slices.Contains(r.Topics, t) {
			return false, "topic"
		}
	}
	return true, ""
}

// Skip is a repository that the organization listing left out, and why.
type Skip struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// ListOrg lists an organization's repositories through the API, every
// page, and returns those the filter keeps (in the API's order), with the
// ones it left out. Clone URLs come from the API (so GitHub Enterprise
// Server works), or are built from serverURL when the API gives none.
func ListOrg(ctx context.Context, c *gh.Client, org, serverURL string, f OrgFilter) ([]Target, []Skip, error) {
	opt := &gh.RepositoryListByOrgOptions{Type: "all", Sort: "full_name", ListOptions: gh.ListOptions{PerPage: 100}}
	var out []Target
	var skipped []Skip
	for {
		repos, resp, err := c.Repositories.ListByOrg(ctx, org, opt)
		if err != nil {
			return nil, nil, fmt.Errorf("list repositories of %s: %w", org, err)
		}
		for _, r := range repos {
			name := r.GetFullName()
			if ok, why := f.keep(r); !ok {
				skipped = append(skipped, Skip{Name: name, Reason: why})
				continue
			}
			u := r.GetCloneURL()
			if u == "" {
				u = CloneURL(serverURL, name)
			}
			out = append(out, Target{Name: name, URL: u, DefaultBranch: r.GetDefaultBranch()})
		}
		if resp == nil || resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	return out, skipped, nil
}

// Shard is a stable share of the repositories: shard Index of Count
// (1-based), so that a workflow matrix splits an audit.
type Shard struct{ Index, Count int }

// ParseShard reads "I/N", 1 <= I <= N.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, &scan.ConfigError{Err: fmt.Errorf("invalid shard %q: want I/N with 1 <= I <= N", s)}
	}
	return Shard{Index: i, Count: n}, nil
}

// String is "I/N", or "" for no sharding.
func (s Shard) String() string {
	if s.Count <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

// Owns reports whether the repository name falls in this shard: FNV-1a of
// the lower-cased name modulo Count. Every name falls in exactly one shard,
// and in the same one on every run.
func (s Shard) Owns(name string) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(strings.ToLower(name)))
	return int(h.Sum64()%uint64(s.Count)) == s.Index-1
}
