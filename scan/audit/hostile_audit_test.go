package audit

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/engine"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// The audit state written to a device or a FIFO is written to it, not
// replaced by a regular file (run as root, the atomic rename replaced
// /dev/null).
func TestHostileStateToDevice(t *testing.T) {
	dir := t.TempDir()
	targets := map[string]fs.FileMode{}
	dev := filepath.Join(dir, "null")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, int(1<<8|3)); err == nil {
		targets[dev] = fs.ModeDevice | fs.ModeCharDevice
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o666); err != nil {
		t.Fatal(err)
	}
	targets[fifo] = fs.ModeNamedPipe
	for p, mode := range targets {
		done := make(chan []byte, 1)
		if p == fifo {
			go func() {
				data, _ := os.ReadFile(fifo)
				done <- data
			}()
		}
		if err := NewState().Save(p); err != nil {
			t.Fatalf("save to %s: %v", p, err)
		}
		if p == fifo && !strings.Contains(string(<-done), "repositories") {
			t.Error("the FIFO's reader got no state")
		}
		fi, err := os.Lstat(p)
		if err != nil || fi.Mode().Type() != mode {
			t.Errorf("%s is now %v (%v)", p, fi.Mode(), err)
		}
	}
}

// An audit a signal stops ends with exit 130, writes its reports, and
// records the repositories it did not finish as not audited, keeping the
// state of the last complete audit for them.
func TestHostileAuditInterrupted(t *testing.T) {
	gittest.Setup(t)
	root := t.TempDir()
	var targets []Target
	for _, name := range []string{"one", "two", "three"} {
		r := gittest.Init(t, filepath.Join(root, "src", name))
		r.CommitFiles("readme", map[string]string{"README.md": "# " + name + "\n"})
		tg, err := ParseSpec(r.Dir, "", "")
		if err != nil {
			t.Fatal(err)
		}
		targets = append(targets, tg)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	scanned := 0
	out := filepath.Join(root, "out")
	a, err := Run(ctx, Options{Targets: targets, Out: out, State: filepath.Join(root, "state.json"), Jobs: 1,
		ScanFunc: func(ctx context.Context, o engine.Options) (*scan.Report, error) {
			scanned++
			if scanned == 2 {
				cancel(errors.New("interrupt signal received"))
				return engine.Interrupt(ctx, nil, o.Root, "", scan.TargetInfo{}), nil
			}
			return engine.Scan(ctx, o)
		}})
	if err != nil {
		t.Fatal(err)
	}
	if !a.Interrupted || a.ExitCode() != scan.ExitInterrupted {
		t.Errorf("interrupted %v, exit %d", a.Interrupted, a.ExitCode())
	}
	if a.Totals.Pass != 1 || a.Totals.Incomplete != 2 {
		t.Errorf("totals %+v", a.Totals)
	}
	for _, r := range a.Repositories {
		if r.Verdict != scan.Pass && !strings.Contains(r.Error, "interrupted") {
			t.Errorf("%s: verdict %s error %q", r.Name, r.Verdict, r.Error)
		}
	}
	if data, err := os.ReadFile(filepath.Join(out, "audit.json")); err != nil || !strings.Contains(string(data), `"interrupted": true`) {
		t.Errorf("audit.json: %v\n%s", err, data)
	}
}

// An audited repository cannot hide its own findings from the auditors:
// its .pipeguard.yaml disabling github-pat and excluding the folder of the
// token turned a leaked token into "pass, 0 findings". The audit's
// configuration (the organization's, or the defaults) decides; the
// repository may tighten it; the reports list per repository every rule it
// disables, every exclude, and every suppression with its reason and
// expiry (issue 12, item 17).
func TestHostileRepositoryHidesItsFindings(t *testing.T) {
	gittest.Setup(t)
	root := t.TempDir()
	token, fixture := gittest.GitHubPAT("hidden"), gittest.GitHubPAT("fixture")
	repo := gittest.Init(t, filepath.Join(root, "sly"))
	repo.CommitFiles("init", map[string]string{
		".pipeguard.yaml":    "disable_rules: [github-pat]\nexclude: [deploy/]\nthresholds: {secrets: critical}\n",
		"deploy/settings.py": "TOKEN = \"" + token + "\"\n",
		"tests/fixture.py":   "FIXTURE = \"" + fixture + "\"  # pipeguard:ignore github-pat reason=\"test fixture\" until=2099-12-31 owner=@qa\n",
	})
	org := filepath.Join(root, "org.yaml")
	if err := os.WriteFile(org, []byte("fail_on: high\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cfg := range []string{"", org} {
		name := "defaults"
		if cfg != "" {
			name = "--config"
		}
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			a, err := Run(context.Background(), Options{
				Targets: []Target{{Name: "acme/sly", URL: repo.Dir}}, Out: out, WorkDir: filepath.Join(root, "work"),
				Scan: engine.Options{Scanners: []string{scan.ScannerSecrets}, ConfigFile: cfg},
			})
			if err != nil {
				t.Fatal(err)
			}
			r := findRepo(t, a, "acme/sly")
			if r.Verdict != scan.Fail || len(r.Blocking()) == 0 {
				t.Fatalf("verdict %s with %d blocking findings: the repository hid its token (errors %+v, notes %q)", r.Verdict, len(r.Blocking()), r.Errors, r.Notes)
			}
			found := false
			for _, f := range r.Findings {
				if f.Path == "deploy/settings.py" && f.Rule == "github-pat" && f.Blocking {
					found = true
				}
			}
			if !found {
				t.Errorf("the excluded, disabled token is not reported: %+v", r.Findings)
			}
			c := r.Config
			if c == nil || len(c.DisabledRules) != 1 || c.DisabledRules[0].Value != "github-pat" || len(c.Excludes) != 1 || c.Excludes[0].Value != "deploy/" ||
				len(c.NotHonoured) != 1 || c.NotHonoured[0].Setting != "thresholds.secrets" {
				t.Fatalf("config listing = %+v", c)
			}
			if len(c.Suppressions) != 1 || c.Suppressions[0].Reason != "test fixture" || c.Suppressions[0].Until != "2099-12-31" ||
				c.Suppressions[0].Source != "tests/fixture.py:1" || c.Suppressions[0].Owner != "@qa" {
				t.Errorf("suppressions = %+v", c.Suppressions)
			}
			for _, f := range []string{JSONFile, MarkdownFile, HTMLFile} {
				b, err := os.ReadFile(filepath.Join(out, f))
				if err != nil {
					t.Fatal(err)
				}
				for _, want := range []string{"github-pat", "deploy/", "thresholds.secrets", "test fixture", "2099-12-31"} {
					if !strings.Contains(string(b), want) {
						t.Errorf("%s does not list %q", f, want)
					}
				}
			}
		})
	}
}

// A --config that cannot be read or parsed stops the audit before anything
// is cloned, naming the file.
func TestHostileAuditBadConfig(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "org.yaml")
	if err := os.WriteFile(bad, []byte("disable_rules: [unclosed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{bad, filepath.Join(t.TempDir(), "missing.yaml")} {
		_, err := Run(context.Background(), Options{Targets: []Target{{Name: "x", URL: "/nowhere"}}, Scan: engine.Options{ConfigFile: f}})
		if !scan.IsConfigError(err) || !strings.Contains(err.Error(), filepath.Base(f)) {
			t.Errorf("%s: %v, want a configuration error naming it", f, err)
		}
	}
}
