package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

func hasError(rep *scan.Report, words ...string) bool {
	return slices.ContainsFunc(rep.Errors, func(e scan.Error) bool {
		for _, w := range words {
			if !strings.Contains(e.Message, w) {
				return false
			}
		}
		return true
	})
}

func hasNote(rep *scan.Report, words ...string) bool {
	return slices.ContainsFunc(rep.Notes, func(n string) bool {
		for _, w := range words {
			if !strings.Contains(n, w) {
				return false
			}
		}
		return true
	})
}

func secretsOnly(root string, mode scan.Mode) Options {
	return Options{Root: root, Mode: mode, Scanners: []string{scan.ScannerSecrets}}
}

// A shallow clone scanned with --history does not pass silently: the
// history past the boundary was never fetched, so the scan is incomplete
// (exit 2) and a note names the boundary. --unshallow fetches it first.
func TestHostileShallowHistory(t *testing.T) {
	origin := gittest.New(t)
	leak := gittest.GitHubPAT("shallow-leak")
	origin.Write("config.py", "TOKEN = \""+leak+"\"\n")
	origin.Commit("leak")
	origin.Write("config.py", "TOKEN = ''\n")
	origin.Commit("remove it")
	origin.Write("README.md", "x\n")
	origin.Commit("docs")

	clone := filepath.Join(t.TempDir(), "clone")
	gittest.Run(t, origin.Dir, "clone", "-q", "--depth", "1", "file://"+origin.Dir, clone)
	boundary := gittest.Run(t, clone, "rev-parse", "HEAD")

	rep := scanRepo(t, secretsOnly(clone, scan.ModeHistory))
	if rep.Verdict != scan.Incomplete || rep.ExitCode() != scan.ExitIncomplete {
		t.Errorf("shallow --history: verdict %s exit %d, want incomplete 2", rep.Verdict, rep.ExitCode())
	}
	if !hasError(rep, "shallow clone", boundary[:12], "--unshallow") || !hasNote(rep, "shallow clone", boundary) {
		t.Errorf("no error and note naming the boundary %s: %+v %v", boundary[:12], rep.Errors, rep.Notes)
	}
	// A range inside the fetched history is complete; one that reaches the
	// boundary is not.
	rep = scanRepo(t, Options{Root: clone, Mode: scan.ModeRange, Range: "HEAD", Scanners: []string{scan.ScannerSecrets}})
	if !hasError(rep, "shallow clone") {
		t.Errorf("a range reaching the boundary: %+v", rep.Errors)
	}

	opts := secretsOnly(clone, scan.ModeHistory)
	opts.Unshallow = true
	rep = scanRepo(t, opts)
	if rep.Verdict != scan.Fail || len(rep.Findings) != 1 || rep.Findings[0].Rule != "github-pat" || len(rep.Errors) != 0 {
		t.Errorf("--unshallow: verdict %s, findings %v, errors %+v", rep.Verdict, summary(rep), rep.Errors)
	}
	if !hasNote(rep, "deepened") {
		t.Errorf("no note about deepening: %v", rep.Notes)
	}
}

