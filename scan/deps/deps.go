// Package deps is pipeguard's dependency audit, the "deps" scanner.
//
// Go modules are audited with govulncheck (golang.org/x/vuln/scan), run in
// this process or, when Options.Exec names one, in an isolated child
// process, so that a panic or runaway memory inside govulncheck cannot take
// the scan down. Each module is analysed by one symbol-level run whose single
// package load serves the module, package and symbol levels (the call graph,
// the expensive part, is built only when a vulnerable package is actually
// imported), under Options.MemoryBudget, with packages loaded without cgo
// when the call graph does not need cgo files (no C compiled). Results are
// cached by (go.mod, go.sum, the module's Go sources, database version, Go
// version). Without the go command, or when packages do not load, the audit
// falls back to module level and says so in the notes.
//
// Python projects are read from requirements*.txt, poetry.lock, uv.lock,
// Pipfile.lock, pdm.lock and pylock.toml, and matched against OSV advisories,
// offline (a folder of OSV records or OSV's all.zip) or online (the OSV API).
//
// Which directories are searched: everything under the root except hidden
// folders, vendor/, node_modules/, Python virtual environments and testdata/
// folders below the root (fixtures, which the go command ignores too); point
// the root at a testdata folder to scan it.
//
// Fingerprints are scan.Fingerprint(advisory, package, manifest): the
// version is left out on purpose, so an upgrade that is still vulnerable to
// the same advisory keeps the finding's identity (its suppression or
// baseline entry), while a new advisory is a new finding.
package deps

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/pipeguard/pipeguard/scan"
)

// Options configures the dependency scanner.
type Options struct {
	// GoVulnDB is the Go vulnerability database: "" for https://vuln.go.dev,
	// an http(s) URL of a mirror, a file:// URL or a local folder in
	// govulncheck's layout.
	GoVulnDB string
	// OSVDB is an offline OSV database for Python: a folder tree of OSV
	// records in JSON or YAML, or OSV's per-ecosystem all.zip.
	OSVDB string
	// Online allows Python lookups through the OSV API when OSVDB is empty.
	Online bool
	// OSVAPI is the OSV API base URL; "" means https://api.osv.dev.
	OSVAPI string
	// HTTPClient is used for the OSV API and to check the Go database; nil
	// means a client with a 60 s timeout.
	HTTPClient *http.Client
	// CacheDir holds cached govulncheck results; "" disables the cache
	// (DefaultCacheDir gives the usual place).
	CacheDir string
	// MemoryBudget bounds govulncheck's symbol analysis, in bytes; past it
	// the module keeps its package-level result with a note. 0 means no
	// budget. It is enforced on the isolated child (Exec), where it is also
	// set as the child's GOMEMLIMIT; in process it cannot be enforced and a
	// note says so.
	MemoryBudget int64
	// Exec is the argv prefix that runs govulncheck isolated in a child
	// process: the child gets govulncheck's arguments appended and must call
	// RunGovulncheck with them. nil runs govulncheck in this process.
	Exec []string
	// SkipGo and SkipPython turn off one half of the audit.
	SkipGo, SkipPython bool
	// Offline keeps every go command off the network (no module proxy,
	// checksum database or toolchain download): modules missing from the
	// module cache make the audit fall back to module level, with a note.
	// Isolated children (Exec) get it whole; in process, govulncheck's own
	// "go env" calls still see this process's environment.
	Offline bool
}

// DefaultMemoryBudget is a budget that fits CI runners with 7 GB of memory.
const DefaultMemoryBudget = 3 << 30

// DefaultCacheDir is os.UserCacheDir()/pipeguard, or "" when there is none.
func DefaultCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "pipeguard")
}

// Scanner audits dependencies; it implements scan.Scanner.
type Scanner struct {
	opts   Options
	dbURL  string
	client *http.Client
}

// New checks opts and returns a scanner.
func New(opts Options) (*Scanner, error) {
	u, err := GoVulnDBURL(opts.GoVulnDB)
	if err != nil {
		return nil, &scan.ConfigError{Err: err}
	}
	if opts.OSVDB != "" {
		if err := CheckLocalDB("OSV database", opts.OSVDB); err != nil {
			return nil, &scan.ConfigError{Err: err}
		}
		abs, err := filepath.Abs(opts.OSVDB)
		if err != nil {
			return nil, &scan.ConfigError{Path: opts.OSVDB, Err: err}
		}
		opts.OSVDB = abs
	}
	if opts.MemoryBudget < 0 {
		return nil, &scan.ConfigError{Err: fmt.Errorf("memory budget must not be negative: %d", opts.MemoryBudget)}
	}
	c := opts.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: 60 * time.Second}
	}
	return &Scanner{opts: opts, dbURL: u, client: c}, nil
}

