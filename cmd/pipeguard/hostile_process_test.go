package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// The hostile tests that need a real pipeguard process (signals, another
// user) run this test binary again as pipeguard: with PIPEGUARD_TEST_MAIN
// set, TestMain runs the command line instead of the tests. With
// PIPEGUARD_TEST_BLOCK_AT=STAGE, the process says "pipeguard-test: blocked
// at STAGE" on stderr when a scan enters that stage (scan.StageWalk...
// scan.StageReport) and waits there until it is interrupted, so that a
// test interrupts it at that very point.
func TestMain(m *testing.M) {
	if os.Getenv("PIPEGUARD_TEST_MAIN") == "1" {
		s := Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv}
		if at := os.Getenv("PIPEGUARD_TEST_BLOCK_AT"); at != "" {
			s.Progress = func(ctx context.Context, stage string) {
				if stage == at {
					fmt.Fprintf(os.Stderr, "pipeguard-test: blocked at %s\n", stage)
					<-ctx.Done()
				}
			}
		}
		os.Exit(run(s))
	}
	os.Exit(m.Run())
}

// pipeguardBinary is this test binary, which runs as pipeguard (see
// TestMain), copied where any user can run it.
func pipeguardBinary(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	dir := openDir(t)
	bin := filepath.Join(dir, "pipeguard")
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

// openDir is a temporary folder any user can read, write and enter, as can
// its parents.
func openDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for d, top := dir, filepath.Clean(os.TempDir()); d != "/" && d != top; d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o777|os.ModeSticky); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// pipeguardCmd is a pipeguard process for args, not started.
func pipeguardCmd(t *testing.T, bin string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(os.Environ(), "PIPEGUARD_TEST_MAIN=1", "NO_COLOR=1"), env...)
	return cmd
}

// exitCode is the process's exit code, or -1 when a signal killed it.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatalf("run pipeguard: %v", err)
	}
	return ee.ExitCode()
}

// readReport reads a JSON report and fails the test when it is not one.
func readJSONReport(t *testing.T, path string) *scan.Report {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("report %s: %v", path, err)
	}
	var rep scan.Report
	if err := json.Unmarshal(data, &rep); err != nil || rep.Version != scan.ReportVersion {
		t.Fatalf("report %s is not a valid JSON report (%v):\n%s", path, err, data)
	}
	return &rep
}

// checkSARIF fails the test unless path holds a SARIF 2.1.0 log with runs.
func checkSARIF(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("SARIF %s: %v", path, err)
	}
	var log map[string]any
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("SARIF %s is not JSON: %v", path, err)
	}
	runs, _ := log["runs"].([]any)
	if log["version"] != "2.1.0" || len(runs) == 0 {
		t.Fatalf("SARIF %s: version %v, %d runs", path, log["version"], len(runs))
	}
	return log
}

// interruptFixture is a repository every stage of a scan has work in: a
// leaked token (secrets), a FastAPI app (parse, policy), and so a verdict
// for the gate.
func interruptFixture(t *testing.T) string {
	r := gittest.New(t)
	r.Write("app/main.py", "from fastapi import FastAPI\n\napp = FastAPI(debug=True)\n\n@app.get('/items')\ndef items():\n    return []\n")
	r.Write("app/settings.py", "TOKEN = \""+gittest.GitHubPAT("sigint")+"\"\n")
	r.Write("Dockerfile", "FROM python:3.12\nCMD uvicorn app.main:app --reload\n")
	r.Commit("app")
	return r.Dir
}

// SIGINT (or SIGTERM) at every stage of a scan (walk, parse, policy, gate,
// report) ends pipeguard with exit 130, one documented code, and the
// reports asked for are written, valid, marked incomplete and interrupted.
// The process waits at the stage until the signal comes (TestMain), so the
// point is reached every time, however slow the machine.
func TestHostileInterruptProcess(t *testing.T) {
	repo := interruptFixture(t)
	bin := pipeguardBinary(t)
	type tc struct {
		stage string
		sig   syscall.Signal
	}
	cases := []tc{
		{scan.StageWalk, syscall.SIGINT}, {scan.StageParse, syscall.SIGINT}, {scan.StagePolicy, syscall.SIGINT},
		{scan.StageGate, syscall.SIGINT}, {scan.StageReport, syscall.SIGINT}, {scan.StageParse, syscall.SIGTERM},
	}
	for _, c := range cases {
		t.Run(c.stage+"-"+c.sig.String(), func(t *testing.T) {
			out := t.TempDir()
			jsonPath, sarifPath, mdPath := filepath.Join(out, "report.json"), filepath.Join(out, "report.sarif"), filepath.Join(out, "summary.md")
			cmd := pipeguardCmd(t, bin, []string{"PIPEGUARD_TEST_BLOCK_AT=" + c.stage},
				"scan", "--scanners", "secrets,config", "--offline", "--no-cache", "--format", "json", "-o", jsonPath,
				"--report", "sarif="+sarifPath, "--report", "markdown="+mdPath, repo)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			var rest strings.Builder
			reached := make(chan bool, 1)
			go func() {
				sc := bufio.NewScanner(stderr)
				found := false
				for sc.Scan() {
					if !found && sc.Text() == "pipeguard-test: blocked at "+c.stage {
						found = true
						reached <- true
						continue
					}
					rest.WriteString(sc.Text() + "\n")
				}
				if !found {
					reached <- false
				}
			}()
			select {
			case ok := <-reached:
				if !ok {
					cmd.Wait()
					t.Fatalf("the scan never reached stage %s:\n%s", c.stage, rest.String())
				}
			case <-time.After(2 * time.Minute):
				cmd.Process.Kill()
				t.Fatalf("stage %s not reached in 2 minutes", c.stage)
			}
			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var werr error
			select {
			case werr = <-done:
			case <-time.After(2 * time.Minute):
				cmd.Process.Kill()
				t.Fatalf("pipeguard did not stop after %v", c.sig)
			}
			if code := exitCode(t, werr); code != scan.ExitInterrupted {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, scan.ExitInterrupted, rest.String())
			}
			rep := readJSONReport(t, jsonPath)
			if rep.Verdict != scan.Incomplete || !rep.Interrupted {
				t.Errorf("report: verdict %s interrupted %v", rep.Verdict, rep.Interrupted)
			}
			if !strings.Contains(fmt.Sprint(rep.Errors), "interrupted") || strings.Contains(fmt.Sprint(rep.Errors), "context canceled") {
				t.Errorf("report errors %+v", rep.Errors)
			}
			if !strings.Contains(fmt.Sprint(checkSARIF(t, sarifPath)), "executionSuccessful:false") {
				t.Errorf("the SARIF log does not say the run was unsuccessful")
			}
			if md, err := os.ReadFile(mdPath); err != nil || !strings.Contains(strings.ToLower(string(md)), "incomplete") {
				t.Errorf("markdown summary: %v\n%s", err, md)
			}
			if strings.Contains(rest.String(), "panic") {
				t.Errorf("stderr shows a panic:\n%s", rest.String())
			}
		})
	}
}

