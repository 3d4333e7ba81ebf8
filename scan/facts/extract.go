// Package facts turns the files of a repository into facts for Rego
// policies: a model of each FastAPI/Starlette application (arguments,
// middleware, routes with their dependencies at every level, authentication),
// calls and values of security interest in Python code, and the deployment
// configuration around it (.env files, Dockerfile, docker-compose, Procfile,
// nginx, requirements, pyproject.toml), every entry with its file and line.
//
// The facts marshal to JSON matching policies/facts.schema.json, which is
// the documented API for users' own policies.
package facts

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/pipeguard/pipeguard/scan"
	pgit "github.com/pipeguard/pipeguard/scan/git" // aliased: the tests have a git helper
)

// Options tunes Extract.
type Options struct {
	// IsTracked reports whether git tracks a path (relative to the root,
	// '/'-separated). When nil and Root is set, Extract asks git; otherwise
	// no file counts as tracked.
	IsTracked func(path string) bool
	// Root is the scanned folder, used to ask git which files it tracks.
	Root string
	// MaxFileSize is the largest file read, in bytes; 0 means no limit.
	MaxFileSize int64
	// Workers is how many files are parsed at once; 0 means GOMAXPROCS.
	Workers int
}

// File kinds.
const (
	KindPython       = "python"
	KindEnv          = "env"
	KindDockerfile   = "dockerfile"
	KindCompose      = "compose"
	KindProcfile     = "procfile"
	KindNginx        = "nginx"
	KindRequirements = "requirements"
	KindPyproject    = "pyproject"
	KindLockfile     = "lockfile"
	kindMaybeNginx   = "conf"
)

// Classify returns the kind of a file from its path ("" when facts are not
// read from it). A .conf file is only nginx if its content says so; Classify
// reports such files as nginx when their name or folder does.
func Classify(p string) string {
	k := classify(p)
	if k == kindMaybeNginx || k == kindMaybeKube {
		return ""
	}
	return k
}

func classify(p string) string {
	base := path.Base(p)
	lower := strings.ToLower(base)
	switch {
	case strings.HasSuffix(lower, ".py"):
		return KindPython
	case lower == ".env" || strings.HasPrefix(lower, ".env.") || strings.HasSuffix(lower, ".env"):
		return KindEnv
	case lower == "dockerfile" || strings.HasPrefix(lower, "dockerfile.") || strings.HasSuffix(lower, ".dockerfile") || strings.Contains(lower, ".dockerfile.") || lower == "containerfile":
		return KindDockerfile
	case (strings.HasPrefix(lower, "docker-compose") || strings.HasPrefix(lower, "compose")) && (strings.HasSuffix(lower, ".yml") || strings.HasSuffix(lower, ".yaml")):
		return KindCompose
	case base == "Procfile" || strings.HasPrefix(base, "Procfile."):
		return KindProcfile
	case lower == "nginx.conf" || strings.HasSuffix(lower, ".nginx") || strings.HasSuffix(lower, ".nginx.conf"):
		return KindNginx
	case strings.HasSuffix(lower, ".conf") || strings.HasSuffix(lower, ".conf.template"):
		if strings.Contains(strings.ToLower(path.Dir(p)), "nginx") {
			return KindNginx
		}
		return kindMaybeNginx
	case strings.HasSuffix(lower, ".txt") && (strings.HasPrefix(lower, "requirements") || strings.HasSuffix(lower, "requirements.txt") || path.Base(path.Dir(p)) == "requirements"):
		return KindRequirements
	case lower == "pyproject.toml":
		return KindPyproject
	case lower == "poetry.lock" || lower == "pipfile.lock" || lower == "pdm.lock" || lower == "uv.lock" || strings.HasPrefix(lower, "pylock") && strings.HasSuffix(lower, ".toml"):
		return KindLockfile
	}
	return classifyProxy(p)
}

func lockKind(base string) string {
	switch strings.ToLower(base) {
	case "poetry.lock":
		return "poetry"
	case "pipfile.lock":
		return "pipenv"
	case "pdm.lock":
		return "pdm"
	case "uv.lock":
		return "uv"
	}
	return "pylock"
}

