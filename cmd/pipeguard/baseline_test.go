package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/baseline"
)

func TestBaselineCreate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "b.json")
	findings := []scan.Finding{{Scanner: "secrets", Rule: "github-pat", Path: "a.py", Fingerprint: "fp1", Secret: "ghp_****"}}
	var scanErrs []scan.Error
	run := func(ctx context.Context, root string) (*scan.Report, error) {
		if root != "repo" {
			t.Errorf("root = %q", root)
		}
		rep := scan.NewReport(root, scan.Tool{}, scan.TargetInfo{})
		rep.Findings = findings
		rep.Errors = scanErrs
		return rep, nil
	}
	var stdout, stderr bytes.Buffer
	s := Streams{Out: &stdout, Err: &stderr}
	day1 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	if err := runBaselineCreate(context.Background(), s, run, "repo", out, false, day1); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "1 finding(s) written") {
		t.Errorf("stdout = %q", stdout.String())
	}
	raw, _ := os.ReadFile(out)
	if strings.Contains(string(raw), "ghp_") {
		t.Errorf("baseline holds secret material: %s", raw)
	}

	// A second run keeps first-seen days, adds new findings, and an
	// incomplete scan still writes the file but exits 2.
	findings = append(findings, scan.Finding{Scanner: "config", Rule: "debug-enabled", Path: "m.py", Fingerprint: "fp2"})
	scanErrs = []scan.Error{{Scanner: "deps", Message: "db unreachable"}}
	err := runBaselineCreate(context.Background(), s, run, "repo", out, false, day1.AddDate(0, 0, 5))
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != scan.ExitIncomplete {
		t.Errorf("err = %v, want exit %d", err, scan.ExitIncomplete)
	}
	b, err := baseline.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	days := map[string]string{}
	for _, e := range b.Findings {
		days[e.Fingerprint] = e.FirstSeen
	}
	if days["fp1"] != "2026-11-01" || days["fp2"] != "2026-11-06" {
		t.Errorf("first seen = %v", days)
	}

	// A file that is not a baseline is not overwritten without --fresh.
	if err := os.WriteFile(out, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := runBaselineCreate(context.Background(), s, run, "repo", out, false, day1); !errors.As(err, &ee) || ee.code != scan.ExitUsage {
		t.Errorf("err = %v, want a usage error", err)
	}
}
