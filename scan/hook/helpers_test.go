package hook

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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

// repo is a git work tree made for a test.
type repo struct {
	t   *testing.T
	dir string
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	r := &repo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	return r
}

// withRemote creates a bare repository and adds it as origin.
func (r *repo) withRemote() string {
	r.t.Helper()
	bare := filepath.Join(r.t.TempDir(), "remote.git")
	out, err := exec.Command("git", "init", "-q", "--bare", "-b", "main", bare).CombinedOutput()
	if err != nil {
		r.t.Fatalf("git init --bare: %v\n%s", err, out)
	}
	r.git("remote", "add", "origin", bare)
	return bare
}

func (r *repo) git(args ...string) string {
	r.t.Helper()
	out, err := r.try(args...)
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(out)
}

func (r *repo) try(args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", r.dir}, args...)...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// write writes files (path -> content); an empty content deletes the file.
func (r *repo) write(files map[string]string) {
	r.t.Helper()
	for p, content := range files {
		abs := filepath.Join(r.dir, filepath.FromSlash(p))
		if content == "" {
			if err := os.Remove(abs); err != nil {
				r.t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(abs, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
}

// commit writes files, commits everything and returns the new commit's id.
func (r *repo) commit(msg string, files map[string]string) string {
	r.t.Helper()
	r.write(files)
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	return r.git("rev-parse", "HEAD")
}

func (r *repo) rev(name string) string {
	r.t.Helper()
	return r.git("rev-parse", name)
}

// revList lists the commits of revs, sorted, for comparing sets.
func (r *repo) revList(revs ...string) []string {
	r.t.Helper()
	out := r.git(append([]string{"rev-list"}, revs...)...)
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

// fakeToken is a GitHub personal access token that gitleaks' default
// rules detect, made up per test so that no real token sits in the source.
func fakeToken(seed string) string {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := []byte("ghp_")
	h := uint32(2166136261)
	for _, c := range []byte(seed) {
		h = (h ^ uint32(c)) * 16777619
	}
	for i := 0; i < 36; i++ {
		h = (h ^ uint32(i)) * 16777619
		b = append(b, alnum[h%uint32(len(alnum))])
	}
	return string(b)
}
