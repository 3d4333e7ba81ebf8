package github

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

func TestContextFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     envMap
		want    *Context
		wantErr string
	}{
		{
			name: "pull request",
			env: envMap{"GITHUB_REPOSITORY": "acme/api", "GITHUB_EVENT_NAME": "pull_request",
				"GITHUB_EVENT_PATH": "../../testdata/github/pull_request.json", "GITHUB_SHA": "m1", "GITHUB_REF": "refs/pull/7/merge"},
			want: &Context{APIURL: "https://api.github.com", ServerURL: "https://github.com", Owner: "acme", Repo: "api",
				Event: "pull_request", SHA: "m1", Ref: "refs/pull/7/merge", PR: 7, BaseSHA: "BASE_SHA", HeadSHA: "HEAD_SHA"},
		},
		{
			name: "fork on GHES, pull_request_target",
			env: envMap{"GITHUB_REPOSITORY": "acme/api", "GITHUB_EVENT_NAME": "pull_request_target",
				"GITHUB_EVENT_PATH": "../../testdata/github/pull_request_fork.json",
				"GITHUB_API_URL":    "https://ghe.example.com/api/v3/", "GITHUB_SERVER_URL": "https://ghe.example.com"},
			want: &Context{APIURL: "https://ghe.example.com/api/v3", ServerURL: "https://ghe.example.com", Owner: "acme", Repo: "api",
				Event: "pull_request_target", PR: 12, BaseSHA: "1234567890abcdef1234567890abcdef12345678",
				HeadSHA: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", Fork: true},
		},
		{
			name: "push",
			env:  envMap{"GITHUB_REPOSITORY": "acme/api", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": "../../testdata/github/push.json", "GITHUB_SHA": "s"},
			want: &Context{APIURL: "https://api.github.com", ServerURL: "https://github.com", Owner: "acme", Repo: "api", Event: "push", SHA: "s"},
		},
		{name: "no repository", env: envMap{}, wantErr: "GITHUB_REPOSITORY is not set"},
		{name: "bad repository", env: envMap{"GITHUB_REPOSITORY": "acme"}, wantErr: "want OWNER/REPO"},
		{name: "pull request without payload", env: envMap{"GITHUB_REPOSITORY": "a/b", "GITHUB_EVENT_NAME": "pull_request"}, wantErr: "without GITHUB_EVENT_PATH"},
		{name: "pull request with a push payload", env: envMap{"GITHUB_REPOSITORY": "a/b", "GITHUB_EVENT_NAME": "pull_request",
			"GITHUB_EVENT_PATH": "../../testdata/github/push.json"}, wantErr: "without a pull_request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ContextFromEnv(tt.env.get)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestChangedLines(t *testing.T) {
	dir, base, head := prRepo(t)
	r := gittest.Open(t, dir)
	// A rename with an edit, and a deletion, on top.
	r.Git("mv", "app/main.py", "app/server.py")
	r.Write("app/server.py", "from fastapi import FastAPI\napp = FastAPI()\napp.debug = True\n")
	r.Git("rm", "-q", "app/new.py")
	head2 := r.Commit("rename")

	got, err := ChangedLines(context.Background(), dir, base, head)
	if err != nil {
		t.Fatal(err)
	}
	// A new file is changed as a whole.
	want := scan.Changes{"app/config.py": {{Start: 3, End: 4}}, "app/new.py": {}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("base..head = %v, want %v", got, want)
	}
	got, err = ChangedLines(context.Background(), dir, head, head2)
	if err != nil {
		t.Fatal(err)
	}
	want = scan.Changes{"app/server.py": {{Start: 3, End: 3}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("head..head2 = %v, want %v", got, want)
	}

	// The base branch moves on after the pull request branched: its new
	// commits are not the pull request's changes.
	r.Git("checkout", "-q", "-b", "feature", head2)
	r.Git("checkout", "-q", "-B", "main", base)
	r.Write("app/main.py", "from fastapi import FastAPI\napp = FastAPI(docs_url=None)\n")
	movedBase := r.Commit("main moves on")
	got, err = ChangedLines(context.Background(), dir, movedBase, head)
	if err != nil {
		t.Fatal(err)
	}
	want = scan.Changes{"app/config.py": {{Start: 3, End: 4}}, "app/new.py": {}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("moved base...head = %v, want %v", got, want)
	}

	if _, err := ChangedLines(context.Background(), dir, "0123456789abcdef0123456789abcdef01234567", head); err == nil || !strings.Contains(err.Error(), "fetch-depth") {
		t.Errorf("missing base: err = %v, want a hint about fetch-depth", err)
	}
	if _, err := ChangedLines(context.Background(), dir, "--output=/tmp/x", head); err == nil {
		t.Error("an option as a revision was accepted")
	}
}

func TestWriteOutputs(t *testing.T) {
	dir, _, _ := prRepo(t)
	rep := standardReport(t, dir)
	out := filepath.Join(t.TempDir(), "github_output")
	if err := os.WriteFile(out, []byte("earlier=1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteOutputs(out, rep, "results/pipeguard.sarif"); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(out)
	want := "earlier=1\nverdict=fail\nfindings=2\nblocking=1\nsarif-file=results/pipeguard.sarif\n"
	if string(data) != want {
		t.Errorf("GITHUB_OUTPUT =\n%s\nwant\n%s", data, want)
	}
	// A value with a line break cannot inject another output.
	if err := WriteOutputs(out, rep, "x\nverdict=pass"); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(out)
	got := parseOutputs(t, string(data))
	if got["verdict"] != "fail" || got["sarif-file"] != "x\nverdict=pass" {
		t.Errorf("outputs = %q: a line break injected an output", got)
	}
	if err := WriteOutputs("", rep, ""); err == nil {
		t.Error("empty path accepted")
	}
}

// parseOutputs reads a $GITHUB_OUTPUT file as the runner does: name=value
// lines and name<<DELIMITER blocks; a later value wins.
func parseOutputs(t testing.TB, s string) map[string]string {
	t.Helper()
	out := map[string]string{}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if name, delim, ok := strings.Cut(l, "<<"); ok && !strings.Contains(name, "=") {
			var val []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				val = append(val, lines[i])
			}
			if i == len(lines) {
				t.Fatalf("unterminated %s block", name)
			}
			out[name] = strings.Join(val, "\n")
			continue
		}
		name, val, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("bad output line %q", l)
		}
		out[name] = val
	}
	return out
}

func TestParsePatch(t *testing.T) {
	tests := []struct {
		patch string
		want  []scan.LineRange
	}{
		{"@@ -1,3 +1,4 @@\n a\n b\n-c\n+C\n+D", []scan.LineRange{{Start: 3, End: 4}}},
		{"@@ -0,0 +1,2 @@\n+x\n+y\n\\ No newline at end of file", []scan.LineRange{{Start: 1, End: 2}}},
		{"@@ -10,2 +10,3 @@ func f() {\n a\n+b\n c\n@@ -40 +41,2 @@\n-z\n+y\n+w", []scan.LineRange{{Start: 11, End: 11}, {Start: 41, End: 42}}},
		{"@@ -5,2 +5,0 @@\n-a\n-b", nil},
		{"", nil},
	}
	for _, tt := range tests {
		if got := parsePatch(tt.patch); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parsePatch(%q) = %v, want %v", tt.patch, got, tt.want)
		}
	}
}
