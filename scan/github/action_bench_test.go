package github

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan/gittest"
)

// BenchmarkActionRelease runs the Action's steps as a runner would, for a
// release tag, against the local release server: download, verify and
// unpack the release archive, then scan the bundled example project with
// every scanner (offline databases) to a verdict and publish it (no API
// calls: push event, no comment). Each iteration starts from an empty
// RUNNER_TEMP, as a fresh job does. Metrics: seconds in the download step,
// in the scan step, and in all steps; the download's share of the whole;
// the CPU time of the download and scan steps' processes (steadier than
// wall time on a shared machine).
//
// testdata/bench/action/run.sh runs it with the release build
// (actions/release/build.sh) in PIPEGUARD_TEST_BINARY.
func BenchmarkActionRelease(b *testing.B) {
	a := readAction(b)
	srv := newReleaseServer(b)
	r := gittest.New(b)
	if err := os.CopyFS(r.Dir, os.DirFS("../../testdata/example")); err != nil {
		b.Fatal(err)
	}
	// Its configuration points at the databases by relative paths; the
	// Action's inputs name them instead.
	if err := os.Remove(filepath.Join(r.Dir, ".pipeguard.yaml")); err != nil {
		b.Fatal(err)
	}
	r.Commit("example")
	deps, err := filepath.Abs("../../testdata/deps")
	if err != nil {
		b.Fatal(err)
	}
	event := filepath.Join(b.TempDir(), "event.json")
	if err := os.WriteFile(event, []byte(`{}`), 0o644); err != nil {
		b.Fatal(err)
	}
	with := map[string]string{
		"comment":   "false",
		"osv-db":    filepath.Join(deps, "python", "osv"),
		"go-vulndb": filepath.Join(deps, "go", "vulndb"),
		"args":      "--offline",
	}

	var download, scanStep, total, downloadCPU, scanCPU time.Duration
	b.ResetTimer()
	for range b.N {
		env := envMap{
			"GITHUB_ACTIONS":    "true",
			"GITHUB_EVENT_NAME": "push",
			"GITHUB_EVENT_PATH": event,
			"GITHUB_REPOSITORY": "acme/api",
			"GITHUB_SHA":        r.Git("rev-parse", "HEAD"),
			"GITHUB_REF":        "refs/heads/main",
			"GITHUB_API_URL":    "https://127.0.0.1:1",
			"GITHUB_TOKEN":      testToken,
		}
		runnerEnv(b, env, srv, r.Dir, b.TempDir())
		start := time.Now()
		run := runAction(b, a, runOptions{with: with, env: env, workspace: r.Dir, actionRepo: actionRepo, actionRef: releaseTag})
		total += time.Since(start)
		if run.ran["Build pipeguard"] || run.outputs["verdict"] != "fail" {
			b.Fatalf("built %v, verdict %q (exit %d)\nstdout:\n%s\nstderr:\n%s", run.ran["Build pipeguard"], run.outputs["verdict"], run.code, run.stdout, run.stderr)
		}
		download += run.took["Download pipeguard"]
		scanStep += run.took["Scan"]
		downloadCPU += run.cpu["Download pipeguard"]
		scanCPU += run.cpu["Scan"]
	}
	n := float64(b.N)
	b.ReportMetric(download.Seconds()/n, "s-download/op")
	b.ReportMetric(scanStep.Seconds()/n, "s-scan/op")
	b.ReportMetric(total.Seconds()/n, "s-verdict/op")
	b.ReportMetric(download.Seconds()/total.Seconds(), "download-share")
	b.ReportMetric(downloadCPU.Seconds()/n, "cpu-s-download/op")
	b.ReportMetric(scanCPU.Seconds()/n, "cpu-s-scan/op")
	if info, err := os.Stat(filepath.Join(testRelease(b), releaseAsset())); err == nil {
		b.ReportMetric(float64(info.Size())/1e6, "MB-archive")
	}
}
