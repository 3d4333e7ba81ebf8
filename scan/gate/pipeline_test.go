package gate

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
	"github.com/pipeguard/pipeguard/scan/repoconf"
	"github.com/pipeguard/pipeguard/scan/suppress"
)

// pipeline runs what the engine runs after the scanners: configuration,
// suppressions, the gate. trusted is the --trusted-config-from revision.
func pipeline(t *testing.T, dir, trusted string, findings []scan.Finding) *scan.Report {
	t.Helper()
	ctx := context.Background()
	var set *repoconf.Set
	var err error
	if trusted != "" {
		set, err = repoconf.LoadRev(ctx, dir, trusted)
	} else {
		set, err = repoconf.Load(ctx, dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	rep := scan.NewReport(dir, scan.Tool{}, scan.TargetInfo{Mode: "tree"})
	rep.Findings = append(rep.Findings, findings...)
	set.Apply(rep)
	if err := suppress.Apply(ctx, rep, suppress.Options{Root: dir, Config: set, TrustedRev: trusted, Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	mods, err := set.PolicyModules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g, err := New(ctx, Options{Modules: mods})
	if err != nil {
		t.Fatal(err)
	}
	if err := g.Decide(ctx, rep, Context{Event: "pull_request_target", Config: set}); err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestHeadCannotSwitchTheGuardOff: a pull request's head commits a
// .pipeguard.yaml that disables rules and raises fail_on, a
// .pipeguard-ignore.yaml, an inline suppression and a replacement gate
// policy. Read from the head, they let its secret and config finding pass;
// with --trusted-config-from the base, the scan fails.
func TestHeadCannotSwitchTheGuardOff(t *testing.T) {
	r := gittest.New(t)
	dir := r.Dir
	gittest.WriteFiles(t, dir, map[string]string{
		".pipeguard.yaml": "fail_on: high\n",
		"app/main.py":     "from fastapi import FastAPI\napp = FastAPI()\n",
	})
	r.Commit("base: strict")
	r.Git("checkout", "-q", "-b", "pr")
	gittest.WriteFiles(t, dir, map[string]string{
		".pipeguard.yaml":        "fail_on: critical\ndisable_rules: [debug-enabled]\npolicies: [ci/gate]\n",
		".pipeguard-ignore.yaml": "suppressions:\n  - rule: github-pat\n    reason: not a real token\n    owner: \"@pr-author\"\n",
		"ci/gate/gate.rego":      "package pipeguard.gate\n\ndecisions[f.id] := {\"decision\": \"warn\", \"reasons\": [\"all good\"]} if some f in input.findings\n",
		"app/main.py":            "from fastapi import FastAPI\napp = FastAPI(debug=True)  # pipeguard:ignore debug-enabled reason=\"dev\"\nTOKEN = \"ghp_x\"\n",
	})
	r.Commit("pr: switch the guard off")

	findings := []scan.Finding{
		{Scanner: "config", Rule: "debug-enabled", Severity: scan.High, Path: "app/main.py", Line: 2, Fingerprint: "c"},
		{Scanner: "secrets", Rule: "github-pat", Severity: scan.High, Path: "app/main.py", Line: 3, Fingerprint: "s"},
	}
	head := pipeline(t, dir, "", findings)
	if head.Verdict != scan.Pass {
		t.Fatalf("with the head's own configuration the scan should pass (that is the attack): %s %+v", head.Verdict, head.Findings)
	}
	base := pipeline(t, dir, "main", findings)
	if base.Verdict != scan.Fail || len(base.Findings) != 2 || len(base.Blocking()) != 2 {
		t.Fatalf("trusted config: verdict %s, findings %+v", base.Verdict, base.Findings)
	}
	for _, f := range base.Findings {
		if f.Suppression != nil {
			t.Errorf("%s suppressed by the head: %+v", f.Rule, f.Suppression)
		}
	}
}

// BenchmarkDecide measures one gate decision over a large report.
func BenchmarkDecide(b *testing.B) {
	for _, n := range []int{100, 5000} {
		b.Run(fmt.Sprintf("findings=%d", n), func(b *testing.B) {
			g, err := New(context.Background(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			src := make([]scan.Finding, n)
			for i := range src {
				switch i % 3 {
				case 0:
					src[i] = scan.Finding{Scanner: "secrets", Rule: "generic-api-key", Severity: scan.High}
				case 1:
					src[i] = scan.Finding{Scanner: "deps", Rule: "GO-2024-1", Severity: scan.High, Dependency: goDep("imported")}
				default:
					src[i] = scan.Finding{Scanner: "config", Rule: "cors-any-origin", Severity: scan.Medium}
				}
				src[i].Path = fmt.Sprintf("pkg%d/f%d.py", i%50, i)
			}
			b.ResetTimer()
			for b.Loop() {
				rep := scan.NewReport("", scan.Tool{}, scan.TargetInfo{})
				rep.Findings = append([]scan.Finding(nil), src...)
				if err := g.Decide(context.Background(), rep, Context{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
