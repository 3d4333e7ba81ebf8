package policy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/open-policy-agent/opa/v1/ast"
	"github.com/open-policy-agent/opa/v1/rego"

	"github.com/pipeguard/pipeguard/policies"
	"github.com/pipeguard/pipeguard/scan"
)

// Rule is one entry of the rule catalogue, read from a rule package's
// METADATA.
type Rule struct {
	ID       string        `json:"id"`
	Severity scan.Severity `json:"severity"`
	// Confidence is the rule's default confidence (METADATA
	// custom.confidence; high when the rule does not say); a finding may
	// give its own.
	Confidence  scan.Confidence `json:"confidence"`
	Title       string          `json:"title"`
	Description string          `json:"description"`
	Remediation string          `json:"remediation,omitempty"`
	References  []string        `json:"references,omitempty"`
	Tags        []string        `json:"tags,omitempty"`
	// Package is the rule's Rego package, e.g. "data.pipeguard.rules.debug_enabled".
	Package string `json:"package"`
	// Path and Line name the METADATA block that declares the rule.
	Path string `json:"path"`
	Line int    `json:"line"`
	// Builtin is set for rules shipped in the binary.
	Builtin bool `json:"builtin"`
	// Status is "active", "disabled" (by configuration) or "overridden" (a
	// user rule with the same id replaces this built-in one).
	Status string `json:"status"`
	// Languages are what the rule covers: "go", "python", "deployment"
	// (see languages.go), derived from the facts its files read, plus
	// those METADATA custom.languages declares.
	Languages []string `json:"languages"`
	// Files are the rule's package files: the one with METADATA first,
	// then the others of the same package (Go clauses of a rule written
	// for Python, for instance), by path.
	Files []string `json:"files"`

	// outputs are the rule names the package defines: "deny" and/or "findings".
	outputs []string
	// declaredLangs are METADATA custom.languages.
	declaredLangs []string
}

// Rule statuses.
const (
	StatusActive     = "active"
	StatusDisabled   = "disabled"
	StatusOverridden = "overridden"
)

// Options says which policies make up a rule set.
type Options struct {
	// Builtin holds the built-in policies; nil means policies.FS.
	Builtin fs.FS
	// BuiltinDirs are the folders of Builtin whose rules are loaded;
	// empty means policies.ConfigDir. Test runs the tests of every folder.
	BuiltinDirs []string
	// NoBuiltin leaves the built-in policies out.
	NoBuiltin bool
	// Dirs are user policy folders (--policy, repository configuration).
	Dirs []string
	// Modules are user modules given directly, e.g. the repository
	// configuration's policies read from a trusted revision. Test modules
	// among them run in Test only.
	Modules []Module
	// Disabled lists rule ids that are not evaluated. Unknown ids are ignored
	// (they may name rules of other scanners).
	Disabled []string
	// Workers is how many rules are evaluated at once; 0 means GOMAXPROCS.
	Workers int
	// RuleTimeout bounds one rule's evaluation (one test's, in Test); 0
	// means DefaultTimeout (30 seconds).
	RuleTimeout time.Duration
	// MemoryLimit bounds the heap growth of one rule's evaluation (of the
	// whole test run, in Test), in bytes; 0 means DefaultMemory, negative
	// none. See Limits.
	MemoryLimit int64
	// Run, in Test only, runs just the tests whose name matches this
	// regular expression.
	Run string
}

// RuleSet is the compiled set of rules: built-in ones, minus those a user
// rule overrides, plus the user's. Each rule's query is prepared once, and
// Evaluate runs them all over one input. A RuleSet is safe for concurrent use.
type RuleSet struct {
	engine  *Engine
	all     []Rule // catalogue, every status
	active  []Rule
	limits  Limits
	workers int
}

