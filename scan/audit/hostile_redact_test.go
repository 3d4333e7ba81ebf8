package audit

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/engine"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// plantedScanner returns a finding whose path holds a raw secret (a token
// in a file name, as the secrets scanner reports it) and a skipped entry
// and an error naming that path.
type plantedScanner struct{ raw string }

func (plantedScanner) Name() string { return scan.ScannerSecrets }

func (s plantedScanner) Scan(context.Context, *scan.Target) (*scan.Result, error) {
	p := "deploy/" + s.raw + ".env"
	return &scan.Result{
		Findings: []scan.Finding{scan.Finding{Rule: "github-pat", Severity: scan.High, Title: "GitHub token in a file name",
			Path: p, Blocking: true, Fingerprint: scan.Fingerprint("github-pat", "name", scan.HashSecret(s.raw))}.WithRawSecret(s.raw)},
		Skipped: []scan.Skipped{{Path: p + ".bak", Reason: "too large"}},
		Errors:  []scan.Error{{Path: p, Message: "read " + p + ": permission denied"}},
	}, nil
}

// A secret in a file name reaches neither audit.json, audit.md, audit.html,
// the state file nor the log, even when the scan's later steps (here
// planted after scan.Run, as the suppression step writes its notes) quote
// the path again (issue 12, item 2).
func TestHostileSecretInPathAudit(t *testing.T) {
	raw := gittest.GitHubPAT("path-canary")
	gittest.Setup(t)
	root := t.TempDir()
	repo := gittest.Init(t, filepath.Join(root, "svc"))
	repo.CommitFiles("init", map[string]string{"README.md": "svc\n"})
	out := filepath.Join(root, "out")
	state := filepath.Join(root, "state.json")
	var logs bytes.Buffer
	a, err := Run(context.Background(), Options{
		Targets: []Target{{Name: "svc", URL: repo.Dir}}, Out: out, State: state, WorkDir: filepath.Join(root, "work"),
		Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		ScanFunc: func(ctx context.Context, o engine.Options) (*scan.Report, error) {
			rep := scan.Run(ctx, &scan.Target{Root: o.Root, Mode: o.Mode}, []scan.Scanner{plantedScanner{raw: raw}})
			p := "deploy/" + raw + ".env"
			rep.Notes = append(rep.Notes, "warning: stale suppression at "+p+":1 (rule github-pat) matches no finding: remove it")
			rep.Errors = append(rep.Errors, scan.Error{Message: "baseline: " + p + " unreadable"})
			rep.Findings = append(rep.Findings, scan.Finding{Scanner: scan.ScannerSecrets, Rule: "github-pat", Severity: scan.High,
				Path: "late/" + raw, Fingerprint: "late"}.WithRawSecret(raw))
			return rep, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Repositories) != 1 || len(a.Repositories[0].Findings) == 0 {
		t.Fatalf("audit = %+v", a.Repositories)
	}
	files := []string{state}
	for _, n := range []string{JSONFile, MarkdownFile, HTMLFile} {
		files = append(files, filepath.Join(out, n))
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), raw) || strings.Contains(string(b), raw[4:]) {
			t.Errorf("%s holds the secret of a file name:\n%s", filepath.Base(p), b)
		}
	}
	if !strings.Contains(a.Repositories[0].Findings[0].Path, "ghp_****") {
		t.Errorf("path = %q, want the masked name", a.Repositories[0].Findings[0].Path)
	}
	if strings.Contains(logs.String(), raw) {
		t.Errorf("the log holds the secret:\n%s", logs.String())
	}
}
