package deps

import (
	"strings"
	"testing"

	"github.com/pipeguard/pipeguard/scan/gittest"
)

// fakeRoot writes files (path relative to the root -> content) under a new folder.
func fakeRoot(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	gittest.WriteFiles(t, root, files)
	return root
}

const meminfo16G = "MemTotal:       16777216 kB\nMemFree:         1000000 kB\nMemAvailable:   12582912 kB\n" // 12 GiB available

func TestAutoMemoryBudget(t *testing.T) {
	const gib = int64(1) << 30
	tests := []struct {
		name  string
		files map[string]string
		want  int64
		from  string
	}{
		{"MemAvailable", map[string]string{"proc/meminfo": meminfo16G}, 9 * gib, "12 GiB available on the machine"},
		{"MemTotal when no MemAvailable", map[string]string{"proc/meminfo": "MemTotal: 8388608 kB\n"}, 6 * gib, "8.0 GiB available on the machine"},
		{"cgroup v2 limit less usage", map[string]string{
			"proc/meminfo":                         meminfo16G,
			"proc/self/cgroup":                     "0::/ci/job\n",
			"sys/fs/cgroup/ci/job/memory.max":      "5368709120\n", // 5 GiB
			"sys/fs/cgroup/ci/job/memory.current":  "1073741824\n", // 1 GiB used
			"sys/fs/cgroup/ci/memory.max":          "max\n",
			"sys/fs/cgroup/memory.max":             "max\n",
			"sys/fs/cgroup/ci/job/memory.peak":     "0\n",
			"sys/fs/cgroup/ci/job/cgroup.controls": "memory\n",
		}, 3 * gib, "4.0 GiB available to its cgroup"},
		{"cgroup v2 unlimited", map[string]string{
			"proc/meminfo":             meminfo16G,
			"proc/self/cgroup":         "0::/\n",
			"sys/fs/cgroup/memory.max": "max\n",
		}, 9 * gib, "on the machine"},
		{"cgroup v2 path outside the container's mount: its root", map[string]string{
			"proc/meminfo":                 meminfo16G,
			"proc/self/cgroup":             "0::/docker/0123abc\n",
			"sys/fs/cgroup/memory.max":     "4294967296\n",
			"sys/fs/cgroup/memory.current": "0\n",
		}, 3 * gib, "to its cgroup"},
		{"parent cgroup tighter than the leaf", map[string]string{
			"proc/meminfo":                     meminfo16G,
			"proc/self/cgroup":                 "0::/a/b\n",
			"sys/fs/cgroup/a/b/memory.max":     "8589934592\n",
			"sys/fs/cgroup/a/memory.max":       "2147483648\n",
			"sys/fs/cgroup/a/memory.current":   "0\n",
			"sys/fs/cgroup/a/b/memory.current": "0\n",
		}, 3 * gib / 2, "to its cgroup"},
		{"cgroup v1 limit", map[string]string{
			"proc/meminfo":     meminfo16G,
			"proc/self/cgroup": "12:cpu,cpuacct:/x\n4:memory:/x\n",
			"sys/fs/cgroup/memory/x/memory.limit_in_bytes":      "2147483648\n",
			"sys/fs/cgroup/memory/x/memory.usage_in_bytes":      "0\n",
			"sys/fs/cgroup/memory/memory.limit_in_bytes":        "9223372036854771712\n", // unlimited
			"sys/fs/cgroup/memory/memory.usage_in_bytes":        "123\n",
			"sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_quota_us":      "-1\n",
			"sys/fs/cgroup/cpu,cpuacct/x/memory.limit_in_bytes": "1\n", // not the memory controller
		}, 3 * gib / 2, "to its cgroup"},
		{"cgroup full: the floor", map[string]string{
			"proc/meminfo":                 meminfo16G,
			"proc/self/cgroup":             "0::/\n",
			"sys/fs/cgroup/memory.max":     "1073741824\n",
			"sys/fs/cgroup/memory.current": "1073741824\n",
		}, minAutoBudget, "to its cgroup"},
		{"nothing readable: the fixed default", nil, DefaultMemoryBudget, "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, from := autoMemoryBudget(fakeRoot(t, tt.files))
			if got != tt.want {
				t.Errorf("budget = %d (%s), want %d", got, mib(got), tt.want)
			}
			if !strings.Contains(from, tt.from) {
				t.Errorf("from = %q, want it to say %q", from, tt.from)
			}
		})
	}
}

// TestSoftLimitHeadroom: the child's GOMEMLIMIT stays under the hard stop,
// and the hard stop is what ends an analysis that does not fit.
func TestSoftLimitHeadroom(t *testing.T) {
	for _, b := range []int64{minAutoBudget, DefaultMemoryBudget, 12 << 30} {
		if s := softLimit(b); s >= b || s < b/10*8 {
			t.Errorf("softLimit(%d) = %d, want just under the budget", b, s)
		}
	}
}

// TestAutoBudgetNote: the automatic budget on the machine running
// the tests is one the scan reports in a note, and the child runs under it.
func TestAutoBudgetNote(t *testing.T) {
	needGo(t)
	res := runScan(t, goScanner(t, Options{Exec: selfExec(t), MemoryBudget: AutoMemoryBudget}), testdata(t, "go", "calls"))
	if !hasNote(res.Notes, "memory budget of symbol analysis") {
		t.Errorf("no note gives the automatic budget: %q", res.Notes)
	}
	if len(res.Errors) != 0 {
		t.Errorf("errors: %v", res.Errors)
	}
	called := false
	for _, f := range res.Findings {
		called = called || f.Dependency.Reachability == ReachCalled
	}
	if !called {
		t.Errorf("symbol analysis did not run under the automatic budget: %+v", briefs(res.Findings))
	}
}

func TestNegativeBudgetRefused(t *testing.T) {
	if _, err := New(Options{MemoryBudget: -2}); err == nil {
		t.Error("a negative budget other than AutoMemoryBudget was accepted")
	}
	if _, err := New(Options{MemoryBudget: AutoMemoryBudget}); err != nil {
		t.Errorf("AutoMemoryBudget refused: %v", err)
	}
}
