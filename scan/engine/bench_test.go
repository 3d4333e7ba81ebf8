package engine

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan"
)

// cpuTime is this process's user+system CPU time: on a shared machine a
// steadier measure than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkWholeScan times each scanner alone and all of them together on
// one tree, in the same run, offline: $PIPEGUARD_BENCH_TREE (a checkout
// such as fastapi), else the bundled example. The local databases are
// $PIPEGUARD_BENCH_DATA (../shared/data by default); without them the
// deps scanner audits nothing and says so. The goal (issue 14) is that
// "all" costs at most 1.2x the slowest scanner alone, in both wall and CPU
// time; the scanners share the file list and the reads of the files.
//
//	PIPEGUARD_BENCH_TREE=/work/corpus/speed/fastapi+fastapi \
//	  go test -tags gore2regex -run XXX -bench WholeScan -benchtime 3x ./scan/engine/
func BenchmarkWholeScan(b *testing.B) {
	_, file, _, _ := runtime.Caller(0)
	here := filepath.Dir(file)
	root := os.Getenv("PIPEGUARD_BENCH_TREE")
	if root == "" {
		root = filepath.Join(here, "..", "..", "testdata", "example")
	}
	data := os.Getenv("PIPEGUARD_BENCH_DATA")
	if data == "" {
		data = filepath.Join(here, "..", "..", "..", "shared", "data")
	}
	cache := NewCache()
	base := Options{Root: root, Offline: true, CacheDir: b.TempDir(), Cache: cache,
		GoVulnDB: filepath.Join(data, "go-vulndb"), OSVDB: filepath.Join(data, "pypi-advisories")}
	// Fill the Go audit's result cache and the page cache: this measures
	// the scanners' own work, not govulncheck (scan/deps benchmarks it).
	if _, err := Scan(context.Background(), base); err != nil {
		b.Fatal(err)
	}
	all := "secrets,deps,config"
	wall, cpu := map[string]time.Duration{}, map[string]time.Duration{}
	for _, names := range []string{"secrets", "deps", "config", all} {
		b.Run(names, func(b *testing.B) {
			opts := base
			opts.Scanners = strings.Split(names, ",")
			cpu0, start := cpuTime(), time.Now()
			for b.Loop() {
				rep, err := Scan(context.Background(), opts)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Verdict == scan.Verdict("") {
					b.Fatal("no verdict")
				}
			}
			wall[names] = time.Since(start) / time.Duration(b.N)
			cpu[names] = (cpuTime() - cpu0) / time.Duration(b.N)
			b.ReportMetric(cpu[names].Seconds(), "cpu-s/op")
		})
	}
	slowest := func(m map[string]time.Duration) time.Duration {
		return max(m["secrets"], m["deps"], m["config"])
	}
	if slowest(wall) > 0 && slowest(cpu) > 0 {
		b.Logf("all scanners / slowest alone: %.2fx wall, %.2fx CPU (goal 1.2x)",
			float64(wall[all])/float64(slowest(wall)), float64(cpu[all])/float64(slowest(cpu)))
	}
}
