package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// TestNoFileNameCanaryInAnyOutput plants a GitHub token in a file's name
// and a password that only the structure detector finds, then checks that
// neither appears in clear in any output of a tree or a history scan
// (stdout, stderr, JSON, SARIF, markdown, text, GitHub annotations) nor in
// a baseline file, and that both are reported.
func TestNoFileNameCanaryInAnyOutput(t *testing.T) {
	r := gittest.New(t)
	token := gittest.GitHubPAT("file-name-canary")
	password := "Vt7#qLw9-pX2zK" // found only by the password-assignment rule
	canaries := []string{token, password}
	r.Write("exports/"+token+".txt", "nothing secret in here\n")
	r.Write("app/settings.py", "DB_PASSWORD = \""+password+"\"\n")
	r.Commit("token in a file name, password in settings")

	outDir := t.TempDir()
	for _, mode := range [][]string{nil, {"--history"}} {
		name := "tree"
		if mode != nil {
			name = "history"
		}
		args := append([]string{"scan", "--scanners", "secrets", "-v"}, mode...)
		for _, f := range []string{"json", "sarif", "markdown", "text", "github"} {
			args = append(args, "--report", f+"="+filepath.Join(outDir, name+"."+f))
		}
		code, stdout, stderr := runCLI(t, r.Dir, args...)
		if code != scan.ExitFail {
			t.Fatalf("%s: exit %d, want 1\n%s", name, code, stderr)
		}
		for _, c := range canaries {
			if strings.Contains(stdout, c) || strings.Contains(stderr, c) {
				t.Fatalf("%s: a canary is in stdout or stderr", name)
			}
		}
		var rep scan.Report
		b, err := os.ReadFile(filepath.Join(outDir, name+".json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &rep); err != nil {
			t.Fatal(err)
		}
		rules := map[string]scan.Finding{}
		for _, f := range rep.Findings {
			rules[f.Rule] = f
		}
		pat, ok := rules["github-pat"]
		if !ok {
			t.Fatalf("%s: the token in the file name was not reported: %+v", name, rep.Findings)
		}
		if want := "exports/" + scan.Mask(token) + ".txt"; pat.Path != want || pat.Line != 0 || !pat.Blocking {
			t.Errorf("%s: file-name finding at %q line %d blocking %v, want %q line 0 blocking", name, pat.Path, pat.Line, pat.Blocking, want)
		}
		if f, ok := rules["password-assignment"]; !ok || f.Path != "app/settings.py" || f.Line != 1 {
			t.Errorf("%s: password-assignment finding = %+v", name, f)
		}
	}

	base := filepath.Join(outDir, "baseline.json")
	if code, _, stderr := runCLI(t, r.Dir, "baseline", "create", "--scanners", "secrets", "--offline", "-o", base); code != 0 {
		t.Fatalf("baseline create: exit %d\n%s", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(outDir, "*"))
	if len(files) != 11 {
		t.Fatalf("wrote %d files, want 11: %v", len(files), files)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range canaries {
			if bytes.Contains(b, []byte(c)) {
				t.Errorf("%s holds a canary in clear", filepath.Base(p))
			}
		}
	}
}
