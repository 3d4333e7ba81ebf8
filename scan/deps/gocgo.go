package deps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
)

// Loading without cgo.
//
// Symbol analysis type-checks every package of the build from source; for a
// package with cgo files that means running cgo, which compiles the package's
// C code (go-sqlite3's took minutes on a cold cache). The call graph seldom
// needs those files, so the symbol run loads packages with CGO_ENABLED=0,
// where such packages build from their pure-Go files (most cgo packages have
// a !cgo fallback; the standard library does). The cgo files are needed when
// Go code in them could be on a call path to a vulnerable symbol: when a
// package with cgo files is itself vulnerable or imports, directly or not, a
// vulnerable package. Then, or when the packages do not load without cgo,
// the run is repeated with cgo, and a note says which files were left out
// or why C was compiled.

// cgoPackage is a package of the module's build (not the standard library)
// with cgo files, the packages it imports, directly or not, and the
// modules of those.
type cgoPackage struct {
	Path    string
	Deps    []string
	Modules []string
}

// cgoPackages lists the packages with cgo files in m's build, from one
// "go list -deps" (no compilation, no cgo run). An error means the list is
// unknown: the symbol run is then repeated with the environment's cgo
// setting (see runSymbol).
func (a *goAuditor) cgoPackages(ctx context.Context, m *goModule, env []string) ([]cgoPackage, error) {
	cmd := exec.CommandContext(ctx, a.goBin, "list", "-e", "-deps", "-json=ImportPath,Standard,CgoFiles,Deps,Module", "./...")
	cmd.Dir = m.Dir
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("go list: %w", err)
	}
	var pkgs []cgoPackage
	modOf := map[string]string{} // package -> module, outside the standard library
	dec := json.NewDecoder(out)
	var derr error
	for {
		var p struct {
			ImportPath string
			Standard   bool
			CgoFiles   []string
			Deps       []string
			Module     *struct{ Path string }
		}
		if err := dec.Decode(&p); err != nil {
			if err != io.EOF {
				derr = err
			}
			break
		}
		if p.Module != nil {
			modOf[p.ImportPath] = p.Module.Path
		}
		if !p.Standard && len(p.CgoFiles) > 0 {
			pkgs = append(pkgs, cgoPackage{Path: p.ImportPath, Deps: p.Deps})
		}
	}
	// -deps lists dependencies first: every module is known by now.
	for i, p := range pkgs {
		seen := map[string]bool{}
		for _, d := range append([]string{p.Path}, p.Deps...) {
			if m := modOf[d]; m != "" && !seen[m] {
				seen[m] = true
				pkgs[i].Modules = append(pkgs[i].Modules, m)
			}
		}
	}
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		return nil, gvError(fmt.Errorf("go list: %w", err), stderr.String())
	}
	if derr != nil {
		return nil, fmt.Errorf("go list: %w", derr)
	}
	return pkgs, nil
}

// runSymbol runs the symbol-level scan of m, without cgo when the call
// graph does not need cgo files, and returns the notes that say what was
// left out or why C was compiled. The list of cgo packages is only needed
// once the run without cgo is over, so it runs beside it rather than
// before it: on a cold module cache both extract the same modules (the go
// command locks each one, so it is extracted once), and the list's own
// work overlaps the symbol analysis.
func (a *goAuditor) runSymbol(ctx context.Context, m *goModule, env []string, budget int64, args []string) (*gvOutput, []string, error) {
	listed := a.listCgoPackages(ctx, m, env)
	noCgo := &runner{exec: a.run.exec, env: append(append([]string{}, env...), "CGO_ENABLED=0"), budget: budget}
	out, err := noCgo.run(ctx, args)
	if ctx.Err() != nil || errors.Is(err, errMemoryBudget) {
		listed.cancel()
		return out, nil, err
	}
	cgo, lerr := listed.wait()
	withCgo := &runner{exec: a.run.exec, env: env, budget: budget}
	switch {
	case lerr != nil && ctx.Err() != nil:
		return out, nil, ctx.Err()
	case lerr != nil && err != nil:
		// Neither loads: the module's failure, which the run without cgo
		// already says (the package-level fallback follows).
		return out, nil, err
	case lerr != nil:
		// Which packages have cgo files is unknown, so whether the run
		// without cgo left any out is unknown too: analyse with the
		// environment's cgo setting, as a run without the list would.
		out2, err2 := withCgo.run(ctx, args)
		out2.PeakRSS = max(out2.PeakRSS, out.PeakRSS)
		return out2, nil, err2
	case len(cgo) == 0:
		return out, nil, err
	}
	names := cgoNames(cgo)
	var why string
	if err != nil {
		why = fmt.Sprintf("packages did not load without cgo (%s)", oneLine(err))
	} else if need := cgoNeeded(cgo, out); len(need) > 0 {
		why = fmt.Sprintf("the Go code of cgo files can reach vulnerable packages (%s)", strings.Join(need, ", "))
	} else {
		return out, []string{fmt.Sprintf("%s: loaded without cgo (CGO_ENABLED=0, no C compiled): the cgo files of %s were left out of the call graph; none of these packages is or imports a vulnerable package, so no call path through them reaches a vulnerable symbol",
			m.Rel, names)}, nil
	}
	out2, err2 := withCgo.run(ctx, args)
	out2.PeakRSS = max(out2.PeakRSS, out.PeakRSS)
	return out2, []string{fmt.Sprintf("%s: analysed with cgo (C code of %s compiled): %s", m.Rel, names, why)}, err2
}

