package hook

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/pipeguard/pipeguard/scan/target"
)

// git runs git in dir with args and returns its standard output. A failure
// is reported with git's own message.
func git(ctx context.Context, dir string, stdin io.Reader, args ...string) ([]byte, error) {
	cmd := target.Command(ctx, dir, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdin = stdin
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return stdout.Bytes(), fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	return stdout.Bytes(), nil
}

// gitLines runs git and splits its output into non-empty lines.
func gitLines(ctx context.Context, dir string, stdin io.Reader, args ...string) ([]string, error) {
	out, err := git(ctx, dir, stdin, args...)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimRight(l, "\r"); l != "" {
			lines = append(lines, l)
		}
	}
	return lines, nil
}
