package deps

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// The memory budget of symbol analysis.
//
// govulncheck's symbol analysis holds the syntax, types and SSA of every
// package of the build at once: on a module of caddy's size its live heap
// passes 2 GB, and its peak resident memory is about 3.4 GB. The budget is
// the hard stop (the RSS watchdog of runChild kills the child past it and
// the module keeps its package-level result with a note); the child's
// GOMEMLIMIT, a little under it, only makes the GC work harder so that an
// analysis that fits does not get killed for garbage. A soft limit close to
// the live heap costs a lot, though: with a fixed 3 GB budget the GC ran
// nearly all the time on caddy (2.0x CPU, 3.3x wall time against the
// govulncheck command). So by default the budget is derived from the memory
// the machine, or the cgroup the scan runs in, has available when the scan
// starts: AutoMemoryBudget. It then binds only where the alternative is the
// kernel's OOM killer taking the job down, and there a slower symbol analysis
// (the Go runtime caps the GC at half the CPU), or a package-level result with
// a note, is the better outcome.

// AutoMemoryBudget, as Options.MemoryBudget, derives the budget from the
// memory available when the scan starts (see autoMemoryBudget).
const AutoMemoryBudget int64 = -1

// DefaultMemoryBudget is the automatic budget where available memory cannot
// be read (not Linux): it fits CI runners with 7 GB of memory.
const DefaultMemoryBudget = 3 << 30

// minAutoBudget is the least automatic budget: below it even a small
// module's symbol analysis would not fit, so the budget would only turn a
// possible success into a fallback.
const minAutoBudget = 512 << 20

// softLimit is the GOMEMLIMIT given to a child under budget: a tenth below
// the hard stop, for the runtime's own memory (stacks, fragmentation) that
// RSS counts and the soft limit does not see exactly.
func softLimit(budget int64) int64 {
	return budget / 10 * 9
}

// autoMemoryBudget is three quarters of the memory available under root
// ("/" outside tests): the rest is left to the scan's own process (the
// other scanners run beside the audit) and to whatever else runs on the
// machine. It returns the budget and what it was derived from, for a note.
func autoMemoryBudget(root string) (int64, string) {
	avail, from, ok := availableMemory(root)
	if !ok {
		return DefaultMemoryBudget, "available memory unknown"
	}
	b := avail / 4 * 3
	if b < minAutoBudget {
		b = minAutoBudget
	}
	return b, fmt.Sprintf("3/4 of the %s available %s", mib(avail), from)
}

// availableMemory is the memory a new process can use under root: the
// least of the system's MemAvailable and, for each cgroup (v2 or v1)
// above this process that sets a memory limit, that limit less what the
// cgroup already uses. ok is false when none can be read.
func availableMemory(root string) (n int64, from string, ok bool) {
	if n = meminfoAvailable(filepath.Join(root, "proc", "meminfo")); n > 0 {
		from, ok = "on the machine", true
	}
	for _, room := range cgroupRooms(root) {
		if !ok || room < n {
			n, from, ok = room, "to its cgroup", true
		}
	}
	return n, from, ok
}

// meminfoAvailable reads MemAvailable (else MemTotal) from /proc/meminfo, in bytes.
func meminfoAvailable(file string) int64 {
	f, err := os.Open(file)
	if err != nil {
		return 0
	}
	defer f.Close()
	var avail, total int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		switch key {
		case "MemAvailable":
			avail = kb << 10
		case "MemTotal":
			total = kb << 10
		}
	}
	if avail > 0 {
		return avail
	}
	return total
}

// cgroupRooms is, for each cgroup from this process's up to the root of the
// hierarchy that sets a memory limit, the limit less the current usage
// (never below 0). cgroup v2 (memory.max, memory.current) and v1
// (memory.limit_in_bytes, memory.usage_in_bytes; an "unlimited" v1 limit is
// a huge number and is skipped).
func cgroupRooms(root string) []int64 {
	b, err := os.ReadFile(filepath.Join(root, "proc", "self", "cgroup"))
	if err != nil {
		return nil
	}
	var rooms []int64
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		// hierarchy-ID:controllers:path
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		var dir, maxFile, curFile string
		switch {
		case parts[0] == "0" && parts[1] == "":
			dir, maxFile, curFile = filepath.Join(root, "sys", "fs", "cgroup"), "memory.max", "memory.current"
		case hasController(parts[1], "memory"):
			dir, maxFile, curFile = filepath.Join(root, "sys", "fs", "cgroup", "memory"), "memory.limit_in_bytes", "memory.usage_in_bytes"
		default:
			continue
		}
		// Inside a container the path is often not under the mount (the
		// mount is the container's own cgroup): then read the mount's root.
		for p := path.Clean("/" + parts[2]); ; p = path.Dir(p) {
			limit := readCgroupInt(filepath.Join(dir, filepath.FromSlash(p), maxFile))
			if limit > 0 && limit < 1<<60 {
				room := limit - readCgroupInt(filepath.Join(dir, filepath.FromSlash(p), curFile))
				rooms = append(rooms, max(room, 0))
			}
			if p == "/" {
				break
			}
		}
	}
	return rooms
}

func hasController(list, name string) bool {
	for _, c := range strings.Split(list, ",") {
		if c == name {
			return true
		}
	}
	return false
}

// readCgroupInt reads a cgroup file holding one number; 0 when it holds
// none ("max", missing).
func readCgroupInt(file string) int64 {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// mib formats a byte count for a note.
func mib(n int64) string {
	if n >= 10<<30 {
		return fmt.Sprintf("%d GiB", n>>30)
	}
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%d MiB", n>>20)
}

// AvailableMemory is the memory a new process can use: the least of the
// machine's MemAvailable and the room left under each cgroup memory limit
// above this process. ok is false when none can be read (not Linux).
func AvailableMemory() (n int64, ok bool) {
	n, _, ok = availableMemory("/")
	return n, ok
}