// cgoListing is a cgoPackages call running in the background.
type cgoListing struct {
	stop context.CancelFunc
	done chan struct{}
	pkgs []cgoPackage
	err  error
}

// listCgoPackages starts cgoPackages for m; wait returns its answer.
func (a *goAuditor) listCgoPackages(ctx context.Context, m *goModule, env []string) *cgoListing {
	ctx, stop := context.WithCancel(ctx)
	l := &cgoListing{stop: stop, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		l.pkgs, l.err = a.cgoPackages(ctx, m, env)
	}()
	return l
}

// wait returns the listing's answer once the go command has ended.
func (l *cgoListing) wait() ([]cgoPackage, error) {
	<-l.done
	l.stop()
	return l.pkgs, l.err
}

// cancel stops the listing and waits for its go command to end, so that
// no go command outlives the audit.
func (l *cgoListing) cancel() {
	l.stop()
	<-l.done
}

// cgoNames lists the packages for a note, at most five.
func cgoNames(cgo []cgoPackage) string {
	var names []string
	for _, p := range cgo {
		names = append(names, p.Path)
	}
	sort.Strings(names)
	if len(names) > 5 {
		return strings.Join(names[:5], ", ") + fmt.Sprintf(" and %d more packages", len(names)-5)
	}
	return strings.Join(names, ", ")
}

// cgoNeeded returns the vulnerable packages that a package with cgo files
// is, or imports: the advisories are those of the module findings of out
// (the modules at their versions that they affect), each naming its
// packages, or the whole module when it names none. A module that only
// cgo files import is not in out's graph, so its advisories are unknown:
// it is returned too (as "module M, imported by cgo files only").
func cgoNeeded(cgo []cgoPackage, out *gvOutput) []string {
	vulnPkgs := map[string]bool{}
	var vulnMods []string // modules vulnerable as a whole
	for _, f := range out.Findings {
		if len(f.Trace) == 0 {
			continue
		}
		mod := f.Trace[0].Module
		e := out.OSVs[f.OSV]
		if e == nil {
			vulnMods = append(vulnMods, mod)
			continue
		}
		for _, af := range e.Affected {
			if af.goModule() != mod {
				continue
			}
			if af.EcosystemSpecific == nil || len(af.EcosystemSpecific.Imports) == 0 {
				vulnMods = append(vulnMods, mod)
				continue
			}
			for _, imp := range af.EcosystemSpecific.Imports {
				vulnPkgs[imp.Path] = true
			}
		}
	}
	vulnerable := func(pkg string) bool {
		if vulnPkgs[pkg] {
			return true
		}
		for _, m := range vulnMods {
			if m != "stdlib" && m != "toolchain" && (pkg == m || strings.HasPrefix(pkg, m+"/")) {
				return true
			}
		}
		return false
	}
	seen := map[string]bool{}
	var need []string
	for _, p := range cgo {
		for _, m := range p.Modules {
			if !out.Modules[m] && !seen["module "+m] {
				seen["module "+m] = true
				need = append(need, "module "+m+", imported by cgo files only")
			}
		}
		for _, q := range append([]string{p.Path}, p.Deps...) {
			if vulnerable(q) && !seen[q] {
				seen[q] = true
				need = append(need, q)
			}
		}
	}
	sort.Strings(need)
	return need
}
