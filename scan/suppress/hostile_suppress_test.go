package suppress

import (
	"context"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// A pull request copies a trusted ignore comment above a new token in the
// same file: under --trusted-config-from the copy suppresses nothing, while
// the original still suppresses the finding it covered, even moved down by
// new lines (issue 12, item 14).
func TestHostileCopiedTrustedSuppression(t *testing.T) {
	r := gittest.New(t)
	old, fresh, other := gittest.GitHubPAT("old-fixture"), gittest.GitHubPAT("new-token"), gittest.GitHubPAT("same-line")
	const comment = `# pipeguard:ignore github-pat reason="test fixture"`
	r.Write("tests/fixtures.py", comment+"\nOLD = \""+old+"\"\nX = \"y\"  "+comment+"\n")
	r.Commit("base")
	r.Git("checkout", "-q", "-b", "pr")
	r.Write("tests/fixtures.py", "import os\n\n"+
		comment+"\nOLD = \""+old+"\"\n"+ // lines 3-4: the trusted pair, moved
		comment+"\nNEW = \""+fresh+"\"\n"+ // lines 5-6: a copy above a new token
		"Z = \""+other+"\"  "+comment+"\n") // line 7: a copy of the same-line form
	r.Commit("pr: a new token under a copied comment")

	rep := report(r.Dir,
		scan.Finding{Scanner: "secrets", Rule: "github-pat", Path: "tests/fixtures.py", Line: 4, Fingerprint: "old", Severity: scan.High},
		scan.Finding{Scanner: "secrets", Rule: "github-pat", Path: "tests/fixtures.py", Line: 6, Fingerprint: "new", Severity: scan.High},
		scan.Finding{Scanner: "secrets", Rule: "github-pat", Path: "tests/fixtures.py", Line: 7, Fingerprint: "same", Severity: scan.High},
	)
	if err := Apply(context.Background(), rep, Options{Root: r.Dir, TrustedRev: "main", Now: today, Partial: true}); err != nil {
		t.Fatal(err)
	}
	byFP := map[string]scan.Finding{}
	for _, f := range rep.Findings {
		byFP[f.Fingerprint] = f
	}
	if s := byFP["old"].Suppression; s == nil || s.Source != "tests/fixtures.py:3" {
		t.Errorf("the trusted suppression of the old fixture should still apply: %+v", s)
	}
	if s := byFP["new"].Suppression; s != nil {
		t.Errorf("a copied comment suppressed a new token: %+v", s)
	}
	if !strings.Contains(strings.Join(byFP["new"].Reasons, " "), "covers other code") {
		t.Errorf("reasons = %q", byFP["new"].Reasons)
	}
	if s := byFP["same"].Suppression; s != nil {
		t.Errorf("a copied same-line comment suppressed a new token: %+v", s)
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), "tests/fixtures.py:5 is a copy of a comment of the trusted revision main") {
		t.Errorf("notes = %q", rep.Notes)
	}
}

// reason=because (unquoted) is refused as the README requires quotes, with
// a note naming the file and line (issue 12, item 18).
func TestHostileUnquotedReason(t *testing.T) {
	r := gittest.New(t)
	r.Write("app.py", "TOKEN = \"x\"  # pipeguard:ignore github-pat reason=because\n")
	r.Commit("unquoted")
	rep := report(r.Dir, scan.Finding{Scanner: "secrets", Rule: "github-pat", Path: "app.py", Line: 1, Fingerprint: "t", Severity: scan.High})
	if err := Apply(context.Background(), rep, Options{Root: r.Dir, Now: today, Partial: true}); err != nil {
		t.Fatal(err)
	}
	if s := rep.Findings[0].Suppression; s != nil {
		t.Errorf("an unquoted reason suppressed the finding: %+v", s)
	}
	if !strings.Contains(strings.Join(rep.Notes, "\n"), `malformed suppression at app.py:1: pipeguard:ignore: the reason must be quoted: reason="..."`) {
		t.Errorf("notes = %q", rep.Notes)
	}
}
