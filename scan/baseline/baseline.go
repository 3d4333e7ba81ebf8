// Package baseline records the findings a repository already has, so that
// only new ones block: `pipeguard baseline create` writes a baseline file,
// `--baseline FILE` reads it back, and `--new-since REF` compares the head's
// report with the base's (MarkNew).
//
// Fingerprints are content-based (rule, path and a hash of what matched),
// so a finding keeps its identity when lines move or commits are rebased.
// A baseline holds fingerprints, rules and paths: never a secret.
package baseline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/outfile"
)

// Version is the version of the baseline file format.
const Version = 1

// Entry is one known finding.
type Entry struct {
	Fingerprint string `json:"fingerprint"`
	Scanner     string `json:"scanner"`
	Rule        string `json:"rule"`
	Path        string `json:"path"`
	// Package is "ecosystem/name@version" for deps findings.
	Package string `json:"package,omitempty"`
	// FirstSeen is the day (YYYY-MM-DD, UTC) the finding entered the baseline.
	FirstSeen string `json:"first_seen"`
}

// File is a baseline file.
type File struct {
	Version   int     `json:"version"`
	CreatedAt string  `json:"created_at"`
	Findings  []Entry `json:"findings"`

	byFP map[string]*Entry
}

// Create records the findings of rep. Entries already in prev (a previous
// baseline, may be nil) keep their first-seen day. Suppressed findings are
// recorded too, so that removing a suppression later does not make them new.
func Create(rep *scan.Report, prev *File, now time.Time) *File {
	scan.Redact(rep) // paths may name a secret: the baseline is an output like any report
	day := now.UTC().Format(time.DateOnly)
	f := &File{Version: Version, CreatedAt: now.UTC().Format(time.RFC3339), Findings: []Entry{}}
	seen := map[string]bool{}
	for _, fd := range rep.Findings {
		if fd.Fingerprint == "" || seen[fd.Fingerprint] {
			continue
		}
		seen[fd.Fingerprint] = true
		e := Entry{Fingerprint: fd.Fingerprint, Scanner: fd.Scanner, Rule: fd.Rule, Path: fd.Path, Package: pkg(&fd), FirstSeen: day}
		if old := prev.lookup(fd.Fingerprint); old != nil && old.FirstSeen != "" {
			e.FirstSeen = old.FirstSeen
		}
		f.Findings = append(f.Findings, e)
	}
	sort.Slice(f.Findings, func(i, j int) bool {
		a, b := f.Findings[i], f.Findings[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Fingerprint < b.Fingerprint
	})
	f.index()
	return f
}

func (f *File) index() {
	f.byFP = make(map[string]*Entry, len(f.Findings))
	for i := range f.Findings {
		f.byFP[f.Findings[i].Fingerprint] = &f.Findings[i]
	}
}

func (f *File) lookup(fp string) *Entry {
	if f == nil {
		return nil
	}
	if f.byFP == nil {
		f.index()
	}
	return f.byFP[fp]
}

// Write writes the baseline as indented JSON.
func (f *File) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(f)
}

// WriteFile writes the baseline to path: atomically for a regular file,
// in place for a device such as /dev/null (scan/outfile).
func (f *File) WriteFile(path string) error {
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return fmt.Errorf("encode baseline: %w", err)
	}
	if err := outfile.Write(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("baseline: %w", err)
	}
	return nil
}

// Read parses a baseline; name is used in errors, which are *scan.ConfigError.
func Read(r io.Reader, name string) (*File, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var f File
	if err := dec.Decode(&f); err != nil {
		return nil, &scan.ConfigError{Path: name, Err: fmt.Errorf("not a pipeguard baseline: %w", err)}
	}
	if f.Version != Version {
		return nil, &scan.ConfigError{Path: name, Err: fmt.Errorf("baseline version %d, want %d", f.Version, Version)}
	}
	for i, e := range f.Findings {
		if e.Fingerprint == "" {
			return nil, &scan.ConfigError{Path: name, Err: fmt.Errorf("finding %d has no fingerprint", i)}
		}
	}
	f.index()
	return &f, nil
}

// ReadFile reads the baseline at path.
func ReadFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, &scan.ConfigError{Path: path, Err: fmt.Errorf("read baseline: %w", err)}
	}
	defer fh.Close()
	return Read(fh, path)
}

