package deps

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// --offline means no download by any go command pipeguard runs: not the
// modules a project needs (217 MB for one application), not a toolchain a
// go.mod asks for. A module proxy that counts requests stands in for the
// network; a module cache left empty makes every module missing. Offline,
// the proxy is never asked, the audit falls back to module level with a note
// saying why, and the scan is incomplete since advisories apply (issue 12,
// items 6 and 7). Online, the same scan asks the proxy: the test would see a
// download.
func TestHostileOfflineNoDownload(t *testing.T) {
	needGo(t)
	var hits atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.NotFound(w, r)
	}))
	defer proxy.Close()
	t.Setenv("GOPROXY", proxy.URL)
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GONOSUMDB", "")
	t.Setenv("GOPRIVATE", "")
	t.Setenv("GOTOOLCHAIN", "auto")
	t.Setenv("GOMODCACHE", t.TempDir())

	// calls without its vendor folder: golang.org/x/text must come from the
	// module cache, which is empty.
	missing := t.TempDir()
	for _, f := range []string{"go.mod", "go.sum", "main.go"} {
		b, err := os.ReadFile(testdata(t, "go", "calls", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(missing, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A go.mod that asks for a Go release this one is not: the go command
	// would download that toolchain.
	newer := t.TempDir()
	copyTree(t, testdata(t, "go", "calls"), newer)
	if err := os.WriteFile(filepath.Join(newer, "go.mod"), []byte("module example.com/calls\n\ngo 1.99\n\ntoolchain go1.99.1\n\nrequire golang.org/x/text v0.3.5\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct{ name, root string }{{"modules missing", missing}, {"newer toolchain", newer}} {
		t.Run(tt.name, func(t *testing.T) {
			hits.Store(0)
			res := runScan(t, goScanner(t, Options{Exec: selfExec(t), Offline: true}), tt.root)
			if n := hits.Load(); n != 0 {
				t.Fatalf("offline: the module proxy was asked %d times", n)
			}
			if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "incomplete") {
				t.Errorf("offline: errors %+v, want one saying the audit is incomplete", res.Errors)
			}
			if tt.name == "modules missing" && !hasNote(res.Notes, "offline: modules missing from the module cache") {
				t.Errorf("offline: notes %q do not say why", res.Notes)
			}
			if len(res.Findings) != 3 {
				t.Errorf("offline: findings %+v, want the three advisories at module level", briefs(res.Findings))
			}
			for _, f := range res.Findings {
				if f.Dependency.Reachability != ReachUnknown {
					t.Errorf("offline: %s claims reachability %s", f.Rule, f.Dependency.Reachability)
				}
			}

			// The control: the same scan online does reach the proxy.
			hits.Store(0)
			runScan(t, goScanner(t, Options{Exec: selfExec(t)}), tt.root)
			if hits.Load() == 0 {
				t.Errorf("online: the proxy was never asked, so the offline check proves nothing")
			}
		})
	}
}
