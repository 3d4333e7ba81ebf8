//go:build linux || darwin || freebsd || netbsd || openbsd

package deps

import (
	"syscall"
	"time"
)

// childrenCPU is the user and system time of this process's finished
// children (and theirs), for benchmarks.
func childrenCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