// isMarker reports whether a file makes its folder a project.
func isMarker(p string) bool {
	base := path.Base(p)
	switch strings.ToLower(base) {
	case "pyproject.toml", "setup.py", "setup.cfg", "pipfile":
		return true
	}
	switch classify(p) {
	case KindRequirements:
		return path.Base(path.Dir(p)) != "requirements"
	case KindDockerfile, KindCompose, KindProcfile:
		return true
	}
	return false
}

// IsTestPath reports whether a path is a test file (test_x.py, x_test.py,
// x_tests.py, tests.py, conftest.py) or lives in a test folder: tests/, test/, or a folder whose name ends with the word
// (integration-tests/, e2e_tests/, myapp-test/, the test project beside
// the application).
func IsTestPath(p string) bool {
	base := path.Base(p)
	if base == "conftest.py" || base == "tests.py" || strings.HasPrefix(base, "test_") && strings.HasSuffix(base, ".py") ||
		strings.HasSuffix(base, "_test.py") || strings.HasSuffix(base, "_tests.py") {
		return true
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		words := strings.FieldsFunc(strings.ToLower(seg), func(r rune) bool { return r == '-' || r == '_' })
		if len(words) > 0 && (words[len(words)-1] == "tests" || words[len(words)-1] == "test") {
			return true
		}
	}
	return false
}

func isTemplateEnv(base string) bool {
	l := strings.ToLower(base)
	for _, s := range []string{"example", "sample", "template", "dist", "tpl"} {
		if strings.HasSuffix(l, "."+s) || strings.HasPrefix(l, s+".") || strings.Contains(l, "."+s+".") {
			return true
		}
	}
	return false
}

// TrackedFiles lists the files git tracks under root, relative to root.
func TrackedFiles(ctx context.Context, root string) (map[string]bool, error) {
	// Without --full-name, ls-files names files relative to where it runs.
	out, err := pgit.Run(ctx, root, "ls-files", "-z", "--", ".")
	if err != nil {
		return nil, fmt.Errorf("list tracked files in %s: %w", root, err)
	}
	set := map[string]bool{}
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" {
			set[p] = true
		}
	}
	return set, nil
}

type job struct {
	file    scan.File
	kind    string
	project string
	module  string
	isPkg   bool
}

type result struct {
	py      *pyFile
	cfg     configOut
	kind    string // may turn from conf into nginx or ""
	skipped *Skipped
}

// Extract reads the facts of files (as listed by a scan.FileLister). Files
// that cannot be read or parsed are reported in Skipped and the rest goes on;
// the error is only for a cancelled context or a broken parser. Third-party
// code is left out: virtual environments (folders holding pyvenv.cfg),
// site-packages, node_modules and tool caches.
func Extract(ctx context.Context, files []scan.File, opts Options) (*Facts, error) {
	out := newFacts()
	isTracked := trackedFunc(ctx, opts)
	files = dropVendored(files)
	lay := newLayout(files)
	jobs := lay.plan(files, opts.MaxFileSize, out)
	results, err := runJobs(ctx, jobs, opts.Workers)
	if err != nil {
		return nil, err
	}
	pyByProject := collect(out, jobs, results, isTracked, lay)
	tls := deploymentTLS(out, pyByProject)
	buildModels(out, pyByProject, tls)
	lay.addProjects(out)
	sortFacts(out)
	return out, ctx.Err()
}

// trackedFunc says which files git tracks: opts.IsTracked, else git's
// answer for opts.Root, else none.
func trackedFunc(ctx context.Context, opts Options) func(string) bool {
	if opts.IsTracked != nil {
		return opts.IsTracked
	}
	if opts.Root != "" {
		if set, err := TrackedFiles(ctx, opts.Root); err == nil {
			return func(p string) bool { return set[p] }
		}
	}
	return func(string) bool { return false }
}

