package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// runAuditCmd runs the audit command with args and returns its exit code
// and outputs.
func runAuditCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := newAuditCmd(Streams{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: os.Getenv})
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
	gittest.Setup(t)
	root := t.TempDir()
	gittest.Init(t, filepath.Join(root, "clean")).Commit("init")
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

// TestAuditCommandOrgAndIssues lists an organization through a fake API
// named by GITHUB_API_URL, audits it, and writes a tracking issue with the
// token of --issues-token-env.
func TestAuditCommandOrgAndIssues(t *testing.T) {
	gittest.Setup(t)
	root := t.TempDir()
	token := gittest.GitHubPAT(t.Name())
	r := gittest.Init(t, filepath.Join(root, "api"))
	r.Write("deploy.env", "GH="+token+"\n")
	r.Commit("init")
	repo := r.Dir
	var mu sync.Mutex
	var calls []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		calls = append(calls, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization")+" "+string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == "GET" && r.URL.Path == "/orgs/acme/repos":
			fmt.Fprintf(w, `[{"full_name":"acme/api","clone_url":%q,"size":1,"default_branch":"main"}]`, "file://"+repo)
		case r.Method == "GET" && r.URL.Path == "/repos/acme/api/issues":
			w.Write([]byte(`[]`))
		case r.Method == "GET" && r.URL.Path == "/repos/acme/api/labels/pipeguard":
			w.Write([]byte(`{"name":"pipeguard"}`))
		case r.Method == "POST" && r.URL.Path == "/repos/acme/api/issues":
			w.WriteHeader(201)
			w.Write([]byte(`{"number":1,"state":"open"}`))
		default:
			http.Error(w, `{"message":"Not Found"}`, 404)
		}
	}))
	defer srv.Close()
	t.Setenv("GITHUB_API_URL", srv.URL)
	t.Setenv("AUDIT_LIST_TOKEN", "list-token")
	t.Setenv("AUDIT_ISSUES_TOKEN", "issues-token")
	out := filepath.Join(root, "out")
	code, stdout, stderr := runAuditCmd(t, "--org", "acme", "--out", out, "--scanners", "secrets", "--no-progress",
		"--token-env", "AUDIT_LIST_TOKEN", "--open-issues", "--issues-token-env", "AUDIT_ISSUES_TOKEN")
	if code != scan.ExitFail || !strings.Contains(stderr, "1 created") {
		t.Fatalf("exit %d (want 1: a leaked token)\n%s\n%s", code, stdout, stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	var created string
	for _, c := range calls {
		if strings.HasPrefix(c, "GET /orgs/acme/repos") && !strings.Contains(c, "Bearer list-token") {
			t.Errorf("listing without the listing token: %s", c)
		}
		if strings.HasPrefix(c, "POST /repos/acme/api/issues") {
			created = c
		}
	}
	if !strings.Contains(created, "Bearer issues-token") || !strings.Contains(created, "deploy.env") {
		t.Errorf("issue request: %q", created)
	}
	data, _ := os.ReadFile(filepath.Join(out, "audit.json"))
	for what, s := range map[string]string{"issue requests": strings.Join(calls, "\n"), "stdout": stdout, "stderr": stderr, "audit.json": string(data)} {
		if strings.Contains(s, token) {
			t.Errorf("%s holds the leaked token", what)
		}
	}
}
