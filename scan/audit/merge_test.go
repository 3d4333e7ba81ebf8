package audit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/engine"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// TestFailuresAreRecorded: a repository whose scan hangs past the timeout
// and one whose .pipeguard.yaml is malformed are recorded with their
// error; the others are audited; the work folder is empty afterwards.
func TestFailuresAreRecorded(t *testing.T) {
	gittest.Setup(t)
	root := t.TempDir()
	var ts []Target
	for _, n := range []string{"fine", "slow", "badconf"} {
		repo := gittest.Init(t, filepath.Join(root, n))
		files := map[string]string{"README.md": n + "\n"}
		if n == "badconf" {
			files[".pipeguard.yaml"] = "fail_on: [not, a, severity\n"
		}
		repo.CommitFiles("init", files)
		ts = append(ts, Target{Name: n, URL: repo.Dir})
	}
	work := filepath.Join(root, "work")
	a, err := Run(context.Background(), Options{
		Targets: ts, Jobs: 3, Timeout: 2 * time.Second, WorkDir: work,
		Scan: engine.Options{Scanners: []string{scan.ScannerSecrets}},
		ScanFunc: func(ctx context.Context, o engine.Options) (*scan.Report, error) {
			if strings.HasSuffix(mustOrigin(t, o.Root), "slow") {
				<-ctx.Done()
				return nil, ctx.Err()
			}
			return engine.Scan(ctx, o)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := findRepo(t, a, "fine"); r.Error != "" || r.Verdict != scan.Pass {
		t.Errorf("fine: %s %q", r.Verdict, r.Error)
	}
	if r := findRepo(t, a, "slow"); !strings.Contains(r.Error, "timed out") || r.Verdict != scan.Incomplete {
		t.Errorf("slow: %s %q, want a timeout", r.Verdict, r.Error)
	}
	if r := findRepo(t, a, "badconf"); !strings.Contains(r.Error, ".pipeguard.yaml") {
		t.Errorf("badconf: %q, want the configuration error naming the file", r.Error)
	}
	if a.ExitCode() != scan.ExitIncomplete {
		t.Errorf("exit %d", a.ExitCode())
	}
	if ents, _ := os.ReadDir(work); len(ents) != 0 {
		t.Errorf("work folder not cleaned up after failures: %v", ents)
	}
}

func mustOrigin(t *testing.T, dir string) string {
	t.Helper()
	out, err := exec2(dir, "config", "--get", "remote.origin.url")
	if err != nil {
		t.Error(err)
	}
	return out
}

// TestShardedRunsMerge audits the same repositories in three shards, then
// merges them: every repository is in exactly one shard's report, the
// merge equals the unsharded audit, and merging a report twice fails.
func TestShardedRunsMerge(t *testing.T) {
	gittest.Setup(t)
	root := t.TempDir()
	pat := gittest.GitHubPAT(t.Name())
	var ts []Target
	for i := range 7 {
		repo := gittest.Init(t, filepath.Join(root, "src", fmt.Sprintf("r%d", i)))
		files := map[string]string{"README.md": "hello\n"}
		if i%3 == 0 {
			files["config.env"] = "TOKEN=" + pat + "\n"
		}
		repo.CommitFiles("init", files)
		ts = append(ts, Target{Name: fmt.Sprintf("acme/r%d", i), URL: repo.Dir})
	}
	so := engine.Options{Scanners: []string{scan.ScannerSecrets}}
	full, err := Run(context.Background(), Options{Targets: ts, Scan: so, Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	seen := map[string]int{}
	for i := 1; i <= 3; i++ {
		out := filepath.Join(root, fmt.Sprintf("shard-%d", i))
		a, err := Run(context.Background(), Options{Targets: ts, Scan: so, Shard: Shard{Index: i, Count: 3}, Out: out,
			State: filepath.Join(out, StateFile)})
		if err != nil {
			t.Fatal(err)
		}
		if a.Shard != fmt.Sprintf("%d/3", i) {
			t.Errorf("shard field %q", a.Shard)
		}
		for _, r := range a.Repositories {
			seen[r.Name]++
		}
		dirs = append(dirs, out)
	}
	for _, tg := range ts {
		if seen[tg.Name] != 1 {
			t.Errorf("%s audited by %d shards", tg.Name, seen[tg.Name])
		}
	}
	out := filepath.Join(root, "merged")
	state := filepath.Join(root, "merged-state.json")
	m, err := MergeDirs(dirs, MergeOptions{Out: out, State: state})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names(m), names(full)) || m.Totals != full.Totals || len(m.Shards) != 3 {
		t.Errorf("merged %v %+v shards %v; want %v %+v", names(m), m.Totals, m.Shards, names(full), full.Totals)
	}
	st, err := LoadState(state)
	if err != nil || len(st.Repositories) != len(ts) {
		t.Errorf("merged state: %v, %d repositories", err, len(st.Repositories))
	}
	merged := readOut(t, out)
	noCanary(t, "merged reports", merged, pat)
	if _, err := MergeDirs([]string{dirs[0], dirs[0]}, MergeOptions{}); err == nil || !strings.Contains(err.Error(), "in reports 1 and 2") {
		t.Errorf("merging a shard twice: %v", err)
	}
	if _, err := MergeDirs([]string{filepath.Join(root, "nope")}, MergeOptions{}); err == nil {
		t.Errorf("merging a missing report: %v", err)
	}
}

// TestHTMLEscapes: a repository name and a finding title with markup are
// escaped in the page, and the page loads nothing from elsewhere.
func TestHTMLEscapes(t *testing.T) {
	a := &Audit{Version: Version, GeneratedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Repositories: []Repository{{
		Name: `evil/<script>alert(1)</script>`, Verdict: scan.Fail, New: []string{"fp"},
		Findings: []scan.Finding{{Scanner: "config", Rule: "x", Title: `<img src=x onerror=alert(2)>`, Fingerprint: "fp", Blocking: true, Severity: scan.High}},
		History:  []Point{{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Open: 3, Blocking: 1}, {At: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Open: 1, Blocking: 1}},
	}}}
	a.finish()
	var b strings.Builder
	if err := WriteHTML(&b, a); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, bad := range []string{"<script>alert(1)", "<img src=x", "http://", "https://", "src=\""} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if !strings.Contains(page, "<polyline") || strings.Count(page, "<circle") != 2 {
		t.Errorf("chart missing or wrong: %d points", strings.Count(page, "<circle"))
	}
	var md strings.Builder
	WriteMarkdown(&md, a)
	if strings.Contains(md.String(), "<script>") || strings.Contains(md.String(), "<img") {
		t.Errorf("markdown not escaped:\n%s", md.String())
	}
}

// TestSecretsFailureKeepsHistory: when the secrets scan fails, the last
// audit's secrets stay open and the state does not move past the commits
// that were not read, so the next run reads them.
func TestSecretsFailureKeepsHistory(t *testing.T) {
	gittest.Setup(t)
	root := t.TempDir()
	pat := gittest.GitHubPAT(t.Name())
	repo := gittest.Init(t, filepath.Join(root, "leaky"))
	repo.CommitFiles("leak", map[string]string{"a.env": "T=" + pat + "\n"})
	first := repo.CommitFiles("unleak", map[string]string{"a.env": "T=\n"})
	state := filepath.Join(root, "state.json")
	opts := Options{Targets: []Target{{Name: "leaky", URL: repo.Dir}}, State: state,
		Scan: engine.Options{Scanners: []string{scan.ScannerSecrets}}}
	a, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	fp := secretFP(t, &a.Repositories[0], "a.env")

	repo.CommitFiles("more", map[string]string{"b.txt": "b\n"})
	failing := opts
	failing.ScanFunc = func(ctx context.Context, o engine.Options) (*scan.Report, error) {
		rep, err := engine.Scan(ctx, o)
		if err != nil {
			return nil, err
		}
		rep.Findings = nil
		rep.Scanners = []scan.ScannerRun{{Name: scan.ScannerSecrets, Status: "failed"}}
		rep.Errors = []scan.Error{{Scanner: scan.ScannerSecrets, Message: "git log: broken pipe"}}
		rep.Verdict = scan.Incomplete
		return rep, nil
	}
	a, err = Run(context.Background(), failing)
	if err != nil {
		t.Fatal(err)
	}
	r := a.Repositories[0]
	if r.Verdict != scan.Fail || !slices.Equal(r.Open, []string{fp}) || len(r.Fixed) != 0 || len(r.Errors) != 1 {
		t.Errorf("after a failed secrets scan: verdict %s open %v fixed %v errors %v; want the secret still open", r.Verdict, r.Open, r.Fixed, r.Errors)
	}
	st, err := LoadState(state)
	if err != nil || st.Repositories["leaky"].Head != first {
		t.Fatalf("state head moved past unread commits: %v %+v", err, st.Repositories["leaky"])
	}

	repo.CommitFiles("again", map[string]string{"c.txt": "c\n"})
	a, err = Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	r = a.Repositories[0]
	if r.Scan.Mode != "range" || r.Scan.Commits != 2 || !slices.Equal(r.Open, []string{fp}) {
		t.Errorf("next run: scan %+v open %v; want the 2 commits since the last good scan, the secret open", r.Scan, r.Open)
	}

	// Nothing new: an empty range, the secret still open.
	a, err = Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	r = a.Repositories[0]
	if r.Scan.Mode != "range" || r.Scan.Commits != 0 || !slices.Equal(r.Open, []string{fp}) || r.Verdict != scan.Fail {
		t.Errorf("run without new commits: scan %+v open %v verdict %s", r.Scan, r.Open, r.Verdict)
	}
}