// dropVendored leaves out third-party code: virtual environments (folders
// holding pyvenv.cfg) and vendored trees.
func dropVendored(files []scan.File) []scan.File {
	venvs := map[string]bool{}
	for _, f := range files {
		if path.Base(f.Path) == "pyvenv.cfg" {
			venvs[path.Dir(f.Path)] = true
		}
	}
	kept := files[:0:0]
	for _, f := range files {
		if !vendored(f.Path, venvs) {
			kept = append(kept, f)
		}
	}
	return kept
}

// layout is how the files divide into projects: folders holding a project
// marker (pyproject.toml, requirements.txt, Dockerfile...), each file
// belonging to the nearest one above it.
type layout struct {
	markers map[string][]string // project root -> its marker files
	used    map[string]bool     // roots some fact came from
}

func newLayout(files []scan.File) *layout {
	l := &layout{markers: map[string][]string{}, used: map[string]bool{}}
	for _, f := range files {
		if isMarker(f.Path) {
			d := path.Dir(f.Path)
			l.markers[d] = append(l.markers[d], f.Path)
		}
	}
	return l
}

// projectOf is the root of the project a file belongs to ("." at the top).
func (l *layout) projectOf(p string) string {
	for d := path.Dir(p); ; d = path.Dir(d) {
		if _, ok := l.markers[d]; ok {
			return d
		}
		if d == "." || d == "/" || d == "" {
			return "."
		}
	}
}

// plan makes a job of every file facts are read from; files over the size
// limit are reported in out.Skipped.
func (l *layout) plan(files []scan.File, maxSize int64, out *Facts) []job {
	var jobs []job
	for _, f := range files {
		k := classify(f.Path)
		if k == "" {
			continue
		}
		if maxSize > 0 && f.Size > maxSize {
			out.Skipped = append(out.Skipped, Skipped{Path: f.Path, Reason: fmt.Sprintf("file larger than %d bytes", maxSize)})
			continue
		}
		j := job{file: f, kind: k, project: l.projectOf(f.Path)}
		if k == KindPython {
			j.module, j.isPkg = moduleName(f.Path, j.project)
		}
		jobs = append(jobs, j)
	}
	return jobs
}

// addProjects lists the projects some fact came from (the top folder
// without a marker too, when files there gave facts).
func (l *layout) addProjects(out *Facts) {
	for _, root := range slices.Sorted(maps.Keys(l.markers)) {
		if l.used[root] {
			out.Projects = append(out.Projects, Project{Root: root, Markers: l.markers[root]})
		}
	}
	if l.used["."] && l.markers["."] == nil {
		out.Projects = append([]Project{{Root: ".", Markers: []string{}}}, out.Projects...)
	}
}

// collect adds each file and the facts of each configuration file to out,
// and returns the parsed Python files by project.
func collect(out *Facts, jobs []job, results []result, isTracked func(string) bool, lay *layout) map[string][]*pyFile {
	pyByProject := map[string][]*pyFile{}
	for i, j := range jobs {
		r := results[i]
		if r.skipped != nil {
			out.Skipped = append(out.Skipped, *r.skipped)
			continue
		}
		if r.kind == "" || r.kind == kindMaybeNginx || r.kind == kindMaybeKube {
			continue
		}
		lay.used[j.project] = true
		base := path.Base(j.file.Path)
		out.Files = append(out.Files, FileInfo{Path: j.file.Path, Kind: r.kind, Project: j.project, Tracked: isTracked(j.file.Path),
			Test: IsTestPath(j.file.Path), Template: r.kind == KindEnv && isTemplateEnv(base)})
		if r.py != nil {
			pyByProject[j.project] = append(pyByProject[j.project], r.py)
			out.Skipped = append(out.Skipped, r.py.skipped...)
			continue
		}
		addConfig(out, r.cfg)
		if r.kind == KindLockfile {
			out.Lockfiles = append(out.Lockfiles, Lockfile{Path: j.file.Path, Project: j.project, Kind: lockKind(base)})
		}
	}
	return pyByProject
}

