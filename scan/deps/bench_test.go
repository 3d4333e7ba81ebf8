package deps

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/mod/modfile"
	"gopkg.in/yaml.v3"

	"github.com/pipeguard/pipeguard/scan"
)

// Benchmarks (skipped when ../shared/data is absent):
//
//	go test -tags gore2regex ./scan/deps -run '^$' -bench . -benchtime 2x -timeout 60m
//
// BenchmarkGoAudit compares the Go audit of a mid-size module (gitleaks
// v8.30.1 from the module cache, or $PIPEGUARD_BENCH_GO_MODULE, e.g. a copy
// of caddy) with the govulncheck command v1.9.0 on the same module and
// database (wall time, CPU time of the child processes, peak RSS), and times
// a re-run on unchanged inputs (cache). The audit runs under
// $PIPEGUARD_BENCH_BUDGET bytes (default: DefaultMemoryBudget, as a scan
// has it; 0 for none). testdata/bench/goaudit has the cold-cache script. BenchmarkPythonMatch500 matches a
// 500-package requirements file against the whole PyPA advisory folder.

func benchModule(b *testing.B) string {
	b.Helper()
	src := os.Getenv("PIPEGUARD_BENCH_GO_MODULE")
	if src == "" {
		out, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err != nil {
			b.Skip("go env GOMODCACHE:", err)
		}
		src = filepath.Join(strings.TrimSpace(string(out)), "github.com", "zricethezav", "gitleaks", "v8@v8.30.1")
	}
	if _, err := os.Stat(filepath.Join(src, "go.mod")); err != nil {
		b.Skipf("no module to benchmark at %s (set PIPEGUARD_BENCH_GO_MODULE)", src)
	}
	dst := filepath.Join(b.TempDir(), "module")
	copyTree(b, src, dst)
	dl := exec.Command("go", "mod", "download")
	dl.Dir = dst
	if out, err := dl.CombinedOutput(); err != nil {
		b.Skipf("go mod download in %s: %v\n%s", dst, err, out)
	}
	return dst
}

// govulncheckBin installs the govulncheck command into a temporary GOBIN.
func govulncheckBin(b *testing.B) string {
	b.Helper()
	if p := os.Getenv("PIPEGUARD_BENCH_GOVULNCHECK"); p != "" {
		return p
	}
	gobin := b.TempDir()
	cmd := exec.Command("go", "install", "golang.org/x/vuln/cmd/govulncheck@v1.9.0")
	cmd.Env = append(os.Environ(), "GOBIN="+gobin, "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Skipf("go install govulncheck: %v\n%s", err, out)
	}
	return filepath.Join(gobin, "govulncheck")
}

func BenchmarkGoAudit(b *testing.B) {
	db := sharedData(b, "go-vulndb")
	needGo(b)
	dir := benchModule(b)
	bin := govulncheckBin(b)
	dbURL, err := GoVulnDBURL(db)
	if err != nil {
		b.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		b.Fatal(err)
	}
	f, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		b.Fatal(err)
	}
	m := &goModule{Dir: dir, Rel: "go.mod", File: f}
	goBin, _ := exec.LookPath("go")
	dbMod, err := goDBModified(context.Background(), dbURL, nil)
	if err != nil {
		b.Fatal(err)
	}
	cache := b.TempDir()
	newAuditor := func(cacheDir string) *goAuditor {
		return &goAuditor{dbURL: dbURL, dbMod: dbMod, run: &runner{exec: selfExec(b)}, goBin: goBin,
			goVersion: goVersion(context.Background(), goBin, nil), cacheDir: cacheDir}
	}

	var oursT, refT, cachedT, oursCPU, refCPU time.Duration
	var oursMem, refMem int64
	var level string
	var vulns int
	for i := 0; i < b.N; i++ {
		// The reference: the govulncheck command, symbol level, JSON.
		reference := func() {
			start, cpu := time.Now(), childrenCPU()
			cmd := exec.Command(bin, "-db", dbURL, "-format", "json", "-C", dir, "./...")
			var stderr strings.Builder
			cmd.Stdout, cmd.Stderr = io.Discard, &stderr
			cmd.Env = append(os.Environ(), "GOWORK=off")
			if err := cmd.Run(); err != nil {
				b.Fatalf("govulncheck: %v\n%s", err, stderr.String())
			}
			refT += time.Since(start)
			refCPU += childrenCPU() - cpu
			refMem = max(refMem, childMaxRSS(cmd.ProcessState))
		}
		// pipeguard: one symbol-level run (cgo left out when the call graph
		// does not need it), isolated, under the default memory budget as a
		// scan has it.
		ours := func() {
			a := newAuditor(cache)
			os.RemoveAll(cache)
			start, cpu := time.Now(), childrenCPU()
			res, err := a.audit(context.Background(), m, benchBudget())
			if err != nil {
				b.Fatal(err)
			}
			if res.Degraded {
				b.Fatalf("degraded audit: %q", res.Notes)
			}
			oursT += time.Since(start)
			oursCPU += childrenCPU() - cpu
			oursMem = max(oursMem, res.PeakRSS)
			level, vulns = res.Level, len(res.Vulns)
		}
		// Alternate which goes first, so warm caches favour neither.
		if i%2 == 0 {
			reference()
			ours()
		} else {
			ours()
			reference()
		}

		// A re-run on unchanged inputs.
		start := time.Now()
		again, err := newAuditor(cache).audit(context.Background(), m, 0)
		if err != nil || !again.Cached {
			b.Fatalf("re-run not served from the cache: %v", err)
		}
		cachedT += time.Since(start)
	}
	n := float64(b.N)
	b.ReportMetric(oursT.Seconds()/n, "pipeguard-s/op")
	b.ReportMetric(refT.Seconds()/n, "govulncheck-s/op")
	b.ReportMetric(oursT.Seconds()/refT.Seconds(), "time-ratio")
	b.ReportMetric(oursCPU.Seconds()/n, "pipeguard-cpu-s/op")
	b.ReportMetric(refCPU.Seconds()/n, "govulncheck-cpu-s/op")
	b.ReportMetric(oursCPU.Seconds()/refCPU.Seconds(), "cpu-ratio")
	b.ReportMetric(float64(oursMem)/(1<<20), "pipeguard-peak-MiB")
	b.ReportMetric(float64(refMem)/(1<<20), "govulncheck-peak-MiB")
	b.ReportMetric(float64(oursMem)/float64(refMem), "mem-ratio")
	b.ReportMetric(float64(cachedT.Milliseconds())/n, "cached-rerun-ms")
	b.Logf("%s: %s level, %d advisories", filepath.Base(dir), level, vulns)
}

