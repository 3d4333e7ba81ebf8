// Package pyreq reads Python dependency declarations: PEP 508 requirement
// strings, exact version pins, and the dependency tables of pyproject.toml
// (PEP 621 and Poetry). The config facts (dependency-unpinned) and the
// dependency audit both read pyproject.toml through it.
package pyreq

import (
	"errors"
	"regexp"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

var nonAlnum = regexp.MustCompile(`[-_.]+`)

// Normalize is the PEP 503 normalized form of a distribution name.
func Normalize(name string) string {
	return strings.ToLower(nonAlnum.ReplaceAllString(strings.TrimSpace(name), "-"))
}

// reqRe splits a requirement into name, extras and the rest.
var reqRe = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$`)

// Split reads a PEP 508 requirement: the name as written and the version
// specifier, without extras and environment marker. ok is false when the
// string does not start with a distribution name.
func Split(req string) (name, spec string, ok bool) {
	if i := strings.IndexByte(req, ';'); i >= 0 {
		req = req[:i]
	}
	m := reqRe.FindStringSubmatch(strings.TrimSpace(req))
	if m == nil {
		return "", "", false
	}
	return m[1], strings.Trim(strings.TrimSpace(m[3]), "()"), true
}

// ExactPin returns the version an "==1.2.3" or "===1.2.3" clause pins (also
// within a set: "==1.2.3,<2"), and false for ranges and wildcards.
func ExactPin(spec string) (string, bool) {
	spec = strings.TrimSpace(spec)
	if strings.Contains(spec, ",") {
		for _, part := range strings.Split(spec, ",") {
			if v, ok := ExactPin(part); ok {
				return v, true
			}
		}
		return "", false
	}
	var v string
	switch {
	case strings.HasPrefix(spec, "==="):
		v = spec[3:]
	case strings.HasPrefix(spec, "=="):
		v = spec[2:]
	default:
		return "", false
	}
	v = strings.TrimSpace(v)
	if v == "" || strings.Contains(v, "*") || strings.ContainsAny(v, " <>!~=") {
		return "", false
	}
	return v, true
}

// poetryExactRe is a bare version, which Poetry reads as an exact pin.
var poetryExactRe = regexp.MustCompile(`^\d+(\.\d+)*([a-z]+\d*)?(\.post\d+)?$`)

// Dependency is one dependency declared in pyproject.toml.
type Dependency struct {
	Section string // project.dependencies, project.optional-dependencies.<g>, tool.poetry.dependencies, tool.poetry.group.<g>.dependencies, ...
	Name    string // as written
	Spec    string // the version constraint as written ("" for none)
	Version string // the exact version pinned, "" when not pinned
	Line    int    // 1-based; the section header when the entry cannot be found
	Direct  bool   // not a version: a path, a git or URL source
}

// ParseError is a pyproject.toml that is not valid TOML.
type ParseError struct {
	Line int
	Err  error
}

func (e *ParseError) Error() string { return e.Err.Error() }
func (e *ParseError) Unwrap() error { return e.Err }

// Pyproject reads the dependencies of a pyproject.toml: [project]
// dependencies and optional-dependencies, [dependency-groups] (PEP 735),
// Poetry's dependencies, dev-dependencies and groups. The python
// requirement itself is left out. TOML carries no positions, so each
// entry's line is found in the text of its section.
func Pyproject(src []byte) ([]Dependency, error) {
	var doc map[string]any
	if _, err := toml.Decode(string(src), &doc); err != nil {
		var pe toml.ParseError
		line := 0
		if errors.As(err, &pe) {
			line = pe.Position.Line
		}
		return nil, &ParseError{Line: line, Err: err}
	}
	r := &reader{lines: strings.Split(string(src), "\n")}
	if p, ok := doc["project"].(map[string]any); ok {
		if deps, ok := p["dependencies"].([]any); ok {
			r.pep508("project.dependencies", "project", deps)
		}
		if opt, ok := p["optional-dependencies"].(map[string]any); ok {
			for _, g := range sortedKeys(opt) {
				if deps, ok := opt[g].([]any); ok {
					r.pep508("project.optional-dependencies."+g, "project.optional-dependencies", deps)
				}
			}
		}
	}
	if groups, ok := doc["dependency-groups"].(map[string]any); ok {
		for _, g := range sortedKeys(groups) {
			if deps, ok := groups[g].([]any); ok {
				r.pep508("dependency-groups."+g, "dependency-groups", deps)
			}
		}
	}
	if tool, ok := doc["tool"].(map[string]any); ok {
		if poetry, ok := tool["poetry"].(map[string]any); ok {
			for _, sec := range []string{"dependencies", "dev-dependencies"} {
				if deps, ok := poetry[sec].(map[string]any); ok {
					r.poetry("tool.poetry."+sec, deps)
				}
			}
			if groups, ok := poetry["group"].(map[string]any); ok {
				for _, g := range sortedKeys(groups) {
					gm, _ := groups[g].(map[string]any)
					if deps, ok := gm["dependencies"].(map[string]any); ok {
						r.poetry("tool.poetry.group."+g+".dependencies", deps)
					}
				}
			}
		}
	}
	return r.out, nil
}

type reader struct {
	lines []string
	out   []Dependency
}

// sectionLine is the line of a [header] (1 when absent: an inline table).
func (r *reader) sectionLine(header string) int {
	for i, l := range r.lines {
		if strings.TrimSpace(l) == "["+header+"]" {
			return i + 1
		}
	}
	return 1
}

// findLine is the first line at or after from holding needle (as a key
// when key is set).
func (r *reader) findLine(from int, needle string, key bool) int {
	for i := max(from-1, 0); i < len(r.lines); i++ {
		l := strings.TrimSpace(r.lines[i])
		if key {
			rest, ok := strings.CutPrefix(l, needle)
			if !ok {
				rest, ok = strings.CutPrefix(l, `"`+needle+`"`)
			}
			if ok && strings.HasPrefix(strings.TrimSpace(rest), "=") {
				return i + 1
			}
			continue
		}
		if strings.Contains(l, needle) {
			return i + 1
		}
	}
	return from
}

func (r *reader) pep508(section, header string, deps []any) {
	from := r.sectionLine(header)
	for _, d := range deps {
		s, ok := d.(string)
		if !ok {
			continue // {include-group = "..."}
		}
		name, spec, ok := Split(s)
		if !ok {
			continue
		}
		dep := Dependency{Section: section, Name: name, Spec: spec, Line: r.findLine(from, s, false)}
		if strings.HasPrefix(strings.TrimSpace(spec), "@") {
			dep.Direct = true
		} else {
			dep.Version, _ = ExactPin(spec)
		}
		r.out = append(r.out, dep)
	}
}

func (r *reader) poetry(section string, deps map[string]any) {
	from := r.sectionLine(section)
	for _, name := range sortedKeys(deps) {
		if strings.EqualFold(name, "python") {
			continue
		}
		dep := Dependency{Section: section, Name: name, Line: r.findLine(from, name, true)}
		switch v := deps[name].(type) {
		case string:
			dep.Spec = v
		case map[string]any:
			dep.Spec, _ = v["version"].(string)
			for _, k := range []string{"path", "git", "url"} {
				if _, ok := v[k]; ok {
					dep.Direct = true
				}
			}
		case []any:
			dep.Spec = "" // several constraints by marker: no single pin
		}
		spec := strings.TrimSpace(dep.Spec)
		if v, ok := ExactPin(spec); ok {
			dep.Version = v
		} else if poetryExactRe.MatchString(spec) {
			dep.Version = spec
		}
		r.out = append(r.out, dep)
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
