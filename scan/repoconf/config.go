// Package repoconf reads pipeguard's repository configuration, .pipeguard.yaml.
//
// A repository may hold one file at its root and more in subfolders (a
// monorepo): a subfolder's file inherits from the files of its parent folders
// and applies to findings under that folder. Load reads the working tree;
// LoadSource reads any Source, such as a trusted git revision (see
// --trusted-config-from), so that the head of a pull request cannot switch
// the guard off for itself. README.md in this folder documents the schema.
package repoconf

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/gobwas/glob"

	"github.com/pipeguard/pipeguard/scan"
)

// FileName is the name of the configuration file, at the root or in any subfolder.
const FileName = ".pipeguard.yaml"

// AltFileName is accepted as well as FileName; a folder may hold only one of them.
const AltFileName = ".pipeguard.yml"

// DefaultIgnoreFile is the suppression file read when ignore_file is not set.
const DefaultIgnoreFile = ".pipeguard-ignore.yaml"

// Layer is the content of one configuration file. A nil or empty field is
// unset and inherits from the parent folder's configuration.
type Layer struct {
	Scanners     []string
	FailOn       scan.Severity
	Report       scan.Severity
	Thresholds   map[string]scan.Severity
	DisableRules []string
	// Policies, Baseline, IgnoreFile and Exclude are relative to the
	// repository root once read (a file's own folder is prefixed).
	Policies       []string
	SecretSeverity scan.Severity
	GoVulnDB       string
	OSVDB          string
	MaxFileSize    *int64
	OnlyNew        *bool
	FailOpen       *bool
	Baseline       string
	IgnoreFile     string
	Exclude        []string
}

// Config is the effective configuration for one folder of the repository:
// its own file merged over those of its parents.
type Config struct {
	// Dir is the folder the configuration applies to, relative to the
	// repository root ("" for the root).
	Dir string
	// Sources are the files merged into this configuration, root first, as
	// "path" (for the working tree) or "path@rev".
	Sources []string

	// Scanners enabled here; empty means all.
	Scanners []string
	// FailOn is the severity at and above which findings may block when no
	// threshold is set for their scanner; "" keeps the gate's defaults.
	FailOn scan.Severity
	// Report is the severity floor of what is reported: findings below it are
	// dropped from the report. "" reports everything.
	Report scan.Severity
	// Thresholds are per-scanner blocking floors; they win over FailOn.
	Thresholds map[string]scan.Severity
	// DisableRules are rule ids (or advisory aliases) dropped from the report.
	DisableRules []string
	// Policies are folders of user Rego (gate or config policies), repository-relative.
	Policies []string
	// SecretSeverity, when set, replaces the severity of secrets findings.
	SecretSeverity scan.Severity
	// GoVulnDB and OSVDB are the vulnerability database locations (URL or path).
	GoVulnDB, OSVDB string
	// MaxFileSize is the largest file scanned, in bytes; 0 means the default.
	MaxFileSize int64
	// OnlyNew makes only new findings block (as with --new-since or --baseline).
	OnlyNew bool
	// FailOpen lets the pre-push hook push when the scan is incomplete.
	FailOpen bool
	// Baseline is the baseline file, repository-relative; "" for none.
	Baseline string
	// IgnoreFile is the suppression file, repository-relative.
	IgnoreFile string
	// Exclude are repository-relative globs of paths not scanned or reported.
	Exclude []string

	disabled map[string]bool
	exclude  []Glob
}

// Enabled reports whether scanner runs for this folder.
func (c *Config) Enabled(scanner string) bool {
	if len(c.Scanners) == 0 {
		return true
	}
	for _, s := range c.Scanners {
		if s == scanner {
			return true
		}
	}
	return false
}

// RuleDisabled reports whether f's rule, or one of its advisory aliases, is disabled.
func (c *Config) RuleDisabled(f *scan.Finding) bool {
	if len(c.disabled) == 0 {
		return false
	}
	for _, id := range f.IDs() {
		if c.disabled[strings.ToLower(id)] {
			return true
		}
	}
	return false
}

// Excluded reports whether the repository-relative path matches an exclude glob.
func (c *Config) Excluded(p string) bool {
	for _, g := range c.exclude {
		if g.Match(p) {
			return true
		}
	}
	return false
}

// Threshold is the blocking floor for scanner: its threshold, else FailOn,
// else "" (the gate's built-in default).
func (c *Config) Threshold(scanner string) scan.Severity {
	if s, ok := c.Thresholds[scanner]; ok {
		return s
	}
	return c.FailOn
}

