package deps

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/semver"

	"github.com/pipeguard/pipeguard/scan"
)

// Reachability values of scan.Dependency.
const (
	ReachCalled   = "called"
	ReachImported = "imported"
	ReachRequired = "required"
	ReachUnknown  = "unknown"
)

// The analysis levels a Go module can be audited at, from most to least precise.
const (
	levelSymbol  = "symbol"
	levelPackage = "package"
	levelModule  = "module"
	levelQuery   = "go.mod" // module level from go.mod alone, without the go command
)

// goModule is one go.mod found under the root.
type goModule struct {
	Dir  string // absolute folder
	Rel  string // go.mod path relative to the root, '/'-separated
	File *modfile.File
	// Work is the go.work that lists this module, "" when none does.
	Work string
	// Sources are the .go files of the module (absolute), for the cache key.
	Sources []string
}

// goVuln is one advisory against one module, at the most precise level seen.
type goVuln struct {
	OSV      string   `json:"osv"`
	Module   string   `json:"module"`
	Version  string   `json:"version"`
	Fixed    string   `json:"fixed,omitempty"`
	Reach    string   `json:"reach"`
	CallPath []string `json:"call_path,omitempty"`
}

// goModResult is the audit of one module; it is what the cache stores.
type goModResult struct {
	Level string               `json:"level"`
	Vulns []goVuln             `json:"vulns"`
	OSVs  map[string]*osvEntry `json:"osvs"`
	Notes []string             `json:"notes,omitempty"`
	// Incomplete says why the audit could not tell what it had to: symbol
	// analysis was needed (advisories apply to the module's requirements)
	// and could not run. Each one is an error of the report: the scan is
	// incomplete, not a pass.
	Incomplete []string `json:"-"`
	// Degraded is set when a fallback was taken; such results are not cached.
	Degraded bool  `json:"-"`
	PeakRSS  int64 `json:"-"`
	Cached   bool  `json:"-"`
}

// goAuditor audits Go modules with govulncheck.
type goAuditor struct {
	dbURL     string
	dbMod     time.Time
	run       *runner
	goBin     string // "" when the go command is not in PATH
	goVersion string
	cacheDir  string // "" disables the cache
	// env is laid over the environment of every go command and govulncheck
	// run: offlineEnv under Options.Offline.
	env []string
}

// offlineEnv keeps every go command pipeguard runs off the network: no
// module proxy (modules missing from the module cache are not downloaded),
// no checksum database, no toolchain download for a go.mod that asks for a
// newer Go. GOFLAGS is left alone: -mod=vendor (the default with a vendor
// folder) already works offline, and -mod=mod would let the go command
// rewrite the scanned repository's go.mod and go.sum.
var offlineEnv = []string{"GOPROXY=off", "GOSUMDB=off", "GOTOOLCHAIN=local"}

// rank orders reachabilities so the most precise wins.
func rank(reach string) int {
	switch reach {
	case ReachCalled:
		return 3
	case ReachImported:
		return 2
	case ReachRequired:
		return 1
	}
	return 0
}

// collect folds govulncheck findings into one goVuln per (advisory, module).
func collect(out *gvOutput, level string) *goModResult {
	res := &goModResult{Level: level, OSVs: map[string]*osvEntry{}}
	byKey := map[[2]string]*goVuln{}
	var keys [][2]string
	for _, f := range out.Findings {
		if len(f.Trace) == 0 || f.OSV == "" {
			continue
		}
		top := f.Trace[0]
		reach := ReachRequired
		switch {
		case top.Function != "":
			reach = ReachCalled
		case top.Package != "":
			reach = ReachImported
		}
		k := [2]string{f.OSV, top.Module}
		v := byKey[k]
		if v == nil {
			v = &goVuln{OSV: f.OSV, Module: top.Module, Version: top.Version, Fixed: f.FixedVersion}
			byKey[k] = v
			keys = append(keys, k)
		}
		if v.Version == "" {
			v.Version = top.Version
		}
		if v.Fixed == "" {
			v.Fixed = f.FixedVersion
		}
		if rank(reach) > rank(v.Reach) {
			v.Reach = reach
			v.CallPath = nil
		}
		if reach == ReachCalled && v.Reach == ReachCalled {
			p := callPath(f.Trace)
			if v.CallPath == nil || len(p) < len(v.CallPath) {
				v.CallPath = p
			}
		}
	}
	for _, k := range keys {
		v := byKey[k]
		res.Vulns = append(res.Vulns, *v)
		if e := out.OSVs[v.OSV]; e != nil {
			res.OSVs[v.OSV] = e
		}
	}
	return res
}

