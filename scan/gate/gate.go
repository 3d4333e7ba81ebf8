// Package gate decides pass or fail: one Rego policy over the whole report.
//
// The default gate is policies/gate/gate.rego (shipped in the binary). A
// user module in package pipeguard.gate replaces it; modules in package
// pipeguard.gate.extend add block, warn and fail rules to it. Policies run
// in scan/policy's sandbox (no http.send, net.* or opa.runtime). The knobs
// of .pipeguard.yaml (fail_on, thresholds) reach the policy through its
// input, resolved for each finding's folder, so that they work without
// writing Rego.
package gate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/pipeguard/pipeguard/policies"
	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/policy"
	"github.com/pipeguard/pipeguard/scan/repoconf"
)

// Package is the Rego package of a gate; ExtendPackage that of extensions.
const (
	Package       = "pipeguard.gate"
	ExtendPackage = "pipeguard.gate.extend"
)

// query evaluates the whole gate package: decisions and verdict.
const query = "data." + Package

// Decisions a gate gives a finding.
const (
	Block = "block"
	Warn  = "warn"
)

// Options says which policies make the gate.
type Options struct {
	// PolicyDirs are user policy folders (--policy, the configuration's
	// policies). Their modules in package pipeguard.gate (which replace the
	// default gate) or pipeguard.gate.extend (which extend it) are used;
	// other modules (config rules) are left to the config scanner.
	PolicyDirs []string
	// Modules are user modules already read, such as those of the
	// configuration's policies folders at the trusted revision
	// (repoconf.Set.PolicyModules); the same package rules apply.
	Modules []policy.Module
	// Builtin holds the default gate under policies.GateDir; nil means policies.FS.
	Builtin fs.FS
}

// Gate is a compiled gate policy, ready to decide many reports.
type Gate struct {
	engine *policy.Engine
	// Replaced is set when a user module replaced the default gate.
	Replaced bool
	// Modules are the files that make the gate.
	Modules []string
}

// New compiles the gate. A policy problem (syntax, a forbidden built-in, a
// missing folder) is a *scan.ConfigError naming the file and line.
func New(ctx context.Context, opts Options) (*Gate, error) {
	fsys := opts.Builtin
	if fsys == nil {
		fsys = policies.FS
	}
	builtin, err := policy.LoadFS(fsys, policies.GateDir)
	if err != nil {
		return nil, err
	}
	user, err := policy.LoadDirs(opts.PolicyDirs...)
	if err != nil {
		return nil, err
	}
	user = append(user, opts.Modules...)
	g := &Gate{}
	var mods []policy.Module
	for _, m := range user {
		if m.IsTest() {
			continue
		}
		pkg, err := packageOf(m)
		if err != nil {
			return nil, err
		}
		switch {
		case pkg == Package:
			g.Replaced = true
		case pkg == ExtendPackage || strings.HasPrefix(pkg, ExtendPackage+"."):
		default:
			continue
		}
		mods = append(mods, m)
	}
	if !g.Replaced {
		for _, m := range builtin {
			if !m.IsTest() {
				mods = append(mods, m)
			}
		}
	}
	for _, m := range mods {
		g.Modules = append(g.Modules, m.Path)
	}
	eng, err := policy.Compile(ctx, mods, policy.CompileOptions{})
	if err != nil {
		return nil, err
	}
	if _, err := eng.Prepare(ctx, query); err != nil {
		return nil, &scan.ConfigError{Path: strings.Join(g.Modules, ", "), Err: fmt.Errorf("gate: %w", err)}
	}
	g.engine = eng
	return g, nil
}

// packageOf returns the Rego package a module declares, without "data.".
func packageOf(m policy.Module) (string, error) {
	mod, err := ast.ParseModuleWithOpts(m.Path, string(m.Source), ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		var errs ast.Errors
		if errors.As(err, &errs) && len(errs) > 0 && errs[0].Location != nil {
			return "", &scan.ConfigError{Path: m.Path, Line: errs[0].Location.Row, Err: errors.New(errs[0].Message)}
		}
		return "", &scan.ConfigError{Path: m.Path, Err: err}
	}
	if mod == nil {
		return "", &scan.ConfigError{Path: m.Path, Err: errors.New("empty policy: no package declaration")}
	}
	return strings.TrimPrefix(mod.Package.Path.String(), "data."), nil
}

// Context is what the gate knows besides the findings.
type Context struct {
	// Event is the CI event: push, pull_request, pull_request_target, schedule, pre-push, local...
	Event string
	// Branch is the branch being checked.
	Branch string
	// ChangedFiles are the files the change touches (only-new mode, pull requests).
	ChangedFiles []string
	// OnlyNew makes only new findings block (--new-since, --baseline, only_new).
	OnlyNew bool
	// Config gives each finding its folder's knobs (fail_on, thresholds,
	// disabled rules); nil means pipeguard's defaults.
	Config *repoconf.Set
}