// An unreadable file is an incomplete scan (exit 2), not "not scanned" and
// a pass, unless a configured exclude covers it. Root reads anything, so
// when the tests run as root pipeguard runs as another user.
func TestHostileUnreadableFile(t *testing.T) {
	bin := pipeguardBinary(t)
	dir := openDir(t)
	repo := filepath.Join(dir, "repo")
	r := gittest.Init(t, repo)
	r.Write("app.py", "x = 1\n")
	r.Write("private/key.pem", "not for you\n")
	r.Commit("files")
	if err := os.Chmod(filepath.Join(repo, "private", "key.pem"), 0); err != nil {
		t.Fatal(err)
	}
	// Another user's repository: trusted through safe.directory in the
	// global configuration the process reads.
	global := filepath.Join(dir, "gitconfig")
	if err := os.WriteFile(global, []byte("[safe]\n\tdirectory = *\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := filepath.Walk(repo, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == filepath.Join(repo, "private", "key.pem") {
			return err
		}
		return os.Chmod(p, fi.Mode().Perm()|0o755)
	}); err != nil {
		t.Fatal(err)
	}

	scanAs := func(t *testing.T, args ...string) (int, *scan.Report, string) {
		t.Helper()
		out := filepath.Join(dir, fmt.Sprintf("report-%d.json", time.Now().UnixNano()))
		cmd := pipeguardCmd(t, bin, []string{"GIT_CONFIG_GLOBAL=" + global, "HOME=" + dir},
			append([]string{"scan", "--scanners", "secrets,config", "--offline", "--no-cache", "--format", "json", "-o", out}, append(args, repo)...)...)
		if os.Geteuid() == 0 {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		}
		var errb strings.Builder
		cmd.Stderr = &errb
		err := cmd.Run()
		return exitCode(t, err), readJSONReport(t, out), errb.String()
	}

	code, rep, stderr := scanAs(t)
	if code != scan.ExitIncomplete || rep.Verdict != scan.Incomplete {
		t.Errorf("exit %d verdict %s, want 2 incomplete; stderr:\n%s", code, rep.Verdict, stderr)
	}
	if !strings.Contains(fmt.Sprint(rep.Errors), "private/key.pem could not be read") {
		t.Errorf("errors %+v", rep.Errors)
	}

	// Excluded by the configuration: listed as skipped, and the scan passes.
	r.Write(".pipeguard.yaml", "exclude: [private/]\n")
	if err := os.Chmod(filepath.Join(repo, ".pipeguard.yaml"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, rep, stderr = scanAs(t)
	if code != scan.ExitPass || len(rep.Errors) != 0 {
		t.Errorf("excluded: exit %d errors %+v; stderr:\n%s", code, rep.Errors, stderr)
	}
	if !strings.Contains(fmt.Sprint(rep.Skipped), "private/key.pem") {
		t.Errorf("excluded: skipped %+v", rep.Skipped)
	}
}

// A repository owned by another user (CI containers) says what happened
// and how to allow it, exit 3, instead of "corrupt git repository".
func TestHostileDubiousOwnershipCLI(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give the repository to another user")
	}
	r := gittest.New(t)
	r.Write("a.py", "x = 1\n")
	r.Commit("one")
	if err := filepath.Walk(r.Dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, 4242, 4242)
	}); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "r.json")
	code, _, stderr := runCLI(t, "", "scan", "--scanners", "secrets", "--format", "json", "-o", out, r.Dir)
	if code != scan.ExitUsage || !strings.Contains(stderr, "safe.directory") || strings.Contains(stderr, "corrupt") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	rep := readJSONReport(t, out)
	if !strings.Contains(fmt.Sprint(rep.Errors), "dubious ownership") {
		t.Errorf("report errors %+v", rep.Errors)
	}
}