// addConfig adds the facts of one configuration file.
func addConfig(out *Facts, c configOut) {
	out.Env = append(out.Env, c.env...)
	out.Dockerfile = append(out.Dockerfile, c.dockerfile...)
	out.Compose = append(out.Compose, c.compose...)
	out.ComposeBuilds = append(out.ComposeBuilds, c.builds...)
	out.Procfile = append(out.Procfile, c.procfile...)
	out.Nginx = append(out.Nginx, c.nginx...)
	out.Requirements = append(out.Requirements, c.requirements...)
	out.PyprojectDependencies = append(out.PyprojectDependencies, c.pyproject...)
	out.Skipped = append(out.Skipped, c.skipped...)
	out.TLSProxies = append(out.TLSProxies, c.proxies...)
	if c.lockfile != nil {
		out.Lockfiles = append(out.Lockfiles, *c.lockfile)
	}
	if c.hsts {
		for i := len(out.TLSProxies) - len(c.proxies); i < len(out.TLSProxies); i++ {
			out.TLSProxies[i].HSTS = true
		}
	}
}

// buildModels builds the FastAPI model of each project's Python files.
func buildModels(out *Facts, pyByProject map[string][]*pyFile, tls map[string]projectTLS) {
	for _, pn := range slices.Sorted(maps.Keys(pyByProject)) {
		pfiles := pyByProject[pn]
		sort.Slice(pfiles, func(i, j int) bool { return pfiles[i].path < pfiles[j].path })
		p := newPyProject(pn, pfiles)
		t := tls[pn]
		t.serverTLS = t.serverTLS || uvicornTLS(pfiles)
		m := &model{p: p, r: newResolver(p), out: out, auth: map[*pyFunc]*authInfo{}, schemes: map[string]*schemeDecl{}, projTLS: t,
			handlers: map[*pyFunc]bool{}}
		if err := m.safeFollowHelpers(); err != nil {
			out.Skipped = append(out.Skipped, Skipped{Path: pn, Reason: err.Error()})
		}
		if err := m.safeBuild(); err != nil {
			out.Skipped = append(out.Skipped, Skipped{Path: pn, Reason: err.Error()})
		}
	}
}

// uvicornTLS reports whether Python code starts uvicorn with TLS.
func uvicornTLS(files []*pyFile) bool {
	for _, f := range files {
		for _, c := range f.calls {
			if c.callee == "uvicorn.run" && (c.e.kwArg("ssl_keyfile") != nil || c.e.kwArg("ssl_certfile") != nil) {
				return true
			}
		}
	}
	return false
}

// vendored reports whether a path lies in a virtual environment (a folder
// holding pyvenv.cfg), site-packages, node_modules or a tool cache.
func vendored(p string, venvs map[string]bool) bool {
	dir := path.Dir(p)
	for _, seg := range strings.Split(dir, "/") {
		switch seg {
		case "site-packages", "dist-packages", "node_modules", "__pycache__", ".tox", ".nox", ".mypy_cache", ".pytest_cache":
			return true
		}
	}
	for d := dir; d != "." && d != "/" && d != ""; d = path.Dir(d) {
		if venvs[d] {
			return true
		}
	}
	return venvs["."] && p != "pyvenv.cfg"
}

// moduleName is the dotted module of a Python file within its project; a
// src/ layout folder is not part of the name.
func moduleName(p, project string) (string, bool) {
	rel := p
	if project != "." {
		rel = strings.TrimPrefix(p, project+"/")
	}
	rel = strings.TrimPrefix(rel, "src/")
	rel = strings.TrimSuffix(rel, ".py")
	isPkg := false
	if rel == "__init__" || strings.HasSuffix(rel, "/__init__") {
		isPkg = true
		rel = strings.TrimSuffix(strings.TrimSuffix(rel, "__init__"), "/")
	}
	return strings.ReplaceAll(rel, "/", "."), isPkg
}

