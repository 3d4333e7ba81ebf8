//go:build linux || darwin || freebsd || netbsd || openbsd

package deps

import (
	"os"
	"runtime"
	"syscall"
)

// childMaxRSS is the peak resident memory of a finished child, in bytes.
func childMaxRSS(ps *os.ProcessState) int64 {
	if ps == nil {
		return 0
	}
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok || ru == nil {
		return 0
	}
	if runtime.GOOS == "darwin" {
		return int64(ru.Maxrss) // bytes on macOS
	}
	return int64(ru.Maxrss) << 10 // kilobytes elsewhere
}