// Load reads, checks and compiles the rule set opts describes. Problems with
// the policies (syntax, forbidden built-ins, bad METADATA, duplicate ids)
// are *scan.ConfigError naming file and line.
func Load(ctx context.Context, opts Options) (*RuleSet, error) {
	mods, err := gather(opts, false)
	if err != nil {
		return nil, err
	}
	parsedMods, cat, err := catalogue(mods, opts.Disabled)
	if err != nil {
		return nil, err
	}
	eng, err := compileRules(ctx, parsedMods, cat, opts)
	if err != nil {
		return nil, err
	}
	rs := &RuleSet{engine: eng, all: cat, workers: opts.Workers,
		limits: Limits{Timeout: opts.RuleTimeout, Memory: opts.MemoryLimit}}
	for _, r := range cat {
		if r.Status != StatusActive {
			continue
		}
		if _, err := eng.Prepare(ctx, ruleQuery(r)); err != nil {
			return nil, configError(r.Path, r.Line, "rule %s: %v", r.ID, err)
		}
		rs.active = append(rs.active, r)
	}
	return rs, nil
}

// factsSchema reads the facts JSON Schema from the built-in policies, to
// type-check rules against it; nil when the built-in set has none.
func factsSchema(opts Options) (any, error) {
	fsys := opts.Builtin
	if fsys == nil {
		fsys = policies.FS
	}
	data, err := fs.ReadFile(fsys, policies.FactsSchema)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", policies.FactsSchema, err)
	}
	var schema any
	if err := json.Unmarshal(data, &schema); err != nil {
		return nil, fmt.Errorf("read %s: %w", policies.FactsSchema, err)
	}
	return schema, nil
}

// compileRules compiles the rule packages of cat and the packages they use
// (libraries), type-checked against the facts schema. The files of
// overridden built-in rules are left out, so that a user rule may reuse the
// built-in package name; so are packages no rule uses (a user's gate
// policies in the same folder have another input).
func compileRules(ctx context.Context, mods []*parsed, cat []Rule, opts Options) (*Engine, error) {
	var live []*parsed
	for _, p := range mods {
		if !p.IsTest() && !dropped(p, cat) {
			live = append(live, p)
		}
	}
	var roots []string
	for _, r := range cat {
		if r.Status != StatusOverridden {
			roots = append(roots, r.Package)
		}
	}
	schema, err := factsSchema(opts)
	if err != nil {
		return nil, err
	}
	eng, err := compileParsed(ctx, closure(live, roots), CompileOptions{InputSchema: schema})
	if err != nil {
		return nil, schemaHint(err)
	}
	return eng, nil
}

// closure returns the modules of the packages roots name and of every
// package they refer to (data.x.y...), transitively.
func closure(mods []*parsed, roots []string) []*parsed {
	want := map[string]bool{}
	var queue []string
	add := func(pkg string) {
		if !want[pkg] {
			want[pkg] = true
			queue = append(queue, pkg)
		}
	}
	for _, r := range roots {
		add(r)
	}
	byPkg := map[string][]*parsed{}
	for _, p := range mods {
		pkg := p.ast.Package.Path.String()
		byPkg[pkg] = append(byPkg[pkg], p)
	}
	for len(queue) > 0 {
		pkg := queue[0]
		queue = queue[1:]
		for _, p := range byPkg[pkg] {
			refs := func(r ast.Ref) {
				if !r.HasPrefix(ast.DefaultRootRef) {
					return
				}
				// Every package that is a prefix of the reference, or under it.
				s := r.String()
				for other := range byPkg {
					if strings.HasPrefix(s+".", other+".") || strings.HasPrefix(s+"[", other+".") || strings.HasPrefix(other+".", s+".") {
						add(other)
					}
				}
			}
			ast.WalkRefs(p.ast, func(r ast.Ref) bool {
				refs(r.GroundPrefix())
				return false
			})
			for _, imp := range p.ast.Imports {
				if r, ok := imp.Path.Value.(ast.Ref); ok {
					refs(r)
				}
			}
		}
	}
	var out []*parsed
	for _, p := range mods {
		if want[p.ast.Package.Path.String()] {
			out = append(out, p)
		}
	}
	return out
}

