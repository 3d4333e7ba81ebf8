package deps

import (
	"strings"

	"golang.org/x/mod/semver"
)

// osvEntry is the part of an OSV record (https://ossf.github.io/osv-schema/)
// that pipeguard reads, for Go and PyPI alike. It decodes from JSON and YAML.
type osvEntry struct {
	ID        string        `json:"id" yaml:"id"`
	Modified  string        `json:"modified" yaml:"modified"`
	Published string        `json:"published,omitempty" yaml:"published"`
	Withdrawn string        `json:"withdrawn,omitempty" yaml:"withdrawn"`
	Aliases   []string      `json:"aliases,omitempty" yaml:"aliases"`
	Summary   string        `json:"summary,omitempty" yaml:"summary"`
	Details   string        `json:"details,omitempty" yaml:"details"`
	Severity  []osvSeverity `json:"severity,omitempty" yaml:"severity"`
	Affected  []osvAffected `json:"affected" yaml:"affected"`
	// References are links with a type (ADVISORY, FIX, WEB...).
	References []osvReference `json:"references,omitempty" yaml:"references"`
	// DatabaseSpecific carries, for Go, the pkg.go.dev URL of the advisory.
	DatabaseSpecific *struct {
		URL string `json:"url,omitempty" yaml:"url"`
	} `json:"database_specific,omitempty" yaml:"database_specific"`

	// py is the PyPI matching data, computed once by prepare.
	py map[string]*pyPrepared
}

type osvSeverity struct {
	Type  string `json:"type" yaml:"type"`
	Score string `json:"score" yaml:"score"`
}

type osvReference struct {
	Type string `json:"type" yaml:"type"`
	URL  string `json:"url" yaml:"url"`
}

type osvAffected struct {
	// Package is the OSV package (Go records name the module in Package.Name
	// and, in govulncheck's own stream, in "module").
	Package osvPackage  `json:"package" yaml:"package"`
	Module  *osvPackage `json:"module,omitempty" yaml:"-"`
	Ranges  []osvRange  `json:"ranges,omitempty" yaml:"ranges"`
	// Versions is the explicit list of affected versions.
	Versions []string `json:"versions,omitempty" yaml:"versions"`
	// Canon is Versions in canonical PEP 440 form, each between newlines;
	// prepare computes it and the OSV index cache stores it instead of Versions.
	Canon             string                `json:"-" yaml:"-"`
	EcosystemSpecific *osvEcosystemSpecific `json:"ecosystem_specific,omitempty" yaml:"ecosystem_specific"`
	// DatabaseSpecific may carry a severity in some databases (GHSA: "HIGH").
	DatabaseSpecific *struct {
		Severity string `json:"severity,omitempty" yaml:"severity"`
	} `json:"database_specific,omitempty" yaml:"database_specific"`
}

type osvPackage struct {
	Name      string `json:"name" yaml:"name"`
	Ecosystem string `json:"ecosystem" yaml:"ecosystem"`
	Path      string `json:"path,omitempty" yaml:"-"`
}

type osvRange struct {
	Type   string     `json:"type" yaml:"type"`
	Events []osvEvent `json:"events" yaml:"events"`
}

type osvEvent struct {
	Introduced   string `json:"introduced,omitempty" yaml:"introduced"`
	Fixed        string `json:"fixed,omitempty" yaml:"fixed"`
	LastAffected string `json:"last_affected,omitempty" yaml:"last_affected"`
	Limit        string `json:"limit,omitempty" yaml:"limit"`
}

type osvEcosystemSpecific struct {
	Imports []struct {
		Path    string   `json:"path" yaml:"path"`
		Symbols []string `json:"symbols,omitempty" yaml:"symbols"`
	} `json:"imports,omitempty" yaml:"imports"`
}

// goModule returns the Go module an affected entry is about.
func (a osvAffected) goModule() string {
	if a.Module != nil && a.Module.Path != "" {
		return a.Module.Path
	}
	return a.Package.Name
}

// refURLs lists the reference links of e, the advisory page first.
func (e *osvEntry) refURLs() []string {
	var out []string
	seen := map[string]bool{}
	add := func(u string) {
		if u != "" && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	if e.DatabaseSpecific != nil {
		add(e.DatabaseSpecific.URL)
	}
	for _, r := range e.References {
		if r.Type == "ADVISORY" {
			add(r.URL)
		}
	}
	for _, r := range e.References {
		add(r.URL)
		if len(out) >= 6 {
			break
		}
	}
	return out
}

// title is a one-line summary of e: its summary, else the first sentence of
// its details, else its id.
func (e *osvEntry) title() string {
	if s := strings.TrimSpace(e.Summary); s != "" {
		return s
	}
	d := strings.Join(strings.Fields(e.Details), " ")
	if d == "" {
		return e.ID
	}
	if i := strings.Index(d, ". "); i > 0 && i < 200 {
		return d[:i+1]
	}
	if len(d) > 160 {
		return d[:157] + "..."
	}
	return d
}

// canonSemver returns v with a "v" prefix, as golang.org/x/mod/semver wants.
func canonSemver(v string) string {
	if v == "" || strings.HasPrefix(v, "v") {
		return v
	}
	return "v" + v
}

// goAffects reports whether version of module is in one of the SEMVER ranges
// of e, and the earliest fixed version above it ("" when none).
func goAffects(e *osvEntry, module, version string) (bool, string) {
	v := canonSemver(version)
	if !semver.IsValid(v) {
		return false, ""
	}
	hit := false
	fixed := ""
	for _, a := range e.Affected {
		if a.goModule() != module {
			continue
		}
		for _, r := range a.Ranges {
			if r.Type != "SEMVER" {
				continue
			}
			in := false
			for _, ev := range r.Events {
				switch {
				case ev.Introduced != "":
					intro := canonSemver(ev.Introduced)
					if ev.Introduced == "0" || semver.Compare(v, intro) >= 0 {
						in = true
					}
				case ev.Fixed != "":
					f := canonSemver(ev.Fixed)
					if semver.Compare(v, f) >= 0 {
						in = false
					} else if in && (fixed == "" || semver.Compare(f, fixed) < 0) {
						fixed = f
					}
				}
			}
			if in {
				hit = true
			}
		}
	}
	if !hit {
		return false, ""
	}
	return true, fixed
}
