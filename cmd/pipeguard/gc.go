package main

import (
	"runtime/debug"

	"github.com/pipeguard/pipeguard/scan/deps"
)

// gcPercent is the GC target pipeguard runs with unless GOGC is set. A
// scan allocates a lot of short-lived memory (syntax trees, facts, rule
// inputs) over a live heap of a few hundred MB at most: at Go's default of
// 100 the collector took a tenth of the config scanner's CPU on fastapi;
// at 400 the whole scan is about 10% cheaper for about a third more memory.
const gcPercent = 400

// gcSettings says how the collector runs: GOGC and GOMEMLIMIT, when set,
// are the user's and stay as they are (percent or limit < 0: leave it).
// Otherwise the GC target is gcPercent, bounded by a soft memory limit of a
// quarter of the memory available (as avail, deps.AvailableMemory, gives
// it, read only then): the share the Go audit's automatic memory budget (three
// quarters) leaves to this process, so that the larger target never takes
// memory the machine does not have. Where the available memory is unknown,
// the limit is that share of the machine deps.DefaultMemoryBudget assumes;
// where that share is under minSoftLimit, Go's defaults stay.
// The govulncheck child (db govulncheck) keeps Go's defaults: its live heap
// is the large one, and its memory is the deps scanner's budget to manage.
func gcSettings(args []string, getenv func(string) string, avail func() (int64, bool)) (percent int, limit int64) {
	percent, limit = -1, -1
	if getenv("GOGC") != "" || len(args) >= 2 && args[0] == "db" && args[1] == dbChildCmd {
		return percent, limit
	}
	percent = gcPercent
	if getenv("GOMEMLIMIT") == "" {
		limit = deps.DefaultMemoryBudget / 3
		if n, ok := avail(); ok {
			limit = n / 4
		}
		if limit < minSoftLimit {
			// Little memory is free (in a container, page cache that
			// fills the cgroup counts as used): under a limit below the
			// live heap the collector would run at its CPU cap, worse
			// than Go's defaults, which stay.
			return -1, -1
		}
	}
	return percent, limit
}

// minSoftLimit is the smallest soft memory limit gcSettings sets: a scan's
// live heap is a few hundred MB at most (fastapi's config scan peaks at
// about 235 MB at gcPercent).
const minSoftLimit = 256 << 20

// tuneGC applies gcSettings to this process, run with args.
func tuneGC(args []string, getenv func(string) string) {
	percent, limit := gcSettings(args, getenv, deps.AvailableMemory)
	if limit >= 0 {
		debug.SetMemoryLimit(limit)
	}
	if percent >= 0 {
		debug.SetGCPercent(percent)
	}
}
