// Package config is pipeguard's "config" scanner: it extracts facts from
// the Python sources and deployment files of the tree (package facts) and
// from its Go sources (package gofacts), and evaluates the Rego rules
// (built-in ones from package policies, plus the user's) over them with
// package policy. Each rule's findings become scan.Findings with Scanner
// "config".
package config

import (
	"context"
	"fmt"
	"io/fs"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/facts"
	"github.com/pipeguard/pipeguard/scan/gofacts"
	"github.com/pipeguard/pipeguard/scan/policy"
)

// Options configures the config scanner.
type Options struct {
	// PolicyDirs are user policy folders (--policy, repository configuration).
	PolicyDirs []string
	// PolicyModules are user policy modules given directly (the repository
	// configuration's policies, read from a trusted revision).
	PolicyModules []policy.Module
	// Disabled lists rule ids that are not evaluated.
	Disabled []string
	// Facts tunes fact extraction.
	Facts facts.Options
	// GoFacts tunes the extraction of Go facts.
	GoFacts gofacts.Options
	// Builtin replaces the built-in policies (nil: policies.FS); NoBuiltin
	// leaves them out. For tests and for users who bring every rule.
	Builtin   fs.FS
	NoBuiltin bool
}

// Scanner is the config scanner. Its rules are compiled once, by New; Scan
// may run many times and concurrently.
type Scanner struct {
	opts  Options
	rules *policy.RuleSet
}

// New loads and compiles the rules. A policy problem (syntax error,
// forbidden built-in such as http.send or opa.runtime, bad METADATA,
// duplicate id) is a *scan.ConfigError naming the file and line.
func New(opts Options) (*Scanner, error) {
	rs, err := policy.Load(context.Background(), policy.Options{
		Builtin:   opts.Builtin,
		NoBuiltin: opts.NoBuiltin,
		Dirs:      opts.PolicyDirs,
		Modules:   opts.PolicyModules,
		Disabled:  opts.Disabled,
	})
	if err != nil {
		return nil, err
	}
	return &Scanner{opts: opts, rules: rs}, nil
}

// Name is "config".
func (s *Scanner) Name() string { return scan.ScannerConfig }

// Rules returns the active rules.
func (s *Scanner) Rules() []policy.Rule { return s.rules.Rules() }

// Scan extracts the facts of t's working tree and evaluates every active
// rule over them. Files the extraction could not parse are reported as
// skipped, with their line; a rule that fails is reported as an error and
// the other rules go on.
func (s *Scanner) Scan(ctx context.Context, t *scan.Target) (*scan.Result, error) {
	if t.Tree == nil {
		return nil, fmt.Errorf("config scanner: no file lister for %s", t.Root)
	}
	files, _, err := t.Tree.Files(ctx)
	if err != nil {
		return nil, fmt.Errorf("config scanner: list files: %w", err)
	}
	t.Enter(ctx, scan.StageParse)
	fx, err := s.Facts(ctx, t, files)
	if err != nil {
		return nil, err
	}
	res := &scan.Result{}
	for _, sk := range fx.Skipped {
		res.Skipped = append(res.Skipped, scan.Skipped{Path: sk.Path, Line: sk.Line, Reason: sk.Reason, Scanner: scan.ScannerConfig})
	}
	for _, sk := range fx.Go.Skipped {
		res.Skipped = append(res.Skipped, scan.Skipped{Path: sk.Path, Line: sk.Line, Reason: sk.Reason, Scanner: scan.ScannerConfig})
	}
	t.Enter(ctx, scan.StagePolicy)
	findings, errs, err := s.rules.Evaluate(ctx, scan.ScannerConfig, fx)
	res.Findings = findings
	res.Errors = errs
	if err != nil {
		return res, fmt.Errorf("config scanner: evaluate rules: %w", err)
	}
	res.Notes = append(res.Notes, fmt.Sprintf("config: %d rules over %d apps, %d files, %d Go files", len(s.rules.Rules()), len(fx.Apps), len(fx.Files), len(fx.Go.Files)))
	if n := unattachedNote(fx.Facts); n != "" {
		res.Notes = append(res.Notes, n)
	}
	return res, nil
}

// unattachedNote says how many routes no app was found to include (their
// routers are included by code the facts do not follow, or by no app):
// the rules that judge a route by its app's authentication did not look
// at them.
func unattachedNote(fx *facts.Facts) string {
	files := map[string]bool{}
	for _, r := range fx.UnattachedRoutes {
		files[r.Path] = true
	}
	if len(files) == 0 {
		return ""
	}
	return fmt.Sprintf("config: %d routes in %d files are on routers no app was found to include; "+
		"route-missing-auth and rate-limit-missing judge a route with its app and did not check them",
		len(fx.UnattachedRoutes), len(files))
}

// Input is the facts document the rules receive as input
// (policies/facts.schema.json): the Python and deployment facts at the
// top level, the Go facts under "go".
type Input struct {
	*facts.Facts
	Go *gofacts.Facts `json:"go"`
}

// Facts extracts the facts of files, as the rules see them. It is exposed
// for `pipeguard facts`-like debugging and for tests.
func (s *Scanner) Facts(ctx context.Context, t *scan.Target, files []scan.File) (*Input, error) {
	opts := s.opts.Facts
	if opts.Root == "" {
		opts.Root = t.Root
	}
	if opts.MaxFileSize == 0 {
		opts.MaxFileSize = t.MaxFileSize
	}
	fx, err := facts.Extract(ctx, files, opts)
	if err != nil {
		return nil, fmt.Errorf("config scanner: extract facts: %w", err)
	}
	gopts := s.opts.GoFacts
	if gopts.MaxFileSize == 0 {
		gopts.MaxFileSize = opts.MaxFileSize
	}
	gx, err := gofacts.Extract(ctx, files, gopts)
	if err != nil {
		return nil, fmt.Errorf("config scanner: extract Go facts: %w", err)
	}
	return &Input{Facts: fx, Go: gx}, nil
}
