package deps

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	gocvss30 "github.com/pandatix/go-cvss/30"
	gocvss31 "github.com/pandatix/go-cvss/31"
	gocvss40 "github.com/pandatix/go-cvss/40"

	"github.com/pipeguard/pipeguard/scan"
)

// scanPython audits the Python requirement and lock files found.
func (s *Scanner) scanPython(ctx context.Context, t *scan.Target, inv *inventory, res *scan.Result) {
	unknown := unknownVersions(inv)
	if len(inv.pyFiles) == 0 {
		if len(unknown) > 0 {
			res.Notes = append(res.Notes, unknown...)
		} else if n := len(inv.pySrc); n > 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("python: %d Python files but no requirements file, pyproject.toml, Pipfile or lock file: their dependencies were not audited", n))
		}
		return
	}
	locked := lockedDirs(inv.pyFiles)
	// Read every manifest; files pulled in by -r are audited once, as
	// declared in the included file.
	var pkgs []pyPkg
	seen := map[string]bool{}
	for _, rel := range inv.pyFiles {
		base := path.Base(rel)
		if lock := locked[path.Dir(rel)]; lock != "" && (base == "pyproject.toml" || base == "Pipfile" || base == "setup.cfg") {
			res.Notes = append(res.Notes, fmt.Sprintf("python: %s: versions read from %s", rel, lock))
			continue
		}
		if base == "setup.cfg" {
			continue // a project marker only: see unknown
		}
		got, unpinned, err := parseManifest(t.Root, rel)
		if err != nil {
			res.Errors = append(res.Errors, scan.Error{Message: fmt.Sprintf("read %s: %v", rel, err), Path: rel})
		}
		n := 0
		for _, p := range got {
			k := fmt.Sprintf("%s\x00%d\x00%s\x00%s", p.File, p.Line, p.Name, p.Version)
			if seen[k] {
				continue
			}
			seen[k] = true
			pkgs = append(pkgs, p)
			n++
		}
		note := fmt.Sprintf("python: %s: %d pinned packages", rel, n)
		unpinned = noteBadEntries(res, unpinned)
		if len(unpinned) > 0 {
			var lines []string
			for _, u := range unpinned {
				lines = append(lines, fmt.Sprintf("%s:%d", u.File, u.Line))
			}
			if len(lines) > 5 {
				lines = append(lines[:5], "...")
			}
			note += fmt.Sprintf("; %d requirements without an exact pin not audited (%s)", len(unpinned), strings.Join(lines, ", "))
		}
		res.Notes = append(res.Notes, note)
	}
	res.Notes = append(res.Notes, unknown...)
	if len(pkgs) == 0 {
		return
	}

	matches := map[string][]*osvEntry{} // name@version -> advisories
	switch {
	case s.opts.OSVDB != "":
		want := map[string]bool{}
		for _, p := range pkgs {
			want[p.Name] = true
		}
		idx, n, cached, err := loadOSVDB(ctx, s.opts.OSVDB, want, s.opts.CacheDir)
		if err != nil {
			res.Errors = append(res.Errors, scan.Error{Message: err.Error(), Path: s.opts.OSVDB})
			if idx == nil {
				return
			}
		}
		for _, p := range pkgs {
			k := p.Name + "@" + p.Version
			if _, done := matches[k]; done {
				continue
			}
			matches[k] = []*osvEntry{}
			for _, e := range idx[p.Name] {
				if hit, _ := pyAffects(e, p.Name, p.Version); hit {
					matches[k] = append(matches[k], e)
				}
			}
		}
		how := "read"
		if cached {
			how = "from the cache"
		}
		res.Notes = append(res.Notes, fmt.Sprintf("python: %d packages matched offline against %s (%d records %s)", len(pkgs), s.opts.OSVDB, n, how))
	case s.opts.Online:
		api := &osvAPI{base: strings.TrimRight(s.opts.OSVAPI, "/"), client: s.client, batch: 1000}
		if api.base == "" {
			api.base = "https://api.osv.dev"
		}
		m, err := api.query(ctx, pkgs)
		if err != nil {
			res.Errors = append(res.Errors, scan.Error{Message: err.Error()})
			return
		}
		matches = m
		res.Notes = append(res.Notes, fmt.Sprintf("python: %d packages matched online through %s", len(pkgs), api.base))
	default:
		res.Errors = append(res.Errors, scan.Error{Message: fmt.Sprintf("python: %d pinned packages not audited: %v", len(pkgs), errNoPythonDB)})
		return
	}

	imported := pythonImports(t.Root, inv.pySrc)
	for _, p := range pkgs {
		groups := groupAliases(matches[p.Name+"@"+p.Version])
		for _, g := range groups {
			res.Findings = append(res.Findings, pyFinding(p, g, imported))
		}
	}
}

