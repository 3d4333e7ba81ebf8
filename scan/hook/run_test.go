package hook

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/engine"
)

// fakeScan records the options Run passes and returns a canned report.
type fakeScan struct {
	calls []engine.Options
	rep   func(engine.Options) *scan.Report
	err   error
}

func (f *fakeScan) scan(_ context.Context, o engine.Options) (*scan.Report, error) {
	f.calls = append(f.calls, o)
	if f.err != nil {
		return nil, f.err
	}
	rep := scan.NewReport(o.Root, scan.Tool{Name: "pipeguard"}, scan.TargetInfo{Mode: string(o.Mode), Range: o.Range})
	if f.rep != nil {
		rep = f.rep(o)
	}
	rep.Decide()
	return rep, nil
}

// pushRepo is a repository whose main is on origin at base, with one more
// commit that changes files.
func pushRepo(t *testing.T, files map[string]string) (r *repo, in string) {
	t.Helper()
	r = newRepo(t)
	r.withRemote()
	base := r.commit("base", map[string]string{"README.md": "hello\n"})
	r.Git("push", "-q", "origin", "main")
	head := r.commit("change", files)
	return r, update("refs/heads/main", head, "refs/heads/main", base)
}

func runHook(t *testing.T, r *repo, in string, fs *fakeScan) (*Result, string) {
	t.Helper()
	var out strings.Builder
	res := Run(context.Background(), Options{Dir: r.Dir, Remote: "origin", URL: "/x", In: strings.NewReader(in), Out: &out, Scan: fs.scan})
	return res, out.String()
}

func TestRunChoosesScanners(t *testing.T) {
	tests := []struct {
		name        string
		files       map[string]string
		want        []string
		wantChanged bool
		wantNote    string
		wantDB      string
	}{
		{name: "text only", files: map[string]string{"docs/a.md": "x\n"}, want: []string{"secrets"}},
		{name: "python", files: map[string]string{"app/main.py": "x = 1\n"}, want: []string{"secrets", "config"}, wantChanged: true},
		{name: "dockerfile", files: map[string]string{"Dockerfile": "FROM python\n"}, want: []string{"secrets", "config"}, wantChanged: true},
		{name: "lockfile without database", files: map[string]string{"go.mod": "module x\n"}, want: []string{"secrets"}, wantNote: "skipped the dependency audit of go.mod"},
		{name: "lockfile with offline database", files: map[string]string{
			"go.sum":           "",
			"requirements.txt": "fastapi==0.1\n",
			".pipeguard.yaml":  "deps:\n  osv_db: /var/cache/osv\n  go_vulndb: https://vuln.go.dev\n",
			"app.py":           "x = 1\n",
		}, want: []string{"secrets", "deps", "config"}, wantChanged: true, wantDB: "/var/cache/osv"},
		{name: "go module without a local go database", files: map[string]string{
			"go.mod":           "module x\n",
			"requirements.txt": "fastapi==0.1\n",
			".pipeguard.yaml":  "deps:\n  osv_db: /var/cache/osv\n",
		}, want: []string{"secrets", "config"}, wantChanged: true, wantNote: "online Go vulnerability database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			for k, v := range tt.files {
				if v == "" {
					v = "placeholder\n"
				}
				files[k] = v
			}
			r, in := pushRepo(t, files)
			fs := &fakeScan{}
			res, out := runHook(t, r, in, fs)
			if res.Exit != 0 {
				t.Fatalf("exit %d:\n%s", res.Exit, out)
			}
			if len(fs.calls) != 1 {
				t.Fatalf("%d scans, want 1", len(fs.calls))
			}
			o := fs.calls[0]
			if !slices.Equal(o.Scanners, tt.want) {
				t.Errorf("scanners %q, want %q", o.Scanners, tt.want)
			}
			if o.Mode != scan.ModeRange || o.Range != res.Push.Range() || !strings.Contains(o.Range, "..") {
				t.Errorf("mode %s range %q, want range mode with the push's A..B", o.Mode, o.Range)
			}
			if o.Event != "pre-push" || o.Branch != "main" || o.Online {
				t.Errorf("event %q branch %q online %v", o.Event, o.Branch, o.Online)
			}
			if (o.Changed != nil) != tt.wantChanged {
				t.Errorf("Changed = %v, want set: %v", o.Changed, tt.wantChanged)
			}
			if tt.wantNote != "" && !strings.Contains(out, tt.wantNote) {
				t.Errorf("output lacks %q:\n%s", tt.wantNote, out)
			}
			if o.OSVDB != tt.wantDB || o.GoVulnDB != "" {
				t.Errorf("databases go %q osv %q, want osv %q and no network one", o.GoVulnDB, o.OSVDB, tt.wantDB)
			}
		})
	}
}

