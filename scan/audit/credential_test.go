package audit

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/engine"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// TestTokenOnlyThroughCredentialEnvironment clones over HTTP from a git
// server that demands the token, and checks that the token reached the
// server, and nowhere else: not in any git argument (a git wrapper on PATH
// records them), not in the log, the reports or the state; and that a
// repository on another host does not receive it.
func TestTokenOnlyThroughCredentialEnvironment(t *testing.T) {
	gittest.Setup(t)
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	root := t.TempDir()
	token := "ghs_" + gittest.GitHubPAT(t.Name())[4:]

	// A bare repository served by git http-backend behind Basic auth.
	src := gittest.Init(t, filepath.Join(root, "src"))
	src.CommitFiles("init", map[string]string{"README.md": "# api\n"})
	served := filepath.Join(root, "served")
	os.MkdirAll(filepath.Join(served, "acme"), 0o755)
	gittest.Run(t, root, "clone", "-q", "--bare", src.Dir, filepath.Join(served, "acme", "api.git"))
	backend := &cgi.Handler{Path: gitBin, Args: []string{"http-backend"},
		Env: []string{"GIT_PROJECT_ROOT=" + served, "GIT_HTTP_EXPORT_ALL=1"}}
	var mu sync.Mutex
	var gotAuth []string // "host user:match"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		mu.Lock()
		if ok {
			gotAuth = append(gotAuth, r.Host+" "+user+" "+map[bool]string{true: "token", false: "other"}[pass == token])
		}
		mu.Unlock()
		if !ok || pass != token {
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			http.Error(w, "authentication required", http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	defer srv.Close()

	// A git wrapper that records every argument list, then runs git.
	bin := filepath.Join(root, "bin")
	os.MkdirAll(bin, 0o755)
	argLog := filepath.Join(root, "git-args.log")
	os.WriteFile(filepath.Join(bin, "git"), []byte("#!/bin/sh\nprintf '%s\\n' \"$*\" >> '"+argLog+"'\nexec '"+gitBin+"' \"$@\"\n"), 0o755)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	good, err := ParseSpec("acme/api", srv.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	// The same server under another name: not the host the token is for.
	other := Target{Name: "elsewhere/api", URL: strings.Replace(srv.URL, "127.0.0.1", "localhost", 1) + "/acme/api.git"}
	var logs bytes.Buffer
	out := filepath.Join(root, "out")
	state := filepath.Join(root, "state.json")
	a, err := Run(context.Background(), Options{
		Targets:   []Target{good, other},
		Token:     token,
		ServerURL: srv.URL,
		Out:       out,
		State:     state,
		Scan:      engine.Options{Scanners: []string{scan.ScannerSecrets}},
		Log:       slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	g := findRepo(t, a, "acme/api")
	if g.Error != "" || g.Head == "" {
		t.Fatalf("authenticated clone failed: %q", g.Error)
	}
	o := findRepo(t, a, "elsewhere/api")
	if o.Error == "" {
		t.Errorf("a clone from another host succeeded: the token went there")
	}
	mu.Lock()
	for _, s := range gotAuth {
		if strings.HasPrefix(s, "localhost") {
			t.Errorf("the server under another host name received credentials: %s", s)
		}
	}
	if len(gotAuth) == 0 {
		t.Errorf("the server never received the token")
	}
	mu.Unlock()

	args, _ := os.ReadFile(argLog)
	if !strings.Contains(string(args), "clone") {
		t.Fatalf("the git wrapper saw no clone: %s", args)
	}
	noCanary(t, "git arguments", string(args), token)
	noCanary(t, "log", logs.String(), token)
	noCanary(t, "errors", o.Error, token)
	noCanary(t, "reports", readOut(t, out), token)
	st, _ := os.ReadFile(state)
	noCanary(t, "state", string(st), token)
}
