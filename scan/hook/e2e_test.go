package hook

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pipeguard/pipeguard/scan/gittest"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// pipeguardBinary builds ./cmd/pipeguard once per test binary.
func pipeguardBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds pipeguard: skipped in -short mode")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "pipeguard-hook-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "pipeguard")
		cmd := exec.Command("go", "build", "-tags", "gore2regex", "-o", builtBin, "./cmd/pipeguard")
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = err
			builtBin = string(out)
			return
		}
		// The hook command must be wired into the root command.
		if out, err := exec.Command(builtBin, "hook", "--help").CombinedOutput(); err != nil {
			buildErr = err
			builtBin = "pipeguard hook --help: " + string(out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build pipeguard: %v\n%s", buildErr, builtBin)
	}
	return builtBin
}

// hookRepo is a repository with pipeguard's hook installed by the real
// binary, and main already on its bare remote.
func hookRepo(t *testing.T) *repo {
	t.Helper()
	bin := pipeguardBinary(t)
	r := newRepo(t)
	r.withRemote()
	r.commit("base", map[string]string{"README.md": "# service\n", "app/main.py": "import os\n\nTIMEOUT = 30\n"})
	r.Git("push", "-q", "--no-verify", "origin", "main")
	cmd := exec.Command(bin, "hook", "install")
	cmd.Dir = r.Dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pipeguard hook install: %v\n%s", err, out)
	}
	return r
}

// push runs git push and returns its combined output and whether it went through.
func (r *repo) push(args ...string) (string, bool) {
	r.t.Helper()
	out, err := r.try(append([]string{"push"}, args...)...)
	return out, err == nil
}

func (r *repo) remoteHas(ref, sha string) bool {
	r.t.Helper()
	out, err := r.try("ls-remote", "origin", ref)
	return err == nil && strings.HasPrefix(out, sha)
}

func TestE2ECleanPushPasses(t *testing.T) {
	r := hookRepo(t)
	c := r.commit("docs", map[string]string{"README.md": "# service\n\nRun it with make.\n"})
	out, ok := r.push("origin", "main")
	if !ok || !r.remoteHas("refs/heads/main", c) {
		t.Fatalf("clean push refused:\n%s", out)
	}
	if !strings.Contains(out, "pipeguard: scanned 1 commit") {
		t.Errorf("push output does not show the hook ran:\n%s", out)
	}
}

func TestE2ESecretBlocksWithPathAndLine(t *testing.T) {
	r := hookRepo(t)
	token := gittest.GitHubPAT(t.Name())
	before := r.rev("HEAD")
	r.commit("settings", map[string]string{"app/settings.py": "import os\n\nGITHUB_TOKEN = \"" + token + "\"\n"})
	out, ok := r.push("origin", "main")
	if ok || !r.remoteHas("refs/heads/main", before) {
		t.Fatalf("push with a secret went through:\n%s", out)
	}
	for _, want := range []string{"app/settings.py:3 github-pat", "git push --no-verify", `# pipeguard:ignore github-pat reason="..."`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, token) {
		t.Errorf("output shows the secret in clear:\n%s", out)
	}
}

func TestE2ESecretAddedAndRemovedStillBlocks(t *testing.T) {
	r := hookRepo(t)
	token := gittest.GitHubPAT(t.Name())
	r.commit("add key", map[string]string{"deploy/env.txt": "MODE=prod\nTOKEN=" + token + "\n"})
	r.commit("oops, remove key", map[string]string{"deploy/env.txt": "MODE=prod\n"})
	out, ok := r.push("origin", "main")
	if ok {
		t.Fatalf("push carrying a secret in its history went through:\n%s", out)
	}
	if !strings.Contains(out, "deploy/env.txt:2 github-pat") {
		t.Errorf("output does not name the secret's path and line:\n%s", out)
	}
	if strings.Contains(out, token) {
		t.Errorf("output shows the secret in clear:\n%s", out)
	}
}

func TestE2ENewBranchScansOnlyItsCommits(t *testing.T) {
	r := hookRepo(t)
	// main on the remote already carries a secret (pushed past the hook):
	// a new branch from it must not be blamed for it.
	r.commit("old secret", map[string]string{"legacy.txt": "key " + gittest.GitHubPAT("old") + "\n"})
	if out, ok := r.push("--no-verify", "origin", "main"); !ok {
		t.Fatalf("push --no-verify: %s", out)
	}
	r.Git("checkout", "-q", "-b", "feature")
	c := r.commit("feature", map[string]string{"app/feature.py": "def feature():\n    return 1\n"})
	out, ok := r.push("-u", "origin", "feature")
	if !ok || !r.remoteHas("refs/heads/feature", c) {
		t.Fatalf("new branch with clean commits refused:\n%s", out)
	}
	if !strings.Contains(out, "scanned 1 commit") {
		t.Errorf("new branch did not scan exactly its one commit:\n%s", out)
	}

	// And a new branch that adds a secret is refused.
	r.Git("checkout", "-q", "-b", "feature2")
	r.commit("leak", map[string]string{"notes.md": "token: " + gittest.GitHubPAT("new") + "\n"})
	out, ok = r.push("origin", "feature2")
	if ok || !strings.Contains(out, "notes.md:1 github-pat") {
		t.Fatalf("new branch with a secret: pushed %v\n%s", ok, out)
	}
}

