//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package deps

import "time"

// childrenCPU is not measured on this system.
func childrenCPU() time.Duration { return 0 }