// merge returns parent with layer l, read from the file at src, applied over it.
func merge(parent *Config, dir, src string, l *Layer) (*Config, error) {
	c := &Config{Dir: dir, Thresholds: map[string]scan.Severity{}}
	if parent != nil {
		*c = *parent
		c.Dir = dir
		c.Sources = append([]string(nil), parent.Sources...)
		c.Scanners = append([]string(nil), parent.Scanners...)
		c.Thresholds = map[string]scan.Severity{}
		for k, v := range parent.Thresholds {
			c.Thresholds[k] = v
		}
		c.DisableRules = append([]string(nil), parent.DisableRules...)
		c.Policies = append([]string(nil), parent.Policies...)
		c.Exclude = append([]string(nil), parent.Exclude...)
	}
	if src != "" {
		c.Sources = append(c.Sources, src)
	}
	if l == nil {
		return c, c.compile()
	}
	if len(l.Scanners) > 0 {
		c.Scanners = append([]string(nil), l.Scanners...)
	}
	if l.FailOn != "" {
		c.FailOn = l.FailOn
	}
	if l.Report != "" {
		c.Report = l.Report
	}
	for k, v := range l.Thresholds {
		c.Thresholds[k] = v
	}
	c.DisableRules = appendNew(c.DisableRules, l.DisableRules...)
	c.Policies = appendNew(c.Policies, l.Policies...)
	c.Exclude = appendNew(c.Exclude, l.Exclude...)
	if l.SecretSeverity != "" {
		c.SecretSeverity = l.SecretSeverity
	}
	if l.GoVulnDB != "" {
		c.GoVulnDB = l.GoVulnDB
	}
	if l.OSVDB != "" {
		c.OSVDB = l.OSVDB
	}
	if l.MaxFileSize != nil {
		c.MaxFileSize = *l.MaxFileSize
	}
	if l.OnlyNew != nil {
		c.OnlyNew = *l.OnlyNew
	}
	if l.FailOpen != nil {
		c.FailOpen = *l.FailOpen
	}
	if l.Baseline != "" {
		c.Baseline = l.Baseline
	}
	if l.IgnoreFile != "" {
		c.IgnoreFile = l.IgnoreFile
	}
	return c, c.compile()
}

func (c *Config) compile() error {
	c.disabled = map[string]bool{}
	for _, r := range c.DisableRules {
		c.disabled[strings.ToLower(r)] = true
	}
	c.exclude = c.exclude[:0:0]
	for _, p := range c.Exclude {
		g, err := CompileGlob(p)
		if err != nil {
			return err
		}
		c.exclude = append(c.exclude, g)
	}
	return nil
}

// CompileGlob compiles a '/'-separated path glob: '*' matches within one path
// segment, '**' across segments, '?', '[...]' and '{a,b}' as usual. A
// pattern that ends in '/' or names a folder (no wildcard in its last part
// and used as a prefix) also matches everything below it: "build/" and
// "build/**" are the same.
func CompileGlob(pattern string) (Glob, error) {
	p := strings.TrimPrefix(pattern, "./")
	if strings.HasSuffix(p, "/") {
		p += "**"
	}
	g, err := glob.Compile(p, '/')
	if err != nil {
		return nil, fmt.Errorf("bad glob %q: %w", pattern, err)
	}
	if strings.ContainsAny(path.Base(p), "*?[{") {
		return g, nil
	}
	// A plain name also matches the tree below it.
	sub, err := glob.Compile(p+"/**", '/')
	if err != nil {
		return g, nil
	}
	return anyGlob{g, sub}, nil
}

// Glob matches '/'-separated paths.
type Glob interface{ Match(path string) bool }

type anyGlob []Glob

func (a anyGlob) Match(s string) bool {
	for _, g := range a {
		if g.Match(s) {
			return true
		}
	}
	return false
}

func appendNew(list []string, add ...string) []string {
	seen := map[string]bool{}
	for _, s := range list {
		seen[s] = true
	}
	for _, s := range add {
		if !seen[s] {
			seen[s] = true
			list = append(list, s)
		}
	}
	return list
}

// Set is every configuration file of a repository, resolved per folder.
type Set struct {
	source Source
	root   *Config
	// dirs maps a folder holding a configuration file to its effective configuration.
	dirs map[string]*Config
	// keys are the folders of dirs, deepest first.
	keys []string
	// refused are the settings a floor did not honour (LoadFloor).
	refused []Refusal
}

// Load reads every .pipeguard.yaml of the working tree under root.
func Load(ctx context.Context, root string) (*Set, error) {
	return LoadSource(ctx, WorkTree(root))
}