// --max-file-size holds for the blobs of a history, a range and the index:
// a file past it is not read (git shows it as binary without loading it),
// it is listed as skipped with its commit, and the rest is scanned.
func TestHostileMaxFileSizeInCommits(t *testing.T) {
	r := gittest.New(t)
	small := gittest.GitHubPAT("small-file")
	buried := gittest.StripeKey("buried-in-big")
	r.Write("app.py", "TOKEN = \""+small+"\"\n")
	r.Write("big.txt", strings.Repeat("filler line of text\n", 100_000)+"KEY = \""+buried+"\"\n") // ~2 MB
	first := r.Commit("big and small")

	for _, mode := range []scan.Mode{scan.ModeHistory, scan.ModeRange} {
		t.Run(string(mode), func(t *testing.T) {
			opts := secretsOnly(r.Dir, mode)
			if mode == scan.ModeRange {
				opts.Range = first
			}
			opts.MaxFileSize = 1 << 20
			rep := scanRepo(t, opts)
			if got := summary(rep); len(got) != 1 || !strings.Contains(got[0], "app.py") {
				t.Errorf("findings %v, want only app.py's", got)
			}
			i := slices.IndexFunc(rep.Skipped, func(s scan.Skipped) bool { return s.Path == "big.txt" })
			if i < 0 {
				t.Fatalf("big.txt not listed as skipped: %+v", rep.Skipped)
			}
			if sk := rep.Skipped[i]; sk.Kind != scan.SkipTooLarge || sk.Commit != first || !strings.Contains(sk.Reason, "limit 1048576") {
				t.Errorf("skipped %+v", sk)
			}
			// Without the limit it is read, and its secret found.
			opts.MaxFileSize = -1
			if got := summary(scanRepo(t, opts)); len(got) != 2 {
				t.Errorf("no limit: findings %v", got)
			}
		})
	}

	t.Run("staged", func(t *testing.T) {
		r.Write("big2.txt", strings.Repeat("more filler\n", 200_000)+"KEY = \""+gittest.StripeKey("staged-big")+"\"\n")
		r.Git("add", "big2.txt")
		opts := secretsOnly(r.Dir, scan.ModeStaged)
		opts.MaxFileSize = 1 << 20
		rep := scanRepo(t, opts)
		if len(rep.Findings) != 0 || !slices.ContainsFunc(rep.Skipped, func(s scan.Skipped) bool { return s.Path == "big2.txt" && s.Kind == scan.SkipTooLarge }) {
			t.Errorf("staged: findings %v, skipped %+v", summary(rep), rep.Skipped)
		}
	})
}

// A .gitattributes in the change cannot hide files from a history scan
// ("-diff" makes git show them as binary), nor make git diff a huge file.
func TestHostileGitAttributes(t *testing.T) {
	r := gittest.New(t)
	leak := gittest.GitHubPAT("hidden-by-attributes")
	r.Write(".gitattributes", "*.py -diff\nbig.txt diff\n")
	r.Write("app.py", "TOKEN = \""+leak+"\"\n")
	r.Write("big.txt", strings.Repeat("text\n", 400_000))
	r.Commit("hide it")
	for _, mode := range []scan.Mode{scan.ModeHistory, scan.ModeStaged} {
		if mode == scan.ModeStaged {
			r.Write("more.py", "KEY = \""+gittest.GitHubPAT("staged-hidden")+"\"\n")
			r.Git("add", "more.py")
		}
		opts := secretsOnly(r.Dir, mode)
		opts.MaxFileSize = 1 << 20
		rep := scanRepo(t, opts)
		if len(rep.Findings) != 1 {
			t.Errorf("%s: findings %v, want the secret -diff tried to hide", mode, summary(rep))
		}
		if mode == scan.ModeHistory && !slices.ContainsFunc(rep.Skipped, func(s scan.Skipped) bool { return s.Path == "big.txt" && s.Kind == scan.SkipTooLarge }) {
			t.Errorf("big.txt marked diff was read: skipped %+v", rep.Skipped)
		}
	}
}