// schemaHint says where to look when a rule refers to a fact that does
// not exist.
func schemaHint(err error) error {
	var ce *scan.ConfigError
	if errors.As(err, &ce) && strings.Contains(ce.Err.Error(), "undefined ref") {
		return &scan.ConfigError{Path: ce.Path, Line: ce.Line,
			Err: fmt.Errorf("%w (input is the facts document: see policies/facts.schema.json)", ce.Err)}
	}
	return err
}

// List returns the rule catalogue opts describes: every rule with its
// status, built-in rules first, each group by id.
func List(ctx context.Context, opts Options) ([]Rule, error) {
	rs, err := Load(ctx, opts)
	if err != nil {
		return nil, err
	}
	return rs.Catalogue(), nil
}

// Rules returns the active rules, by id.
func (rs *RuleSet) Rules() []Rule { return append([]Rule(nil), rs.active...) }

// Catalogue returns every rule, active, disabled or overridden.
func (rs *RuleSet) Catalogue() []Rule { return append([]Rule(nil), rs.all...) }

// Engine returns the compiled policies, to run other queries in the same sandbox.
func (rs *RuleSet) Engine() *Engine { return rs.engine }

// Evaluate runs every active rule over input (the facts document, or an
// ast.Value made by Input) and returns their findings, with Scanner set to
// scanner. A rule that fails to evaluate, or returns a malformed finding,
// becomes a scan.Error and the other rules go on.
func (rs *RuleSet) Evaluate(ctx context.Context, scanner string, input any) ([]scan.Finding, []scan.Error, error) {
	v, err := Input(input)
	if err != nil {
		return nil, nil, err
	}
	// Rules run concurrently (a prepared query is safe for concurrent use);
	// results are gathered in rule order, so the output does not depend on
	// scheduling.
	type outcome struct {
		findings []scan.Finding
		err      error
	}
	results := make([]outcome, len(rs.active))
	workers := rs.workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(rs.active)) {
		wg.Go(func() {
			for i := range next {
				fs, err := rs.evalRule(ctx, rs.active[i], v, scanner)
				results[i] = outcome{fs, err}
			}
		})
	}
feed:
	for i := range rs.active {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	var (
		out  []scan.Finding
		errs []scan.Error
	)
	for i, r := range rs.active {
		if err := results[i].err; err != nil {
			errs = append(errs, scan.Error{Scanner: scanner, Path: r.Path,
				Message: fmt.Sprintf("rule %s: %v", r.ID, err)})
		}
		out = append(out, results[i].findings...)
	}
	scan.SortFindings(out)
	return out, errs, nil
}