// callPath turns a trace (vulnerable symbol first) into a call path,
// outermost caller first, each step "pkg.Func" or "pkg.Recv.Func" with its
// position when known.
func callPath(trace []*gvFrame) []string {
	out := make([]string, 0, len(trace))
	for i := len(trace) - 1; i >= 0; i-- {
		fr := trace[i]
		name := fr.Function
		if fr.Receiver != "" {
			name = strings.TrimPrefix(fr.Receiver, "*") + "." + name
		}
		s := fr.Package + "." + name
		if fr.Position != nil && fr.Position.Line > 0 && fr.Position.Filename != "" {
			s += fmt.Sprintf(" (%s:%d)", fr.Position.Filename, fr.Position.Line)
		}
		out = append(out, s)
	}
	return out
}

// audit runs the plan for one module: one symbol-level govulncheck run,
// whose single package load gives the module, package and symbol findings
// alike (govulncheck streams them in that order and skips the call graph
// when no vulnerable package is imported), loaded without cgo when the call
// graph does not need cgo files (see loadPlan); then fallbacks that say so.
func (a *goAuditor) audit(ctx context.Context, m *goModule, budget int64) (*goModResult, error) {
	key := ""
	if a.cacheDir != "" && a.goBin != "" {
		key = a.cacheKey(m)
		if res := a.cacheGet(key); res != nil {
			res.Cached = true
			return res, nil
		}
	}
	env := append(append([]string{}, a.env...), "GOWORK=off")
	if m.Work != "" {
		env[len(env)-1] = "GOWORK=" + m.Work
	}
	rn := &runner{exec: a.run.exec, env: env}
	base := []string{"-format", "json", "-db", a.dbURL, "-C", m.Dir}

	if a.goBin == "" {
		res, err := a.queryGoMod(ctx, m, rn, goModVersions(m), ReachUnknown)
		if err != nil {
			return nil, err
		}
		res.Notes = append(res.Notes, fmt.Sprintf("%s: the go command is not in PATH: audited the requirements of go.mod only, without package or symbol reachability", m.Rel))
		res.Degraded = true
		res.needSymbols(m, "the go command is not in PATH")
		return res, nil
	}

	symArgs := append(append([]string{}, base...), "-scan", levelSymbol, "./...")
	symOut, notes, serr := a.runSymbol(ctx, m, env, budget, symArgs)
	if serr == nil {
		res := collect(symOut, levelSymbol)
		res.PeakRSS = symOut.PeakRSS
		res.Notes = append(res.Notes, notes...)
		return a.finish(ctx, m, rn, symOut.Modules, res, key)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	// Symbol level did not run to the end: the package level alone needs
	// no type checking (and never compiles C), so it is the first fallback.
	pkgRn := &runner{exec: rn.exec, env: append(append([]string{}, env...), "CGO_ENABLED=0")}
	pkgOut, err := pkgRn.run(ctx, append(append([]string{}, base...), "-scan", levelPackage, "./..."))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return a.moduleFallback(ctx, m, rn, base, err)
	}
	res := collect(pkgOut, levelPackage)
	res.PeakRSS = max(pkgOut.PeakRSS, symOut.PeakRSS)
	res.Notes = append(res.Notes, notes...)
	res.Degraded = true
	switch {
	case errors.Is(serr, errMemoryBudget):
		res.Notes = append(res.Notes, fmt.Sprintf("%s: symbol analysis stopped past the memory budget (%s): kept package level, so imported vulnerabilities are not known to be called or not", m.Rel, oneLine(serr)))
	default:
		res.Notes = append(res.Notes, fmt.Sprintf("%s: symbol analysis failed (%s): kept package level", m.Rel, oneLine(serr)))
		res.needSymbols(m, "symbol analysis failed")
	}
	return a.finish(ctx, m, rn, pkgOut.Modules, res, key)
}

