package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// runCLI runs pipeguard in-process, as a pipeline would, and returns the
// exit code, stdout and stderr.
func runCLI(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if dir != "" {
		t.Chdir(dir)
	}
	code := Main(context.Background(), args, Streams{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(k string) string {
		if k == "NO_COLOR" {
			return "1"
		}
		return ""
	}})
	return code, out.String(), errb.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(r *gittest.Repo)
		args     []string
		want     int
		inStderr string
	}{
		{
			name:  "clean repository passes",
			setup: func(r *gittest.Repo) { r.Write("app.py", "print('hello')\n"); r.Commit("clean") },
			args:  []string{"scan", "--scanners", "secrets"},
			want:  scan.ExitPass,
		},
		{
			name: "a leaked secret blocks",
			setup: func(r *gittest.Repo) {
				r.Write("app.py", "TOKEN = \""+gittest.GitHubPAT("exit")+"\"\n")
				r.Commit("leak")
			},
			args: []string{"scan", "--scanners", "secrets"},
			want: scan.ExitFail,
		},
		{
			name:     "unknown flag",
			setup:    func(r *gittest.Repo) { r.Commit("empty") },
			args:     []string{"scan", "--no-such-flag"},
			want:     scan.ExitUsage,
			inStderr: "unknown flag",
		},
		{
			name:     "unknown scanner",
			setup:    func(r *gittest.Repo) { r.Commit("empty") },
			args:     []string{"scan", "--scanners", "secrets,magic"},
			want:     scan.ExitUsage,
			inStderr: `unknown scanner "magic"`,
		},
		{
			name:     "unknown format",
			setup:    func(r *gittest.Repo) { r.Commit("empty") },
			args:     []string{"scan", "--format", "yaml"},
			want:     scan.ExitUsage,
			inStderr: "yaml",
		},
		{
			name: "malformed .gitleaks.toml names the file",
			setup: func(r *gittest.Repo) {
				r.Write(".gitleaks.toml", "[extend]\nuseDefault = true\n[[rules]\nid = \n")
				r.Commit("bad config")
			},
			args:     []string{"scan", "--scanners", "secrets"},
			want:     scan.ExitUsage,
			inStderr: ".gitleaks.toml",
		},
		{
			name:     "unknown revision in a range",
			setup:    func(r *gittest.Repo) { r.Commit("one") },
			args:     []string{"scan", "--range", "nosuchrev..HEAD"},
			want:     scan.ExitUsage,
			inStderr: "nosuchrev",
		},
		{
			name:     "a path that does not exist",
			setup:    func(r *gittest.Repo) { r.Commit("one") },
			args:     []string{"scan", "no/such/dir"},
			want:     scan.ExitUsage,
			inStderr: "cannot scan",
		},
		{
			name:     "a file instead of a folder",
			setup:    func(r *gittest.Repo) { r.Write("a.py", "x = 1\n"); r.Commit("one") },
			args:     []string{"scan", "a.py"},
			want:     scan.ExitUsage,
			inStderr: "not a directory",
		},
		{
			name: "a report that cannot be written does not hide a blocking finding",
			setup: func(r *gittest.Repo) {
				r.Write("app.py", "TOKEN = \""+gittest.GitHubPAT("unwritable")+"\"\n")
				r.Commit("leak")
			},
			args:     []string{"scan", "--scanners", "secrets", "--report", "sarif=/nonexistent/dir/x.sarif"},
			want:     scan.ExitFail,
			inStderr: "x.sarif",
		},
		{
			name:     "a report that cannot be written makes a clean scan incomplete",
			setup:    func(r *gittest.Repo) { r.Write("app.py", "x = 1\n"); r.Commit("clean") },
			args:     []string{"scan", "--scanners", "secrets", "--report", "json=/nonexistent/dir/x.json"},
			want:     scan.ExitIncomplete,
			inStderr: "x.json",
		},
		{
			name:     "history and staged together",
			setup:    func(r *gittest.Repo) { r.Commit("one") },
			args:     []string{"scan", "--history", "--staged"},
			want:     scan.ExitUsage,
			inStderr: "history",
		},
		{
			name: "corrupt repository",
			setup: func(r *gittest.Repo) {
				r.Commit("one")
				os.WriteFile(filepath.Join(r.Dir, ".git", "HEAD"), []byte("garbage\n"), 0o644)
			},
			args:     []string{"scan", "--scanners", "secrets", "--history"},
			want:     scan.ExitIncomplete,
			inStderr: "corrupt git repository",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := gittest.New(t)
			tt.setup(r)
			code, stdout, stderr := runCLI(t, r.Dir, tt.args...)
			if code != tt.want {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.want, stdout, stderr)
			}
			if tt.inStderr != "" && !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("stderr does not mention %q:\n%s", tt.inStderr, stderr)
			}
		})
	}
}

