package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// runAuditCmd runs the audit command with args and returns its exit code
// and outputs.
func runAuditCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := newAuditCmd()
	var out, errb bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetArgs(args)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err := cmd.ExecuteContext(context.Background())
	code := scan.ExitPass
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		code = ee.code
	case err != nil:
		code = scan.ExitUsage
	}
	if err != nil {
		errb.WriteString(err.Error())
	}
	return code, out.String(), errb.String()
}

func TestAuditCommand(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	home := t.TempDir()
	for k, v := range map[string]string{"HOME": home, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": filepath.Join(home, "gc"),
		"GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.com", "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.com"} {
		t.Setenv(k, v)
	}
	root := t.TempDir()
	repo := filepath.Join(root, "clean")
	for _, args := range [][]string{{"init", "-q", "-b", "main", repo}, {"-C", repo, "commit", "-q", "--allow-empty", "-m", "init"}} {
		if out, err := exec.Command("git", args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	list := filepath.Join(root, "repos.txt")
	os.WriteFile(list, []byte("# local\n./clean\n"), 0o644)
	out := filepath.Join(root, "out")
	for i := 1; i <= 2; i++ {
		code, stdout, stderr := runAuditCmd(t, "--repos-file", list, "--out", filepath.Join(out, "shard"+string(rune('0'+i))),
			"--shard", string(rune('0'+i))+"/2", "--scanners", "secrets", "--state", filepath.Join(out, "shard"+string(rune('0'+i)), "state.json"))
		if code != scan.ExitPass {
			t.Fatalf("audit shard %d: exit %d\n%s\n%s", i, code, stdout, stderr)
		}
	}
	code, stdout, stderr := runAuditCmd(t, "merge", filepath.Join(out, "merged"), filepath.Join(out, "shard1"), filepath.Join(out, "shard2"),
		"--state", filepath.Join(out, "state.json"))
	if code != scan.ExitPass || !strings.Contains(stdout, "1 repositories") {
		t.Fatalf("merge: exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, f := range []string{"merged/audit.json", "merged/audit.md", "merged/audit.html", "state.json"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	if code, _, stderr := runAuditCmd(t, "--shard", "3/2", "--repo", "acme/x"); code != scan.ExitUsage || !strings.Contains(stderr, "shard") {
		t.Errorf("bad shard: exit %d %s", code, stderr)
	}
	if code, _, _ := runAuditCmd(t); code != scan.ExitUsage {
		t.Errorf("no target: exit %d", code)
	}
}