// moduleFallback audits m at module level, or from go.mod alone, when its
// packages failed to load (err).
func (a *goAuditor) moduleFallback(ctx context.Context, m *goModule, rn *runner, base []string, err error) (*goModResult, error) {
	why := oneLine(err)
	offline := a.offlineHint(err)
	modOut, merr := rn.run(ctx, append(append([]string{}, base...), "-scan", levelModule))
	if merr == nil {
		res := collect(modOut, levelModule)
		// The package graph is unknown: "required only" would be a claim
		// the audit cannot make.
		for i := range res.Vulns {
			res.Vulns[i].Reach = ReachUnknown
		}
		res.Notes = append(res.Notes, fmt.Sprintf("%s: packages failed to load (%s): fell back to module level, without package or symbol reachability%s", m.Rel, why, offline))
		res.Degraded = true
		res.needSymbols(m, "packages failed to load")
		return res, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	res, qerr := a.queryGoMod(ctx, m, rn, goModVersions(m), ReachUnknown)
	if qerr != nil {
		return nil, fmt.Errorf("govulncheck %s: %w", m.Rel, err)
	}
	res.Notes = append(res.Notes, fmt.Sprintf("%s: packages failed to load (%s) and so did the module graph (%s): audited the requirements of go.mod only%s", m.Rel, why, oneLine(merr), offline))
	res.Degraded = true
	res.needSymbols(m, "packages failed to load")
	return res, nil
}

// finish adds the modules required outside the package graph and caches
// a result that took no fallback.
func (a *goAuditor) finish(ctx context.Context, m *goModule, rn *runner, graph map[string]bool, res *goModResult, key string) (*goModResult, error) {
	if err := a.addRequiredOnly(ctx, m, rn, graph, res); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		res.Notes = append(res.Notes, fmt.Sprintf("%s: modules required but outside the package graph not audited: %s", m.Rel, oneLine(err)))
		res.Degraded = true
	}
	if key != "" && !res.Degraded {
		a.cachePut(key, res)
	}
	return res, nil
}

// needSymbols records that the audit is incomplete when advisories apply
// to m's requirements but whether a vulnerable symbol is called is unknown:
// symbol analysis was needed and could not run (why).
func (res *goModResult) needSymbols(m *goModule, why string) {
	n := 0
	for _, v := range res.Vulns {
		if v.Reach != ReachCalled && v.Reach != ReachRequired {
			n++
		}
	}
	if n == 0 {
		return
	}
	res.Incomplete = append(res.Incomplete, fmt.Sprintf("%s: incomplete: %s, so %d %s against its dependencies could not be checked for reachability (symbol analysis did not run); see the notes",
		m.Rel, why, n, pluralWord(n, "advisory", "advisories")))
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// offlineHint explains a package loading failure under Options.Offline:
// modules missing from the module cache are not downloaded.
func (a *goAuditor) offlineHint(err error) string {
	if len(a.env) == 0 || !strings.Contains(err.Error(), "GOPROXY=off") {
		return ""
	}
	return " (offline: modules missing from the module cache are not downloaded; run go mod download beforehand, or scan online)"
}

// goModVersions are the requirements written in m's go.mod, after replacements.
func goModVersions(m *goModule) map[string]string {
	vers := map[string]string{}
	for _, r := range m.File.Require {
		if semver.IsValid(r.Mod.Version) {
			vers[r.Mod.Path] = r.Mod.Version
		}
	}
	for _, r := range m.File.Replace {
		if _, ok := vers[r.Old.Path]; ok && r.New.Version != "" && (r.Old.Version == "" || r.Old.Version == vers[r.Old.Path]) {
			vers[r.Old.Path] = r.New.Version
		}
	}
	return vers
}

// queryGoMod audits the requirements written in go.mod through govulncheck's
// query mode, which needs neither the go command nor the module sources.
// reach is what the findings claim: unknown when this is all the audit
// could do, required for modules outside the analysed package graph.
func (a *goAuditor) queryGoMod(ctx context.Context, m *goModule, rn *runner, vers map[string]string, reach string) (*goModResult, error) {
	res := &goModResult{Level: levelQuery, OSVs: map[string]*osvEntry{}}
	paths := make([]string, 0, len(vers))
	for p := range vers {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return res, nil
	}
	args := []string{"-mode", "query", "-format", "json", "-db", a.dbURL}
	for _, p := range paths {
		args = append(args, p+"@"+vers[p])
	}
	out, err := rn.run(ctx, args)
	if err != nil {
		return nil, fmt.Errorf("govulncheck query %s: %w", m.Rel, err)
	}
	ids := make([]string, 0, len(out.OSVs))
	for id := range out.OSVs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, p := range paths {
		for _, id := range ids {
			e := out.OSVs[id]
			if hit, fixed := goAffects(e, p, vers[p]); hit {
				res.Vulns = append(res.Vulns, goVuln{OSV: id, Module: p, Version: vers[p], Fixed: fixed, Reach: reach})
				res.OSVs[id] = e
			}
		}
	}
	return res, nil
}

// addRequiredOnly adds the advisories of modules that go.mod requires but
// that are outside the package graph govulncheck analysed (it reports only
// modules that provide a package): those are required-only.
func (a *goAuditor) addRequiredOnly(ctx context.Context, m *goModule, rn *runner, graph map[string]bool, res *goModResult) error {
	vers := goModVersions(m)
	for p := range vers {
		if graph[p] {
			delete(vers, p)
		}
	}
	extra, err := a.queryGoMod(ctx, m, rn, vers, ReachRequired)
	if err != nil {
		return err
	}
	res.Vulns = append(res.Vulns, extra.Vulns...)
	for id, e := range extra.OSVs {
		res.OSVs[id] = e
	}
	return nil
}

func oneLine(err error) string {
	s := strings.TrimSpace(err.Error())
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && !strings.HasPrefix(l, "There are errors") {
			s = l
			break
		}
	}
	if len(s) > 300 {
		s = s[:297] + "..."
	}
	return s
}

