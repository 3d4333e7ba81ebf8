// Package gittest builds real git repositories for tests, with the git
// binary, in temporary folders, and makes fake secrets that gitleaks'
// default rules detect.
package gittest

import (
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Setup gives git a predictable, isolated configuration for the test: no
// system or user config, a fixed author. It skips the test without git.
func Setup(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", home)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, "gitconfig"))
	t.Setenv("GIT_AUTHOR_NAME", "Ada Tester")
	t.Setenv("GIT_AUTHOR_EMAIL", "ada@example.com")
	t.Setenv("GIT_COMMITTER_NAME", "Ada Tester")
	t.Setenv("GIT_COMMITTER_EMAIL", "ada@example.com")
}

// Repo is a git work tree in a temporary folder.
type Repo struct {
	t   testing.TB
	Dir string
}

// New makes an empty repository on branch main in a temporary folder,
// after Setup.
func New(t testing.TB) *Repo {
	t.Helper()
	Setup(t)
	return Init(t, t.TempDir())
}

// Init makes an empty repository on branch main at dir, creating the
// folder; use it when the folder's name or place matters. It does not call
// Setup: the caller does, once per test.
func Init(t testing.TB, dir string) *Repo {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	r := &Repo{t: t, Dir: dir}
	r.Git("init", "-q", "-b", "main")
	r.Git("config", "commit.gpgsign", "false")
	return r
}

// Open is a Repo for an existing work tree at dir, such as a clone or one a
// test helper built.
func Open(t testing.TB, dir string) *Repo {
	return &Repo{t: t, Dir: dir}
}

// Run runs git in dir, which need not be a repository (for clone, say),
// and returns its trimmed output; it fails the test on error.
func Run(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// Git runs git in the repository and returns its trimmed output; it fails
// the test on error.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	return Run(r.t, r.Dir, args...)
}

// WriteFiles writes files (slash-separated path -> content) under dir,
// making their folders; dir need not be a repository.
func WriteFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Write writes a file, making its folders.
func (r *Repo) Write(rel, content string) {
	r.t.Helper()
	WriteFiles(r.t, r.Dir, map[string]string{rel: content})
}

// Remove deletes a file from the work tree.
func (r *Repo) Remove(rel string) {
	r.t.Helper()
	if err := os.Remove(filepath.Join(r.Dir, filepath.FromSlash(rel))); err != nil {
		r.t.Fatal(err)
	}
}

// Commit stages everything and commits it, returning the commit id.
func (r *Repo) Commit(msg string) string {
	r.t.Helper()
	r.Git("add", "-A")
	r.Git("commit", "-q", "--allow-empty", "-m", msg)
	return r.Git("rev-parse", "HEAD")
}

// CommitFiles writes files (path -> content; "" removes the file with git
// rm), stages those paths only and commits, returning the commit id. Other
// changes in the work tree stay out of the commit, unless already staged.
func (r *Repo) CommitFiles(msg string, files map[string]string) string {
	r.t.Helper()
	for rel, content := range files {
		if content == "" {
			r.Git("rm", "-q", "--", rel)
			continue
		}
		r.Write(rel, content)
		r.Git("add", "--", rel)
	}
	r.Git("commit", "-q", "--allow-empty", "-m", msg)
	return r.Git("rev-parse", "HEAD")
}

// Alnum is the alphabet of most tokens: ASCII letters and digits.
const Alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// Fake derives a deterministic pseudo-random secret from seed: prefix then
// n characters of alphabet. Building secrets in tests keeps
// secret-looking literals out of pipeguard's own sources.
func Fake(prefix, seed string, n int, alphabet string) string {
	sum := sha256.Sum256([]byte(seed))
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; b.Len() < len(prefix)+n; i++ {
		if i == len(sum) {
			sum = sha256.Sum256(sum[:])
			i = 0
		}
		b.WriteByte(alphabet[int(sum[i])%len(alphabet)])
	}
	return b.String()
}

// GitHubPAT is a fake GitHub personal access token (gitleaks rule github-pat).
func GitHubPAT(seed string) string { return Fake("ghp_", seed, 36, Alnum) }

// StripeKey is a fake Stripe live secret key (gitleaks rule stripe-access-token).
func StripeKey(seed string) string { return Fake("sk_live_", seed, 24, Alnum) }

// AWSKey is a fake AWS access key id (gitleaks rule aws-access-token).
func AWSKey(seed string) string { return Fake("AKIA", seed, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") }
