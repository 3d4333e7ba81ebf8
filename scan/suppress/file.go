package suppress

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/repoconf"
)

// Entry is one suppression of a .pipeguard-ignore.yaml file. It matches
// findings by Fingerprint, by Rule (optionally limited to Path, a glob), or
// by Advisory (a deps finding whose rule or one of whose aliases is it).
type Entry struct {
	Fingerprint string
	Rule        string
	Advisory    string
	Path        string
	Scanner     string
	Reason      string
	Owner       string
	// Until is the last day (YYYY-MM-DD, UTC) the entry suppresses; "" for no expiry.
	Until string
	// Source is where the entry is written, file:line.
	Source string

	path repoconf.Glob
}

// IgnoreFile is a parsed .pipeguard-ignore.yaml.
type IgnoreFile struct {
	Path    string
	Entries []*Entry
}

var entryKeys = []string{"advisory", "expires", "fingerprint", "owner", "path", "reason", "rule", "scanner", "until"}

// ParseIgnoreFile reads a suppression file. Every problem is a
// *scan.ConfigError naming the file and line. The format is:
//
//	suppressions:
//	  - fingerprint: 3f0c...          # or rule: (+ path:), or advisory:
//	    reason: "test fixture, not a real key"
//	    owner: "@alice"
//	    until: 2026-12-31             # optional ("expires" is a synonym)
func ParseIgnoreFile(name string, data []byte) (*IgnoreFile, error) {
	errf := func(n *yaml.Node, format string, args ...any) error {
		return &scan.ConfigError{Path: name, Line: n.Line, Err: fmt.Errorf(format, args...)}
	}
	out := &IgnoreFile{Path: name}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &scan.ConfigError{Path: name, Err: err}
	}
	if len(doc.Content) == 0 || (doc.Content[0].Kind == yaml.ScalarNode && doc.Content[0].Tag == "!!null") {
		return out, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, errf(top, "want a mapping with the key \"suppressions\"")
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch k.Value {
		case "version":
			if v.Value != "1" {
				return nil, errf(v, "version: want 1, got %q", v.Value)
			}
			continue
		case "suppressions":
		default:
			return nil, errf(k, "unknown key %q (known keys: suppressions, version)", k.Value)
		}
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			continue
		}
		if v.Kind != yaml.SequenceNode {
			return nil, errf(v, "suppressions: want a list")
		}
		for _, item := range v.Content {
			e, err := parseEntry(name, item, errf)
			if err != nil {
				return nil, err
			}
			out.Entries = append(out.Entries, e)
		}
	}
	return out, nil
}

func parseEntry(name string, n *yaml.Node, errf func(*yaml.Node, string, ...any) error) (*Entry, error) {
	if n.Kind != yaml.MappingNode {
		return nil, errf(n, "suppression: want a mapping of %s", strings.Join(entryKeys, ", "))
	}
	e := &Entry{Source: fmt.Sprintf("%s:%d", name, n.Line)}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
			return nil, errf(v, "%s: want a string", k.Value)
		}
		val := strings.TrimSpace(v.Value)
		switch k.Value {
		case "fingerprint":
			e.Fingerprint = val
		case "rule":
			e.Rule = val
		case "advisory":
			e.Advisory = val
		case "path":
			g, err := repoconf.CompileGlob(val)
			if err != nil {
				return nil, errf(v, "path: %v", err)
			}
			e.Path, e.path = val, g
		case "scanner":
			if !known(val) {
				return nil, errf(v, "scanner: unknown scanner %q (want %s)", val, strings.Join(scan.AllScanners, ", "))
			}
			e.Scanner = val
		case "reason":
			e.Reason = val
		case "owner":
			e.Owner = val
		case "until", "expires":
			if _, err := time.Parse(time.DateOnly, val); err != nil {
				return nil, errf(v, "%s: want a date YYYY-MM-DD, got %q", k.Value, val)
			}
			e.Until = val
		default:
			return nil, errf(k, "unknown key %q in suppression (known keys: %s)", k.Value, strings.Join(entryKeys, ", "))
		}
	}
	switch {
	case e.Fingerprint == "" && e.Rule == "" && e.Advisory == "":
		return nil, errf(n, "suppression: give a fingerprint, a rule (with an optional path) or an advisory")
	case e.Fingerprint != "" && (e.Rule != "" || e.Advisory != ""):
		return nil, errf(n, "suppression: a fingerprint already names one finding: drop rule and advisory")
	case e.Rule != "" && e.Advisory != "":
		return nil, errf(n, "suppression: give a rule or an advisory, not both")
	case e.Reason == "":
		return nil, errf(n, "suppression: reason is required")
	case e.Owner == "":
		return nil, errf(n, "suppression: owner is required")
	}
	return e, nil
}

// Matches reports whether the entry names finding f (expiry aside).
func (e *Entry) Matches(f *scan.Finding) bool {
	if e.Scanner != "" && e.Scanner != f.Scanner {
		return false
	}
	switch {
	case e.Fingerprint != "":
		return strings.EqualFold(e.Fingerprint, f.Fingerprint)
	case e.Advisory != "":
		if f.Scanner != scan.ScannerDeps || !f.HasID(e.Advisory) {
			return false
		}
	default:
		if !f.HasID(e.Rule) {
			return false
		}
	}
	return e.path == nil || e.path.Match(f.Path)
}

// describe names what the entry matches, for notes.
func (e *Entry) describe() string {
	var parts []string
	if e.Fingerprint != "" {
		parts = append(parts, "fingerprint "+e.Fingerprint)
	}
	if e.Rule != "" {
		parts = append(parts, "rule "+e.Rule)
	}
	if e.Advisory != "" {
		parts = append(parts, "advisory "+e.Advisory)
	}
	if e.Path != "" {
		parts = append(parts, "path "+e.Path)
	}
	return strings.Join(parts, ", ")
}

// scanner is the scanner the entry can concern, "" when it could be any.
func (e *Entry) scanner() string {
	if e.Scanner != "" {
		return e.Scanner
	}
	if e.Advisory != "" {
		return scan.ScannerDeps
	}
	return ""
}

func known(s string) bool { return slices.Contains(scan.AllScanners, s) }