// Name is "deps".
func (s *Scanner) Name() string { return scan.ScannerDeps }

// SelfExec returns the Exec argv that re-runs this program with args (the
// hidden subcommand that calls RunGovulncheck), e.g. SelfExec("db", "govulncheck").
func SelfExec(args ...string) ([]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("locate own executable: %w", err)
	}
	return append([]string{exe}, args...), nil
}

// inventory is what the scanner found to audit under the root.
type inventory struct {
	goMods  []string // go.mod paths, relative
	goWorks []string // go.work paths, relative
	pyFiles []string // requirement and lock files, relative
	pySrc   []string // *.py files, relative
	goSrc   []string // *.go files, relative
}

// Scan audits the Go modules and Python projects under t.Root.
func (s *Scanner) Scan(ctx context.Context, t *scan.Target) (*scan.Result, error) {
	res := &scan.Result{}
	inv, err := s.inventory(ctx, t, res)
	if err != nil {
		return res, err
	}
	if !s.opts.SkipGo {
		s.scanGo(ctx, t, inv, res)
	}
	if !s.opts.SkipPython {
		s.scanPython(ctx, t, inv, res)
	}
	if ctx.Err() != nil {
		return res, ctx.Err()
	}
	scan.SortFindings(res.Findings)
	return res, nil
}

// skipDir reports whether a folder (relative, '/'-separated, below the root) is left out.
func skipDir(rel string) bool {
	for _, part := range strings.Split(rel, "/") {
		switch {
		case part == "" || part == ".":
		case strings.HasPrefix(part, "."), part == "vendor", part == "node_modules", part == "testdata",
			part == "__pycache__", part == "site-packages":
			return true
		}
	}
	return false
}