// LoadRev reads every .pipeguard.yaml of revision rev of the repository at
// root, ignoring the working tree: what --trusted-config-from uses.
func LoadRev(ctx context.Context, root, rev string) (*Set, error) {
	src, err := GitRev(ctx, root, rev)
	if err != nil {
		return nil, &scan.ConfigError{Err: fmt.Errorf("--trusted-config-from: %w", err)}
	}
	return LoadSource(ctx, src)
}

// LoadSource reads every configuration file src holds. A malformed file is
// a *scan.ConfigError naming the file and line.
func LoadSource(ctx context.Context, src Source) (*Set, error) {
	return loadSource(ctx, src, loadOpts{})
}

// LoadFile reads the working tree's configuration with file (a path on
// disk, --config) in place of the root .pipeguard.yaml; subfolders' files
// still apply under it.
func LoadFile(ctx context.Context, root, file string) (*Set, error) {
	l, err := ParseFile(file)
	if err != nil {
		return nil, err
	}
	return loadSource(ctx, WorkTree(root), loadOpts{rootLayer: l, rootName: file})
}

// ParseFile reads and parses a configuration file on disk given as the
// root one (--config). Every problem is a *scan.ConfigError naming it.
func ParseFile(file string) (*Layer, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, &scan.ConfigError{Path: file, Err: err}
	}
	return Parse(file, data, true)
}

// underTestdata reports whether a repository-relative path lies in a
// testdata folder.
func underTestdata(p string) bool {
	return slices.Contains(strings.Split(path.Dir(p), "/"), "testdata")
}

// loadOpts are the ways loadSource reads a Source's files.
type loadOpts struct {
	// rootLayer, read from rootName, replaces the root file (--config).
	rootLayer *Layer
	rootName  string
	// floor lays every file over floorLayer (nil: the defaults), read from
	// floorName, keeping only what tightens it (LoadFloor).
	floor      bool
	floorLayer *Layer
	floorName  string
}

func loadSource(ctx context.Context, src Source, o loadOpts) (*Set, error) {
	rootLayer, rootName := o.rootLayer, o.rootName
	found, err := src.Find(ctx, FileName, AltFileName)
	if err != nil {
		return nil, fmt.Errorf("find %s in %s: %w", FileName, src, err)
	}
	// Files under a testdata folder configure fixtures, which are scanned as
	// their own roots (as the go command and the deps scanner treat them),
	// not the repository that holds them.
	files := found[:0]
	for _, f := range found {
		if !underTestdata(f) {
			files = append(files, f)
		}
	}
	layers := map[string]*Layer{}
	names := map[string]string{}
	if rootLayer != nil {
		layers[""], names[""] = rootLayer, rootName
	}
	for _, f := range files {
		dir := path.Dir(f)
		if dir == "." {
			dir = ""
		}
		if dir == "" && rootLayer != nil {
			continue // replaced by the given file
		}
		if prev, ok := names[dir]; ok {
			return nil, &scan.ConfigError{Path: f, Err: fmt.Errorf("%s already configures this folder: keep one of them", prev)}
		}
		data, err := src.ReadFile(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f, err)
		}
		l, err := Parse(f, data, dir == "")
		if err != nil {
			return nil, err
		}
		rebase(l, dir)
		layers[dir] = l
		names[dir] = f
	}
	s := &Set{source: src, dirs: map[string]*Config{}}
	var base *Config
	rl := layers[""]
	if o.floor {
		if base, err = merge(nil, "", o.floorName, o.floorLayer); err != nil {
			return nil, &scan.ConfigError{Path: o.floorName, Err: err}
		}
		rl = s.tighten(base, names[""], rl)
	}
	root, err := merge(base, "", describe(src, names[""]), rl)
	if err != nil {
		return nil, &scan.ConfigError{Path: names[""], Err: err}
	}
	if root.IgnoreFile == "" {
		root.IgnoreFile = DefaultIgnoreFile
	}
	s.root = root
	s.dirs[""] = root
	dirs := make([]string, 0, len(layers))
	for d := range layers {
		if d != "" {
			dirs = append(dirs, d)
		}
	}
	sort.Strings(dirs) // parents sort before their children
	for _, d := range dirs {
		parent, l := s.parentOf(d), layers[d]
		if o.floor {
			l = s.tighten(parent, names[d], l)
		}
		c, err := merge(parent, d, describe(src, names[d]), l)
		if err != nil {
			return nil, &scan.ConfigError{Path: names[d], Err: err}
		}
		s.dirs[d] = c
	}
	s.index()
	return s, nil
}

