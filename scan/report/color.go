package report

import (
	"io"
	"os"

	"golang.org/x/term"
)

// ColorEnabled reports whether the text format should use colour on w: only
// when w is a terminal, NO_COLOR is unset or empty (https://no-color.org)
// and TERM is not "dumb". env looks up environment variables; nil means
// os.Getenv.
func ColorEnabled(w io.Writer, env func(string) string) bool {
	if env == nil {
		env = os.Getenv
	}
	if env("NO_COLOR") != "" || env("TERM") == "dumb" {
		return false
	}
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}
