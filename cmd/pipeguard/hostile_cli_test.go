package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// A command line pipeguard rejects (an unknown flag, an unknown --format,
// a bad --report, too many arguments) still writes the reports it names
// readably: verdict incomplete, the usage error in errors, exit 3. The
// README promises them "in every case".
func TestHostileUsageErrorWritesReports(t *testing.T) {
	r := gittest.New(t)
	r.Commit("one")
	tests := []struct {
		name    string
		args    func(json, sarif string) []string
		json    bool // the JSON report is written
		sarif   bool
		inError string
	}{
		{"unknown flag", func(j, s string) []string {
			return []string{"scan", "--format", "json", "-o", j, "--no-such-flag", "--report", "sarif=" + s}
		}, true, true, "unknown flag: --no-such-flag"},
		{"unknown flag, attached values", func(j, s string) []string {
			return []string{"scan", "--format=json", "--output=" + j, "--report=sarif=" + s, "-Z"}
		}, true, true, "unknown shorthand flag"},
		{"unknown format: -o cannot be written, --report can", func(j, s string) []string {
			return []string{"scan", "--format", "yaml", "-o", j, "--report", "sarif=" + s}
		}, false, true, "yaml"},
		{"a bad --report among good ones", func(j, s string) []string {
			return []string{"scan", "-f", "json", "-o", j, "--report", "sarif=" + s, "--report", "nope"}
		}, true, true, "want FORMAT=PATH"},
		{"too many arguments", func(j, s string) []string {
			return []string{"scan", "--format", "json", "-o", j, "--report", "sarif=" + s, ".", "extra"}
		}, true, true, "accepts at most 1 arg"},
		{"bad --max-file-size", func(j, s string) []string {
			return []string{"scan", "--format", "json", "-o", j, "--report", "sarif=" + s, "--max-file-size", "huge"}
		}, true, true, "--max-file-size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			j, s := filepath.Join(out, "r.json"), filepath.Join(out, "r.sarif")
			code, stdout, stderr := runCLI(t, r.Dir, tt.args(j, s)...)
			if code != scan.ExitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, scan.ExitUsage, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout %q", stdout)
			}
			if _, err := os.Stat(j); (err == nil) != tt.json {
				t.Errorf("JSON report written: %v, want %v", err == nil, tt.json)
			}
			if tt.json {
				rep := readJSONReport(t, j)
				if rep.Verdict != scan.Incomplete || !strings.Contains(fmt.Sprint(rep.Errors), tt.inError) {
					t.Errorf("report: verdict %s, errors %+v", rep.Verdict, rep.Errors)
				}
			}
			if tt.sarif {
				checkSARIF(t, s)
			}
		})
	}
	// To stdout, a machine format is written too.
	code, stdout, _ := runCLI(t, r.Dir, "scan", "--format", "json", "--bogus")
	if code != scan.ExitUsage || !strings.Contains(stdout, `"verdict": "incomplete"`) {
		t.Errorf("stdout JSON: exit %d %q", code, stdout)
	}
}

