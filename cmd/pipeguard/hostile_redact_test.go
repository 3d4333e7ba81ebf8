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

// The password of a database mirror given on the command line or in
// .pipeguard.yaml never reaches an output: stdout, stderr (with -v), any
// report format, the step summary (issue 12, item 1).
func TestHostileDatabaseURLCredentialsMasked(t *testing.T) {
	const pw = "PASSWORDcanary1234"
	// Port 1 on the loopback refuses at once: the database is unreachable
	// and the error names its URL.
	mirror := "https://ci:" + pw + "@127.0.0.1:1/"
	tests := []struct {
		name   string
		config string
		args   []string
		want   int
	}{
		{name: "--go-vulndb", args: []string{"--scanners", "deps", "--go-vulndb", mirror}, want: scan.ExitIncomplete},
		{name: "--go-vulndb with a token in the query", args: []string{"--scanners", "deps", "--go-vulndb", "https://127.0.0.1:1/db?token=" + pw}, want: scan.ExitIncomplete},
		{name: "deps.go_vulndb", config: "deps:\n  go_vulndb: " + mirror + "\n", args: []string{"--scanners", "deps"}, want: scan.ExitIncomplete},
		{name: "deps.osv_db", config: "deps:\n  osv_db: " + mirror + "all.zip\n", args: []string{"--scanners", "deps"}, want: scan.ExitUsage},
		{name: "--osv-db", args: []string{"--scanners", "deps", "--osv-db", mirror + "all.zip"}, want: scan.ExitUsage},
		{name: "unsupported scheme", args: []string{"--scanners", "deps", "--go-vulndb", "ftp://ci:" + pw + "@127.0.0.1/db"}, want: scan.ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := gittest.New(t)
			r.Write("go.mod", "module example.com/app\n\ngo 1.22\n")
			r.Write("main.go", "package main\n\nfunc main() {}\n")
			r.Write("requirements.txt", "requests==2.0.0\n")
			if tt.config != "" {
				r.Write(".pipeguard.yaml", tt.config)
			}
			r.Commit("app")
			out := t.TempDir()
			summary := filepath.Join(out, "step-summary.md")
			args := append([]string{"scan", "-v", "--no-cache", "--offline=false", "--online=false", "--github"}, tt.args...)
			for _, f := range []string{"json", "sarif", "markdown", "text", "github"} {
				args = append(args, "--report", f+"="+filepath.Join(out, "report."+f))
			}
			env := map[string]string{"NO_COLOR": "1", "GITHUB_STEP_SUMMARY": summary}
			for _, stdoutFormat := range []string{"text", "json"} {
				var stdout, stderr bytes.Buffer
				t.Chdir(r.Dir)
				code := Main(context.Background(), append(args, "--format", stdoutFormat), Streams{In: strings.NewReader(""), Out: &stdout, Err: &stderr,
					Getenv: func(k string) string { return env[k] }})
				if code != tt.want {
					t.Fatalf("exit %d, want %d\n%s", code, tt.want, stderr.String())
				}
				for name, s := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
					if strings.Contains(s, pw) {
						t.Errorf("--format %s: %s holds the password:\n%s", stdoutFormat, name, s)
					}
				}
			}
			files, _ := filepath.Glob(filepath.Join(out, "*"))
			if len(files) < 5 {
				t.Fatalf("reports written: %v", files)
			}
			for _, p := range files {
				b, _ := os.ReadFile(p)
				if bytes.Contains(b, []byte(pw)) {
					t.Errorf("%s holds the password:\n%s", filepath.Base(p), b)
				}
			}
			var rep scan.Report
			b, _ := os.ReadFile(filepath.Join(out, "report.json"))
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			if len(rep.Errors) == 0 || !strings.Contains(rep.Errors[0].Message, "****") {
				t.Errorf("the report's errors should name the masked location: %+v", rep.Errors)
			}
		})
	}
}
