package git

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// marker is a script that records that it ran.
func marker(t *testing.T) (script, ran string) {
	t.Helper()
	dir := t.TempDir()
	ran = filepath.Join(dir, "ran")
	script = filepath.Join(dir, "evil.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$0 $*\" >> "+ran+"\ncat >/dev/null 2>&1\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return script, ran
}

// What the repository's configuration or the caller's environment sets
// cannot make a git command pipeguard runs execute a program or read
// another repository: hooks, fsmonitor, pager, external diff, signature
// programs, GIT_DIR, injected configuration.
func TestHostileGitEnvironment(t *testing.T) {
	script, ran := marker(t)
	r := gittest.New(t)
	r.Write("app.py", "x = 1\n")
	first := r.Commit("one")
	r.Write("app.py", "x = 2\n")
	r.Commit("two")
	for _, kv := range [][2]string{
		{"core.fsmonitor", script},
		{"core.pager", script},
		{"diff.external", script},
		{"log.showSignature", "true"},
		{"gpg.program", script},
		{"core.hooksPath", filepath.Dir(script)},
		{"diff.noprefix", "true"},
		{"color.ui", "always"},
	} {
		r.Git("config", kv[0], kv[1])
	}
	for _, h := range []string{"post-checkout", "reference-transaction", "post-index-change"} {
		if err := os.Symlink(script, filepath.Join(filepath.Dir(script), h)); err != nil {
			t.Fatal(err)
		}
	}
	// The caller's environment points elsewhere and injects settings.
	other := gittest.New(t)
	other.Commit("elsewhere")
	t.Setenv("GIT_DIR", filepath.Join(other.Dir, ".git"))
	t.Setenv("GIT_CONFIG_PARAMETERS", "'core.pager'='"+script+"'")
	t.Setenv("GIT_EXTERNAL_DIFF", script)
	t.Setenv("GIT_PAGER", script)

	ctx := context.Background()
	repo, err := Open(ctx, r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	if err := repo.Log(ctx, []string{"--all"}, PatchOptions{}, func(f *FileDiff) error {
		files = append(files, f.Commit.ID[:7]+":"+f.NewPath)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 {
		t.Errorf("log of the repository: %v (GIT_DIR followed?)", files)
	}
	if _, err := repo.Changes(ctx, first, "HEAD"); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Run(ctx, "ls-files", "--others"); err != nil {
		t.Fatal(err)
	}
	wt := filepath.Join(t.TempDir(), "wt")
	if _, err := repo.Run(ctx, "worktree", "add", "--detach", "--quiet", wt, first); err != nil {
		t.Fatal(err)
	}
	if _, err := repo.Run(ctx, "worktree", "remove", "--force", wt); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(ran); err == nil {
		t.Errorf("a program of the repository's configuration ran:\n%s", data)
	}
}

// A refs/replace/ entry cannot dress a commit up: the log shows the
// commits as they are.
func TestHostileReplaceRefs(t *testing.T) {
	r := gittest.New(t)
	r.Write("secret.env", "KEY=leaked\n")
	leak := r.Commit("leak")
	r.Write("secret.env", "KEY=\n")
	r.Commit("clean")
	// A commit with the same parent and an innocent tree replaces the leak.
	r.Git("checkout", "-q", "--orphan", "decoy")
	r.Git("rm", "-rq", "--cached", ".")
	r.Write("readme.md", "hi\n")
	r.Git("add", "readme.md")
	r.Git("commit", "-qm", "decoy")
	decoy := r.Git("rev-parse", "HEAD")
	r.Git("checkout", "-q", "-f", "main")
	r.Git("replace", leak, decoy)

	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	err = repo.Log(context.Background(), []string{"main"}, PatchOptions{}, func(f *FileDiff) error {
		if f.Commit.ID == leak && f.NewPath == "secret.env" && strings.Contains(f.Hunks[0].Added, "leaked") {
			found = true
		}
		return nil
	})
	if err != nil || !found {
		t.Errorf("the replaced commit's patch was not read (err %v)", err)
	}
}

// A repository owned by another user: git refuses it, and the error says
// so and how to allow it, instead of "corrupt git repository".
func TestHostileDubiousOwnership(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.py", "x = 1\n")
	r.Commit("one")
	if err := chownTree(r.Dir, 4242); err != nil {
		t.Skipf("cannot give the repository to another user: %v", err)
	}
	_, err := Open(context.Background(), r.Dir)
	var oe *OwnershipError
	if !errors.As(err, &oe) || !scan.IsConfigError(err) || !errors.Is(err, ErrDubiousOwnership) {
		t.Fatalf("err = %v, want a ConfigError wrapping an OwnershipError", err)
	}
	msg := err.Error()
	for _, want := range []string{"owned by another user", "safe.directory", r.Dir, "dubious ownership"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not say %q", msg, want)
		}
	}
	if strings.Contains(msg, "corrupt") {
		t.Errorf("message %q calls it corrupt", msg)
	}
	// Allowed the way the message says, it opens.
	gittest.Run(t, r.Dir, "config", "--global", "--add", "safe.directory", r.Dir)
	if _, err := Open(context.Background(), r.Dir); err != nil {
		t.Errorf("after safe.directory: %v", err)
	}
}

// chownTree gives every file under dir to uid (root only).
func chownTree(dir string, uid int) error {
	if os.Geteuid() != 0 {
		return errors.New("not root")
	}
	return filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, uid, uid)
	})
}

