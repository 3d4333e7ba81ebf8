package target

import (
	"context"

	"github.com/pipeguard/pipeguard/scan/git"
)

// ReadFilesAt reads many files at many commits with one git process: specs
// are "commit:path", path relative to dir. It is git.ReadFilesAt, kept here
// for the packages that read files through target.
func ReadFilesAt(ctx context.Context, dir string, specs []string) (map[string][]byte, error) {
	return git.ReadFilesAt(ctx, dir, specs)
}
