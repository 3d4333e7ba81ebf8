//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package deps

import "os"

// childMaxRSS is not known on this platform.
func childMaxRSS(*os.ProcessState) int64 { return 0 }
