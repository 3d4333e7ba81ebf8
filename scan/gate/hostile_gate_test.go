package gate

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/policy"
)

// runawayExtension is a gate extension whose comprehension would take tens
// of gigabytes (24 GB and no end on SIGTERM, as reported in issue 12).
const runawayExtension = `package pipeguard.gate.extend

block contains f.id if {
	some f in input.findings
	pairs := [[a, b] | some a in numbers.range(1, 300000); some b in numbers.range(1, 300000)]
	count(pairs) > 0
}
`

// A runaway gate extension stops at the memory limit with a clear error,
// or promptly on an interrupt; it never takes the machine (issue 12, item 8).
func TestHostileRunawayGateExtension(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ext.rego"), []byte(runawayExtension), 0o644); err != nil {
		t.Fatal(err)
	}
	g := newGate(t, dir)
	report := func() *scan.Report {
		rep := scan.NewReport("/r", scan.Tool{}, scan.TargetInfo{Mode: "tree"})
		rep.Findings = []scan.Finding{{Scanner: "config", Rule: "x", Severity: scan.Low, Path: "a.py", Line: 1}}
		return rep
	}

	ctx := policy.WithLimits(context.Background(), policy.Limits{Memory: 64 << 20, Timeout: time.Minute})
	start := time.Now()
	err := g.Decide(ctx, report(), Context{})
	if !errors.Is(err, policy.ErrMemoryLimit) {
		t.Fatalf("Decide: %v, want the memory limit", err)
	}
	t.Logf("memory limit: stopped after %v: %v", time.Since(start), err)

	ctx = policy.WithLimits(context.Background(), policy.Limits{Memory: -1, Timeout: 500 * time.Millisecond})
	start = time.Now()
	err = g.Decide(ctx, report(), Context{})
	if !errors.Is(err, policy.ErrTimeLimit) {
		t.Fatalf("Decide: %v, want the time limit", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the gate stopped %v after a 500ms time limit", d)
	}

	ctx, cancel := context.WithCancel(policy.WithLimits(context.Background(), policy.Limits{Memory: -1, Timeout: time.Minute}))
	time.AfterFunc(300*time.Millisecond, cancel)
	start = time.Now()
	err = g.Decide(ctx, report(), Context{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Decide after an interrupt: %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the gate stopped %v after the interrupt", d)
	}
}
