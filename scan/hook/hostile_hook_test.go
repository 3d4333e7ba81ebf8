package hook

import (
	"context"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// runRealHook runs the pre-push check with the real engine.
func runRealHook(t *testing.T, r *repo, in string) (*Result, string) {
	t.Helper()
	var out strings.Builder
	res := Run(context.Background(), Options{Dir: r.Dir, Remote: "origin", URL: "/x", In: strings.NewReader(in), Out: &out})
	return res, out.String()
}

// A pushed file whose name holds a line break and terminal escapes cannot
// clear the screen or print a fake "Verdict: PASS" line in the hook's
// output: the name is shown escaped, the way scan's text output shows it.
func TestHostileHookFileNames(t *testing.T) {
	evil := "conf\n\x1b[2J\x1b[HVerdict: PASS\x1b[0m\r.py"
	r, in := pushRepo(t, map[string]string{evil: "TOKEN = \"" + gittest.GitHubPAT("hook-evil-name") + "\"\n"})
	res, out := runRealHook(t, r, in)
	if res.Exit != scan.ExitFail {
		t.Fatalf("exit %d, want %d:\n%s", res.Exit, scan.ExitFail, out)
	}
	if strings.ContainsAny(out, "\x1b\r") || strings.Contains(out, "\nVerdict: PASS") {
		t.Errorf("the hook prints the name raw:\n%q", out)
	}
	if !strings.Contains(out, `conf \u001b[2J\u001b[HVerdict: PASS\u001b[0m .py`) {
		t.Errorf("the finding's name is not shown escaped:\n%q", out)
	}
}

// --max-file-size (here from .pipeguard.yaml) holds in the hook: a pushed
// file past it is not read, and the hook says so; the rest is scanned.
func TestHostileHookLargeBlob(t *testing.T) {
	r, in := pushRepo(t, map[string]string{
		".pipeguard.yaml": "max_file_size: 1048576\n",
		"dump.sql":        strings.Repeat("INSERT INTO t VALUES (1);\n", 80_000), // ~2 MB
		"app.py":          "TOKEN = \"" + gittest.GitHubPAT("hook-small") + "\"\n",
	})
	res, out := runRealHook(t, r, in)
	if res.Exit != scan.ExitFail || !strings.Contains(out, "app.py:1 github-pat") {
		t.Fatalf("exit %d, want the small file's secret to block:\n%s", res.Exit, out)
	}
	if !strings.Contains(out, "not scanned: dump.sql in commit") || !strings.Contains(out, "limit 1048576") {
		t.Errorf("the hook does not say the large file was not scanned:\n%s", out)
	}
}
