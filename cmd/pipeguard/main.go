// Command pipeguard is a pipeline guard for API services: it finds leaked
// secrets, vulnerable dependencies and unsafe FastAPI and deployment
// configuration, decides with a Rego gate whether the build fails, and
// reports to terminals, files and GitHub.
//
// Exit codes: 0 pass, 1 blocking findings, 2 scan incomplete, 3 usage or
// configuration error, 130 interrupted (SIGINT or SIGTERM; the reports
// asked for are still written, marked incomplete).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
)

func main() {
	tuneGC(os.Args[1:], os.Getenv)
	stopProfile := startProfile(os.Getenv("PIPEGUARD_CPUPROFILE"))
	code := run(Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv})
	stopProfile()
	os.Exit(code)
}

// startProfile writes a CPU profile of the whole process to path when it
// is set (PIPEGUARD_CPUPROFILE, for benchmarks: go tool pprof BIN FILE);
// the returned function ends it.
func startProfile(path string) func() {
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "pipeguard: cpu profile: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "pipeguard: cpu profile: %v\n", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// run is the process: Main under a context that SIGINT and SIGTERM
// cancel. After the first signal the default handling comes back, so a
// second one stops pipeguard at once.
func run(s Streams) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
	}()
	return Main(ctx, os.Args[1:], s)
}