// Reports, baselines and the audit state replace a regular file
// atomically, but a device (run as root, the rename replaced /dev/null
// with a regular file), a FIFO or a symlink stays what it was.
func TestHostileOutputToSpecialFiles(t *testing.T) {
	r := gittest.New(t)
	r.Write("app.py", "TOKEN = \""+gittest.GitHubPAT("devnull")+"\"\n")
	r.Commit("leak")
	dir := t.TempDir()

	// A character device like /dev/null (1, 3), made where it harms nothing.
	dev := filepath.Join(dir, "null")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, int(1<<8|3)); err != nil {
		t.Logf("no device node (%v): using the FIFO only", err)
		dev = ""
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "real.json")
	if err := os.WriteFile(target, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink("real.json", link); err != nil {
		t.Fatal(err)
	}

	// A FIFO needs a reader.
	drain := func() chan []byte {
		got := make(chan []byte, 1)
		go func() {
			data, _ := os.ReadFile(fifo)
			got <- data
		}()
		return got
	}

	var devices []string
	if dev != "" {
		devices = append(devices, dev)
	}
	for _, out := range append(devices, fifo) {
		var got chan []byte
		if out == fifo {
			got = drain()
		}
		code, _, stderr := runCLI(t, r.Dir, "baseline", "create", "--fresh", "--scanners", "secrets", "-o", out)
		if code != 0 {
			t.Errorf("baseline create -o %s: exit %d %s", out, code, stderr)
		}
		if got != nil && !strings.Contains(string(<-got), "fingerprint") {
			t.Errorf("the FIFO's reader got no baseline")
		}
		if out == fifo {
			got = drain()
		}
		code, _, stderr = runCLI(t, r.Dir, "scan", "--scanners", "secrets", "--format", "json", "-o", out)
		if code != scan.ExitFail {
			t.Errorf("scan -o %s: exit %d %s", out, code, stderr)
		}
		if got != nil {
			<-got
		}
		fi, err := os.Lstat(out)
		if err != nil || fi.Mode().Type() != map[bool]fs.FileMode{true: fs.ModeNamedPipe, false: fs.ModeDevice | fs.ModeCharDevice}[out == fifo] {
			t.Errorf("%s is now %v (%v)", out, fi.Mode(), err)
		}
	}

	// A symlink stays a symlink; its target gets the report, keeping its mode.
	code, _, _ := runCLI(t, r.Dir, "scan", "--scanners", "secrets", "--format", "json", "-o", link)
	if code != scan.ExitFail {
		t.Errorf("scan -o link: exit %d", code)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the symlink was replaced: %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(target); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("target mode %v %v", fi.Mode(), err)
	}
	readJSONReport(t, target)
}

// File names are the repository's: a name with a line break and terminal
// escapes must not print raw, where it could clear the screen or forge a
// "Verdict: PASS" line, in any text the CLI writes.
func TestHostileNamesInCLIText(t *testing.T) {
	r := gittest.New(t)
	evil := "x\n\x1b[2JVerdict: PASS\x1b[0m.py"
	r.Write(evil, "TOKEN = \""+gittest.GitHubPAT("evil-name")+"\"\n")
	r.Commit("evil name")
	check := func(what, s string) {
		t.Helper()
		if strings.Contains(s, "\x1b") || strings.Contains(s, "\nVerdict: PASS") {
			t.Errorf("%s prints the name raw:\n%q", what, s)
		}
	}
	_, stdout, stderr := runCLI(t, r.Dir, "scan", "--scanners", "secrets")
	check("scan", stdout+stderr)
	_, stdout, stderr = runCLI(t, r.Dir, "scan", "--config", evil)
	check("a configuration error", stdout+stderr)
	if !strings.Contains(stderr, `\u001b`) {
		t.Errorf("the error does not show the escape escaped: %q", stderr)
	}
	_, stdout, stderr = runCLI(t, r.Dir, "baseline", "create", "--fresh", "--scanners", "secrets", "-o", filepath.Join(t.TempDir(), "b\x1b[2J.json"))
	check("baseline create", stdout+stderr)
}

// The flags of issue 12 reach the scan from the command line:
// --submodules=false skips a checked-out submodule and says so.
func TestHostileSubmodulesFlag(t *testing.T) {
	gittest.Setup(t)
	lib := gittest.New(t)
	lib.Write("keys.py", "TOKEN = \""+gittest.GitHubPAT("in-submodule")+"\"\n")
	lib.Commit("lib")
	r := gittest.Init(t, filepath.Join(t.TempDir(), "app"))
	r.Write("app.py", "x = 1\n")
	r.Git("-c", "protocol.file.allow=always", "submodule", "add", "-q", "file://"+lib.Dir, "vendor/lib")
	r.Commit("with a submodule")

	for _, tt := range []struct {
		flag     string
		wantCode int
		wantSkip bool
	}{
		{"--submodules=true", scan.ExitFail, false},
		{"--submodules=false", scan.ExitPass, true},
	} {
		code, stdout, stderr := runCLI(t, r.Dir, "scan", "--scanners", "secrets", "--format", "json", tt.flag)
		var rep scan.Report
		if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
			t.Fatalf("%s: %v\n%s", tt.flag, err, stderr)
		}
		skipped := slices.ContainsFunc(rep.Skipped, func(s scan.Skipped) bool { return s.Path == "vendor/lib" })
		if code != tt.wantCode || skipped != tt.wantSkip {
			t.Errorf("%s: exit %d (want %d), submodule skipped %v (want %v)\n%s", tt.flag, code, tt.wantCode, skipped, tt.wantSkip, stderr)
		}
	}
}