// inventory lists the manifests and sources, from t.Tree when there is one.
func (s *Scanner) inventory(ctx context.Context, t *scan.Target, res *scan.Result) (*inventory, error) {
	var rels []string
	if t.Tree != nil {
		files, _, err := t.Tree.Files(ctx)
		if err != nil {
			return nil, fmt.Errorf("list files: %w", err)
		}
		for _, f := range files {
			rels = append(rels, f.Path)
		}
	} else {
		err := filepath.WalkDir(t.Root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == t.Root {
					return err
				}
				res.Skipped = append(res.Skipped, scan.Skipped{Path: p, Reason: err.Error()})
				return nil
			}
			rel, _ := filepath.Rel(t.Root, p)
			rel = filepath.ToSlash(rel)
			if d.IsDir() {
				if rel != "." && skipDir(rel) {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				rels = append(rels, rel)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", t.Root, err)
		}
	}
	// Virtual environments: folders holding a pyvenv.cfg.
	var venvs []string
	for _, r := range rels {
		if path.Base(r) == "pyvenv.cfg" {
			venvs = append(venvs, path.Dir(r)+"/")
		}
	}
	inv := &inventory{}
	for _, r := range rels {
		if d := path.Dir(r); d != "." && skipDir(d) {
			continue
		}
		inVenv := false
		for _, v := range venvs {
			if strings.HasPrefix(r, v) || v == "./" {
				inVenv = true
				break
			}
		}
		if inVenv {
			continue
		}
		base := path.Base(r)
		switch {
		case base == "go.mod":
			inv.goMods = append(inv.goMods, r)
		case base == "go.work":
			inv.goWorks = append(inv.goWorks, r)
		case strings.HasSuffix(base, ".go"):
			inv.goSrc = append(inv.goSrc, r)
		case strings.HasSuffix(base, ".py"):
			inv.pySrc = append(inv.pySrc, r)
		case isPythonManifest(r):
			inv.pyFiles = append(inv.pyFiles, r)
		}
	}
	sort.Strings(inv.goMods)
	sort.Strings(inv.pyFiles)
	return inv, nil
}

// scanGo audits every Go module found.
func (s *Scanner) scanGo(ctx context.Context, t *scan.Target, inv *inventory, res *scan.Result) {
	if len(inv.goMods) == 0 {
		return
	}
	// go.work: which modules are used by which workspace.
	work := map[string]string{} // module dir (abs) -> go.work (abs)
	for _, w := range inv.goWorks {
		abs := filepath.Join(t.Root, filepath.FromSlash(w))
		b, err := os.ReadFile(abs)
		if err != nil {
			res.Errors = append(res.Errors, scan.Error{Message: fmt.Sprintf("read %s: %v", w, err), Path: w})
			continue
		}
		wf, err := modfile.ParseWork(abs, b, nil)
		if err != nil {
			res.Errors = append(res.Errors, scan.Error{Message: fmt.Sprintf("parse %s: %v", w, err), Path: w})
			continue
		}
		for _, u := range wf.Use {
			work[filepath.Clean(filepath.Join(filepath.Dir(abs), filepath.FromSlash(u.Path)))] = abs
		}
		res.Notes = append(res.Notes, fmt.Sprintf("go: %s: %d workspace modules audited with the workspace's build list", w, len(wf.Use)))
	}

	var mods []*goModule
	for _, rel := range inv.goMods {
		abs := filepath.Join(t.Root, filepath.FromSlash(rel))
		b, err := os.ReadFile(abs)
		if err != nil {
			res.Errors = append(res.Errors, scan.Error{Message: fmt.Sprintf("read %s: %v", rel, err), Path: rel})
			continue
		}
		f, err := modfile.Parse(rel, b, nil)
		if err != nil {
			res.Errors = append(res.Errors, scan.Error{Message: fmt.Sprintf("parse %s: %v", rel, err), Path: rel})
			continue
		}
		dir := filepath.Dir(abs)
		mods = append(mods, &goModule{Dir: dir, Rel: rel, File: f, Work: work[dir]})
	}
	// Each .go file belongs to the innermost module folder above it.
	for _, src := range inv.goSrc {
		var best *goModule
		for _, m := range mods {
			d := path.Dir(m.Rel)
			if d == "." || strings.HasPrefix(src, d+"/") {
				if best == nil || len(m.Rel) > len(best.Rel) {
					best = m
				}
			}
		}
		if best != nil {
			best.Sources = append(best.Sources, filepath.Join(t.Root, filepath.FromSlash(src)))
		}
	}
	if len(mods) == 0 {
		return
	}

	dbMod, err := goDBModified(ctx, s.dbURL, s.client)
	if err != nil {
		res.Errors = append(res.Errors, scan.Error{Message: err.Error()})
		res.Notes = append(res.Notes, fmt.Sprintf("go: %d modules not audited: %v", len(mods), err))
		return
	}
	goBin, _ := exec.LookPath("go")
	a := &goAuditor{
		dbURL:    s.dbURL,
		dbMod:    dbMod,
		run:      &runner{exec: s.opts.Exec},
		goBin:    goBin,
		cacheDir: s.opts.CacheDir,
	}
	if s.opts.Offline {
		a.env = offlineEnv
	}
	a.goVersion = goVersion(ctx, goBin, a.env)
	if s.opts.MemoryBudget > 0 && len(s.opts.Exec) == 0 {
		res.Notes = append(res.Notes, "go: the memory budget is not enforced: govulncheck runs in process (no isolated child configured)")
	}
	defer scan.Tick(ctx, "Go modules audited", len(mods), len(mods))
	for i, m := range mods {
		if ctx.Err() != nil {
			return
		}
		scan.Tick(ctx, "Go modules audited", i, len(mods))
		begin := time.Now()
		r, err := a.audit(ctx, m, s.opts.MemoryBudget)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			res.Errors = append(res.Errors, scan.Error{Message: scan.MaskURLs(fmt.Sprintf("audit %s with %s: %v", m.Rel, s.dbURL, err)), Path: m.Rel})
			continue
		}
		res.Notes = append(res.Notes, r.Notes...)
		for _, msg := range r.Incomplete {
			res.Errors = append(res.Errors, scan.Error{Message: "go: " + msg, Path: m.Rel})
		}
		how := r.Level + " level"
		if r.Cached {
			how += ", cached"
		}
		res.Notes = append(res.Notes, fmt.Sprintf("go: %s audited at %s against %s (%d advisories, %s)",
			m.Rel, how, scan.MaskURL(s.dbURL), len(r.Vulns), time.Since(begin).Round(time.Millisecond)))
		res.Findings = append(res.Findings, goFindings(m, r)...)
	}
}

// errNoPythonDB means Python manifests were found but no database was configured.
var errNoPythonDB = errors.New("no OSV database: give --osv-db PATH or allow online lookups")