// runJobs reads and parses files on a bounded pool of workers, each with its
// own Python parser.
func runJobs(ctx context.Context, jobs []job, workers int) ([]result, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if workers > len(jobs) {
		workers = len(jobs)
	}
	results := make([]result, len(jobs))
	if len(jobs) == 0 {
		return results, nil
	}
	lang := newPyLang()
	next := make(chan int)
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var pp *pyParser
			defer func() {
				if pp != nil {
					pp.Close()
				}
			}()
			for i := range next {
				if ctx.Err() != nil {
					continue
				}
				j := jobs[i]
				if j.kind == KindPython && pp == nil {
					var err error
					if pp, err = lang.newParser(); err != nil {
						errs[w] = err
						continue
					}
				}
				results[i] = runJob(ctx, j, pp)
			}
		}(w)
	}
	for i := range jobs {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return results, nil
}

func runJob(ctx context.Context, j job, pp *pyParser) (res result) {
	p := j.file.Path
	defer func() {
		// One odd file must not take the other files' facts down with it.
		if r := recover(); r != nil {
			res = result{skipped: &Skipped{Path: p, Reason: fmt.Sprintf("internal error reading facts: %v", r)}}
		}
	}()
	src, err := os.ReadFile(j.file.Abs)
	if err != nil {
		return result{skipped: &Skipped{Path: p, Reason: fmt.Sprintf("read: %v", err)}}
	}
	skip := func(err error) result {
		line := 0
		var pe *parseError
		var se *syntaxError
		switch {
		case errors.As(err, &pe):
			line = pe.line
			return result{skipped: &Skipped{Path: p, Line: line, Reason: fmt.Sprintf("malformed %s: %s", j.kind, pe.msg)}}
		case errors.As(err, &se):
			return result{skipped: &Skipped{Path: p, Line: se.line, Reason: se.Error()}}
		}
		return result{skipped: &Skipped{Path: p, Reason: err.Error()}}
	}
	r := result{kind: j.kind}
	switch j.kind {
	case KindPython:
		root, bad, err := pp.parse(ctx, src)
		if err != nil {
			return skip(err)
		}
		r.py = analyzePython(p, j.module, j.project, j.isPkg, IsTestPath(p), root, src)
		if len(bad) > 0 {
			r.py.skipped = append(r.py.skipped, syntaxSkipped(p, bad))
		}
	case KindEnv:
		r.cfg = parseDotenv(p, j.project, src)
	case KindDockerfile:
		if r.cfg, err = parseDockerfile(p, j.project, src); err != nil {
			return skip(err)
		}
	case KindCompose:
		if r.cfg, err = parseCompose(p, j.project, src); err != nil {
			return skip(err)
		}
	case KindProcfile:
		r.cfg = parseProcfile(p, j.project, src)
	case kindMaybeNginx:
		if !looksLikeNginx(src) {
			return result{kind: ""}
		}
		r.kind = KindNginx
		fallthrough
	case KindNginx:
		if r.cfg, err = parseNginx(p, j.project, src); err != nil {
			return skip(err)
		}
	case KindRequirements:
		r.cfg = parseRequirements(p, j.project, src)
	case KindPyproject:
		if r.cfg, err = parsePyproject(p, j.project, src); err != nil {
			return skip(err)
		}
	case KindLockfile:
	case KindCaddyfile:
		r.cfg = parseCaddyfile(p, j.project, src)
	case KindTraefik:
		r.cfg = parseTraefik(p, j.project, src)
	case kindMaybeKube:
		if !looksLikeKubernetes(src) {
			return result{kind: ""}
		}
		r.kind = KindKubernetes
		r.cfg = parseKubernetes(p, j.project, src)
	}
	return r
}