// cacheVersion changes whenever what the cache stores changes meaning.
const cacheVersion = "pipeguard-govulncheck-2"

// cacheKey hashes everything a module's audit depends on: go.mod, go.sum,
// the go.work in use, vendor/modules.txt, the module's own Go sources (which
// decide what is called), the database and its modified time, and the Go
// version (which decides standard-library findings).
func (a *goAuditor) cacheKey(m *goModule) string {
	h := sha256.New()
	put := func(s string) { h.Write([]byte(s)); h.Write([]byte{0}) }
	file := func(p string) {
		put(p)
		if b, err := os.ReadFile(p); err == nil {
			h.Write(b)
		}
		h.Write([]byte{0})
	}
	put(cacheVersion)
	put(a.dbURL)
	put(a.dbMod.UTC().Format(time.RFC3339Nano))
	put(a.goVersion)
	put(m.Dir)
	file(filepath.Join(m.Dir, "go.mod"))
	file(filepath.Join(m.Dir, "go.sum"))
	file(filepath.Join(m.Dir, "vendor", "modules.txt"))
	if m.Work != "" {
		file(m.Work)
		file(m.Work + ".sum")
	}
	for _, p := range m.Sources {
		file(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (a *goAuditor) cachePath(key string) string {
	return filepath.Join(a.cacheDir, "govulncheck", key[:2], key+".json")
}

func (a *goAuditor) cacheGet(key string) *goModResult {
	b, err := os.ReadFile(a.cachePath(key))
	if err != nil {
		return nil
	}
	var res goModResult
	if json.Unmarshal(b, &res) != nil || res.Level == "" {
		return nil
	}
	return &res
}

func (a *goAuditor) cachePut(key string, res *goModResult) {
	b, err := json.Marshal(res)
	if err != nil {
		return
	}
	p := a.cachePath(key)
	if os.MkdirAll(filepath.Dir(p), 0o755) != nil {
		return
	}
	tmp := p + ".tmp"
	if os.WriteFile(tmp, b, 0o644) == nil {
		_ = os.Rename(tmp, p)
	}
}

// goVersion asks the go command for its version ("" when it cannot), with
// env laid over the environment.
func goVersion(ctx context.Context, goBin string, env []string) string {
	if goBin == "" {
		return ""
	}
	cmd := exec.CommandContext(ctx, goBin, "env", "GOVERSION")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// goFindings turns a module's audit into findings.
func goFindings(m *goModule, res *goModResult) []scan.Finding {
	var out []scan.Finding
	for _, v := range res.Vulns {
		e := res.OSVs[v.OSV]
		if e == nil {
			e = &osvEntry{ID: v.OSV}
		}
		line := requireLine(m.File, v.Module)
		dep := &scan.Dependency{
			Ecosystem:    "Go",
			Name:         v.Module,
			Version:      v.Version,
			Fixed:        v.Fixed,
			Aliases:      append([]string(nil), e.Aliases...),
			Reachability: v.Reach,
			CallPath:     v.CallPath,
			Manifest:     m.Rel,
		}
		sev, blocking := scan.Info, false
		var msg string
		name := v.Module + " " + v.Version
		switch v.Reach {
		case ReachCalled:
			sev, blocking = scan.High, true
			sym := ""
			if len(v.CallPath) > 0 {
				sym = strings.SplitN(v.CallPath[len(v.CallPath)-1], " ", 2)[0]
			}
			msg = fmt.Sprintf("%s is vulnerable to %s and the code calls %s", name, v.OSV, sym)
		case ReachImported:
			sev = scan.Low
			msg = fmt.Sprintf("%s is vulnerable to %s: a vulnerable package is imported, but no vulnerable symbol is called", name, v.OSV)
			if res.Level != levelSymbol {
				sev = scan.Medium
				msg = fmt.Sprintf("%s is vulnerable to %s: a vulnerable package is imported (symbol analysis did not run, so whether it is called is unknown)", name, v.OSV)
			}
		case ReachRequired:
			msg = fmt.Sprintf("%s is vulnerable to %s: the module is required, but no vulnerable package is imported", name, v.OSV)
		default:
			sev = scan.Medium
			msg = fmt.Sprintf("%s is vulnerable to %s (reachability unknown: audited at %s level)", name, v.OSV, res.Level)
		}
		fixed := v.Fixed
		rem := ""
		switch {
		case v.Module == "stdlib" || v.Module == "toolchain":
			dep.Name = v.Module
			if fixed != "" {
				rem = "upgrade Go to " + goTag(fixed)
			} else {
				rem = "no fixed Go release yet; see the advisory"
			}
		case fixed != "":
			rem = fmt.Sprintf("upgrade %s to %s", v.Module, fixed)
		default:
			rem = fmt.Sprintf("no fixed version of %s yet; see the advisory for mitigations", v.Module)
		}
		refs := e.refURLs()
		if len(refs) == 0 {
			refs = []string{"https://pkg.go.dev/vuln/" + v.OSV}
		}
		out = append(out, scan.Finding{
			Scanner:     scan.ScannerDeps,
			Rule:        v.OSV,
			Severity:    sev,
			Confidence:  scan.ConfidenceHigh,
			Title:       e.title(),
			Message:     msg,
			Path:        m.Rel,
			Line:        line,
			EndLine:     line,
			Fingerprint: scan.Fingerprint(v.OSV, v.Module, m.Rel),
			Blocking:    blocking,
			Remediation: rem,
			References:  refs,
			Dependency:  dep,
			Tags:        []string{"go"},
		})
	}
	return out
}

// goTag turns a semver of the standard library (v1.22.3) into a Go tag (go1.22.3).
func goTag(v string) string {
	if strings.HasPrefix(v, "go") {
		return v
	}
	return "go" + strings.TrimPrefix(v, "v")
}

// requireLine is the line of the require of module in f; for the standard
// library, the toolchain or go line; else the module line.
func requireLine(f *modfile.File, module string) int {
	if module == "stdlib" || module == "toolchain" {
		if f.Toolchain != nil && f.Toolchain.Syntax != nil {
			return f.Toolchain.Syntax.Start.Line
		}
		if f.Go != nil && f.Go.Syntax != nil {
			return f.Go.Syntax.Start.Line
		}
	}
	for _, r := range f.Require {
		if r.Mod.Path == module && r.Syntax != nil {
			return r.Syntax.Start.Line
		}
	}
	for _, r := range f.Replace {
		if r.New.Path == module && r.Syntax != nil {
			return r.Syntax.Start.Line
		}
	}
	if f.Module != nil && f.Module.Syntax != nil {
		return f.Module.Syntax.Start.Line
	}
	return 1
}