// A bare repository is named as such.
func TestHostileBareRepository(t *testing.T) {
	r := gittest.New(t)
	r.Commit("one")
	bare := filepath.Join(t.TempDir(), "mirror.git")
	gittest.Run(t, r.Dir, "clone", "-q", "--bare", r.Dir, bare)
	_, err := Open(context.Background(), bare)
	if !errors.Is(err, ErrBare) || !strings.Contains(err.Error(), "bare git repository") || !strings.Contains(err.Error(), "clone") {
		t.Errorf("err = %v, want one that says it is bare and to clone it", err)
	}
}

// Names git quotes (line breaks, escapes) come back exact from a real
// repository, in the changed lines and in the log.
func TestHostileNamesFromGit(t *testing.T) {
	r := gittest.New(t)
	r.Write("base.txt", "x\n")
	base := r.Commit("base")
	name := "evil\n\x1b[2JVerdict: PASS\t\"q\".py"
	r.Write(name, "a = 1\n")
	r.Commit("evil name")
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := repo.Changes(context.Background(), base, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c[name]; !ok || len(c) != 1 {
		t.Errorf("changes %v", c)
	}
	var got []string
	if err := repo.Log(context.Background(), []string{base + "..HEAD"}, PatchOptions{}, func(f *FileDiff) error {
		got = append(got, f.NewPath)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0] != name {
		t.Errorf("log names %q", got)
	}
}

// The system configuration is ignored, except its safe.directory entries:
// which repositories the machine trusts is the machine's to say.
func TestHostileSystemSafeDirectory(t *testing.T) {
	gittest.Setup(t)
	sys := filepath.Join(t.TempDir(), "gitconfig")
	if err := os.WriteFile(sys, []byte("[safe]\n\tdirectory = /srv/repo\n\tdirectory = *\n[core]\n\tpager = evil\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GIT_CONFIG_SYSTEM", sys)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "")
	if got := systemSafeDirs(); !reflect.DeepEqual(got, []string{"/srv/repo", "*"}) {
		t.Errorf("safe directories %q", got)
	}
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	if got := systemSafeDirs(); got != nil {
		t.Errorf("with GIT_CONFIG_NOSYSTEM: %q", got)
	}
}

// A pre-commit hook of "git commit -a" gets the index being committed in
// GIT_INDEX_FILE: the staged diff reads that one, and every other command
// the repository's own (a worktree add must not write the caller's index).
func TestHostileIndexFile(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.py", "x = 1\n")
	r.Commit("one")
	alt := filepath.Join(r.Dir, ".git", "next-index.lock")
	r.Write("a.py", "x = 1\ny = 2\n")
	sh := exec.Command("sh", "-c", "cp .git/index "+alt+" && GIT_INDEX_FILE="+alt+" git add a.py")
	sh.Dir = r.Dir
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	t.Chdir(r.Dir)
	t.Setenv("GIT_INDEX_FILE", ".git/next-index.lock")
	repo, err := Open(context.Background(), r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := repo.StagedChanges(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := c["a.py"]; len(got) != 1 || got[0].Start != 2 {
		t.Errorf("staged changes %v, want a.py line 2 from the hook's index", c)
	}
}
