package hook

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
	"github.com/pipeguard/pipeguard/scan/engine"
	"github.com/pipeguard/pipeguard/scan/secrets"
)

// The benchmarks measure the parts of a pre-push run in-process, on the
// repository testdata/bench/hook/gen-repo.sh makes (5,000 commits, 2,000
// files). Set PIPEGUARD_BENCH_REPO to a folder it made to reuse it;
// otherwise it is generated once per run, which takes about 15 s.
// testdata/bench/hook/run.sh measures the whole process, start-up included.
//
//	go test -tags gore2regex -run '^$' -bench . ./scan/hook

var (
	benchOnce sync.Once
	benchDir  string
	benchErr  error
)

func benchRepo(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		if d := os.Getenv("PIPEGUARD_BENCH_REPO"); d != "" {
			benchDir = d
			return
		}
		d, err := os.MkdirTemp("", "pipeguard-hook-bench-")
		if err != nil {
			benchErr = err
			return
		}
		benchDir = filepath.Join(d, "repo")
		out, err := exec.Command(filepath.Join("..", "..", "testdata", "bench", "hook", "gen-repo.sh"), benchDir).CombinedOutput()
		if err != nil {
			benchErr = err
			benchDir = string(out)
		}
	})
	if benchErr != nil {
		b.Fatalf("generate the benchmark repository: %v\n%s", benchErr, benchDir)
	}
	return benchDir
}

// benchInput reads one of gen-repo.sh's pre-push inputs.
func benchInput(b *testing.B, name string) (work string, ups []RefUpdate) {
	b.Helper()
	dir := benchRepo(b)
	data, err := os.ReadFile(filepath.Join(dir, name+".txt"))
	if err != nil {
		b.Fatal(err)
	}
	ups, err = ParseUpdates(strings.NewReader(string(data)))
	if err != nil {
		b.Fatal(err)
	}
	return filepath.Join(dir, "work"), ups
}

var benchInputs = []string{"plain1", "plain20", "push1", "push20"}

// BenchmarkPlan: working out the pushed commits (git cat-file, rev-list).
func BenchmarkPlan(b *testing.B) {
	ctx := context.Background()
	for _, in := range benchInputs {
		b.Run(in, func(b *testing.B) {
			work, ups := benchInput(b, in)
			for b.Loop() {
				if _, err := Plan(ctx, work, ups); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkChanges: the changed paths (to choose scanners) and lines (to
// limit config findings).
func BenchmarkChanges(b *testing.B) {
	ctx := context.Background()
	for _, in := range benchInputs {
		b.Run(in, func(b *testing.B) {
			work, ups := benchInput(b, in)
			p, err := Plan(ctx, work, ups)
			if err != nil {
				b.Fatal(err)
			}
			b.Run("paths", func(b *testing.B) {
				for b.Loop() {
					if _, err := ChangedPaths(ctx, work, p); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("lines", func(b *testing.B) {
				for b.Loop() {
					if _, err := ChangedLines(ctx, work, p); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}

// BenchmarkSecretsRules: building the secrets scanner, which reads the
// gitleaks configuration and prepares its rules.
func BenchmarkSecretsRules(b *testing.B) {
	work, _ := benchInput(b, "plain1")
	for b.Loop() {
		if _, err := secrets.New(secrets.Options{Root: work}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSecretsDetect: the secrets scanner alone over the pushed range,
// with its rules already built (git log -p plus detection).
func BenchmarkSecretsDetect(b *testing.B) {
	ctx := context.Background()
	for _, in := range []string{"plain1", "plain20"} {
		b.Run(in, func(b *testing.B) {
			work, ups := benchInput(b, in)
			p, err := Plan(ctx, work, ups)
			if err != nil {
				b.Fatal(err)
			}
			s, err := secrets.New(secrets.Options{Root: work})
			if err != nil {
				b.Fatal(err)
			}
			t := &scan.Target{Root: work, Mode: scan.ModeRange, Range: p.Range()}
			for b.Loop() {
				if _, err := s.Scan(ctx, t); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGitLog is the floor of any history scan: git log -p of the range.
func BenchmarkGitLog(b *testing.B) {
	ctx := context.Background()
	for _, in := range []string{"plain1", "plain20"} {
		b.Run(in, func(b *testing.B) {
			work, ups := benchInput(b, in)
			p, err := Plan(ctx, work, ups)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := gitOut(ctx, work, nil, append([]string{"log", "-p", "-U0"}, p.Revisions()...)...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRun: the whole check in-process (no process start-up), with the
// engine's configuration, scanners, suppressions and gate. It reports the
// time spent in the scanners and in the engine around them.
func BenchmarkRun(b *testing.B) {
	ctx := context.Background()
	for _, in := range benchInputs {
		b.Run(in, func(b *testing.B) {
			work, ups := benchInput(b, in)
			var scanners, engineTotal time.Duration
			for b.Loop() {
				res := Run(ctx, Options{Dir: work, Updates: ups, Out: io.Discard, Scan: func(ctx context.Context, o engine.Options) (*scan.Report, error) {
					start := time.Now()
					rep, err := engine.Scan(ctx, o)
					engineTotal += time.Since(start)
					if rep != nil {
						var longest int64
						for _, s := range rep.Scanners {
							longest = max(longest, s.DurationMS)
						}
						scanners += time.Duration(longest) * time.Millisecond
					}
					return rep, err
				}})
				if res.Exit != 0 {
					b.Fatalf("exit %d", res.Exit)
				}
			}
			b.ReportMetric(float64(scanners.Milliseconds())/float64(b.N), "scanners-ms/op")
			b.ReportMetric(float64((engineTotal-scanners).Milliseconds())/float64(b.N), "engine-other-ms/op")
		})
	}
}