// TestNoCanaryInAnyOutput plants secrets in the tree and in history, runs
// every output format at once and checks that none of stdout, stderr or the
// report files holds a secret in clear.
func TestNoCanaryInAnyOutput(t *testing.T) {
	r := gittest.New(t)
	canaries := []string{gittest.GitHubPAT("canary-1"), gittest.StripeKey("canary-2"), gittest.AWSKey("canary-3")}
	r.Write("config/settings.py", "GITHUB_TOKEN = \""+canaries[0]+"\"\nSTRIPE = '"+canaries[1]+"'\n")
	r.Commit("settings")
	r.Write("old.env", "AWS_ACCESS_KEY_ID="+canaries[2]+"\n")
	r.Commit("add env")
	r.Remove("old.env")
	r.Commit("remove env")

	outDir := t.TempDir()
	for _, mode := range [][]string{nil, {"--history"}} {
		args := []string{"scan", "--scanners", "secrets", "-v"}
		args = append(args, mode...)
		for _, f := range []string{"json", "sarif", "markdown", "text", "github"} {
			args = append(args, "--report", f+"="+filepath.Join(outDir, strings.Join(mode, "")+"report."+f))
		}
		for _, stdoutFormat := range []string{"text", "json", "sarif", "markdown", "github"} {
			code, stdout, stderr := runCLI(t, r.Dir, append(args, "--format", stdoutFormat)...)
			if code != scan.ExitFail {
				t.Fatalf("%v --format %s: exit %d, want 1\n%s", mode, stdoutFormat, code, stderr)
			}
			for _, c := range canaries {
				if strings.Contains(stdout, c) || strings.Contains(stderr, c) {
					t.Fatalf("%v --format %s: a canary secret is in the output", mode, stdoutFormat)
				}
			}
		}
	}
	files, _ := filepath.Glob(filepath.Join(outDir, "*"))
	if len(files) != 10 {
		t.Fatalf("wrote %d report files, want 10: %v", len(files), files)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range canaries {
			if bytes.Contains(b, []byte(c)) {
				t.Errorf("%s holds a canary secret", filepath.Base(p))
			}
		}
	}
	// The history report found all three, each masked.
	var rep scan.Report
	b, _ := os.ReadFile(filepath.Join(outDir, "--historyreport.json"))
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) < 3 {
		t.Errorf("history report has %d findings, want at least 3", len(rep.Findings))
	}
	for _, f := range rep.Findings {
		if !strings.HasSuffix(f.Secret, "****") {
			t.Errorf("finding %s:%d secret %q is not masked", f.Path, f.Line, f.Secret)
		}
	}
}

// TestReportsWrittenOnFailure checks that a scan that cannot start still
// writes valid JSON and SARIF saying why.
func TestReportsWrittenOnFailure(t *testing.T) {
	r := gittest.New(t)
	r.Commit("one")
	out := t.TempDir()
	jsonPath, sarifPath := filepath.Join(out, "r.json"), filepath.Join(out, "r.sarif")
	code, _, _ := runCLI(t, r.Dir, "scan", "--range", "nosuchrev..HEAD", "--report", "json="+jsonPath, "--report", "sarif="+sarifPath)
	if code != scan.ExitUsage {
		t.Fatalf("exit %d, want 3", code)
	}
	var rep scan.Report
	b, err := os.ReadFile(jsonPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("JSON report is not valid: %v", err)
	}
	if rep.Verdict != scan.Incomplete || len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Message, "nosuchrev") {
		t.Errorf("report = %+v", rep)
	}
	var sarif map[string]any
	b, _ = os.ReadFile(sarifPath)
	if err := json.Unmarshal(b, &sarif); err != nil {
		t.Fatalf("SARIF is not valid JSON: %v", err)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "", "version")
	if code != 0 || !strings.HasPrefix(out, "pipeguard ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

// TestBaselineCreateThenScan runs baseline create with scan flags, then a
// scan against that baseline: the known leak warns, a new one blocks.
func TestBaselineCreateThenScan(t *testing.T) {
	r := gittest.New(t)
	r.Write("old.py", "TOKEN = \""+gittest.GitHubPAT("baseline-old")+"\"\n")
	r.Commit("old leak")
	file := filepath.Join(t.TempDir(), "baseline.json")
	if code, _, stderr := runCLI(t, r.Dir, "baseline", "create", "--scanners", "secrets", "--offline", "-o", file); code != 0 {
		t.Fatalf("baseline create: exit %d\n%s", code, stderr)
	}
	if code, out, _ := runCLI(t, r.Dir, "scan", "--scanners", "secrets", "--baseline", file); code != scan.ExitPass {
		t.Fatalf("scan with the baseline: exit %d, want 0\n%s", code, out)
	}
	r.Write("new.py", "KEY = \""+gittest.StripeKey("baseline-new")+"\"\n")
	r.Commit("new leak")
	code, out, _ := runCLI(t, r.Dir, "scan", "--scanners", "secrets", "--baseline", file, "--format", "json")
	if code != scan.ExitFail {
		t.Fatalf("scan with a new leak: exit %d, want 1", code)
	}
	var rep scan.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Blocking != (f.Path == "new.py") {
			t.Errorf("%s: blocking=%v", f.Location(), f.Blocking)
		}
	}
	if code, _, stderr := runCLI(t, r.Dir, "baseline", "create", "--scanners", "nope", "-o", file); code != scan.ExitUsage {
		t.Errorf("baseline create --scanners nope: exit %d, want 3\n%s", code, stderr)
	}
}

// TestGitleaksConfigFlagIsCwdRelative checks that --gitleaks-config names a
// file relative to where the command runs, also when a subfolder is scanned.
func TestGitleaksConfigFlagIsCwdRelative(t *testing.T) {
	r := gittest.New(t)
	r.Write("svc/app.py", "TOKEN = \""+gittest.GitHubPAT("cwd-relative")+"\"\n")
	r.Write("ci/gitleaks.toml", "[extend]\nuseDefault = true\n[allowlist]\npaths = ['''app\\.py''']\n")
	r.Commit("service and CI config")
	code, _, stderr := runCLI(t, r.Dir, "scan", "svc", "--scanners", "secrets", "--gitleaks-config", "ci/gitleaks.toml")
	if code != scan.ExitPass {
		t.Fatalf("exit %d, want 0 (the allowlist in ci/gitleaks.toml applies)\n%s", code, stderr)
	}
}
