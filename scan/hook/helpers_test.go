package hook

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan/gittest"
)

// TestMain gives every git the tests run a clean, known configuration:
// no system or user config, a fixed identity, and dates that do not vary.
// HOME stays as it is, so that go build finds its module cache.
func TestMain(m *testing.M) {
	home, err := os.MkdirTemp("", "pipeguard-hook-gitconfig-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	gitconfig := filepath.Join(home, ".gitconfig")
	cfg := "[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"
	if err := os.WriteFile(gitconfig, []byte(cfg), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for k, v := range map[string]string{
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_CONFIG_GLOBAL":   gitconfig,
		"GIT_AUTHOR_DATE":     "2026-01-02T03:04:05Z",
		"GIT_COMMITTER_DATE":  "2026-01-02T03:04:05Z",
		"GIT_TERMINAL_PROMPT": "0",
		"NO_COLOR":            "1",
	} {
		os.Setenv(k, v)
	}
	for _, k := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"} {
		os.Unsetenv(k)
	}
	code := m.Run()
	os.RemoveAll(home)
	os.Exit(code)
}

// repo is a git work tree made for a test. It runs git in the environment
// TestMain set (fixed dates, HOME kept for go build), not gittest.Setup's.
type repo struct {
	*gittest.Repo
	t *testing.T
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	return &repo{Repo: gittest.Init(t, t.TempDir()), t: t}
}

// withRemote creates a bare repository and adds it as origin.
func (r *repo) withRemote() string {
	r.t.Helper()
	bare := filepath.Join(r.t.TempDir(), "remote.git")
	out, err := exec.Command("git", "init", "-q", "--bare", "-b", "main", bare).CombinedOutput()
	if err != nil {
		r.t.Fatalf("git init --bare: %v\n%s", err, out)
	}
	r.Git("remote", "add", "origin", bare)
	return bare
}

func (r *repo) try(args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", r.Dir}, args...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// write writes files (path -> content); an empty content deletes the file.
func (r *repo) write(files map[string]string) {
	r.t.Helper()
	for p, content := range files {
		if content == "" {
			r.Remove(p)
			continue
		}
		r.Write(p, content)
	}
}

// commit writes files, commits everything and returns the new commit's id.
func (r *repo) commit(msg string, files map[string]string) string {
	r.t.Helper()
	r.write(files)
	return r.Commit(msg)
}

func (r *repo) rev(name string) string {
	r.t.Helper()
	return r.Git("rev-parse", name)
}

// revList lists the commits of revs, sorted, for comparing sets.
func (r *repo) revList(revs ...string) []string {
	r.t.Helper()
	out := r.Git(append([]string{"rev-list"}, revs...)...)
	if out == "" {
		return nil
	}
	l := strings.Fields(out)
	slices.Sort(l)
	return l
}

const zero = "0000000000000000000000000000000000000000"

// update is one pre-push input line.
func update(localRef, localSHA, remoteRef, remoteSHA string) string {
	return fmt.Sprintf("%s %s %s %s\n", localRef, localSHA, remoteRef, remoteSHA)
}
