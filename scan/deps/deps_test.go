package deps

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan"
)

// childArg makes the test binary act as govulncheck's isolated child.
const childArg = "pipeguard-govulncheck-child"

func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == childArg {
		os.Exit(RunGovulncheck(context.Background(), os.Args[2:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// repoRoot is the module root, two folders up from this package.
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

func testdata(t testing.TB, parts ...string) string {
	t.Helper()
	return filepath.Join(append([]string{repoRoot(t), "testdata", "deps"}, parts...)...)
}

// selfExec runs govulncheck in this test binary, isolated.
func selfExec(t testing.TB) []string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return []string{exe, childArg}
}

func needGo(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not in PATH")
	}
}

func runScan(t testing.TB, s *Scanner, root string) *scan.Result {
	t.Helper()
	res, err := s.Scan(context.Background(), &scan.Target{Root: root, Mode: scan.ModeTree})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return res
}

// brief is what a test asserts about a finding.
type brief struct {
	Rule, Name, Version, Fixed, Reach, Path string
	Line                                    int
	Severity                                scan.Severity
	Blocking                                bool
}

func briefs(fs []scan.Finding) []brief {
	var out []brief
	for _, f := range fs {
		b := brief{Rule: f.Rule, Path: f.Path, Line: f.Line, Severity: f.Severity, Blocking: f.Blocking}
		if d := f.Dependency; d != nil {
			b.Name, b.Version, b.Fixed, b.Reach = d.Name, d.Version, d.Fixed, d.Reachability
		}
		out = append(out, b)
	}
	return out
}

func sameBriefs(t *testing.T, got []scan.Finding, want []brief) {
	t.Helper()
	g := briefs(got)
	if !slices.Equal(g, want) {
		t.Errorf("findings:\n got %+v\nwant %+v", g, want)
	}
}

func hasNote(notes []string, sub string) bool {
	for _, n := range notes {
		if strings.Contains(n, sub) {
			return true
		}
	}
	return false
}
