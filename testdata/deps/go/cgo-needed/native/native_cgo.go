//go:build cgo

// Package native parses a language tag after a round trip through C.
package native

// static int twice(int a) { return 2 * a; }
import "C"

import "golang.org/x/text/language"

// Tag parses s with language.Parse.
func Tag(s string) string {
	_ = C.twice(1)
	t, err := language.Parse(s)
	if err != nil {
		return ""
	}
	return t.String()
}