// Default returns a Set with no configuration file: pipeguard's defaults.
func Default() *Set {
	c, _ := merge(nil, "", "", nil)
	c.IgnoreFile = DefaultIgnoreFile
	s := &Set{root: c, dirs: map[string]*Config{"": c}}
	s.index()
	return s
}

func describe(src Source, name string) string {
	if name == "" || filepath.IsAbs(name) {
		return ""
	}
	if g, ok := src.(*gitRev); ok {
		return name + "@" + g.rev
	}
	return name
}

func (s *Set) index() {
	s.keys = s.keys[:0]
	for d := range s.dirs {
		s.keys = append(s.keys, d)
	}
	sort.Slice(s.keys, func(i, j int) bool {
		if len(s.keys[i]) != len(s.keys[j]) {
			return len(s.keys[i]) > len(s.keys[j])
		}
		return s.keys[i] < s.keys[j]
	})
}

// parentOf returns the effective configuration of the nearest configured
// folder strictly above dir.
func (s *Set) parentOf(dir string) *Config {
	for d := path.Dir(dir); ; d = path.Dir(d) {
		if d == "." || d == "/" {
			return s.dirs[""]
		}
		if c, ok := s.dirs[d]; ok {
			return c
		}
	}
}

// Source is where the configuration was read from.
func (s *Set) Source() Source { return s.source }

// Root is the repository-wide configuration (the root file merged with any
// overrides).
func (s *Set) Root() *Config { return s.root }

// Configs returns the effective configuration of every configured folder, root first.
func (s *Set) Configs() []*Config {
	out := make([]*Config, 0, len(s.keys))
	for i := len(s.keys) - 1; i >= 0; i-- {
		out = append(out, s.dirs[s.keys[i]])
	}
	return out
}

// For returns the effective configuration for a repository-relative path:
// that of the deepest configured folder containing it.
func (s *Set) For(p string) *Config {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	for _, d := range s.keys {
		if d == "" || p == d || strings.HasPrefix(p, d+"/") {
			return s.dirs[d]
		}
	}
	return s.root
}

// Override applies l over every folder's configuration, as the command line
// does: flags win over files. Paths in l are taken as repository-relative.
func (s *Set) Override(l *Layer) error {
	for _, d := range s.keys {
		c := s.dirs[d]
		srcs := c.Sources
		nc, err := merge(c, d, "", l)
		if err != nil {
			return &scan.ConfigError{Err: err}
		}
		nc.Sources = srcs
		s.dirs[d] = nc
	}
	s.root = s.dirs[""]
	return nil
}

// Apply makes the report follow the configuration of each finding's folder:
// findings of a disabled scanner or rule, under an excluded path, or below
// the report floor are dropped (a note says how many), and a configured
// secrets severity replaces the scanner's.
func (s *Set) Apply(rep *scan.Report) {
	kept := rep.Findings[:0]
	dropped := map[string]int{}
	for _, f := range rep.Findings {
		c := s.For(f.Path)
		if f.Scanner == scan.ScannerSecrets && c.SecretSeverity != "" {
			f.Severity = c.SecretSeverity
		}
		switch {
		case !c.Enabled(f.Scanner):
			dropped["scanner disabled"]++
		case c.RuleDisabled(&f):
			dropped["rule disabled"]++
		case f.Path != "" && c.Excluded(f.Path):
			dropped["path excluded"]++
		case c.Report != "" && !f.Severity.AtLeast(c.Report):
			dropped["below the report floor"]++
		default:
			kept = append(kept, f)
			continue
		}
	}
	rep.Findings = kept
	reasons := make([]string, 0, len(dropped))
	for r := range dropped {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		rep.Notes = append(rep.Notes, fmt.Sprintf("config: %d finding(s) not reported: %s", dropped[r], r))
	}
}

// rebase makes l's paths repository-relative: a file in folder dir writes
// them relative to dir.
func rebase(l *Layer, dir string) {
	if dir == "" {
		return
	}
	j := func(p string) string {
		if p == "" || path.IsAbs(p) || strings.Contains(p, "://") {
			return p
		}
		return path.Join(dir, p)
	}
	for i := range l.Policies {
		l.Policies[i] = j(l.Policies[i])
	}
	for i := range l.Exclude {
		trail := strings.HasSuffix(l.Exclude[i], "/")
		l.Exclude[i] = j(strings.TrimPrefix(l.Exclude[i], "./"))
		if trail {
			l.Exclude[i] += "/"
		}
	}
	l.Baseline = j(l.Baseline)
	l.IgnoreFile = j(l.IgnoreFile)
}