// Apply marks every finding of rep as existing (New=false) when the baseline
// knows it, and new (New=true) otherwise. A deps finding is also existing
// when the baseline has the same advisory (or an alias of it) against the
// same package version: the manifest moved, the vulnerability did not.
func Apply(rep *scan.Report, b *File) {
	for i := range rep.Findings {
		f := &rep.Findings[i]
		if e := b.lookup(f.Fingerprint); e != nil {
			setNew(f, false, fmt.Sprintf("in the baseline since %s", e.FirstSeen))
			continue
		}
		if f.Scanner == scan.ScannerDeps && f.Dependency != nil {
			if e := b.sameAdvisory(f); e != nil {
				setNew(f, false, fmt.Sprintf("in the baseline since %s (%s in %s)", e.FirstSeen, e.Package, e.Path))
				continue
			}
		}
		setNew(f, true, "")
	}
	rep.Notes = append(rep.Notes, fmt.Sprintf("baseline: %d finding(s) known, %d new", countNew(rep, false), countNew(rep, true)))
}

func (b *File) sameAdvisory(f *scan.Finding) *Entry {
	p := pkg(f)
	for i := range b.Findings {
		e := &b.Findings[i]
		if e.Scanner == scan.ScannerDeps && e.Package == p && f.HasID(e.Rule) {
			return e
		}
	}
	return nil
}

// MarkNew marks the findings of head (the change's report) as new or
// existing, given base, the report of the same scan at the base revision.
// A finding is existing when base has its fingerprint (or, for a
// dependency, the same advisory against the same package version). A
// vulnerability against a dependency the change did not touch (its
// declaring line is outside changed) is existing too, with a reason saying
// it was newly published: it warns rather than blocks. changed may be nil.
func MarkNew(head, base *scan.Report, changed scan.Changes) {
	fps := map[string]bool{}
	deps := map[string][]*scan.Finding{}
	for i := range base.Findings {
		f := &base.Findings[i]
		fps[f.Fingerprint] = true
		if f.Scanner == scan.ScannerDeps && f.Dependency != nil {
			deps[pkg(f)] = append(deps[pkg(f)], f)
		}
	}
	ref := head.Target.Base
	if ref == "" {
		ref = base.Target.Head
	}
	at := "the base revision"
	if ref != "" {
		at = ref
	}
	for i := range head.Findings {
		f := &head.Findings[i]
		if f.Fingerprint != "" && fps[f.Fingerprint] {
			setNew(f, false, "already present at "+at)
			continue
		}
		if f.Scanner == scan.ScannerDeps && f.Dependency != nil {
			same := false
			for _, b := range deps[pkg(f)] {
				same = same || f.HasID(b.Rule) || sharesAlias(f, b)
			}
			if same {
				setNew(f, false, "already present at "+at)
				continue
			}
			if changed != nil && f.Path != "" && !changed.Contains(f.Path, f.Line) {
				setNew(f, false, fmt.Sprintf("vulnerability newly published against %s@%s, which this change did not touch", f.Dependency.Name, f.Dependency.Version))
				continue
			}
		}
		setNew(f, true, "introduced by this change")
	}
	head.Notes = append(head.Notes, fmt.Sprintf("new since %s: %d new finding(s), %d existing", at, countNew(head, true), countNew(head, false)))
}

func setNew(f *scan.Finding, isNew bool, reason string) {
	v := isNew
	f.New = &v
	if reason != "" {
		f.Reasons = append(f.Reasons, reason)
	}
}

func countNew(rep *scan.Report, isNew bool) int {
	n := 0
	for _, f := range rep.Findings {
		if f.New != nil && *f.New == isNew {
			n++
		}
	}
	return n
}

// pkg names the package of a deps finding, "" for other findings.
func pkg(f *scan.Finding) string {
	if f.Dependency == nil {
		return ""
	}
	return f.Dependency.Ecosystem + "/" + f.Dependency.Name + "@" + f.Dependency.Version
}

func sharesAlias(a, b *scan.Finding) bool {
	if b.Dependency == nil {
		return false
	}
	for _, x := range b.Dependency.Aliases {
		if a.HasID(x) {
			return true
		}
	}
	return false
}
