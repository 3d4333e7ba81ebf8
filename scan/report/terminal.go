package report

// Clean makes s safe to print on one terminal line, the way the text
// report prints every name and message: line breaks and tabs become
// spaces, other control characters (escape sequences that could rewrite
// the terminal) and bidirectional overrides are shown escaped. Every text
// output of pipeguard (the pre-push hook's lines, the messages on stderr,
// the audit's progress) goes through it.
func Clean(s string) string { return clean(s) }