// lockedDirs maps each folder holding a Python lock file to that file: a
// pyproject.toml or Pipfile there is audited through its lock.
func lockedDirs(files []string) map[string]string {
	out := map[string]string{}
	for _, rel := range files {
		switch base := path.Base(rel); {
		case base == "poetry.lock", base == "uv.lock", base == "pdm.lock", base == "Pipfile.lock",
			strings.HasPrefix(base, "pylock.") && strings.HasSuffix(base, ".toml"):
			if out[path.Dir(rel)] == "" {
				out[path.Dir(rel)] = rel
			}
		}
	}
	return out
}

// unknownVersions notes the Python projects whose dependency versions
// cannot be determined: a setup.py or setup.cfg (install_requires ranges)
// with no lock file, requirements file, pyproject.toml or Pipfile beside
// it. Never silence: what was not audited is said.
func unknownVersions(inv *inventory) []string {
	declared := map[string]bool{}
	for _, rel := range inv.pyFiles {
		if path.Base(rel) != "setup.cfg" {
			declared[path.Dir(rel)] = true
		}
	}
	var out []string
	seen := map[string]bool{}
	markers := append([]string{}, inv.pyFiles...)
	for _, rel := range inv.pySrc {
		if path.Base(rel) == "setup.py" {
			markers = append(markers, rel)
		}
	}
	sort.Strings(markers)
	for _, rel := range markers {
		base, dir := path.Base(rel), path.Dir(rel)
		if (base != "setup.py" && base != "setup.cfg") || declared[dir] || seen[dir] {
			continue
		}
		seen[dir] = true
		out = append(out, fmt.Sprintf("python: %s: dependencies not audited: their versions cannot be determined (no lock file, requirements file or exact pins beside it)", rel))
	}
	return out
}

// group is one vulnerability as several databases name it (PYSEC, GHSA, CVE).
type group struct {
	id      string
	aliases []string
	entries []*osvEntry
}