func (rs *RuleSet) evalRule(ctx context.Context, r Rule, input ast.Value, scanner string) ([]scan.Finding, error) {
	pq, err := rs.engine.Prepare(ctx, ruleQuery(r))
	if err != nil {
		return nil, err
	}
	var res rego.ResultSet
	err = bounded(ctx, rs.limits, func(ctx context.Context) error {
		res, err = pq.Eval(ctx, rego.EvalParsedInput(input))
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []scan.Finding
	var bad []string
	for _, row := range res {
		for _, name := range r.outputs {
			items, _ := row.Bindings[name].([]any)
			for _, it := range items {
				f, err := toFinding(r, it, scanner)
				if err != nil {
					bad = append(bad, err.Error())
					continue
				}
				out = append(out, f)
			}
		}
	}
	if len(bad) > 0 {
		return out, fmt.Errorf("%d malformed finding(s): %s", len(bad), bad[0])
	}
	return out, nil
}

// ruleQuery is the query that collects a rule's findings: one binding per
// output rule, each a (possibly empty) array.
func ruleQuery(r Rule) string {
	parts := make([]string, 0, len(r.outputs))
	for _, o := range r.outputs {
		parts = append(parts, fmt.Sprintf("%s := [f | some f in %s.%s]", o, r.Package, o))
	}
	return strings.Join(parts, "; ")
}

// toFinding checks one value a rule produced against the finding contract
// and builds the scan.Finding.
func toFinding(r Rule, v any, scanner string) (scan.Finding, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return scan.Finding{}, fmt.Errorf("want an object with path, line and message, got %s", short(v))
	}
	str := func(k string) string { s, _ := obj[k].(string); return s }
	num := func(k string) (int, bool) {
		switch n := obj[k].(type) {
		case json.Number:
			i, err := n.Int64()
			return int(i), err == nil
		case float64:
			return int(n), n == float64(int(n))
		case int:
			return n, true
		}
		return 0, false
	}
	path, msg := str("path"), str("message")
	line, okLine := num("line")
	if path == "" || msg == "" || !okLine || line < 0 {
		return scan.Finding{}, fmt.Errorf("want path (string), line (integer) and message (string), got %s", short(v))
	}
	sev := r.Severity
	if s, ok := obj["severity"]; ok {
		ss, _ := s.(string)
		parsed, err := scan.ParseSeverity(ss)
		if err != nil {
			return scan.Finding{}, fmt.Errorf("finding severity: %v", err)
		}
		sev = parsed
	}
	conf := r.Confidence
	if c, ok := obj["confidence"]; ok {
		cs, _ := c.(string)
		parsed, err := scan.ParseConfidence(cs)
		if err != nil {
			return scan.Finding{}, fmt.Errorf("finding confidence: %v", err)
		}
		conf = parsed
	}
	endLine, _ := num("end_line")
	if endLine < line {
		endLine = line
	}
	col, _ := num("column")
	key := str("fingerprint_key")
	if key == "" {
		key = msg
	}
	tags := append([]string(nil), r.Tags...)
	if extra, ok := obj["tags"].([]any); ok {
		for _, t := range extra {
			if s, ok := t.(string); ok {
				tags = append(tags, s)
			}
		}
	}
	return scan.Finding{
		Scanner:     scanner,
		Rule:        r.ID,
		Severity:    sev,
		Confidence:  conf,
		Title:       r.Title,
		Message:     msg,
		Path:        path,
		Line:        line,
		EndLine:     endLine,
		Column:      col,
		Fingerprint: scan.Fingerprint(r.ID, path, key),
		Remediation: r.Remediation,
		References:  append([]string(nil), r.References...),
		Tags:        tags,
	}, nil
}

func short(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}

// gather loads the built-in and user modules opts names. With tests, the
// built-in modules of every folder are loaded (Test runs them all);
// otherwise only those of BuiltinDirs, and no test modules.
func gather(opts Options, tests bool) ([]Module, error) {
	var mods []Module
	if !opts.NoBuiltin {
		fsys := opts.Builtin
		if fsys == nil {
			fsys = policies.FS
		}
		dirs := opts.BuiltinDirs
		if len(dirs) == 0 {
			dirs = []string{policies.ConfigDir}
		}
		if tests {
			dirs = []string{"."}
		}
		for _, d := range dirs {
			ms, err := LoadFS(fsys, d)
			if err != nil {
				return nil, err
			}
			mods = append(mods, ms...)
		}
	}
	user, err := LoadDirs(opts.Dirs...)
	if err != nil {
		return nil, err
	}
	mods = append(mods, user...)
	mods = append(mods, opts.Modules...)
	// The same folder may be named twice (--policy and the repository
	// configuration): each file counts once.
	seen := map[string]bool{}
	kept := mods[:0]
	for _, m := range mods {
		key := path.Clean(m.Path)
		if seen[key] || !tests && m.IsTest() {
			continue
		}
		seen[key] = true
		kept = append(kept, m)
	}
	return kept, nil
}

// isRulePackage reports whether a package path has a segment named
// "rules": data.pipeguard.rules.x, data.acme.rules.x. Such packages must
// declare a rule in METADATA; other packages may (any package whose
// METADATA has custom.id is a rule).
func isRulePackage(pkg ast.Ref) bool {
	for _, t := range pkg[1:] {
		if s, ok := t.Value.(ast.String); ok && string(s) == "rules" {
			return true
		}
	}
	return false
}

// catalogue parses mods and reads the rules their METADATA declares. It
// settles overrides (a user rule replaces the built-in one with the same
// id) and marks disabled rules. Test modules are parsed but declare no rules.
func catalogue(mods []Module, disabled []string) ([]*parsed, []Rule, error) {
	off := map[string]bool{}
	for _, id := range disabled {
		off[strings.TrimSpace(id)] = true
	}
	var (
		all      []*parsed
		rules    []Rule
		byID     = map[string]int{}
		rulePkgs = map[string]string{} // package -> file declaring it as a rule
	)
	type pkgInfo struct {
		file string
		line int
	}
	pkgs := map[string]*pkgInfo{} // rule packages seen, declared or not
	for _, m := range mods {
		p, err := parse(m)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, p)
		if m.IsTest() {
			continue
		}
		pkg := p.ast.Package.Path.String()
		if isRulePackage(p.ast.Package.Path) && pkgs[pkg] == nil {
			pkgs[pkg] = &pkgInfo{file: m.Path, line: p.ast.Package.Location.Row}
		}
		r, ok, err := ruleFromAnnotations(p)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			continue
		}
		rulePkgs[pkg] = m.Path
		if i, dup := byID[r.ID]; dup {
			prev := rules[i]
			switch {
			case prev.Builtin && !r.Builtin && prev.Status != StatusOverridden:
				rules[i].Status = StatusOverridden
			case prev.Package == r.Package && prev.Builtin == r.Builtin:
				return nil, nil, configError(r.Path, r.Line, "rule %s is already declared in %s:%d: a rule's package may span several files, but only one of them carries the METADATA block", r.ID, prev.Path, prev.Line)
			default:
				return nil, nil, configError(r.Path, r.Line, "rule id %q is already declared in %s:%d", r.ID, prev.Path, prev.Line)
			}
		}
		byID[r.ID] = len(rules)
		rules = append(rules, r)
	}
	// Outputs, and rule packages without a declaration.
	for pkg, info := range pkgs {
		if _, ok := rulePkgs[pkg]; !ok {
			// A built-in package whose rule a user overrode under the same
			// package name is fine; anything else lacks its METADATA.
			return nil, nil, configError(info.file, info.line,
				"package %s is a rule package (it has a \"rules\" segment) but no file declares it: add a package METADATA block with custom.id and custom.severity", pkg)
		}
	}
	langs := newLangIndex(all)
	for i := range rules {
		rules[i].Languages = mergeLangs(langs.languages(rules[i].Package), rules[i].declaredLangs)
		outs := map[string]bool{}
		rules[i].Files = []string{rules[i].Path}
		for _, p := range all {
			if p.IsTest() || p.ast.Package.Path.String() != rules[i].Package || p.Builtin != rules[i].Builtin {
				continue
			}
			if p.Path != rules[i].Path {
				rules[i].Files = append(rules[i].Files, p.Path)
			}
			for _, r := range p.ast.Rules {
				if name := r.Head.Ref()[0].String(); name == "deny" || name == "findings" {
					outs[name] = true
				}
			}
		}
		for _, name := range []string{"deny", "findings"} {
			if outs[name] {
				rules[i].outputs = append(rules[i].outputs, name)
			}
		}
		if len(rules[i].outputs) == 0 {
			return nil, nil, configError(rules[i].Path, rules[i].Line, "rule %s (package %s) defines neither deny nor findings", rules[i].ID, rules[i].Package)
		}
		if rules[i].Status == "" {
			rules[i].Status = StatusActive
			if off[rules[i].ID] {
				rules[i].Status = StatusDisabled
			}
		}
	}
	// One rule per package: two live rules in one package would share
	// their deny set.
	owner := map[string]Rule{}
	for _, r := range rules {
		if r.Status == StatusOverridden {
			continue
		}
		if prev, dup := owner[r.Package]; dup {
			return nil, nil, configError(r.Path, r.Line, "rule %s: package %s already holds rule %s (%s:%d); give each rule its own package",
				r.ID, r.Package, prev.ID, prev.Path, prev.Line)
		}
		owner[r.Package] = r
	}
	sort.SliceStable(rules, func(i, j int) bool {
		if rules[i].Builtin != rules[j].Builtin {
			return rules[i].Builtin
		}
		return rules[i].ID < rules[j].ID
	})
	return all, rules, nil
}