func TestRunBlockingFinding(t *testing.T) {
	r, in := pushRepo(t, map[string]string{"app/settings.py": "a = 1\nb = 2\ntoken = 'x'\n"})
	fs := &fakeScan{rep: func(o engine.Options) *scan.Report {
		rep := scan.NewReport(o.Root, scan.Tool{}, scan.TargetInfo{})
		rep.Findings = []scan.Finding{
			{Scanner: "secrets", Rule: "github-pat", Severity: scan.High, Title: "GitHub Personal Access Token",
				Message: "GitHub Personal Access Token", Path: "app/settings.py", Line: 3, Secret: "ghp_****",
				Commit: strings.Repeat("ab", 20), Blocking: true},
			{Scanner: "config", Rule: "fastapi-debug", Severity: scan.Low, Path: "app/settings.py", Line: 1},
		}
		return rep
	}}
	res, out := runHook(t, r, in, fs)
	if res.Exit != scan.ExitFail {
		t.Fatalf("exit %d, want %d:\n%s", res.Exit, scan.ExitFail, out)
	}
	for _, want := range []string{
		"app/settings.py:3 github-pat GitHub Personal Access Token (secret ghp_****) [commit abababab",
		"How to fix: remove each secret from the commits",
		`  # pipeguard:ignore github-pat reason="..."`,
		"git push --no-verify",
		"1 finding(s) reported but not blocking",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestRunScanErrors(t *testing.T) {
	incomplete := func(o engine.Options) *scan.Report {
		rep := scan.NewReport(o.Root, scan.Tool{}, scan.TargetInfo{})
		rep.Errors = []scan.Error{{Scanner: "secrets", Message: "git log failed"}}
		return rep
	}
	tests := []struct {
		name     string
		failOpen bool
		config   string // .pipeguard.yaml, when not the failOpen one
		fs       *fakeScan
		want     int
		wantOut  string
	}{
		{name: "incomplete blocks", fs: &fakeScan{rep: incomplete}, want: scan.ExitIncomplete, wantOut: "secrets scanner failed: git log failed"},
		{name: "incomplete with fail_open passes", failOpen: true, fs: &fakeScan{rep: incomplete}, want: scan.ExitPass, wantOut: "fail_open: true"},
		{name: "error blocks", fs: &fakeScan{err: errors.New("boom")}, want: scan.ExitIncomplete, wantOut: "could not run: boom"},
		{name: "config error blocks", fs: &fakeScan{err: &scan.ConfigError{Path: ".pipeguard.yaml", Line: 2, Err: errors.New("unknown key")}},
			want: scan.ExitUsage, wantOut: ".pipeguard.yaml:2: unknown key"},
		{name: "error with fail_open passes", failOpen: true, fs: &fakeScan{err: errors.New("boom")}, want: scan.ExitPass, wantOut: "pushing anyway"},
		{name: "broken config with fail_open passes", config: "fail_open: true\nfail_on: catastrophic\n",
			fs: &fakeScan{err: &scan.ConfigError{Path: ".pipeguard.yaml", Line: 2, Err: errors.New("unknown severity")}}, want: scan.ExitPass, wantOut: "fail_open: true"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{"a.txt": "a\n"}
			if tt.failOpen {
				files[".pipeguard.yaml"] = "fail_open: true\n"
			}
			if tt.config != "" {
				files[".pipeguard.yaml"] = tt.config
			}
			r, in := pushRepo(t, files)
			res, out := runHook(t, r, in, tt.fs)
			if res.Exit != tt.want {
				t.Errorf("exit %d, want %d", res.Exit, tt.want)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("output lacks %q:\n%s", tt.wantOut, out)
			}
			if tt.want != 0 && !strings.Contains(out, "--no-verify") {
				t.Errorf("a blocked push does not say how to bypass:\n%s", out)
			}
		})
	}
}

func TestRunNothingToScan(t *testing.T) {
	r, _ := pushRepo(t, map[string]string{"a.txt": "a\n"})
	fs := &fakeScan{}
	in := update("(delete)", zero, "refs/heads/old", r.rev("HEAD~1"))
	res, out := runHook(t, r, in, fs)
	if res.Exit != 0 || len(fs.calls) != 0 || !strings.Contains(out, "refs/heads/old: deleted, nothing to scan") {
		t.Fatalf("deletion: exit %d, %d scans:\n%s", res.Exit, len(fs.calls), out)
	}
	// Git may run the hook with no input at all (nothing to push).
	res, out = runHook(t, r, "", fs)
	if res.Exit != 0 || len(fs.calls) != 0 || out != "" {
		t.Fatalf("empty input: exit %d, %d scans, output %q", res.Exit, len(fs.calls), out)
	}
}

func TestRunBadInputBlocks(t *testing.T) {
	r, _ := pushRepo(t, map[string]string{"a.txt": "a\n"})
	res, out := runHook(t, r, "garbage\n", &fakeScan{})
	if res.Exit == 0 || !strings.Contains(out, "line 1") {
		t.Fatalf("exit %d, output:\n%s", res.Exit, out)
	}
}

func TestRunFromSubfolder(t *testing.T) {
	r, in := pushRepo(t, map[string]string{"sub/a.txt": "a\n"})
	fs := &fakeScan{}
	res := Run(context.Background(), Options{Dir: filepath.Join(r.Dir, "sub"), In: strings.NewReader(in), Scan: fs.scan})
	if res.Exit != 0 || len(fs.calls) != 1 {
		t.Fatalf("exit %d, %d scans", res.Exit, len(fs.calls))
	}
	if want, _ := filepath.EvalSymlinks(r.Dir); fs.calls[0].Root != want {
		t.Errorf("scanned %s, want the work tree's top %s", fs.calls[0].Root, want)
	}
}

func TestRunSkipsTreeChecksForABranchNotCheckedOut(t *testing.T) {
	r, _ := pushRepo(t, map[string]string{"a.txt": "a\n"})
	base := r.rev("HEAD")
	r.Git("checkout", "-q", "-b", "feature")
	c := r.commit("python", map[string]string{"app.py": "x = 1\n"})
	r.Git("checkout", "-q", "main")
	fs := &fakeScan{}
	res, out := runHook(t, r, update("refs/heads/feature", c, "refs/heads/feature", base), fs)
	if res.Exit != 0 || len(fs.calls) != 1 {
		t.Fatalf("exit %d, %d scans:\n%s", res.Exit, len(fs.calls), out)
	}
	if got := fs.calls[0].Scanners; !slices.Equal(got, []string{"secrets"}) {
		t.Errorf("scanners %q, want secrets alone", got)
	}
	if !strings.Contains(out, "skipped the config checks") {
		t.Errorf("output does not say config was skipped:\n%s", out)
	}
}