// groupAliases merges advisories that name each other (through their ids or
// aliases) into one, so a PYSEC and its GHSA give a single finding.
func groupAliases(entries []*osvEntry) []group {
	parent := map[string]string{}
	var find func(string) string
	find = func(x string) string {
		if parent[x] == "" || parent[x] == x {
			parent[x] = x
			return x
		}
		r := find(parent[x])
		parent[x] = r
		return r
	}
	union := func(a, b string) {
		ra, rb := find(a), find(b)
		if ra != rb {
			parent[ra] = rb
		}
	}
	for _, e := range entries {
		find(e.ID)
		for _, a := range e.Aliases {
			union(e.ID, a)
		}
	}
	byRoot := map[string]*group{}
	var roots []string
	for _, e := range entries {
		r := find(e.ID)
		g := byRoot[r]
		if g == nil {
			g = &group{}
			byRoot[r] = g
			roots = append(roots, r)
		}
		g.entries = append(g.entries, e)
	}
	var out []group
	for _, r := range roots {
		g := byRoot[r]
		ids := map[string]bool{}
		for _, e := range g.entries {
			ids[e.ID] = true
			for _, a := range e.Aliases {
				ids[a] = true
			}
		}
		var primary []string
		for _, e := range g.entries {
			primary = append(primary, e.ID)
		}
		sort.Slice(primary, func(i, j int) bool {
			return idRank(primary[i]) < idRank(primary[j]) || (idRank(primary[i]) == idRank(primary[j]) && primary[i] < primary[j])
		})
		g.id = primary[0]
		for id := range ids {
			if id != g.id {
				g.aliases = append(g.aliases, id)
			}
		}
		sort.Strings(g.aliases)
		// The record the id names first, for title and references.
		sort.SliceStable(g.entries, func(i, j int) bool { return g.entries[i].ID == g.id && g.entries[j].ID != g.id })
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// idRank prefers the PyPA id (PYSEC), then GHSA, as a finding's rule, so
// the rule does not depend on which database answered.
func idRank(id string) int {
	switch {
	case strings.HasPrefix(id, "PYSEC-"):
		return 0
	case strings.HasPrefix(id, "GHSA-"):
		return 1
	}
	return 2
}

// severityOf is the worst severity the group's records give: a CVSS base
// score where a vector is present, else a database's own rating; medium
// when none says.
func severityOf(g group) (scan.Severity, string) {
	best, why := scan.Severity(""), ""
	consider := func(s scan.Severity, w string) {
		if s.Rank() > best.Rank() {
			best, why = s, w
		}
	}
	for _, e := range g.entries {
		for _, sv := range e.Severity {
			if score, ok := cvssScore(sv.Score); ok {
				consider(ratingOf(score), fmt.Sprintf("CVSS %.1f", score))
			}
		}
		for _, a := range e.Affected {
			if a.DatabaseSpecific != nil && a.DatabaseSpecific.Severity != "" {
				s := a.DatabaseSpecific.Severity
				consider(mapRating(s), "rated "+strings.ToLower(s))
			}
		}
	}
	if best == "" {
		return scan.Medium, "no CVSS score in the advisory"
	}
	return best, why
}

// cvssScore computes the base score of a CVSS v3.0, v3.1 or v4.0 vector.
func cvssScore(vector string) (float64, bool) {
	switch {
	case strings.HasPrefix(vector, "CVSS:3.1/"):
		c, err := gocvss31.ParseVector(vector)
		if err != nil {
			return 0, false
		}
		return c.BaseScore(), true
	case strings.HasPrefix(vector, "CVSS:3.0/"):
		c, err := gocvss30.ParseVector(vector)
		if err != nil {
			return 0, false
		}
		return c.BaseScore(), true
	case strings.HasPrefix(vector, "CVSS:4.0/"):
		c, err := gocvss40.ParseVector(vector)
		if err != nil {
			return 0, false
		}
		return c.Score(), true
	}
	return 0, false
}

// ratingOf maps a CVSS score to a severity, as CVSS's qualitative scale does.
func ratingOf(score float64) scan.Severity {
	switch {
	case score >= 9.0:
		return scan.Critical
	case score >= 7.0:
		return scan.High
	case score >= 4.0:
		return scan.Medium
	case score > 0:
		return scan.Low
	}
	return scan.Info
}

func mapRating(s string) scan.Severity {
	switch strings.ToUpper(s) {
	case "CRITICAL":
		return scan.Critical
	case "HIGH":
		return scan.High
	case "MODERATE", "MEDIUM":
		return scan.Medium
	case "LOW":
		return scan.Low
	}
	return ""
}

// pyFinding makes the finding for one package and one vulnerability.
func pyFinding(p pyPkg, g group, imported map[string]bool) scan.Finding {
	e := g.entries[0]
	sev, why := severityOf(g)
	fixed := ""
	for _, x := range g.entries {
		if _, f := pyAffects(x, p.Name, p.Version); f != "" {
			fixed = f
			break
		}
	}
	reach := ReachRequired
	mods := importNames(p.Name)
	for _, m := range mods {
		if imported[m] {
			reach = ReachImported
			break
		}
	}
	blocking := reach == ReachImported && sev.AtLeast(scan.High)
	msg := fmt.Sprintf("%s %s is vulnerable to %s (%s, %s)", p.Display, p.Version, g.id, sev, why)
	if reach == ReachImported {
		msg += fmt.Sprintf("; the project imports %s", strings.Join(mods, " or "))
	} else {
		msg += fmt.Sprintf("; no project code imports %s", strings.Join(mods, " or "))
	}
	rem := fmt.Sprintf("upgrade %s to %s", p.Display, fixed)
	if fixed == "" {
		rem = fmt.Sprintf("no fixed version of %s known; see the advisory for mitigations", p.Display)
	}
	refs := []string{"https://osv.dev/vulnerability/" + g.id}
	for _, u := range e.refURLs() {
		if len(refs) >= 6 {
			break
		}
		refs = append(refs, u)
	}
	return scan.Finding{
		Scanner:     scan.ScannerDeps,
		Rule:        g.id,
		Severity:    sev,
		Confidence:  scan.ConfidenceHigh,
		Title:       e.title(),
		Message:     msg,
		Path:        p.File,
		Line:        p.Line,
		EndLine:     p.Line,
		Fingerprint: scan.Fingerprint(g.id, p.Name, p.File),
		Blocking:    blocking,
		Remediation: rem,
		References:  refs,
		Dependency: &scan.Dependency{
			Ecosystem:    "PyPI",
			Name:         p.Name,
			Version:      p.Version,
			Fixed:        fixed,
			Aliases:      g.aliases,
			Reachability: reach,
			Manifest:     p.File,
		},
		Tags: []string{"python"},
	}
}

// noteBadEntries adds a note for each lockfile entry that names no package
// (it cannot be audited; the rest of the file is) and returns the other,
// unpinned, requirements.
func noteBadEntries(res *scan.Result, unpinned []pyUnpinned) []pyUnpinned {
	rest := unpinned[:0:0]
	for _, u := range unpinned {
		if u.Reason == "" {
			rest = append(rest, u)
			continue
		}
		what := ""
		if u.Req != "" {
			what = fmt.Sprintf(" %q", truncateName(u.Req))
		}
		res.Notes = append(res.Notes, fmt.Sprintf("warning: python: %s:%d: entry%s with %s skipped, not audited", u.File, u.Line, what, u.Reason))
	}
	return rest
}

// truncateName shortens a name for a note: a hostile lockfile may hold a
// key of any length.
func truncateName(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "..."
	}
	return s
}
