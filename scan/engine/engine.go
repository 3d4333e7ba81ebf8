// Package engine turns a scan's options into a report: it builds the
// target, the scanners, runs them through scan.Run, then applies
// suppressions, the baseline and the gate. The CLI, the pre-push hook and
// the multi-repository audit all call Scan.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pipeguard/pipeguard/scan"
)

// Options is everything one scan needs. The zero value of a field means its
// default.
type Options struct {
	// Root is the folder to scan; default the current directory.
	Root string
	// Mode is tree (default), history, range or staged.
	Mode scan.Mode
	// Range is "A..B" for ModeRange.
	Range string
	// Scanners selects scanners by name; empty means all.
	Scanners []string
	// MaxFileSize is the largest file read, in bytes; 0 means DefaultMaxFileSize, negative means no limit.
	MaxFileSize int64
	// GitleaksConfig overrides the repository's .gitleaks.toml.
	GitleaksConfig string
	// GoVulnDB is a URL or a local folder in govulncheck's layout.
	GoVulnDB string
	// OSVDB is a local OSV database (folder or all.zip) for Python advisories.
	OSVDB string
	// Online allows the OSV API when no OSVDB is given.
	Online bool
	// Offline forbids the network: no OSV API, and the Go audit runs only
	// against a local database (it is skipped, with a note, otherwise).
	Offline bool
	// CacheDir holds cached dependency results; "" disables the cache.
	CacheDir string
	// MemoryBudget bounds govulncheck's symbol analysis, in bytes; 0 means none, deps.AutoMemoryBudget derives it from the available memory.
	MemoryBudget int64
	// GovulncheckExec is the argv prefix that runs govulncheck in an isolated
	// child process (see deps.Options.Exec); nil runs it in this process.
	GovulncheckExec []string
	// PolicyDirs are user policy folders added to the built-in ones.
	PolicyDirs []string
	// ConfigFile overrides the discovered .pipeguard.yaml.
	ConfigFile string
	// TightenOnly makes the repository's .pipeguard.yaml files able to
	// tighten ConfigFile (or pipeguard's defaults) but not loosen it, as an
	// audit needs (repoconf.LoadFloor).
	TightenOnly bool
	// Baseline is a baseline file of known findings.
	Baseline string
	// NewSince is a base revision: findings present there are not new.
	NewSince string
	// TrustedConfigFrom is a revision whose config, suppressions and policies decide.
	TrustedConfigFrom string
	// FailOn overrides the severity at and above which findings block.
	FailOn string
	// Changed, when set, limits findings to these lines.
	Changed scan.Changes
	// Event and Branch describe the CI context for the gate (push, pull_request, schedule, pre-push...).
	Event  string
	Branch string
	// Cache, when set, keeps compiled policies and rules between scans (an
	// audit of many repositories); nil compiles them for this scan.
	Cache *Cache
	// Unshallow deepens a shallow clone (git fetch --unshallow) before a
	// scan of commits; without it, commits past the shallow boundary make
	// the scan incomplete.
	Unshallow bool
	// NoSubmodules leaves checked-out submodules out of a working-tree
	// scan (they are listed as skipped); by default their files are scanned.
	NoSubmodules bool
	// Progress, when set, is told as the scan enters each stage
	// (scan.StageWalk...); see scan.Target.Progress.
	Progress func(ctx context.Context, stage string)
	// Version is pipeguard's version, recorded in the report.
	Version string
	// Log receives progress messages; nil discards them. It never receives a secret.
	Log *slog.Logger
}

// DefaultMaxFileSize is the default limit on the size of a scanned file.
const DefaultMaxFileSize = 10 << 20

// Scan runs one scan. It returns an error only when the scan could not
// start (a *scan.ConfigError for bad options or configuration); a scanner
// that fails is recorded in the report, which is then incomplete. A scan
// an interrupt stops (ctx cancelled) returns a report, never an error:
// what was found until then, marked Interrupted, with one error that says
// so (see Interrupt).
func Scan(ctx context.Context, opts Options) (*scan.Report, error) {
	rep, err := scanOnce(ctx, opts)
	if scan.Interrupted(ctx, err) {
		return Interrupt(ctx, rep, opts.Root, opts.Version, scan.TargetInfo{Mode: string(opts.Mode), Range: opts.Range}), nil
	}
	return rep, err
}

// Interrupt marks rep (or a new empty report when the scan had none yet)
// as interrupted: the errors that only echo the cancellation are replaced
// by one that says what happened, and the verdict is incomplete.
func Interrupt(ctx context.Context, rep *scan.Report, root, version string, target scan.TargetInfo) *scan.Report {
	if rep == nil {
		if abs, err := filepath.Abs(orDefault(root, ".")); err == nil {
			root = abs
		}
		rep = scan.NewReport(root, scan.Tool{Name: "pipeguard", Version: version}, target)
		rep.StartedAt = time.Now().UTC()
	}
	kept := rep.Errors[:0]
	for _, e := range rep.Errors {
		if !echoesCancel(e.Message) {
			kept = append(kept, e)
		}
	}
	rep.Errors = kept
	why := "interrupted"
	if ctx != nil {
		if cause := context.Cause(ctx); cause != nil && cause != context.Canceled {
			why = fmt.Sprintf("interrupted (%v)", cause)
		}
	}
	rep.Errors = append(rep.Errors, scan.Error{Message: why + " before the scan finished: the report holds what was found until then"})
	rep.Interrupted = true
	rep.Decide()
	return rep
}

// echoesCancel reports whether an error message only says that the work
// was cancelled.
func echoesCancel(msg string) bool {
	for _, s := range []string{context.Canceled.Error(), "signal: interrupt", "signal: terminated"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return strings.HasSuffix(msg, ": "+scan.ErrInterrupted.Error())
}

func scanOnce(ctx context.Context, opts Options) (*scan.Report, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	root, err := filepath.Abs(orDefault(opts.Root, "."))
	if err != nil {
		return nil, fmt.Errorf("resolve root %s: %w", opts.Root, err)
	}
	opts.Root = root
	switch st, err := os.Stat(root); {
	case err != nil:
		return nil, &scan.ConfigError{Err: fmt.Errorf("cannot scan %s: %w", root, errors.Unwrap(err))}
	case !st.IsDir():
		return nil, &scan.ConfigError{Err: fmt.Errorf("cannot scan %s: not a directory (scan the folder that holds it)", root)}
	}
	if opts.Mode == "" {
		opts.Mode = scan.ModeTree
	}
	names, err := selectScanners(opts.Scanners)
	if err != nil {
		return nil, err
	}
	opts.Scanners = names
	return run(ctx, opts, nil)
}

// selectScanners validates --scanners and returns the names in canonical order.
func selectScanners(names []string) ([]string, error) {
	if len(names) == 0 {
		return slices.Clone(scan.AllScanners), nil
	}
	var out []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !slices.Contains(scan.AllScanners, n) {
			return nil, &scan.ConfigError{Err: fmt.Errorf("unknown scanner %q (want %s)", n, strings.Join(scan.AllScanners, ", "))}
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, &scan.ConfigError{Err: fmt.Errorf("no scanner selected")}
	}
	slices.SortFunc(out, func(a, b string) int {
		return slices.Index(scan.AllScanners, a) - slices.Index(scan.AllScanners, b)
	})
	return out, nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