// BenchmarkGoAuditNoImportedVuln is the case of a module that requires a
// vulnerable module but imports none of its packages (testdata/deps/go/requires):
// symbol analysis is skipped altogether.
func BenchmarkGoAuditNoImportedVuln(b *testing.B) {
	db := sharedData(b, "go-vulndb")
	needGo(b)
	dbURL, _ := GoVulnDBURL(db)
	bin := govulncheckBin(b)
	dir := testdata(b, "go", "requires")
	var oursT, refT time.Duration
	var oursMem, refMem int64
	for i := 0; i < b.N; i++ {
		start := time.Now()
		cmd := exec.Command(bin, "-db", dbURL, "-format", "json", "-C", dir, "./...")
		var stderr strings.Builder
		cmd.Stdout, cmd.Stderr = io.Discard, &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("govulncheck: %v\n%s", err, stderr.String())
		}
		refT += time.Since(start)
		refMem = max(refMem, childMaxRSS(cmd.ProcessState))

		gomod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
		f, _ := modfile.Parse("go.mod", gomod, nil)
		goBin, _ := exec.LookPath("go")
		a := &goAuditor{dbURL: dbURL, run: &runner{exec: selfExec(b)}, goBin: goBin}
		start = time.Now()
		res, err := a.audit(context.Background(), &goModule{Dir: dir, Rel: "go.mod", File: f}, 0)
		if err != nil {
			b.Fatal(err)
		}
		oursT += time.Since(start)
		oursMem = max(oursMem, res.PeakRSS)
	}
	b.ReportMetric(oursT.Seconds()/refT.Seconds(), "time-ratio")
	b.ReportMetric(float64(oursMem)/float64(refMem), "mem-ratio")
}

// bench500 writes a requirements.txt of 500 packages of the PyPA folder,
// each pinned to a version that its first advisory lists.
func bench500(b *testing.B, db string) string {
	b.Helper()
	dirs, err := os.ReadDir(filepath.Join(db, "vulns"))
	if err != nil {
		b.Fatal(err)
	}
	var names []string
	for _, d := range dirs {
		if d.IsDir() {
			names = append(names, d.Name())
		}
	}
	sort.Strings(names)
	if len(names) < 500 {
		b.Skipf("only %d packages in %s", len(names), db)
	}
	var sb strings.Builder
	for _, n := range names[:500] {
		v := "1.0.0"
		files, _ := filepath.Glob(filepath.Join(db, "vulns", n, "*.yaml"))
		if len(files) > 0 {
			data, _ := os.ReadFile(files[0])
			var e osvEntry
			if yaml.Unmarshal(data, &e) == nil && len(e.Affected) > 0 && len(e.Affected[0].Versions) > 0 {
				v = e.Affected[0].Versions[len(e.Affected[0].Versions)-1]
			}
		}
		fmt.Fprintf(&sb, "%s==%s\n", n, v)
	}
	root := b.TempDir()
	if err := os.WriteFile(filepath.Join(root, "requirements.txt"), []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	return root
}

func BenchmarkPythonMatch500(b *testing.B) {
	db := sharedData(b, "pypi-advisories")
	root := bench500(b, db)
	// The reference: just reading every record file of the folder.
	start := time.Now()
	var size int64
	filepath.WalkDir(db, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			data, _ := os.ReadFile(p)
			size += int64(len(data))
		}
		return nil
	})
	readAll := time.Since(start)
	b.Logf("reading the %d MiB folder alone took %s", size>>20, readAll)
	for _, mode := range []string{"cold", "cached"} {
		b.Run(mode, func(b *testing.B) {
			opts := Options{OSVDB: db, SkipGo: true}
			if mode == "cached" {
				opts.CacheDir = b.TempDir()
			}
			s, err := New(opts)
			if err != nil {
				b.Fatal(err)
			}
			if mode == "cached" {
				runScan(b, s, root) // fills the cache
			}
			b.ResetTimer()
			var findings int
			for i := 0; i < b.N; i++ {
				res, err := s.Scan(context.Background(), &scan.Target{Root: root, Mode: scan.ModeTree})
				if err != nil || len(res.Errors) > 0 {
					b.Fatalf("%v %+v", err, res.Errors)
				}
				findings = len(res.Findings)
			}
			b.StopTimer()
			per := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(per.Milliseconds()), "ms/scan")
			b.ReportMetric(per.Seconds()/readAll.Seconds(), "ratio-to-reading-the-files")
			b.ReportMetric(float64(findings), "findings")
		})
	}
}

// benchBudget is the memory budget of the benchmarked audit.
func benchBudget() int64 {
	if v := os.Getenv("PIPEGUARD_BENCH_BUDGET"); v != "" {
		var n int64
		fmt.Sscan(v, &n)
		return n
	}
	return DefaultMemoryBudget
}
