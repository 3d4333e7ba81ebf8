package hook

import (
	"context"
	"io"

	"github.com/pipeguard/pipeguard/scan/git"
)

// gitOut runs git in dir (scan/git: one environment, one error handling)
// and returns its standard output.
func gitOut(ctx context.Context, dir string, stdin io.Reader, args ...string) ([]byte, error) {
	return git.Runner{Dir: dir}.RunInput(ctx, stdin, args...)
}

// gitLines runs git and splits its output into non-empty lines.
func gitLines(ctx context.Context, dir string, stdin io.Reader, args ...string) ([]string, error) {
	return git.Runner{Dir: dir}.LinesInput(ctx, stdin, args...)
}