// sortFacts orders every list by path and line, so output is deterministic.
func sortFacts(f *Facts) {
	byPL := func(n int, key func(i int) (string, int)) func(i, j int) bool {
		return func(i, j int) bool {
			pi, li := key(i)
			pj, lj := key(j)
			if pi != pj {
				return pi < pj
			}
			return li < lj
		}
	}
	sort.SliceStable(f.Files, func(i, j int) bool { return f.Files[i].Path < f.Files[j].Path })
	sort.SliceStable(f.Apps, byPL(0, func(i int) (string, int) { return f.Apps[i].Path, f.Apps[i].Line }))
	for i := range f.Apps {
		a := &f.Apps[i]
		sort.SliceStable(a.Routes, func(x, y int) bool {
			if a.Routes[x].Path != a.Routes[y].Path {
				return a.Routes[x].Path < a.Routes[y].Path
			}
			return a.Routes[x].Line < a.Routes[y].Line
		})
	}
	sort.SliceStable(f.UnattachedRoutes, byPL(0, func(i int) (string, int) { return f.UnattachedRoutes[i].Path, f.UnattachedRoutes[i].Line }))
	sort.SliceStable(f.Routers, byPL(0, func(i int) (string, int) { return f.Routers[i].Path, f.Routers[i].Line }))
	sort.SliceStable(f.SecuritySchemes, byPL(0, func(i int) (string, int) { return f.SecuritySchemes[i].Path, f.SecuritySchemes[i].Line }))
	sort.SliceStable(f.AuthDependencies, byPL(0, func(i int) (string, int) { return f.AuthDependencies[i].Path, f.AuthDependencies[i].Line }))
	sort.SliceStable(f.Calls, byPL(0, func(i int) (string, int) { return f.Calls[i].Path, f.Calls[i].Line }))
	sort.SliceStable(f.AttributeAssignments, byPL(0, func(i int) (string, int) { return f.AttributeAssignments[i].Path, f.AttributeAssignments[i].Line }))
	sort.SliceStable(f.Settings, byPL(0, func(i int) (string, int) { return f.Settings[i].Path, f.Settings[i].Line }))
	sort.SliceStable(f.SecretLiterals, byPL(0, func(i int) (string, int) { return f.SecretLiterals[i].Path, f.SecretLiterals[i].Line }))
	sort.SliceStable(f.Comparisons, byPL(0, func(i int) (string, int) { return f.Comparisons[i].Path, f.Comparisons[i].Line }))
	sort.SliceStable(f.Imports, byPL(0, func(i int) (string, int) { return f.Imports[i].Path, f.Imports[i].Line }))
	sort.SliceStable(f.ExceptionExposures, byPL(0, func(i int) (string, int) { return f.ExceptionExposures[i].Path, f.ExceptionExposures[i].Line }))
	sort.SliceStable(f.ResponseHeaders, byPL(0, func(i int) (string, int) { return f.ResponseHeaders[i].Path, f.ResponseHeaders[i].Line }))
	sort.SliceStable(f.Env, byPL(0, func(i int) (string, int) { return f.Env[i].Path, f.Env[i].Line }))
	sort.SliceStable(f.Dockerfile, byPL(0, func(i int) (string, int) { return f.Dockerfile[i].Path, f.Dockerfile[i].Line }))
	sort.SliceStable(f.Compose, byPL(0, func(i int) (string, int) { return f.Compose[i].Path, f.Compose[i].Line }))
	sort.SliceStable(f.ComposeBuilds, byPL(0, func(i int) (string, int) { return f.ComposeBuilds[i].Path, f.ComposeBuilds[i].Line }))
	sort.SliceStable(f.Procfile, byPL(0, func(i int) (string, int) { return f.Procfile[i].Path, f.Procfile[i].Line }))
	sort.SliceStable(f.Nginx, byPL(0, func(i int) (string, int) { return f.Nginx[i].Path, f.Nginx[i].Line }))
	sort.SliceStable(f.Requirements, byPL(0, func(i int) (string, int) { return f.Requirements[i].Path, f.Requirements[i].Line }))
	sort.SliceStable(f.PyprojectDependencies, byPL(0, func(i int) (string, int) {
		return f.PyprojectDependencies[i].Path, f.PyprojectDependencies[i].Line
	}))
	sort.SliceStable(f.Lockfiles, func(i, j int) bool { return f.Lockfiles[i].Path < f.Lockfiles[j].Path })
	sort.SliceStable(f.Skipped, byPL(0, func(i int) (string, int) { return f.Skipped[i].Path, f.Skipped[i].Line }))
}