// dropped reports whether p belongs to an overridden built-in rule (its
// package is that rule's package): such files are not compiled.
func dropped(p *parsed, cat []Rule) bool {
	if !p.Builtin {
		return false
	}
	pkg := p.ast.Package.Path.String()
	for _, r := range cat {
		if r.Status == StatusOverridden && r.Package == pkg {
			return true
		}
	}
	return false
}

// ruleFromAnnotations reads the package-scope METADATA of p. ok is false
// when p declares no rule (no custom.id).
func ruleFromAnnotations(p *parsed) (Rule, bool, error) {
	for _, a := range p.ast.Annotations {
		if a.Scope != "package" {
			continue
		}
		id, _ := a.Custom["id"].(string)
		line := 0
		if a.Location != nil {
			line = a.Location.Row
		}
		if id == "" {
			if _, has := a.Custom["id"]; has {
				return Rule{}, false, configError(p.Path, line, "METADATA custom.id must be a non-empty string")
			}
			continue
		}
		if !validID(id) {
			return Rule{}, false, configError(p.Path, line, "METADATA custom.id %q: use lower-case letters, digits and dashes", id)
		}
		sevName, _ := a.Custom["severity"].(string)
		sev, err := scan.ParseSeverity(sevName)
		if err != nil {
			return Rule{}, false, configError(p.Path, line, "rule %s: METADATA custom.severity: %v", id, err)
		}
		conf := scan.ConfidenceHigh
		if c, has := a.Custom["confidence"]; has {
			cs, _ := c.(string)
			if conf, err = scan.ParseConfidence(cs); err != nil {
				return Rule{}, false, configError(p.Path, line, "rule %s: METADATA custom.confidence: %v", id, err)
			}
		}
		if a.Title == "" {
			return Rule{}, false, configError(p.Path, line, "rule %s: METADATA needs a title", id)
		}
		r := Rule{
			ID:          id,
			Severity:    sev,
			Confidence:  conf,
			Title:       a.Title,
			Description: strings.TrimSpace(a.Description),
			Package:     p.ast.Package.Path.String(),
			Path:        p.Path,
			Line:        line,
			Builtin:     p.Builtin,
		}
		r.Remediation, _ = a.Custom["remediation"].(string)
		r.Remediation = strings.TrimSpace(r.Remediation)
		for _, rr := range a.RelatedResources {
			r.References = append(r.References, rr.Ref.String())
		}
		refs, err := stringList(a.Custom["references"])
		if err != nil {
			return Rule{}, false, configError(p.Path, line, "rule %s: METADATA custom.references: %v", id, err)
		}
		r.References = append(r.References, refs...)
		if r.Tags, err = stringList(a.Custom["tags"]); err != nil {
			return Rule{}, false, configError(p.Path, line, "rule %s: METADATA custom.tags: %v", id, err)
		}
		if r.declaredLangs, err = stringList(a.Custom["languages"]); err != nil {
			return Rule{}, false, configError(p.Path, line, "rule %s: METADATA custom.languages: %v", id, err)
		}
		return r, true, nil
	}
	return Rule{}, false, nil
}

func stringList(v any) ([]string, error) {
	switch v := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return nil, errors.New("want a list of strings")
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errors.New("want a string or a list of strings")
}

func validID(id string) bool {
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return id != ""
}