// Checked-out submodules are scanned with the working tree (their paths
// under the submodule's folder); --submodules=false and submodules that are
// not checked out are listed as skipped, with a note; a history scan says
// the submodules' histories are not in it.
func TestHostileSubmodules(t *testing.T) {
	lib := gittest.New(t)
	leak := gittest.GitHubPAT("in-submodule")
	lib.Write("keys.py", "TOKEN = \""+leak+"\"\n")
	lib.Commit("lib")

	r := gittest.Init(t, filepath.Join(t.TempDir(), "app"))
	r.Write("app.py", "x = 1\n")
	r.Git("-c", "protocol.file.allow=always", "submodule", "add", "-q", "file://"+lib.Dir, "vendor/lib")
	r.Commit("with a submodule")

	rep := scanRepo(t, secretsOnly(r.Dir, scan.ModeTree))
	if got := summary(rep); len(got) != 1 || !strings.Contains(got[0], "vendor/lib/keys.py") {
		t.Errorf("tree scan: findings %v, want the submodule's secret", got)
	}

	opts := secretsOnly(r.Dir, scan.ModeTree)
	opts.NoSubmodules = true
	rep = scanRepo(t, opts)
	if len(rep.Findings) != 0 || !hasNote(rep, "submodule", "vendor/lib") ||
		!slices.ContainsFunc(rep.Skipped, func(s scan.Skipped) bool { return s.Path == "vendor/lib" && s.Kind == scan.SkipSubmodule }) {
		t.Errorf("--submodules=false: findings %v, notes %v, skipped %+v", summary(rep), rep.Notes, rep.Skipped)
	}

	// A clone without --recurse-submodules: the folder is empty.
	clone := filepath.Join(t.TempDir(), "clone")
	gittest.Run(t, r.Dir, "clone", "-q", r.Dir, clone)
	rep = scanRepo(t, secretsOnly(clone, scan.ModeTree))
	if !hasNote(rep, "submodule", "vendor/lib") || !slices.ContainsFunc(rep.Skipped, func(s scan.Skipped) bool {
		return s.Path == "vendor/lib" && strings.Contains(s.Reason, "not checked out")
	}) {
		t.Errorf("uninitialized submodule: notes %v, skipped %+v", rep.Notes, rep.Skipped)
	}

	rep = scanRepo(t, secretsOnly(r.Dir, scan.ModeHistory))
	if !hasNote(rep, "histories", "vendor/lib") {
		t.Errorf("history scan: notes %v", rep.Notes)
	}
}

// --history on a bare repository says it is bare, not "not a git
// repository".
func TestHostileBareHistory(t *testing.T) {
	r := gittest.New(t)
	r.Commit("one")
	bare := filepath.Join(t.TempDir(), "mirror.git")
	gittest.Run(t, r.Dir, "clone", "-q", "--bare", r.Dir, bare)
	_, err := Scan(context.Background(), secretsOnly(bare, scan.ModeHistory))
	if !scan.IsConfigError(err) || !strings.Contains(err.Error(), "bare git repository") || strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("err = %v", err)
	}
}

// An interrupt at any stage gives a report, never an error: what was found
// until then, marked interrupted, with one error that says so and none
// that only echoes the cancellation.
func TestHostileInterruptStages(t *testing.T) {
	r := gittest.New(t)
	r.Write("app/main.py", "from fastapi import FastAPI\napp = FastAPI(debug=True)\n")
	r.Write("settings.py", "TOKEN = \""+gittest.GitHubPAT("interrupt")+"\"\n")
	r.Write(".pipeguard-ignore.yaml", "suppressions: []\n")
	r.Commit("app")
	for _, stage := range []string{"start", scan.StageWalk, scan.StageParse, scan.StagePolicy, scan.StageGate} {
		t.Run(stage, func(t *testing.T) {
			ctx, cancel := context.WithCancelCause(context.Background())
			defer cancel(nil)
			if stage == "start" {
				cancel(fmt.Errorf("interrupt signal received"))
			}
			reached := false
			opts := Options{Root: r.Dir, Scanners: []string{scan.ScannerSecrets, scan.ScannerConfig}, Offline: true,
				Progress: func(_ context.Context, s string) {
					if s == stage {
						reached = true
						cancel(fmt.Errorf("interrupt signal received"))
					}
				}}
			rep, err := Scan(ctx, opts)
			if err != nil {
				t.Fatalf("Scan: %v", err)
			}
			if stage != "start" && !reached {
				t.Fatalf("stage %s not reached", stage)
			}
			if !rep.Interrupted || rep.Verdict != scan.Incomplete || rep.ExitCode() != scan.ExitInterrupted {
				t.Errorf("interrupted=%v verdict=%s exit=%d", rep.Interrupted, rep.Verdict, rep.ExitCode())
			}
			n := 0
			for _, e := range rep.Errors {
				switch {
				case strings.Contains(e.Message, "interrupted (interrupt signal received)"):
					n++
				case strings.Contains(e.Message, "context canceled"):
					t.Errorf("an error echoes the cancellation: %+v", e)
				}
			}
			if n != 1 {
				t.Errorf("errors %+v, want one saying it was interrupted", rep.Errors)
			}
		})
	}
}