// Decide runs the gate over rep: it drops findings of disabled rules, sets
// each finding's Decision, Reasons and Blocking, and the report's Verdict
// (fail when something blocks or the policy fails the report, else
// incomplete when a scanner failed, else pass), with the gate's reasons in
// the report's notes.
func (g *Gate) Decide(ctx context.Context, rep *scan.Report, c Context) error {
	set := c.Config
	if set == nil {
		set = repoconf.Default()
	}
	kept := rep.Findings[:0]
	for _, f := range rep.Findings {
		if !set.For(f.Path).RuleDisabled(&f) {
			kept = append(kept, f)
		}
	}
	rep.Findings = kept

	in := Input(rep, c)
	rs, err := g.engine.Eval(ctx, query, in)
	if err != nil {
		return fmt.Errorf("gate: %w", err)
	}
	if len(rs) == 0 || len(rs[0].Expressions) == 0 {
		return &scan.ConfigError{Path: strings.Join(g.Modules, ", "), Err: errors.New("gate: the policy gave no result")}
	}
	out, ok := rs[0].Expressions[0].Value.(map[string]any)
	if !ok {
		return &scan.ConfigError{Path: strings.Join(g.Modules, ", "), Err: errors.New("gate: the policy's package is not an object")}
	}
	decisions, _ := out["decisions"].(map[string]any)
	missing := 0
	for i := range rep.Findings {
		f := &rep.Findings[i]
		raw, ok := decisions[strconv.Itoa(i)]
		if !ok {
			missing++
			f.Decision, f.Blocking = Warn, false
			f.Reasons = append(f.Reasons, "the gate gave no decision for this finding")
			continue
		}
		d, reasons, err := parseDecision(raw)
		if err != nil {
			return &scan.ConfigError{Path: strings.Join(g.Modules, ", "), Err: fmt.Errorf("gate: decision for finding %d (%s %s): %w", i, f.Rule, f.Location(), err)}
		}
		if d == Block && f.Suppression != nil {
			// A suppressed finding never blocks, whatever a replacement gate says.
			d = Warn
			reasons = append(reasons, "suppressed findings never block")
		}
		f.Decision, f.Blocking = d, d == Block
		f.Reasons = append(f.Reasons, reasons...)
	}
	if missing > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("gate: no decision for %d finding(s): they warn", missing))
	}
	if v, ok := out["verdict"].(map[string]any); ok {
		verdict, _ := v["verdict"].(string)
		rep.PolicyFail = verdict == string(scan.Fail)
		if rs, ok := v["reasons"].([]any); ok {
			for _, r := range rs {
				if s, ok := r.(string); ok {
					rep.Notes = append(rep.Notes, "gate: "+s)
				}
			}
		}
	}
	rep.Decide()
	return nil
}

func parseDecision(raw any) (string, []string, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return "", nil, fmt.Errorf("want an object {\"decision\", \"reasons\"}, got %T", raw)
	}
	d, _ := m["decision"].(string)
	if d != Block && d != Warn {
		return "", nil, fmt.Errorf("decision %q: want \"block\" or \"warn\"", m["decision"])
	}
	var reasons []string
	switch rs := m["reasons"].(type) {
	case nil:
	case []any:
		for _, r := range rs {
			s, ok := r.(string)
			if !ok {
				return "", nil, fmt.Errorf("reasons: want strings, got %T", r)
			}
			reasons = append(reasons, s)
		}
	default:
		return "", nil, fmt.Errorf("reasons: want a list of strings, got %T", rs)
	}
	return d, reasons, nil
}

// Input builds the policy input for rep: {"findings": [...], "context":
// {...}, "errors": [...]}. Each finding has an "id" (its index, as a
// string) under which the gate's decisions are keyed, and its folder's
// knobs (fail_on, thresholds).
func Input(rep *scan.Report, c Context) map[string]any {
	set := c.Config
	if set == nil {
		set = repoconf.Default()
	}
	root := set.Root()
	findings := make([]any, 0, len(rep.Findings))
	for i := range rep.Findings {
		f := &rep.Findings[i]
		cfg := set.For(f.Path)
		m := map[string]any{
			"id":          strconv.Itoa(i),
			"scanner":     f.Scanner,
			"rule":        f.Rule,
			"severity":    string(f.Severity),
			"confidence":  string(f.Confidence),
			"title":       f.Title,
			"path":        f.Path,
			"line":        f.Line,
			"commit":      f.Commit,
			"fingerprint": f.Fingerprint,
			"tags":        orEmpty(f.Tags),
			"suppressed":  f.Suppression != nil,
			"fail_on":     string(cfg.FailOn),
			"thresholds":  severities(cfg.Thresholds),
		}
		if f.New != nil {
			m["new"] = *f.New
		}
		if s := f.Suppression; s != nil {
			m["suppression"] = map[string]any{"kind": s.Kind, "reason": s.Reason, "owner": s.Owner, "until": s.Until, "source": s.Source}
		}
		if d := f.Dependency; d != nil {
			m["reachability"] = d.Reachability
			m["dependency"] = map[string]any{
				"ecosystem": d.Ecosystem, "name": d.Name, "version": d.Version, "fixed": d.Fixed,
				"aliases": orEmpty(d.Aliases), "reachability": d.Reachability, "manifest": d.Manifest,
			}
		}
		findings = append(findings, m)
	}
	errs := make([]any, 0, len(rep.Errors))
	for _, e := range rep.Errors {
		errs = append(errs, map[string]any{"scanner": e.Scanner, "message": e.Message, "path": e.Path})
	}
	changed := append([]string{}, c.ChangedFiles...)
	sort.Strings(changed)
	return map[string]any{
		"findings": findings,
		"errors":   errs,
		"context": map[string]any{
			"event":          c.Event,
			"branch":         c.Branch,
			"mode":           rep.Target.Mode,
			"changed_files":  changed,
			"only_new":       c.OnlyNew,
			"fail_on":        string(root.FailOn),
			"thresholds":     severities(root.Thresholds),
			"disabled_rules": orEmpty(root.DisableRules),
		},
	}
}

func severities(m map[string]scan.Severity) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