func TestE2EDeletionPasses(t *testing.T) {
	r := hookRepo(t)
	r.Git("checkout", "-q", "-b", "old")
	r.commit("secret", map[string]string{"k.txt": gittest.GitHubPAT("del") + "\n"})
	if out, ok := r.push("--no-verify", "origin", "old"); !ok {
		t.Fatalf("push --no-verify: %s", out)
	}
	r.Git("checkout", "-q", "main")
	out, ok := r.push("origin", "--delete", "old")
	if !ok {
		t.Fatalf("deleting a branch was refused:\n%s", out)
	}
	if o, _ := r.try("ls-remote", "origin", "refs/heads/old"); strings.TrimSpace(o) != "" {
		t.Errorf("branch still on the remote: %s", o)
	}
}

func TestE2ENoVerifyBypasses(t *testing.T) {
	r := hookRepo(t)
	c := r.commit("secret", map[string]string{"k.txt": gittest.GitHubPAT("bypass") + "\n"})
	if out, ok := r.push("origin", "main"); ok {
		t.Fatalf("the hook let a secret through:\n%s", out)
	}
	out, ok := r.push("--no-verify", "origin", "main")
	if !ok || !r.remoteHas("refs/heads/main", c) {
		t.Fatalf("push --no-verify refused:\n%s", out)
	}
	if strings.Contains(out, "pipeguard") {
		t.Errorf("the hook ran despite --no-verify:\n%s", out)
	}
}

func TestE2EForeignHookLeftAlone(t *testing.T) {
	bin := pipeguardBinary(t)
	r := newRepo(t)
	hooks := filepath.Join(r.Dir, ".git", "hooks")
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		t.Fatal(err)
	}
	foreign := []byte("#!/bin/sh\nexec make lint\n")
	path := filepath.Join(hooks, "pre-push")
	if err := os.WriteFile(path, foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"hook", "install"}, {"hook", "uninstall"}} {
		cmd := exec.Command(bin, args...)
		cmd.Dir = r.Dir
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "not written by pipeguard") {
			t.Errorf("pipeguard %s over a foreign hook: err %v\n%s", strings.Join(args, " "), err, out)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, foreign) {
			t.Fatalf("pipeguard %s changed the foreign hook to:\n%s", strings.Join(args, " "), got)
		}
	}
}

func TestE2EConfigErrorBlocksUnlessFailOpen(t *testing.T) {
	r := hookRepo(t)
	r.commit("bad config", map[string]string{".pipeguard.yaml": "fail_on: catastrophic\n"})
	out, ok := r.push("origin", "main")
	if ok || !strings.Contains(out, ".pipeguard.yaml") {
		t.Fatalf("push with a broken .pipeguard.yaml: pushed %v\n%s", ok, out)
	}
	r.commit("fail open", map[string]string{".pipeguard.yaml": "fail_open: true\nfail_on: catastrophic\n"})
	out, ok = r.push("origin", "main")
	if !ok || !strings.Contains(out, "fail_open: true") {
		t.Fatalf("fail_open: true did not let the push through:\n%s", out)
	}
}

func TestE2EInlineSuppressionLetsPushThrough(t *testing.T) {
	r := hookRepo(t)
	token := gittest.GitHubPAT(t.Name())
	c := r.commit("test fixture", map[string]string{
		"tests/fixture.py": "# pipeguard:ignore github-pat reason=\"fake token for the client tests\"\nTOKEN = \"" + token + "\"\n",
	})
	out, ok := r.push("origin", "main")
	if !ok || !r.remoteHas("refs/heads/main", c) {
		t.Fatalf("a suppressed secret blocked the push:\n%s", out)
	}
}

func TestE2EFirstPushToEmptyRemote(t *testing.T) {
	bin := pipeguardBinary(t)
	r := newRepo(t)
	r.withRemote()
	cmd := exec.Command(bin, "hook", "install")
	cmd.Dir = r.Dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pipeguard hook install: %v\n%s", err, out)
	}
	r.commit("one", map[string]string{"README.md": "# new\n"})
	c := r.commit("two", map[string]string{"a.txt": "a\n"})
	out, ok := r.push("origin", "main")
	if !ok || !r.remoteHas("refs/heads/main", c) || !strings.Contains(out, "scanned 2 commits") {
		t.Fatalf("first push of a clean history: pushed %v\n%s", ok, out)
	}

	// A secret deep in a new branch's history, none of which the remote
	// has, is found too.
	r.Git("checkout", "-q", "--orphan", "other")
	r.commit("leak", map[string]string{"k.txt": gittest.GitHubPAT(t.Name()) + "\n"})
	r.commit("clean up", map[string]string{"k.txt": "nothing here\n"})
	out, ok = r.push("origin", "other")
	if ok || !strings.Contains(out, "k.txt:1 github-pat") {
		t.Fatalf("orphan branch with a secret in its history: pushed %v\n%s", ok, out)
	}
}
