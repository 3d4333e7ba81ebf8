package audit

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pipeguard/pipeguard/scan/engine"
	"github.com/pipeguard/pipeguard/scan/gittest"
)

// benchRepos builds n small repositories: a few commits each, a Python
// service, a go.mod, and in every fifth one a token committed then removed.
func benchRepos(b *testing.B, n int) []Target {
	b.Helper()
	gittest.Setup(b)
	root := b.TempDir()
	var ts []Target
	for i := range n {
		repo := gittest.Init(b, filepath.Join(root, fmt.Sprintf("svc-%02d", i)))
		repo.CommitFiles("init", map[string]string{
			"README.md":        fmt.Sprintf("# service %d\n", i),
			"app/main.py":      "from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get('/health')\ndef health():\n    return {'ok': True}\n",
			"requirements.txt": "fastapi==0.110.0\nuvicorn==0.29.0\n",
			"go.mod":           fmt.Sprintf("module example.com/svc%d\n\ngo 1.22\n", i),
		})
		for c := range 4 {
			files := map[string]string{fmt.Sprintf("app/mod%d.py", c): strings.Repeat(fmt.Sprintf("x%d = %d\n", c, c), 40)}
			if i%5 == 0 && c == 1 {
				files["app/settings.py"] = "TOKEN = \"ghp_" + strings.Repeat("aB3dE5gH7j", 4)[:36] + "\"\n"
			}
			if i%5 == 0 && c == 2 {
				files["app/settings.py"] = "import os\nTOKEN = os.environ['TOKEN']\n"
			}
			repo.CommitFiles(fmt.Sprintf("change %d", c), files)
		}
		ts = append(ts, Target{Name: fmt.Sprintf("acme/svc-%02d", i), URL: repo.Dir})
	}
	return ts
}

// BenchmarkAudit audits 50 repositories with --jobs 1 and --jobs 4 and
// reports repositories per minute. The dependency scan runs offline
// against the small test database.
func BenchmarkAudit(b *testing.B) {
	ts := benchRepos(b, 50)
	vulndb, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "deps", "go", "vulndb"))
	for _, jobs := range []int{1, 4} {
		b.Run(fmt.Sprintf("jobs=%d", jobs), func(b *testing.B) {
			var total time.Duration
			runs := 0
			for b.Loop() {
				start := time.Now()
				a, err := Run(context.Background(), Options{Targets: ts, Jobs: jobs,
					Scan: engine.Options{GoVulnDB: vulndb, Online: false}})
				if err != nil {
					b.Fatal(err)
				}
				if a.Totals.Errors > 0 || a.Totals.Fail != 10 {
					b.Fatalf("totals %+v: want 50 audited, 10 failing", a.Totals)
				}
				total += time.Since(start)
				runs++
			}
			perRun := total / time.Duration(runs)
			b.ReportMetric(float64(len(ts))/perRun.Minutes(), "repos/min")
		})
	}
}
