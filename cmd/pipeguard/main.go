// Command pipeguard is a pipeline guard for API services: it finds leaked
// secrets, vulnerable dependencies and unsafe FastAPI and deployment
// configuration, decides with a Rego gate whether the build fails, and
// reports to terminals, files and GitHub.
//
// Exit codes: 0 pass, 1 blocking findings, 2 scan incomplete, 3 usage or
// configuration error.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], Streams{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
