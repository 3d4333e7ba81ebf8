package suppress

import (
	"context"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

const gosecGo = `package main

var _ = &tls.Config{InsecureSkipVerify: true} //nosec G402
var _ = &tls.Config{InsecureSkipVerify: true} // #nosec G101
var srv = &http.Server{ // #nosec G112 - Not publicly exposed
}
var srv2 = &http.Server{ //gosec:disable G112 -- internal only
}
var _ = &tls.Config{InsecureSkipVerify: true} //nosec G104
`

// TestGosecIDs checks that gosec's ids suppress the pipeguard rules that
// find the same weakness, and only those.
func TestGosecIDs(t *testing.T) {
	dir := t.TempDir()
	gittest.WriteFiles(t, dir, map[string]string{"main.go": gosecGo})
	f := func(rule string, line int) scan.Finding {
		return scan.Finding{Scanner: scan.ScannerConfig, Rule: rule, Path: "main.go", Line: line, Severity: scan.High, Fingerprint: rule}
	}
	rep := report(dir,
		f("tls-verify-disabled", 3),     // G402 names it
		f("tls-verify-disabled", 4),     // G101 names another weakness
		f("server-timeouts-missing", 5), // #nosec after //, with a dash and words
		f("server-timeouts-missing", 7), // gosec:disable
		f("tls-verify-disabled", 9),     // G104 maps to no rule: it suppresses none (as in gosec, where it covers G104 only)
	)
	if err := Apply(context.Background(), rep, Options{Root: dir, Now: today}); err != nil {
		t.Fatal(err)
	}
	want := []bool{true, false, true, true, false}
	for i, w := range want {
		if got := rep.Findings[i].Suppression != nil; got != w {
			t.Errorf("finding %d (%s line %d): suppressed = %v, want %v", i, rep.Findings[i].Rule, rep.Findings[i].Line, got, w)
		}
	}
	if got := GosecRules("g402"); len(got) != 2 || got[0] != "tls-verify-disabled" {
		t.Errorf("GosecRules(g402) = %v", got)
	}
	if got := GosecRules("G999"); got != nil {
		t.Errorf("GosecRules(G999) = %v, want nil", got)
	}
}
